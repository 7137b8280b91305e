import type {
  DeliveryContext,
  Destination,
  ErrorOutputType,
  FailedRecord,
} from '../destinations/destination.js';
import { ErrorOutputFailedError } from '../errors.js';
import type { Emitter } from './events.js';

/**
 * Writes failed records to the destination's error output, one object per error output type,
 * and tells listeners. Records whose error output write fails are counted as lost, announced
 * with `error_output_failed` and reported once by {@link ErrorOutput.takeLoss}, so the next
 * `flush()` or `close()` rejects instead of pretending all is well. `onSettled` hears about
 * each group the moment its write ends, in the same tick as the loss is counted and before
 * any listener, so the stream's counts never disagree with each other.
 *
 * @example
 * ```ts
 * const output = new ErrorOutput(destination, context, events, (records) => count(records));
 * await output.write(failures);
 * output.takeLoss()?.recordsLost;
 * ```
 */
export class ErrorOutput {
  readonly #destination: Destination;
  readonly #context: DeliveryContext;
  readonly #events: Emitter;
  readonly #onSettled: (records: readonly FailedRecord[]) => void;
  #recordsLost = 0;
  #unreportedLoss = 0;
  #lastError: unknown;

  constructor(
    destination: Destination,
    context: DeliveryContext,
    events: Emitter,
    onSettled: (records: readonly FailedRecord[]) => void,
  ) {
    this.#destination = destination;
    this.#context = context;
    this.#events = events;
    this.#onSettled = onSettled;
  }

  /** Records lost since the stream started. */
  get recordsLost(): number {
    return this.#recordsLost;
  }

  /** Writes `failures`, grouped by error output type; never rejects. */
  async write(failures: readonly FailedRecord[]): Promise<void> {
    const byType = new Map<ErrorOutputType, FailedRecord[]>();
    for (const failure of failures) {
      const group = byType.get(failure.errorOutputType);
      if (group) group.push(failure);
      else byType.set(failure.errorOutputType, [failure]);
    }
    for (const [errorOutputType, records] of byType) {
      let locations: string[] = [];
      let failure: { error: unknown } | undefined;
      try {
        locations = await this.#destination.writeErrors(records, this.#context);
      } catch (error) {
        failure = { error };
        this.#recordsLost += records.length;
        this.#unreportedLoss += records.length;
        this.#lastError = error;
      }
      this.#onSettled(records);
      if (failure) this.#events.emit('error_output_failed', () => ({ ...failure, records }));
      this.#events.emit('records_failed', () => ({ errorOutputType, records, locations }));
    }
  }

  /** The loss not yet reported, as the error `flush()` and `close()` reject with. */
  takeLoss(): ErrorOutputFailedError | undefined {
    if (this.#unreportedLoss === 0) return undefined;
    const error = new ErrorOutputFailedError(this.#unreportedLoss, this.#lastError);
    this.#unreportedLoss = 0;
    return error;
  }
}
