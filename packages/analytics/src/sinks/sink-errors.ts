import type { QueryOutput } from '../engine/query-output.js';
import { AnalyticsError } from '../errors.js';

/**
 * A sink could not take some outputs (after its own retries — a producer's retries until
 * `recordTtlMs`, for instance). `outputs` lists exactly those outputs, in the order they were
 * written, and `errors[i]` says why `outputs[i]` failed (for a producer, the
 * `RecordDeliveryError` with every attempt); `cause` is the first of them. Outputs of the same
 * `write` that are not listed were delivered. Nothing is dropped silently: the run fails with
 * this error, and a caller can resend `outputs`.
 *
 * @example
 * ```ts
 * try {
 *   await sink.write(outputs);
 * } catch (error) {
 *   if (error instanceof SinkFailedError) console.error(error.sink, error.outputs.length, error.cause);
 * }
 * ```
 */
export class SinkFailedError extends AnalyticsError {
  override readonly name = 'SinkFailedError';
  /** Which sink failed, e.g. `kinesisStreamSink` or `firehoseSink`. */
  readonly sink: string;
  /** The outputs that were not delivered, in write order. */
  readonly outputs: readonly QueryOutput[];
  /** Why each output failed: `errors[i]` belongs to `outputs[i]`. */
  readonly errors: readonly unknown[];

  constructor(sink: string, outputs: readonly QueryOutput[], errors: readonly unknown[]) {
    const first = errors[0];
    super(
      'SinkFailed',
      `${sink}: ${outputs.length} output(s) not delivered; first: ${describeError(first)}`,
      { cause: first, retriable: false },
    );
    this.sink = sink;
    this.outputs = outputs;
    this.errors = errors;
  }
}

/** `write` on a sink after its `close()`: the run wrote results past its end. */
export class SinkClosedError extends AnalyticsError {
  override readonly name = 'SinkClosedError';
  /** Which sink was closed. */
  readonly sink: string;

  constructor(sink: string) {
    super('SinkClosed', `${sink}: write after close(): the sink takes no more outputs`);
    this.sink = sink;
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return `${error.name}${typeof code === 'string' ? ` (${code})` : ''}: ${error.message}`;
  }
  return String(error);
}
