import { Decoder, Encoder, Tag } from 'cbor-x';
import { AwsServiceError } from '../errors.js';
import { JSON_READERS, type ScalarReaders } from './shapes.js';

/**
 * A body encoding the endpoint speaks, chosen by the request's Content-Type; the answer (an
 * error too) goes back in the same encoding. Operations build JSON-ready outputs (blobs as
 * base64, timestamps as epoch seconds); `encode` turns them into the format's own types.
 */
export interface WireFormat {
  readonly name: 'json' | 'cbor';
  readonly contentType: string;
  /** The request body, or throws a SerializationException. An empty body is `{}`. */
  readonly decode: (body: Buffer) => unknown;
  readonly readers: ScalarReaders;
  readonly encode: (output: object) => Buffer;
}

const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';
const CBOR_CONTENT_TYPE = 'application/x-amz-cbor-1.1';

export const JSON_FORMAT: WireFormat = {
  name: 'json',
  contentType: JSON_CONTENT_TYPE,
  decode(body) {
    try {
      return body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
    } catch (error) {
      throw new AwsServiceError(
        'SerializationException',
        `Could not parse the request body as JSON: ${(error as Error).message}`,
      );
    }
  },
  readers: JSON_READERS,
  encode: (output) => Buffer.from(JSON.stringify(output)),
};

// Plain CBOR, as the Java SDKs read and write it: no record extension, no tag on byte strings.
const cborDecoder = new Decoder({ useRecords: false, mapsAsObjects: true });
const cborEncoder = new Encoder({ useRecords: false, mapsAsObjects: true, tagUint8Array: false });

/**
 * The output members that carry a blob or a timestamp, whichever operation they belong to:
 * the only ones whose JSON-ready values change in CBOR.
 */
const BLOB_MEMBERS = new Set(['Data']);
const TIMESTAMP_MEMBERS = new Set([
  'ApproximateArrivalTimestamp',
  'StreamCreationTimestamp',
  'ConsumerCreationTimestamp',
]);

/** Epoch milliseconds in tag 1, as the Java SDKs write a timestamp (standard CBOR has seconds). */
function timestampTag(ms: number): Tag {
  return new Tag(Math.round(ms), 1);
}

function toCbor(value: unknown, member?: string): unknown {
  if (member !== undefined && BLOB_MEMBERS.has(member) && typeof value === 'string') {
    return Buffer.from(value, 'base64');
  }
  if (member !== undefined && TIMESTAMP_MEMBERS.has(member) && typeof value === 'number') {
    return timestampTag(value * 1000);
  }
  if (Array.isArray(value)) return value.map((item) => toCbor(item));
  if (typeof value === 'object' && value !== null) {
    const output: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) output[key] = toCbor(item, key);
    return output;
  }
  return value;
}

export const CBOR_FORMAT: WireFormat = {
  name: 'cbor',
  contentType: CBOR_CONTENT_TYPE,
  decode(body) {
    if (body.length === 0) return {};
    try {
      return cborDecoder.decode(body);
    } catch (error) {
      throw new AwsServiceError(
        'SerializationException',
        `Could not parse the request body as CBOR: ${(error as Error).message}`,
      );
    }
  },
  readers: {
    blob: (value) => (value instanceof Uint8Array ? Buffer.from(value) : undefined),
    timestamp(value) {
      if (typeof value === 'number') return value;
      if (value instanceof Date) {
        // cbor-x reads tag 1 as epoch seconds and builds `new Date(round(value * 1000))`; the
        // Java SDKs put epoch milliseconds there, so the number they sent is a thousandth of it.
        const ms = value.getTime() / 1000;
        return Number.isFinite(ms) ? ms : undefined;
      }
      return undefined;
    },
  },
  encode: (output) => cborEncoder.encode(toCbor(output)),
};

/** The format a Content-Type names, or undefined when the endpoint does not speak it. */
export function wireFormatFor(contentType: string | undefined): WireFormat | undefined {
  if (contentType === undefined) return undefined;
  if (contentType.startsWith('application/x-amz-json-1.')) return JSON_FORMAT;
  if (contentType.startsWith(CBOR_CONTENT_TYPE)) return CBOR_FORMAT;
  return undefined;
}
