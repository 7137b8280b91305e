import type { KinesisProducer } from '@kinesis-kit/producer';
import type { QueryOutput } from '../engine/query-output.js';
import { deliverEach } from './deliver-each.js';
import { outputPartitionKey } from './partition-key.js';
import type { ResultSink } from './result-sink.js';
import { type OutputFormat, outputEncoder, outputsToWrite } from './serialize-output.js';
import { SinkLifecycle } from './sink-lifecycle.js';
import { booleanOption, optionalFunction, requireMethods, requireOptions } from './sink-options.js';

/** Options of {@link kinesisStreamSink}. */
export interface KinesisStreamSinkOptions {
  /**
   * The producer to write with. The caller owns it: `close()` of the sink waits for the sink's
   * records, and leaves the producer open. For the revisions of a key to be stored in order
   * across retries, give it `ordering: 'per-partition-key'`.
   */
  readonly producer: Pick<KinesisProducer, 'put' | 'flush'>;
  /**
   * The partition key of an output's record.
   * @default the output's `key` (its SHA-256 in hex when empty or over 256 characters): every
   * revision of a (window, group) on the same shard
   */
  readonly partitionKey?: (output: QueryOutput) => string;
  /**
   * What a record holds: `'envelope'` — `{"stream","kind","revision","key","row"}` as one JSON
   * object, so a consumer upserts by `key`, keeps the highest `revision` and deletes `key` on
   * `"kind":"retract"`; `'row'` — the row's JSON alone (retractions are then not written: see
   * `OutputFormat`); or a function returning text or bytes. Dates are ISO-8601 strings.
   * @default 'envelope'
   */
  readonly format?: OutputFormat;
  /**
   * Send each write's records at once rather than after the producer's `lingerMs`: `write`
   * waits for delivery anyway, so lingering only adds latency.
   * @default true
   */
  readonly flushEachWrite?: boolean;
}

const encoder = new TextEncoder();

/**
 * A sink that writes each output as one record to a Kinesis data stream through a
 * `KinesisProducer`. `write` resolves once every record of the batch is stored, and rejects
 * with a `SinkFailedError` listing exactly the outputs whose records were not (each with the
 * producer's `RecordDeliveryError`: attempts and last error) after the producer's own retries.
 * Delivery is at least once: a consumer upserts by the envelope's `key`, keeping the highest
 * `revision`, and deletes the key on `"kind":"retract"` (a session window whose bounds moved;
 * the record goes to the old key's partition, after that key's earlier records). `close()`
 * waits for writes in flight; it does not close the producer.
 *
 * @example
 * ```ts
 * const producer = new KinesisProducer({ streamName: 'url-counts', ordering: 'per-partition-key' });
 * const run = runQuery(sql, { source, sinks: { DESTINATION_SQL_STREAM: kinesisStreamSink({ producer }) } });
 * await run.done;
 * await producer.close();
 * ```
 */
export function kinesisStreamSink(options: KinesisStreamSinkOptions): ResultSink & AsyncDisposable {
  requireOptions(options, 'kinesisStreamSink');
  const { producer } = options;
  requireMethods('producer', producer, ['put', 'flush'], 'a KinesisProducer');
  optionalFunction('partitionKey', options.partitionKey);
  const format = options.format;
  const encode = outputEncoder(format);
  const partitionKey = options.partitionKey ?? outputPartitionKey;
  const flushEachWrite = booleanOption('flushEachWrite', options.flushEachWrite, true);
  const lifecycle = new SinkLifecycle('kinesisStreamSink');

  const send = (output: QueryOutput) => {
    const data = encode(output);
    return producer.put({
      partitionKey: partitionKey(output),
      data: typeof data === 'string' ? encoder.encode(data) : data,
    });
  };
  const write = (outputs: readonly QueryOutput[]): Promise<void> => {
    const delivered = deliverEach('kinesisStreamSink', outputsToWrite(format, outputs), send);
    // Every put of the batch is queued by now (or waiting for room, which flush includes).
    if (flushEachWrite && outputs.length > 0) producer.flush().catch(() => {});
    return delivered;
  };
  const close = () => {
    // Writes in flight wait for their records: send them now rather than after lingerMs.
    if (!lifecycle.closed) producer.flush().catch(() => {});
    return lifecycle.close();
  };
  return {
    write: (outputs) => lifecycle.write(() => write(outputs)),
    close,
    [Symbol.asyncDispose]: close,
  };
}
