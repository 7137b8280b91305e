import { sleep } from '../clock.js';
import { retryDelayMs } from '../shared/backoff.js';
import type { AttemptError, DeliveryContext, FailureHistory } from './destination.js';

/** Why one attempt failed, and whether another attempt could help. */
export interface AttemptFailure {
  readonly code: string;
  readonly message: string;
  /** No retry can help (an HTTP 413, an aborted close). */
  readonly final: boolean;
}

/** Options of {@link withRetries}. */
export interface RetryOptions {
  readonly retryDurationMs: number;
  /** The code of records given up on because the stream's close was aborted. */
  readonly abortedCode: string;
  /**
   * Make the first attempt even when close was already aborted: the error output's write is
   * the records' last chance, while a delivery would only be abandoned again.
   * @default false
   */
  readonly tryOnceWhenAborted?: boolean;
}

/**
 * Runs `attempt` until it succeeds (returns `undefined`), fails finally, or the next backoff
 * delay (see {@link retryDelayMs}) would end past `retryDurationMs` from the start. Returns
 * `undefined` on success, else every attempt's error, oldest first. Once the stream's close is
 * aborted no further attempt starts and no timer is left behind; `stoppedBy` then says so
 * (an attempt that never started is not counted).
 *
 * @example
 * ```ts
 * const options = { retryDurationMs: 60_000, abortedCode: 'S3.Aborted' };
 * const failure = await withRetries(context, options, async () => undefined);
 * if (failure) console.warn(`failed after ${failure.attempts.length} attempts`);
 * ```
 */
export async function withRetries(
  context: DeliveryContext,
  options: RetryOptions,
  attempt: () => Promise<AttemptFailure | undefined>,
): Promise<FailureHistory | undefined> {
  const { clock, signal } = context;
  const startMs = clock.now();
  const attempts: AttemptError[] = [];
  const stopped = () => ({
    attempts,
    stoppedBy: {
      errorCode: options.abortedCode,
      errorMessage: ABORTED_MESSAGE,
      endedMs: clock.now(),
    },
  });
  for (;;) {
    if (signal.aborted && (attempts.length > 0 || !options.tryOnceWhenAborted)) return stopped();
    const failure = await attempt();
    if (failure === undefined) return undefined;
    const endedMs = clock.now();
    attempts.push({ errorCode: failure.code, errorMessage: failure.message, endedMs });
    const delayMs = retryDelayMs(attempts.length);
    if (failure.final || endedMs + delayMs - startMs > options.retryDurationMs) return { attempts };
    try {
      await sleep(clock, delayMs, signal);
    } catch {
      return stopped();
    }
  }
}

/**
 * The message of a record given up on because `close()` was aborted.
 *
 * @example
 * ```ts
 * const failure = { code: 'HttpEndpoint.Aborted', message: ABORTED_MESSAGE, final: true };
 * ```
 */
export const ABORTED_MESSAGE = 'close() was aborted before the record was delivered';
