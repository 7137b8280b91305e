/** Where the endpoint reads the time; tests pass a manual clock instead of sleeping. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => Date.now() };
