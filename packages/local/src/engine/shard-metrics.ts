/**
 * The figures kept per shard, with CloudWatch's names. `max` ones keep the largest value of each
 * second (and of all time as their total); the others add up.
 */
export const METRIC_NAMES = [
  'IncomingBytes',
  'IncomingRecords',
  'PutRecord.Success',
  'PutRecords.SuccessfulRecords',
  'WriteProvisionedThroughputExceeded',
  'ReadProvisionedThroughputExceeded',
  'GetRecords.Success',
  'GetRecords.Bytes',
  'GetRecords.Records',
  'GetRecords.IteratorAgeMilliseconds',
  'SubscribeToShard.Success',
  'SubscribeToShard.RateExceeded',
  'SubscribeToShardEvent.Bytes',
  'SubscribeToShardEvent.Records',
  'SubscribeToShardEvent.MillisBehindLatest',
  'OutgoingBytes',
  'OutgoingRecords',
] as const;

export type MetricName = (typeof METRIC_NAMES)[number];

const MAX_METRICS: ReadonlySet<MetricName> = new Set([
  'GetRecords.IteratorAgeMilliseconds',
  'SubscribeToShardEvent.MillisBehindLatest',
]);

/** How a metric's values of one second (and across shards) combine. */
export function combines(name: MetricName): 'max' | 'sum' {
  return MAX_METRICS.has(name) ? 'max' : 'sum';
}

/** Seconds of per-second history kept: CloudWatch's 5 minutes of 1-second resolution. */
export const METRICS_WINDOW_SECONDS = 300;

/** One second of one shard; a metric is missing when nothing was recorded for it that second. */
interface Bucket {
  second: number;
  readonly values: Map<MetricName, number>;
}

/**
 * A shard's metrics: all-time totals, and a ring of {@link METRICS_WINDOW_SECONDS} one-second
 * buckets, so memory stays bounded however long the endpoint runs. A bucket is reused (cleared)
 * when its slot comes round again; seconds older than the window are not reported.
 */
export class ShardMetrics {
  readonly #ring: (Bucket | undefined)[] = new Array(METRICS_WINDOW_SECONDS);
  readonly #totals = new Map<MetricName, number>();

  /** Adds `value` to a metric (or raises it, for a `max` metric) at `nowMs`. */
  record(name: MetricName, value: number, nowMs: number): void {
    const second = Math.floor(nowMs / 1000);
    const slot =
      ((second % METRICS_WINDOW_SECONDS) + METRICS_WINDOW_SECONDS) % METRICS_WINDOW_SECONDS;
    let bucket = this.#ring[slot];
    if (bucket === undefined) {
      bucket = { second, values: new Map() };
      this.#ring[slot] = bucket;
    } else if (bucket.second !== second) {
      bucket.second = second;
      bucket.values.clear();
    }
    bucket.values.set(name, merge(name, bucket.values.get(name), value));
    this.#totals.set(name, merge(name, this.#totals.get(name), value));
  }

  /** A metric's all-time total (0 if never recorded). */
  total(name: MetricName): number {
    return this.#totals.get(name) ?? 0;
  }

  /**
   * A metric's value per second, oldest first, for the seconds of the window ending at `nowMs`
   * that have one.
   */
  series(name: MetricName, nowMs: number): { t: number; v: number }[] {
    const nowSecond = Math.floor(nowMs / 1000);
    const points: { t: number; v: number }[] = [];
    for (const bucket of this.#ring) {
      if (
        bucket === undefined ||
        bucket.second > nowSecond ||
        bucket.second <= nowSecond - METRICS_WINDOW_SECONDS
      ) {
        continue;
      }
      const value = bucket.values.get(name);
      if (value !== undefined) points.push({ t: bucket.second, v: value });
    }
    return points.sort((a, b) => a.t - b.t);
  }
}

/** Combines two values of a metric; `undefined` is "nothing yet". */
export function merge(name: MetricName, previous: number | undefined, value: number): number {
  if (previous === undefined) return value;
  return combines(name) === 'max' ? Math.max(previous, value) : previous + value;
}
