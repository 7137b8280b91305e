import {
  type StartingPosition,
  SubscribeToShardCommand,
  type SubscribeToShardEvent,
  type SubscribeToShardEventStream,
} from '@aws-sdk/client-kinesis';
import { backoffMs, classifyError } from '@kinesis-kit/records';
import { ConsumerError, KinesisRequestError } from '../errors.js';
import { childShardsOf, type ReaderBaseOptions, storedRecords } from './kinesis-records.js';
import { delay, type ReadBatch, type ShardReader, type StartPosition } from './shard-reader.js';
import { deregisterStreamConsumer, ensureStreamConsumer } from './stream-consumer.js';

/** Settings of {@link FanOutShardReader}. */
export interface FanOutShardReaderOptions extends ReaderBaseOptions {
  /** The stream consumer to read as; registered at `open` unless it exists. */
  readonly consumerName: string;
  /** Deregister the stream consumer at `close`. */
  readonly deregisterOnStop: boolean;
  /** While the stream consumer is CREATING, how often to look again. */
  readonly consumerStatusPollMs: number;
}

/** AWS allows one SubscribeToShard call a second per consumer and shard. */
const SUBSCRIBE_INTERVAL_MS = 1_000;

/**
 * Reads a shard through enhanced fan-out: SubscribeToShard pushes events over HTTP/2 (each
 * consumer gets its own 2 MiB/s per shard, no polling delay). A subscription lasts 5 minutes;
 * when the service ends it (or it breaks) the reader subscribes again after the last
 * ContinuationSequenceNumber it saw — which is never past the last record it yielded — so
 * nothing is missed or repeated. Events are pulled one at a time: while the caller works on a
 * batch, HTTP/2 flow control holds the service back.
 */
export class FanOutShardReader implements ShardReader {
  readonly #options: FanOutShardReaderOptions;
  #consumerArn: string | undefined;
  /** The stream's ARN once known: a stop during registration can still deregister by name. */
  #streamArn: string | undefined;

  constructor(options: FanOutShardReaderOptions) {
    this.#options = options;
  }

  /** Registers (or finds) the stream consumer and waits until it is ACTIVE. */
  async open(signal: AbortSignal): Promise<void> {
    const options = this.#options;
    try {
      this.#consumerArn = await ensureStreamConsumer({
        client: options.client,
        stream: options.stream,
        consumerName: options.consumerName,
        signal,
        logger: options.logger,
        pollIntervalMs: options.consumerStatusPollMs,
        maxBackoffMs: options.maxBackoffMs,
        onStreamArn: (streamArn) => {
          this.#streamArn = streamArn;
        },
      });
    } catch (error) {
      // Stopped while registering: nothing to read, nothing went wrong.
      if (signal.aborted) return;
      throw error;
    }
  }

  /**
   * With `deregisterOnStop`, deregisters the stream consumer — also when the consumer stopped
   * while it was being registered (by stream and name: it may exist without our knowing).
   */
  async close(): Promise<void> {
    const { deregisterOnStop, client, consumerName, logger } = this.#options;
    if (!deregisterOnStop) return;
    const arn = this.#consumerArn;
    const streamArn = this.#streamArn;
    this.#consumerArn = undefined;
    this.#streamArn = undefined;
    if (arn !== undefined) await deregisterStreamConsumer(client, { ConsumerARN: arn });
    else if (streamArn !== undefined) {
      await deregisterStreamConsumer(client, { StreamARN: streamArn, ConsumerName: consumerName });
    } else return;
    logger.info(`deregistered fan-out consumer ${consumerName}`);
  }

  async *read(
    shardId: string,
    start: StartPosition,
    signal: AbortSignal,
  ): AsyncIterable<ReadBatch> {
    const options = this.#options;
    if (signal.aborted) return;
    let position: StartPosition = start;
    // LATEST means "from the first call": a renewal before any event must not skip what
    // arrived in between, so it resumes at the first call's time instead.
    let firstCallAt: Date | undefined;
    let failures = 0;
    let lastCallMs = Number.NEGATIVE_INFINITY;
    while (!signal.aborted) {
      await delay(lastCallMs + SUBSCRIBE_INTERVAL_MS - Date.now(), signal);
      if (signal.aborted) return;
      // Ends this subscription's HTTP/2 stream when the reader stops or moves on.
      const subscription = new AbortController();
      const abort = () => subscription.abort();
      signal.addEventListener('abort', abort, { once: true });
      try {
        lastCallMs = Date.now();
        firstCallAt ??= new Date(lastCallMs);
        const output = await options.client.send(
          new SubscribeToShardCommand({
            ConsumerARN: this.#requireConsumerArn(),
            ShardId: shardId,
            StartingPosition: startingPosition(position),
          }),
          { abortSignal: subscription.signal },
        );
        const events = output.EventStream as AsyncIterable<SubscribeToShardEventStream>;
        for await (const event of events) {
          if (signal.aborted) return;
          const pushed = event.SubscribeToShardEvent;
          if (pushed === undefined) continue;
          failures = 0;
          const batch = toBatch(pushed, shardId);
          if (pushed.ContinuationSequenceNumber !== undefined) {
            position = {
              type: 'AFTER_SEQUENCE_NUMBER',
              sequenceNumber: pushed.ContinuationSequenceNumber,
            };
          }
          // Empty events too: they carry MillisBehindLatest (the consumer's lag metric).
          yield* splitBatch(batch, options.maxRecordsPerCall);
          if (batch.childShards !== undefined) return;
        }
        // The service ended the subscription (its 5 minutes are up): subscribe again.
        options.logger.debug('fan-out subscription ended; renewing', { shardId });
      } catch (error) {
        if (signal.aborted) return;
        if (error instanceof KinesisRequestError) throw error;
        const { code, message, retriable } = classifyError(error);
        // ResourceInUse: a subscription of ours is still held (within 5 s), or another process
        // took this one over; both pass.
        if (!retriable && code !== 'ResourceInUseException') {
          throw new KinesisRequestError('SubscribeToShard', code, message, {
            retriable,
            cause: error,
            shardId,
          });
        }
        failures += 1;
        if (code === 'LimitExceededException' || code === 'ResourceInUseException') {
          options.onThrottled?.(shardId, 'SubscribeToShard');
        } else {
          options.logger.warn(`SubscribeToShard on ${shardId} failed (${code}); retrying`, {
            attempt: failures,
          });
        }
        await delay(backoffMs(failures, options.initialBackoffMs, options.maxBackoffMs), signal);
      } finally {
        signal.removeEventListener('abort', abort);
        subscription.abort();
        if (position.type === 'LATEST' && firstCallAt !== undefined) {
          position = { type: 'AT_TIMESTAMP', timestamp: firstCallAt };
        }
      }
    }
  }
  #requireConsumerArn(): string {
    if (this.#consumerArn === undefined) {
      throw new ConsumerError(
        'ReaderNotOpened',
        'FanOutShardReader.read() was called before open(): there is no stream consumer yet',
      );
    }
    return this.#consumerArn;
  }
}

/** `batch` in pieces of at most `size` records; only the last carries the child shards. */
function* splitBatch(batch: ReadBatch, size: number): Generator<ReadBatch> {
  if (batch.records.length <= size) {
    yield batch;
    return;
  }
  for (let start = 0; start < batch.records.length; start += size) {
    const records = batch.records.slice(start, start + size);
    const last = start + size >= batch.records.length;
    let bytes = 0;
    for (const record of records) {
      bytes += record.data.byteLength + Buffer.byteLength(record.partitionKey);
    }
    yield {
      records,
      millisBehindLatest: batch.millisBehindLatest,
      bytes,
      ...(last && batch.childShards !== undefined ? { childShards: batch.childShards } : {}),
    };
  }
}

function startingPosition(position: StartPosition): StartingPosition {
  switch (position.type) {
    case 'AT_SEQUENCE_NUMBER':
    case 'AFTER_SEQUENCE_NUMBER':
      return { Type: position.type, SequenceNumber: position.sequenceNumber };
    case 'AT_TIMESTAMP':
      return { Type: position.type, Timestamp: position.timestamp };
    default:
      return { Type: position.type };
  }
}

function toBatch(event: SubscribeToShardEvent, shardId: string): ReadBatch {
  const { records, bytes } = storedRecords(event.Records, shardId, new Date());
  // A closed shard's last event names its children and has no continuation number.
  const ended = event.ContinuationSequenceNumber === undefined;
  return {
    records,
    millisBehindLatest: event.MillisBehindLatest,
    bytes,
    ...(ended ? { childShards: childShardsOf(event.ChildShards) } : {}),
  };
}
