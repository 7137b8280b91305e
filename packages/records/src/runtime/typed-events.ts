/** A listener of one event type. */
export type Listener<T> = (event: T) => void;

/**
 * Typed events named `noun_verb`. `on()` returns the function that removes the listener;
 * events are built only when someone listens; a listener that throws is reported to
 * `onListenerError` and never breaks the emitter (a producer, a consumer).
 */
export class TypedEvents<Events extends object> {
  readonly #listeners = new Map<keyof Events, Set<Listener<never>>>();
  readonly #onListenerError: (error: unknown) => void;

  constructor(onListenerError: (error: unknown) => void) {
    this.#onListenerError = onListenerError;
  }

  on<K extends keyof Events>(name: K, listener: Listener<Events[K]>): () => void {
    let set = this.#listeners.get(name);
    if (!set) {
      set = new Set();
      this.#listeners.set(name, set);
    }
    set.add(listener as Listener<never>);
    return () => {
      set.delete(listener as Listener<never>);
    };
  }

  /** Emits the event `build()` returns, building it only if someone listens. */
  emit<K extends keyof Events>(name: K, build: () => Events[K]): void {
    const set = this.#listeners.get(name);
    if (!set || set.size === 0) return;
    const event = build();
    for (const listener of set) {
      try {
        (listener as Listener<Events[K]>)(event);
      } catch (error) {
        this.#onListenerError(error);
      }
    }
  }
}
