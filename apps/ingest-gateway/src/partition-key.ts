import { createHash } from 'node:crypto';
import { KINESIS_LIMITS } from '@kinesis-kit/records';
import type { Visit } from './visit.js';

/**
 * The default partition key: the visit's URL, so that every visit of one page lands on one shard
 * and a consumer counts a page on one shard without merging partial counts. The key alone does
 * not keep the order the gateway accepted them in: the producer's default `ordering: 'none'` may
 * reorder a retried write; give it `ordering: 'per-partition-key'` for that. A URL longer than Kinesis' 256-character key limit is replaced by
 * `sha256:` and its hex digest: still one key per URL.
 *
 * @example
 * ```ts
 * urlPartitionKey({ visitId: 'v1', url: 'https://example.com/', visitorId: 'u1', timestamp: 0 });
 * // 'https://example.com/'
 * ```
 */
export function urlPartitionKey(visit: Visit): string {
  const url = visit.url;
  const limit = KINESIS_LIMITS.maxPartitionKeyLength;
  // Kinesis counts code points; a string of at most `limit` UTF-16 units has no more than that.
  if (url.length <= limit || [...url].length <= limit) return url;
  return `sha256:${createHash('sha256').update(url).digest('hex')}`;
}
