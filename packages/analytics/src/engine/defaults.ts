/** How many outputs an open iterator holds before the run stops reading the source. */
export const OUTPUT_BUFFER_LIMIT = 10_000;

/** The longest a run's timer sleeps before looking at the clock again (ms). */
export const MAX_TIMER_WAIT_MS = 1_000;
