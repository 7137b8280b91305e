import type { FirehoseProducer } from '@kinesis-kit/producer';
import type { QueryOutput } from '../engine/query-output.js';
import { InvalidOptionError } from '../errors.js';
import { deliverEach } from './deliver-each.js';
import type { ResultSink } from './result-sink.js';
import { type OutputFormat, outputEncoder, outputsToWrite } from './serialize-output.js';
import { SinkLifecycle } from './sink-lifecycle.js';
import { booleanOption, describeValue, requireMethods, requireOptions } from './sink-options.js';

/** Options of {@link firehoseSink}. */
export interface FirehoseSinkOptions {
  /**
   * The producer to write with. The caller owns it: `close()` of the sink waits for the sink's
   * records, and leaves the producer open. Packing (`packing: true`) suits JSON lines well.
   */
  readonly producer: Pick<FirehoseProducer, 'put' | 'flush'>;
  /**
   * What a record holds before its delimiter: `'envelope'`, `'row'` or a function, as for
   * `kinesisStreamSink`. Envelopes carry `kind`: whoever reads the files deletes (or skips) a
   * key whose latest record is `"kind":"retract"`; with `'row'`, retractions are not written.
   * @default 'envelope'
   */
  readonly format?: OutputFormat;
  /**
   * Appended to every record: JSON lines by default. Pass `''` when the producer was built
   * with a `delimiter` of its own, or the lines would be doubled.
   * @default '\n'
   */
  readonly delimiter?: string;
  /**
   * Send each write's records at once rather than after the producer's `lingerMs`.
   * @default true
   */
  readonly flushEachWrite?: boolean;
}

const encoder = new TextEncoder();

/**
 * A sink that writes each output as one newline-terminated JSON record (JSON lines) to a
 * Firehose delivery stream through a `FirehoseProducer` — the files it delivers are then read
 * line by line (Athena, `jq`). `write` resolves once every record is delivered, and rejects
 * with a `SinkFailedError` listing exactly the outputs that were not, each with the producer's
 * `RecordDeliveryError`. `close()` waits for writes in flight; it does not close the producer.
 *
 * @example
 * ```ts
 * const producer = new FirehoseProducer({ deliveryStreamName: 'url-counts', packing: true });
 * const run = runQuery(sql, { source, sinks: { RESULT: firehoseSink({ producer, format: 'row' }) } });
 * await run.done;
 * await producer.close();
 * ```
 */
export function firehoseSink(options: FirehoseSinkOptions): ResultSink & AsyncDisposable {
  requireOptions(options, 'firehoseSink');
  const { producer } = options;
  requireMethods('producer', producer, ['put', 'flush'], 'a FirehoseProducer');
  const format = options.format;
  const encode = outputEncoder(format);
  const delimiter = options.delimiter ?? '\n';
  if (typeof delimiter !== 'string') {
    throw new InvalidOptionError(
      'delimiter',
      `must be a string ('' for none), got ${describeValue(delimiter)}`,
    );
  }
  const delimiterBytes = encoder.encode(delimiter);
  const flushEachWrite = booleanOption('flushEachWrite', options.flushEachWrite, true);
  const lifecycle = new SinkLifecycle('firehoseSink');

  const send = (output: QueryOutput) => {
    const data = encode(output);
    return producer.put({
      data:
        typeof data === 'string'
          ? encoder.encode(data + delimiter)
          : withDelimiter(data, delimiterBytes),
    });
  };
  const write = (outputs: readonly QueryOutput[]): Promise<void> => {
    const delivered = deliverEach('firehoseSink', outputsToWrite(format, outputs), send);
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

function withDelimiter(data: Uint8Array, delimiter: Uint8Array): Uint8Array {
  if (delimiter.byteLength === 0) return data;
  const record = new Uint8Array(data.byteLength + delimiter.byteLength);
  record.set(data, 0);
  record.set(delimiter, data.byteLength);
  return record;
}
