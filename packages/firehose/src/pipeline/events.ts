import type { ErrorOutputType, FailedRecord } from '../destinations/destination.js';

/** The events of a delivery stream and what each carries. */
export interface DeliveryStreamEvents {
  /** One object was written or one request was accepted, carrying `records` records. */
  records_delivered: { readonly location: string; readonly records: number };
  /** Records went to the error output (`locations`, empty if writing it failed). */
  records_failed: {
    readonly errorOutputType: ErrorOutputType;
    readonly records: readonly FailedRecord[];
    readonly locations: readonly string[];
  };
  /** The processor dropped records on purpose. */
  records_dropped: { readonly records: number };
  /** One processor invocation attempt failed; it is retried up to `numberOfRetries` times. */
  invocation_failed: {
    readonly invocationId: string;
    readonly attempt: number;
    readonly errorCode: string;
    readonly errorMessage: string;
  };
  /**
   * The error output could not be written: these records are lost. `flush()` or `close()`
   * then rejects with `ErrorOutputFailedError`.
   */
  error_output_failed: { readonly error: unknown; readonly records: readonly FailedRecord[] };
}

/** The name of a delivery stream event. */
export type DeliveryStreamEventName = keyof DeliveryStreamEvents;

type Listener<E extends DeliveryStreamEventName> = (payload: DeliveryStreamEvents[E]) => void;

/**
 * Typed listeners. A payload is only built when someone listens, and a listener that throws is
 * ignored so it never breaks delivery.
 *
 * @example
 * ```ts
 * const events = new Emitter();
 * const off = events.on('records_dropped', ({ records }) => console.log(records));
 * events.emit('records_dropped', () => ({ records: 2 }));
 * off();
 * ```
 */
export class Emitter {
  readonly #listeners = new Map<DeliveryStreamEventName, Set<Listener<never>>>();

  on<E extends DeliveryStreamEventName>(event: E, listener: Listener<E>): () => void {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  emit<E extends DeliveryStreamEventName>(event: E, build: () => DeliveryStreamEvents[E]): void {
    const listeners = this.#listeners.get(event);
    if (!listeners || listeners.size === 0) return;
    const payload = build();
    for (const listener of listeners) {
      try {
        (listener as Listener<E>)(payload);
      } catch {
        // A listener's bug must not lose records or stall delivery.
      }
    }
  }
}
