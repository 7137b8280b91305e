import type { Clock, TimerHandle } from '../clock.js';

/** What {@link withDeadline} settles with when the work itself does not finish first. */
export interface DeadlineOutcomes<T> {
  readonly timedOut: T;
  readonly aborted: T;
}

/**
 * Runs `work` and resolves with the first of: the value it passes to `finish`, `timedOut`
 * after `timeoutMs` on `clock`, or `aborted` when `signal` aborts. Never rejects; whichever
 * way it ends, the timer and the abort listener are gone (a hung processor or endpoint must
 * neither block the caller nor keep the process alive). When `signal` is already aborted,
 * `work` is not started.
 *
 * @example
 * ```ts
 * const outcome = await withDeadline(clock, 5000, signal, { timedOut: 'slow', aborted: 'stop' },
 *   (finish) => void fetchSomething().then(() => finish('done'), () => finish('failed')));
 * ```
 */
export function withDeadline<T>(
  clock: Clock,
  timeoutMs: number,
  signal: AbortSignal,
  outcomes: DeadlineOutcomes<T>,
  work: (finish: (outcome: T) => void) => void,
): Promise<T> {
  return new Promise<T>((resolve) => {
    if (signal.aborted) {
      resolve(outcomes.aborted);
      return;
    }
    let settled = false;
    let timer: TimerHandle;
    const onAbort = () => finish(outcomes.aborted);
    const finish = (outcome: T) => {
      if (settled) return;
      settled = true;
      clock.clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    timer = clock.setTimeout(() => finish(outcomes.timedOut), timeoutMs);
    signal.addEventListener('abort', onAbort, { once: true });
    work(finish);
  });
}
