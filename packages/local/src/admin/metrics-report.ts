import type { Engine, LiveStream } from '../engine/engine.js';
import {
  combines,
  METRIC_NAMES,
  METRICS_WINDOW_SECONDS,
  type MetricName,
  merge,
} from '../engine/shard-metrics.js';

/** One metric: its all-time total and its value per second over the last 5 minutes. */
export interface MetricFigures {
  /** Since the shard was opened (or the endpoint started): a sum, or a max for IteratorAge. */
  readonly total: number;
  /** Oldest first; only the seconds that have a value. `t` is epoch seconds. */
  readonly series: readonly { readonly t: number; readonly v: number }[];
}

/** Every metric by its CloudWatch name (`IncomingBytes`, `GetRecords.Records`, ...). */
export type MetricSet = Readonly<Record<MetricName, MetricFigures>>;

/** A stream's metrics: across its shards, and per shard (closed shards included). */
export interface StreamMetrics {
  readonly streamName: string;
  readonly metrics: MetricSet;
  readonly shards: readonly { readonly shardId: string; readonly metrics: MetricSet }[];
}

/** Every stream's metrics, sorted by stream name. */
export interface MetricsReport {
  /** Seconds of per-second history kept (300). */
  readonly windowSeconds: number;
  readonly streams: readonly StreamMetrics[];
}

/** The metrics of every stream. */
export function metricsReport(engine: Engine): MetricsReport {
  return {
    windowSeconds: METRICS_WINDOW_SECONDS,
    streams: engine.streams().map((stream) => streamMetrics(engine, stream)),
  };
}

/** The metrics of one stream, or `undefined` if there is no stream of that name. */
export function streamMetricsReport(engine: Engine, name: string): StreamMetrics | undefined {
  const stream = engine.streams().find((candidate) => candidate.state.name === name);
  return stream === undefined ? undefined : streamMetrics(engine, stream);
}

function streamMetrics(engine: Engine, stream: LiveStream): StreamMetrics {
  const nowMs = engine.clock.now();
  const shards = stream.state.shards.flatMap((state) => {
    const live = stream.shards.get(state.shardId);
    if (live === undefined) return [];
    const metrics = metricSet((name) => ({
      total: live.metrics.total(name),
      series: live.metrics.series(name, nowMs),
    }));
    return [{ shardId: state.shardId, metrics }];
  });
  const metrics = metricSet((name) =>
    acrossShards(
      name,
      shards.map((shard) => shard.metrics[name]),
    ),
  );
  return { streamName: stream.state.name, metrics, shards };
}

function metricSet(figuresOf: (name: MetricName) => MetricFigures): MetricSet {
  const set: Partial<Record<MetricName, MetricFigures>> = {};
  for (const name of METRIC_NAMES) set[name] = figuresOf(name);
  return set as MetricSet;
}

/** A stream's figure: the shards' totals and seconds added up (or their max). */
function acrossShards(name: MetricName, figures: readonly MetricFigures[]): MetricFigures {
  let total = combines(name) === 'max' ? undefined : 0;
  const bySecond = new Map<number, number>();
  for (const figure of figures) {
    total = merge(name, total, figure.total);
    for (const { t, v } of figure.series) bySecond.set(t, merge(name, bySecond.get(t), v));
  }
  return {
    total: total ?? 0,
    series: [...bySecond].sort(([a], [b]) => a - b).map(([t, v]) => ({ t, v })),
  };
}
