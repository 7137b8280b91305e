import { FIREHOSE_LIMITS, InvalidArgumentError } from '@kinesis-kit/records';

// Header values travel as bytes Node reads as latin1: anything beyond printable ASCII is
// either refused by http.request or garbled on the way, so it is refused here, at construction.
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** `secret` values are never repeated in messages, which end up in logs. */
function requirePrintable(what: string, value: string, secret = false) {
  if (PRINTABLE_ASCII.test(value)) return;
  const bad = [...value].find((char) => !PRINTABLE_ASCII.test(char)) ?? '';
  const codePoint = `U+${(bad.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
  const shown = secret ? `${value.length} characters (not shown)` : JSON.stringify(value);
  throw new InvalidArgumentError(
    `${what} is ${shown}: HTTP header values must be printable ASCII (0x20-0x7E), found ${codePoint}`,
  );
}

/**
 * The headers every request of an endpoint carries, checked against the spec's limits and
 * HTTP's character rules so a bad value fails at construction, not on every delivery.
 *
 * @example
 * ```ts
 * buildHeaders({ accessKey: 'k', commonAttributes: { env: 'dev' } }, 'NONE');
 * ```
 */
export function buildHeaders(
  options: {
    readonly accessKey?: string;
    readonly commonAttributes?: Readonly<Record<string, string>>;
  },
  compression: 'NONE' | 'GZIP',
): Record<string, string> {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'X-Amz-Firehose-Protocol-Version': '1.0',
    ...(compression === 'GZIP' && { 'Content-Encoding': 'gzip' }),
  };
  if (options.accessKey !== undefined) {
    const bytes = Buffer.byteLength(options.accessKey);
    const limit = FIREHOSE_LIMITS.httpEndpointMaxAccessKeyBytes;
    if (bytes > limit) {
      throw new InvalidArgumentError(`accessKey is ${bytes} bytes, over the limit of ${limit}`);
    }
    requirePrintable('accessKey', options.accessKey, true);
    headers['X-Amz-Firehose-Access-Key'] = options.accessKey;
  }
  if (options.commonAttributes !== undefined) {
    const entries = Object.entries(options.commonAttributes);
    const limit = FIREHOSE_LIMITS.httpEndpointMaxCommonAttributes;
    if (entries.length > limit) {
      throw new InvalidArgumentError(
        `commonAttributes has ${entries.length} entries, over the limit of ${limit}`,
      );
    }
    for (const [name, value] of entries) {
      if (typeof value !== 'string') {
        throw new InvalidArgumentError(`commonAttributes.${name} must be a string`);
      }
      requirePrintable(`commonAttributes name ${JSON.stringify(name)}`, name);
      requirePrintable(`commonAttributes.${name}`, value);
    }
    headers['X-Amz-Firehose-Common-Attributes'] = JSON.stringify({
      commonAttributes: options.commonAttributes,
    });
  }
  return headers;
}
