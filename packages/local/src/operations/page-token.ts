import type { Engine } from '../engine/engine.js';
import { AwsServiceError } from '../errors.js';

/** Where a paginated listing resumes. */
export interface PageToken {
  readonly kind: 'ListStreams' | 'ListShards' | 'ListStreamConsumers';
  /** The last item of the previous page (exclusive start of the next). */
  readonly after: string;
  readonly stream?: string;
  readonly createdMs?: number;
  readonly filter?: { Type: string; ShardId?: string; Timestamp?: number } | undefined;
}

/** NextTokens expire like AWS's: five minutes after they were issued. */
const TOKEN_TTL_MS = 300_000;

export function encodePageToken(engine: Engine, token: PageToken): string {
  return Buffer.from(JSON.stringify({ ...token, issuedMs: engine.clock.now() })).toString('base64');
}

export function decodePageToken(engine: Engine, text: string, kind: PageToken['kind']): PageToken {
  let token: (PageToken & { issuedMs: number }) | undefined;
  try {
    token = JSON.parse(Buffer.from(text, 'base64').toString('utf8'));
  } catch {
    token = undefined;
  }
  if (
    !token ||
    token.kind !== kind ||
    typeof token.after !== 'string' ||
    typeof token.issuedMs !== 'number'
  ) {
    throw new AwsServiceError(
      'InvalidArgumentException',
      `Invalid NextToken: ${text.slice(0, 64)}`,
    );
  }
  if (engine.clock.now() - token.issuedMs > TOKEN_TTL_MS) {
    throw new AwsServiceError(
      'ExpiredNextTokenException',
      'The NextToken has expired: it is valid for 300 seconds after it was issued.',
    );
  }
  return token;
}
