/**
 * A record with less time than this left before its TTL is not sent: the request could not
 * come back in time, and abandoning it would only risk a duplicate. It fails as expired instead.
 */
const MIN_SEND_BUDGET_MS = 20;

/** Whether a record due at `deadlineMs` is too late to send at `nowMs`. */
export function tooLateToSend(deadlineMs: number, nowMs: number): boolean {
  return deadlineMs - nowMs < MIN_SEND_BUDGET_MS;
}
