import { FIREHOSE_LIMITS } from '@kinesis-kit/records';

/**
 * Delay before retry number `retry` (1-based): 1 s, doubling, with ±15 % jitter, then capped
 * at 2 minutes, so no delay ever exceeds the cap. Firehose's HTTP endpoint backoff; local S3
 * writes reuse it. `random` is in [0, 1).
 *
 * @example
 * ```ts
 * retryDelayMs(1, 0.5); // 1000
 * retryDelayMs(30, 0.99); // 120000
 * ```
 */
export function retryDelayMs(retry: number, random: number = Math.random()): number {
  const base = FIREHOSE_LIMITS.httpEndpointInitialRetryDelayMs * 2 ** (retry - 1);
  const jitter = FIREHOSE_LIMITS.httpEndpointRetryJitter * (2 * random - 1);
  return Math.min(Math.round(base * (1 + jitter)), FIREHOSE_LIMITS.httpEndpointMaxRetryDelayMs);
}
