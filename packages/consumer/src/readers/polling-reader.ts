import {
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
} from '@aws-sdk/client-kinesis';
import { backoffMs, classifyError } from '@kinesis-kit/records';
import { KinesisRequestError } from '../errors.js';
import { childShardsOf, type ReaderBaseOptions, storedRecords } from './kinesis-records.js';
import { delay, type ReadBatch, type ShardReader, type StartPosition } from './shard-reader.js';

/** Settings of {@link PollingShardReader}. */
export interface PollingShardReaderOptions extends ReaderBaseOptions {
  /** Wait after a read that found the shard caught up. */
  readonly pollIntervalMs: number;
  /** Shortest interval between two GetRecords calls (5 calls/s per shard: 200 ms). */
  readonly minReadIntervalMs: number;
  /** Bytes per second the reads may take (2 MiB/s per shard). */
  readonly readBytesPerSec: number;
}

/** The most the read pace slows down after throttling (other consumers share the shard). */
const MAX_PACE_FACTOR = 8;

/**
 * Reads a shard with GetShardIterator and GetRecords, within the shard's read limits: calls at
 * least `minReadIntervalMs` apart, and after a read of B bytes none for B / `readBytesPerSec`
 * seconds. A ProvisionedThroughputExceeded answer (another consumer shares the limits) backs off
 * and slows the pace, which recovers as reads succeed. An expired iterator is replaced by one
 * right after the last record yielded. While the shard is behind it is read as fast as the
 * limits allow; once caught up, every `pollIntervalMs`.
 */
export class PollingShardReader implements ShardReader {
  readonly #options: PollingShardReaderOptions;

  constructor(options: PollingShardReaderOptions) {
    this.#options = options;
  }

  async *read(
    shardId: string,
    start: StartPosition,
    signal: AbortSignal,
  ): AsyncIterable<ReadBatch> {
    const options = this.#options;
    // LATEST means "after what exists now": if that first iterator expires before any record
    // came back, start again from when it was taken, not from a later "now".
    const restart: StartPosition =
      start.type === 'LATEST' ? { type: 'AT_TIMESTAMP', timestamp: new Date() } : start;
    let iterator = await this.#getIterator(shardId, start, signal);
    if (iterator === undefined) return;
    let lastSequenceNumber: string | undefined;
    let nextReadAtMs = 0;
    let paceFactor = 1;
    let throttles = 0;
    let failures = 0;
    while (!signal.aborted) {
      await delay(nextReadAtMs - Date.now(), signal);
      if (signal.aborted) return;
      const calledAtMs = Date.now();
      let output: GetRecordsCommandOutput;
      try {
        output = await options.client.send(
          new GetRecordsCommand({
            ShardIterator: iterator,
            Limit: options.maxRecordsPerCall,
            ...('StreamARN' in options.stream ? { StreamARN: options.stream.StreamARN } : {}),
          }),
          { abortSignal: signal },
        );
      } catch (error) {
        if (signal.aborted) return;
        const { code, message, retriable } = classifyError(error);
        if (code === 'ExpiredIteratorException') {
          options.logger.debug('shard iterator expired; re-acquiring', {
            shardId,
            lastSequenceNumber,
          });
          const resume: StartPosition =
            lastSequenceNumber === undefined
              ? restart
              : { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: lastSequenceNumber };
          iterator = await this.#getIterator(shardId, resume, signal);
          if (iterator === undefined) return;
          continue;
        }
        if (code === 'ProvisionedThroughputExceededException') {
          throttles += 1;
          paceFactor = Math.min(MAX_PACE_FACTOR, paceFactor * 2);
          options.onThrottled?.(shardId, 'GetRecords');
          nextReadAtMs =
            Date.now() +
            backoffMs(
              throttles,
              Math.max(options.initialBackoffMs, options.minReadIntervalMs),
              options.maxBackoffMs,
            );
          continue;
        }
        if (!retriable) {
          throw new KinesisRequestError('GetRecords', code, message, {
            retriable,
            cause: error,
            shardId,
          });
        }
        failures += 1;
        options.logger.warn(`GetRecords on ${shardId} failed (${code}); retrying`, {
          attempt: failures,
        });
        nextReadAtMs =
          Date.now() + backoffMs(failures, options.initialBackoffMs, options.maxBackoffMs);
        continue;
      }
      throttles = 0;
      failures = 0;
      paceFactor = Math.max(1, paceFactor * 0.9);
      const { records, bytes } = storedRecords(output.Records, shardId, new Date(calledAtMs));
      const last = records.at(-1);
      if (last) lastSequenceNumber = last.sequenceNumber;
      // The service charges a read's bytes when it answers: count that time from the answer.
      nextReadAtMs = Math.max(
        calledAtMs + options.minReadIntervalMs * paceFactor,
        Date.now() + (bytes / options.readBytesPerSec) * 1000,
      );
      const millisBehindLatest = output.MillisBehindLatest;
      if (output.NextShardIterator === undefined || output.NextShardIterator === null) {
        yield {
          records,
          millisBehindLatest,
          bytes,
          childShards: childShardsOf(output.ChildShards),
        };
        return;
      }
      iterator = output.NextShardIterator;
      // Caught up: nothing more to read now. An empty read that is still behind (a gap in the
      // shard) goes on at once.
      const caughtUp =
        millisBehindLatest === undefined ? records.length === 0 : millisBehindLatest === 0;
      if (caughtUp) {
        nextReadAtMs = Math.max(nextReadAtMs, Date.now() + options.pollIntervalMs);
      }
      yield { records, millisBehindLatest, bytes };
    }
  }

  /** A shard iterator, retrying throttling and transient failures; undefined once aborted. */
  async #getIterator(
    shardId: string,
    position: StartPosition,
    signal: AbortSignal,
  ): Promise<string | undefined> {
    const options = this.#options;
    for (let attempt = 1; !signal.aborted; attempt++) {
      try {
        const output = await options.client.send(
          new GetShardIteratorCommand({
            ...options.stream,
            ShardId: shardId,
            ShardIteratorType: position.type,
            ...('sequenceNumber' in position
              ? { StartingSequenceNumber: position.sequenceNumber }
              : {}),
            ...('timestamp' in position ? { Timestamp: position.timestamp } : {}),
          }),
          { abortSignal: signal },
        );
        if (output.ShardIterator) return output.ShardIterator;
        throw new KinesisRequestError(
          'GetShardIterator',
          'MissingShardIterator',
          'no ShardIterator in the answer',
          {
            retriable: false,
            cause: undefined,
            shardId,
          },
        );
      } catch (error) {
        if (signal.aborted) return undefined;
        if (error instanceof KinesisRequestError) throw error;
        const { code, message, retriable } = classifyError(error);
        if (!retriable) {
          throw new KinesisRequestError('GetShardIterator', code, message, {
            retriable,
            cause: error,
            shardId,
          });
        }
        if (code === 'ProvisionedThroughputExceededException') {
          options.onThrottled?.(shardId, 'GetShardIterator');
        } else {
          options.logger.warn(`GetShardIterator on ${shardId} failed (${code}); retrying`, {
            attempt,
          });
        }
        await delay(
          backoffMs(
            attempt,
            Math.max(options.initialBackoffMs, options.minReadIntervalMs),
            options.maxBackoffMs,
          ),
          signal,
        );
      }
    }
    return undefined;
  }
}
