import { performance } from 'node:perf_hooks';
import type { Engine, LiveShard, LiveStream } from '../engine/engine.js';
import type { ShardRecord, StreamConsumerState } from '../engine/model.js';
import { sequenceNumberBefore } from '../engine/sequence-numbers.js';
import { TokenBucket } from '../engine/token-bucket.js';
import type { AwsServiceError } from '../errors.js';
import type { AnyRequest, AnyResponse } from '../http/dual-protocol-server.js';
import { childShards } from '../operations/record-operations.js';
import type { StreamingOutput } from '../protocol/streaming-output.js';
import type { WireFormat } from '../protocol/wire-format.js';
import { encodeEventStreamMessage } from './event-stream-message.js';
import type { ActiveSubscription } from './subscription-registry.js';

/** An event holds at most what one GetRecords call may return. */
const MAX_EVENT_RECORDS = 10_000;
/** Events stay small enough to pace the 2 MiB/s smoothly. */
const MAX_EVENT_BYTES = 1024 * 1024;

/**
 * One SubscribeToShard call: pushes SubscribeToShardEvents as records are stored (it waits on
 * the shard's signal, not on a poll), within 2 MiB/s for this consumer and shard, an empty event
 * every `subscriptionHeartbeatMs` when there is nothing new, ChildShards at the end of a closed
 * shard, and ends cleanly after `subscriptionLifetimeMs`. A slow client is never buffered for:
 * the next event waits until the previous one drained.
 */
export class ShardSubscription implements ActiveSubscription, StreamingOutput {
  readonly streaming = true;
  readonly consumerArn: string;
  readonly shardId: string;
  readonly startedMs: number;
  readonly #engine: Engine;
  readonly #stream: LiveStream;
  readonly #shard: LiveShard;
  /** The next position to push from. */
  #from: bigint;
  #stopped = false;
  #stopError: AwsServiceError | undefined;
  /** Ends the current wait early: set while the push loop waits. */
  #wake: (() => void) | undefined;

  constructor(
    engine: Engine,
    stream: LiveStream,
    shard: LiveShard,
    consumer: StreamConsumerState,
    from: bigint,
    startedMs: number,
  ) {
    this.#engine = engine;
    this.#stream = stream;
    this.#shard = shard;
    this.consumerArn = consumer.arn;
    this.shardId = shard.state.shardId;
    this.#from = from;
    this.startedMs = startedMs;
  }

  stop(error?: AwsServiceError): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#stopError = error;
    this.#wake?.();
  }

  start(_request: AnyRequest, response: AnyResponse, format: WireFormat, requestId: string): void {
    // `destroyed` is not enough: an HTTP/2 compatibility response a client reset stays
    // undestroyed, so the 'close' event is what tells the client has gone.
    let gone = false;
    response.once('close', () => {
      gone = true;
      this.#wake?.();
    });
    response.writeHead(200, {
      'content-type': 'application/vnd.amazon.eventstream',
      'x-amzn-requestid': requestId,
    });
    const writable = response as unknown as { write(chunk: Buffer): boolean };
    const sink: EventSink = {
      response,
      format,
      isClosed: () => gone || response.destroyed,
      write: (chunk) => writable.write(chunk),
    };
    this.#push(sink)
      .catch(() => undefined)
      .finally(() => {
        this.#engine.subscriptions.remove(this);
        if (!gone && !response.destroyed) {
          const error = this.#stopError;
          if (error !== undefined) sink.write(exceptionMessage(error, format));
          response.end();
        }
      });
  }

  async #push(sink: EventSink): Promise<void> {
    const engine = this.#engine;
    const { limits, subscriptionLifetimeMs, subscriptionHeartbeatMs } = engine.options;
    const bucket = limits.throttle
      ? new TokenBucket(limits.shardReadBytesPerSec, limits.shardReadBytesPerSec, performance.now())
      : undefined;
    sink.write(eventMessage('initial-response', {}, sink.format));
    const deadline = performance.now() + subscriptionLifetimeMs;
    let lastEventAt = Number.NEGATIVE_INFINITY;
    while (!this.#stopped && !sink.isClosed()) {
      const nowReal = performance.now();
      if (nowReal >= deadline) return;
      const shard = this.#shard;
      const log = shard.log;
      const now = engine.clock.now();
      const trimHorizonMs = now - this.#stream.state.retentionHours * 3_600_000;
      let index = Math.max(log.indexAtOrAfter(this.#from), log.indexAtOrAfterTime(trimHorizonMs));
      const tokens = bucket?.available(nowReal) ?? MAX_EVENT_BYTES;
      if (index < log.end && tokens <= 0) {
        // Over 2 MiB/s: wait until the bucket is positive again.
        const waitMs = ((1 - tokens) * 1000) / (bucket as TokenBucket).ratePerSec;
        await this.#wait(Math.min(waitMs, deadline - nowReal), sink, false);
        continue;
      }
      const budget = Math.min(tokens, MAX_EVENT_BYTES);
      const records: object[] = [];
      let bytes = 0;
      let last: ShardRecord | undefined;
      while (index < log.end && records.length < MAX_EVENT_RECORDS) {
        const record = log.at(index) as ShardRecord;
        const size = record.data.byteLength + Buffer.byteLength(record.partitionKey);
        if (records.length > 0 && bytes + size > budget) break;
        bytes += size;
        records.push(recordOutput(record));
        last = record;
        index++;
      }
      const ended =
        shard.state.endingSequenceNumber !== undefined &&
        index >= log.end &&
        shard.pendingWrites === 0;
      if (records.length === 0 && !ended && nowReal - lastEventAt < subscriptionHeartbeatMs) {
        const untilHeartbeat = subscriptionHeartbeatMs - (nowReal - lastEventAt);
        await this.#wait(Math.min(untilHeartbeat, deadline - nowReal), sink, true);
        continue;
      }
      if (last !== undefined) this.#from = last.sequenceNumber + 1n;
      bucket?.take(bytes, nowReal);
      const next = log.at(index);
      const behindMs = next === undefined ? 0 : Math.max(0, now - next.arrivalMs);
      const event = {
        Records: records,
        MillisBehindLatest: behindMs,
        ...(ended
          ? { ChildShards: childShards(this.#stream, shard) }
          : {
              ContinuationSequenceNumber: sequenceNumberBefore(this.#from, shard.index).toString(),
            }),
      };
      this.#recordMetrics(records.length, bytes, behindMs, now);
      const flushed = sink.write(eventMessage('SubscribeToShardEvent', event, sink.format));
      lastEventAt = nowReal;
      if (ended) return;
      if (!flushed) await this.#drained(sink, deadline);
    }
  }

  /**
   * Waits `ms`, or until the subscription stops, the client leaves, or (optionally) the shard
   * changes. Nothing is left attached to long-lived promises, however many waits a busy
   * subscription makes.
   */
  #wait(ms: number, sink: EventSink, onShardChange: boolean): Promise<void> {
    if (this.#stopped || sink.isClosed()) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        cancelShardWait();
        if (this.#wake === done) this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      const cancelShardWait = onShardChange ? this.#shard.changed.onNext(done) : () => {};
      this.#wake = done;
    });
  }

  /**
   * Waits until the client took what was written, or the subscription stops, the client
   * leaves, or its lifetime ends (a slow client does not keep a subscription past it).
   */
  #drained(sink: EventSink, deadline: number): Promise<void> {
    if (this.#stopped || sink.isClosed()) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        sink.response.off('drain', done);
        if (this.#wake === done) this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, deadline - performance.now()));
      sink.response.once('drain', done);
      this.#wake = done;
    });
  }

  #recordMetrics(records: number, bytes: number, behindMs: number, now: number): void {
    const metrics = this.#shard.metrics;
    metrics.record('SubscribeToShardEvent.Records', records, now);
    metrics.record('SubscribeToShardEvent.Bytes', bytes, now);
    metrics.record('SubscribeToShardEvent.MillisBehindLatest', behindMs, now);
    metrics.record('OutgoingRecords', records, now);
    metrics.record('OutgoingBytes', bytes, now);
  }
}

interface EventSink {
  readonly response: AnyResponse;
  readonly format: WireFormat;
  readonly isClosed: () => boolean;
  /** Writes a message; `false` when the client is not keeping up (wait for `drain`). */
  readonly write: (chunk: Buffer) => boolean;
}

function recordOutput(record: ShardRecord): object {
  return {
    SequenceNumber: record.sequenceNumber.toString(),
    ApproximateArrivalTimestamp: record.arrivalMs / 1000,
    Data: Buffer.from(record.data.buffer, record.data.byteOffset, record.data.byteLength).toString(
      'base64',
    ),
    PartitionKey: record.partitionKey,
  };
}

/** Event payloads are JSON documents (`application/json`) or, for CBOR clients, CBOR. */
function payloadContentType(format: WireFormat): string {
  return format.name === 'json' ? 'application/json' : format.contentType;
}

function eventMessage(eventType: string, payload: object, format: WireFormat): Buffer {
  return encodeEventStreamMessage(
    {
      ':event-type': eventType,
      ':message-type': 'event',
      ':content-type': payloadContentType(format),
    },
    format.encode(payload),
  );
}

function exceptionMessage(error: AwsServiceError, format: WireFormat): Buffer {
  return encodeEventStreamMessage(
    {
      ':exception-type': error.code,
      ':message-type': 'exception',
      ':content-type': payloadContentType(format),
    },
    format.encode({ message: error.message }),
  );
}
