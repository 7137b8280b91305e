import { connect } from 'node:http2';
import { crc32 } from 'node:zlib';
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  PutRecordCommand,
  RegisterStreamConsumerCommand,
} from '@aws-sdk/client-kinesis';
import { Decoder, Encoder, Tag } from 'cbor-x';
import { describe, expect, it } from 'vitest';
import { uniqueStreamName, useLocalKinesis } from '../support/local-kinesis.js';

const CBOR_TYPE = 'application/x-amz-cbor-1.1';
const TARGET_PREFIX = 'Kinesis_20131202.';
const AUTHORIZATION =
  'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=0';

// Plain CBOR, as the Java SDKs write it: no records extension, no tag on byte strings.
const encoder = new Encoder({ useRecords: false, mapsAsObjects: true, tagUint8Array: false });
const decoder = new Decoder({ useRecords: false, mapsAsObjects: true });

/** A timestamp as the Java SDKs send it: epoch milliseconds in tag 1. */
const timestamp = (date: Date) => new Tag(date.getTime(), 1);

/**
 * cbor-x reads tag 1 as epoch seconds; a Java-style client reads milliseconds there, so every
 * Date it decodes is scaled back down.
 */
function fromJavaTimestamps(value: unknown): unknown {
  if (value instanceof Date) return new Date(value.getTime() / 1000);
  if (value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return value.map(fromJavaTimestamps);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, fromJavaTimestamps(item)]),
    );
  }
  return value;
}

interface Answer {
  readonly status: number;
  readonly contentType: string | null;
  readonly body: Record<string, unknown>;
}

/** A minimal CBOR client over HTTP/1.1 (fetch): unsigned, with the headers the endpoint checks. */
async function cborPost(endpoint: string, operation: string, body: Uint8Array): Promise<Answer> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      authorization: AUTHORIZATION,
      'x-amz-target': TARGET_PREFIX + operation,
      'content-type': CBOR_TYPE,
    },
    body,
  });
  const bytes = new Uint8Array(await response.arrayBuffer());
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: fromJavaTimestamps(decoder.decode(bytes)) as Record<string, unknown>,
  };
}

/** The same client over HTTP/2 (cleartext, prior knowledge), as the Java SDK v2 may speak. */
async function cborPostHttp2(endpoint: string, operation: string, input: object): Promise<Answer> {
  const session = connect(endpoint);
  try {
    return await new Promise<Answer>((resolve, reject) => {
      const stream = session.request({
        ':method': 'POST',
        ':path': '/',
        authorization: AUTHORIZATION,
        'x-amz-target': TARGET_PREFIX + operation,
        'content-type': CBOR_TYPE,
      });
      const chunks: Buffer[] = [];
      let status = 0;
      let contentType: string | null = null;
      stream.on('response', (headers) => {
        status = Number(headers[':status']);
        contentType = (headers['content-type'] as string | undefined) ?? null;
      });
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const body = fromJavaTimestamps(decoder.decode(Buffer.concat(chunks)));
        resolve({ status, contentType, body: body as Record<string, unknown> });
      });
      stream.on('error', reject);
      stream.end(encoder.encode(input));
    });
  } finally {
    session.close();
  }
}

/** Calls an operation over CBOR; fails the test on anything but 200. */
async function cborCall(
  endpoint: string,
  operation: string,
  input: object,
): Promise<Record<string, unknown>> {
  const answer = await cborPost(endpoint, operation, encoder.encode(input));
  if (answer.status !== 200) {
    throw new Error(`${operation} failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  }
  expect(answer.contentType).toBe(CBOR_TYPE);
  return answer.body;
}

const SHARD = 'shardId-000000000000';

interface EventMessage {
  readonly headers: Record<string, string>;
  readonly payload: Buffer;
}

/**
 * Splits event-stream bytes into messages, checking both CRC32s: written from the format's
 * description, apart from the endpoint's encoder, so each checks the other.
 */
function parseEventStream(bytes: Buffer): EventMessage[] {
  const messages: EventMessage[] = [];
  let offset = 0;
  while (offset + 12 <= bytes.length) {
    const total = bytes.readUInt32BE(offset);
    if (offset + total > bytes.length) break;
    const message = bytes.subarray(offset, offset + total);
    const headersLength = message.readUInt32BE(4);
    expect(message.readUInt32BE(8)).toBe(crc32(message.subarray(0, 8)));
    expect(message.readUInt32BE(total - 4)).toBe(crc32(message.subarray(0, total - 4)));
    const headers: Record<string, string> = {};
    let at = 12;
    while (at < 12 + headersLength) {
      const nameLength = message.readUInt8(at);
      const name = message.toString('utf8', at + 1, at + 1 + nameLength);
      at += 1 + nameLength;
      expect(message.readUInt8(at)).toBe(7); // string
      const valueLength = message.readUInt16BE(at + 1);
      headers[name] = message.toString('utf8', at + 3, at + 3 + valueLength);
      at += 3 + valueLength;
    }
    messages.push({ headers, payload: message.subarray(12 + headersLength, total - 4) });
    offset += total;
  }
  return messages;
}

describe('the CBOR protocol (application/x-amz-cbor-1.1)', () => {
  const local = useLocalKinesis({ limits: 'off' });
  const call = (operation: string, input: object) =>
    cborCall(local.kinesis.endpoint, operation, input);

  async function createStream(shardCount = 1): Promise<string> {
    const name = uniqueStreamName('cbor');
    expect(await call('CreateStream', { StreamName: name, ShardCount: shardCount })).toEqual({});
    return name;
  }

  async function readAll(name: string): Promise<Record<string, unknown>[]> {
    const { ShardIterator } = await call('GetShardIterator', {
      StreamName: name,
      ShardId: SHARD,
      ShardIteratorType: 'TRIM_HORIZON',
    });
    const page = await call('GetRecords', { ShardIterator });
    return page.Records as Record<string, unknown>[];
  }

  it('creates and describes a stream, with its creation time as a Date', async () => {
    const before = Date.now();
    const name = await createStream(2);
    const { StreamDescription } = await call('DescribeStream', { StreamName: name });
    const description = StreamDescription as Record<string, unknown>;
    expect(description).toMatchObject({ StreamName: name, StreamStatus: 'ACTIVE' });
    expect(description.Shards).toHaveLength(2);
    const created = description.StreamCreationTimestamp;
    expect(created).toBeInstanceOf(Date);
    expect((created as Date).getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect((created as Date).getTime()).toBeLessThanOrEqual(Date.now() + 1000);
    const { StreamDescriptionSummary } = await call('DescribeStreamSummary', { StreamName: name });
    expect((StreamDescriptionSummary as Record<string, unknown>).StreamCreationTimestamp).toEqual(
      created,
    );
  });

  it('round-trips binary Data exactly through PutRecord, PutRecords and GetRecords', async () => {
    const name = await createStream();
    const every = Buffer.from(Array.from({ length: 256 }, (_, index) => index));
    const put = await call('PutRecord', { StreamName: name, PartitionKey: 'k', Data: every });
    expect(put.SequenceNumber).toMatch(/^\d{56}$/);
    expect(put).toMatchObject({ ShardId: SHARD, EncryptionType: 'NONE' });
    const batch = await call('PutRecords', {
      StreamName: name,
      Records: [
        { PartitionKey: 'a', Data: new Uint8Array([0, 0xff, 0x80]) },
        { PartitionKey: 'b', Data: new Uint8Array([]) },
      ],
    });
    expect(batch.FailedRecordCount).toBe(0);
    const records = await readAll(name);
    expect(
      records.map((record) => [record.PartitionKey, Buffer.from(record.Data as Uint8Array)]),
    ).toEqual([
      ['k', every],
      ['a', Buffer.from([0, 0xff, 0x80])],
      ['b', Buffer.alloc(0)],
    ]);
    for (const record of records) {
      expect(record.Data).toBeInstanceOf(Uint8Array);
      expect(record.ApproximateArrivalTimestamp).toBeInstanceOf(Date);
    }
    expect(records[0]?.SequenceNumber).toBe(put.SequenceNumber);
  });

  it('starts an AT_TIMESTAMP iterator from a tag-1 timestamp', async () => {
    const name = await createStream();
    await call('PutRecord', { StreamName: name, PartitionKey: 'k', Data: Buffer.from('old') });
    const [old] = (await readAll(name)) as [Record<string, unknown>];
    const oldArrival = (old.ApproximateArrivalTimestamp as Date).getTime();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const between = new Date(Date.now());
    await new Promise((resolve) => setTimeout(resolve, 20));
    await call('PutRecord', { StreamName: name, PartitionKey: 'k', Data: Buffer.from('new') });
    const { ShardIterator } = await call('GetShardIterator', {
      StreamName: name,
      ShardId: SHARD,
      ShardIteratorType: 'AT_TIMESTAMP',
      Timestamp: timestamp(between),
    });
    const page = await call('GetRecords', { ShardIterator });
    const records = page.Records as Record<string, unknown>[];
    expect(records.map((record) => Buffer.from(record.Data as Uint8Array).toString())).toEqual([
      'new',
    ]);
    expect(oldArrival).toBeLessThan(between.getTime());
    // A plain number of epoch milliseconds works too.
    const fromNumber = await call('GetShardIterator', {
      StreamName: name,
      ShardId: SHARD,
      ShardIteratorType: 'AT_TIMESTAMP',
      Timestamp: oldArrival,
    });
    const all = await call('GetRecords', { ShardIterator: fromNumber.ShardIterator });
    expect(all.Records).toHaveLength(2);
  });

  it('lists shards', async () => {
    const name = await createStream(3);
    const listed = await call('ListShards', { StreamName: name });
    expect((listed.Shards as { ShardId: string }[]).map((shard) => shard.ShardId)).toEqual([
      'shardId-000000000000',
      'shardId-000000000001',
      'shardId-000000000002',
    ]);
    const streams = await call('ListStreams', {});
    const summary = (streams.StreamSummaries as Record<string, unknown>[]).find(
      (entry) => entry.StreamName === name,
    );
    expect(summary?.StreamCreationTimestamp).toBeInstanceOf(Date);
  });

  it('answers a missing stream with a CBOR ResourceNotFoundException', async () => {
    const answer = await cborPost(
      local.kinesis.endpoint,
      'DescribeStream',
      encoder.encode({ StreamName: 'no-such-stream' }),
    );
    expect(answer.status).toBe(400);
    expect(answer.contentType).toBe(CBOR_TYPE);
    expect(answer.body).toEqual({
      __type: 'ResourceNotFoundException',
      message: expect.stringContaining('no-such-stream'),
    });
  });

  it('answers constraint violations with a CBOR ValidationException', async () => {
    const answer = await cborPost(
      local.kinesis.endpoint,
      'PutRecord',
      encoder.encode({ StreamName: 'bad name!', PartitionKey: '', Data: Buffer.from('x') }),
    );
    expect(answer.status).toBe(400);
    expect(answer.body.__type).toBe('ValidationException');
    expect(answer.body.message).toMatch(/^2 validation errors detected: /);
  });

  it('answers a wrong member type with a SerializationException', async () => {
    const answer = await cborPost(
      local.kinesis.endpoint,
      'PutRecord',
      encoder.encode({ StreamName: 's', PartitionKey: 'k', Data: 'not bytes' }),
    );
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      __type: 'SerializationException',
      Message: 'class java.lang.String can not be converted to a Blob',
    });
  });

  it('answers an undecodable body with a SerializationException', async () => {
    const answer = await cborPost(
      local.kinesis.endpoint,
      'ListStreams',
      new Uint8Array([0xa1, 0x61, 0x61]),
    );
    expect(answer.status).toBe(400);
    expect(answer.contentType).toBe(CBOR_TYPE);
    expect(answer.body.__type).toBe('SerializationException');
    expect(answer.body.Message).toMatch(/^Could not parse the request body as CBOR/);
  });

  it('reads records written over JSON by the SDK, and the SDK reads records written over CBOR', async () => {
    const name = await createStream();
    const bytes = new Uint8Array([1, 2, 3, 0, 254, 255]);
    const written = await local.client.send(
      new PutRecordCommand({ StreamName: name, PartitionKey: 'sdk', Data: bytes }),
    );
    await call('PutRecord', { StreamName: name, PartitionKey: 'cbor', Data: Buffer.from(bytes) });
    const overCbor = await readAll(name);
    const { ShardIterator } = await local.client.send(
      new GetShardIteratorCommand({
        StreamName: name,
        ShardId: SHARD,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    const overJson = await local.client.send(new GetRecordsCommand({ ShardIterator }));
    expect(overCbor[0]?.SequenceNumber).toBe(written.SequenceNumber);
    expect(overCbor).toHaveLength(2);
    expect(overJson.Records).toHaveLength(2);
    overCbor.forEach((record, index) => {
      const sdk = overJson.Records?.[index];
      expect(record.SequenceNumber).toBe(sdk?.SequenceNumber);
      expect(record.PartitionKey).toBe(sdk?.PartitionKey);
      expect(Buffer.from(record.Data as Uint8Array)).toEqual(Buffer.from(bytes));
      expect(Buffer.from(sdk?.Data as Uint8Array)).toEqual(Buffer.from(bytes));
      expect(record.ApproximateArrivalTimestamp).toEqual(sdk?.ApproximateArrivalTimestamp);
    });
  });

  it('serves CBOR over HTTP/2 as well', async () => {
    const endpoint = local.kinesis.endpoint;
    const name = uniqueStreamName('cbor-h2');
    const created = await cborPostHttp2(endpoint, 'CreateStream', {
      StreamName: name,
      ShardCount: 1,
    });
    expect(created).toEqual({ status: 200, contentType: CBOR_TYPE, body: {} });
    const data = Buffer.from([0xde, 0xad, 0xbe, 0xef]);
    const put = await cborPostHttp2(endpoint, 'PutRecord', {
      StreamName: name,
      PartitionKey: 'k',
      Data: data,
    });
    expect(put.status).toBe(200);
    const { body: iterator } = await cborPostHttp2(endpoint, 'GetShardIterator', {
      StreamName: name,
      ShardId: SHARD,
      ShardIteratorType: 'TRIM_HORIZON',
    });
    const { body: page } = await cborPostHttp2(endpoint, 'GetRecords', {
      ShardIterator: iterator.ShardIterator,
    });
    const [record] = page.Records as Record<string, unknown>[];
    expect(Buffer.from(record?.Data as Uint8Array)).toEqual(data);
    expect(record?.ApproximateArrivalTimestamp).toBeInstanceOf(Date);
    const missing = await cborPostHttp2(endpoint, 'DescribeStream', { StreamName: 'absent' });
    expect(missing.status).toBe(400);
    expect(missing.body.__type).toBe('ResourceNotFoundException');
  });

  it('streams SubscribeToShard events with CBOR payloads', async () => {
    const name = await createStream();
    const data = Buffer.from([0, 255, 7]);
    await local.client.send(
      new PutRecordCommand({ StreamName: name, PartitionKey: 'k', Data: data }),
    );
    const { Consumer } = await local.client.send(
      new RegisterStreamConsumerCommand({
        StreamARN: `arn:aws:kinesis:us-east-1:123456789012:stream/${name}`,
        ConsumerName: 'java-like',
      }),
    );
    const session = connect(local.kinesis.endpoint);
    try {
      const messages = await new Promise<EventMessage[]>((resolve, reject) => {
        const stream = session.request({
          ':method': 'POST',
          ':path': '/',
          authorization: AUTHORIZATION,
          'x-amz-target': `${TARGET_PREFIX}SubscribeToShard`,
          'content-type': CBOR_TYPE,
        });
        let received = Buffer.alloc(0);
        stream.on('response', (headers) => {
          expect(headers['content-type']).toBe('application/vnd.amazon.eventstream');
        });
        stream.on('data', (chunk: Buffer) => {
          received = Buffer.concat([received, chunk]);
          const parsed = parseEventStream(received);
          // The initial response, then the event holding the record.
          if (parsed.length >= 2) {
            stream.close();
            resolve(parsed);
          }
        });
        stream.on('error', reject);
        stream.end(
          encoder.encode({
            ConsumerARN: Consumer?.ConsumerARN,
            ShardId: SHARD,
            StartingPosition: { Type: 'TRIM_HORIZON' },
          }),
        );
      });
      const [initial, event] = messages as [EventMessage, EventMessage];
      expect(initial.headers).toMatchObject({
        ':message-type': 'event',
        ':event-type': 'initial-response',
      });
      expect(event.headers).toEqual({
        ':message-type': 'event',
        ':event-type': 'SubscribeToShardEvent',
        ':content-type': CBOR_TYPE,
      });
      const body = fromJavaTimestamps(decoder.decode(event.payload)) as {
        Records: { Data: Uint8Array; ApproximateArrivalTimestamp: Date }[];
        ContinuationSequenceNumber: string;
      };
      expect(Buffer.from(body.Records[0]?.Data as Uint8Array)).toEqual(data);
      expect(body.Records[0]?.ApproximateArrivalTimestamp).toBeInstanceOf(Date);
      const arrival = body.Records[0]?.ApproximateArrivalTimestamp.getTime() ?? 0;
      expect(Math.abs(arrival - Date.now())).toBeLessThan(60_000);
      expect(body.ContinuationSequenceNumber).toMatch(/^\d{56}$/);
    } finally {
      session.close();
    }
  });

  it('keeps the admin paths in JSON', async () => {
    const response = await fetch(`${local.kinesis.endpoint}/_kinesis-kit/metrics`, {
      headers: { 'content-type': CBOR_TYPE },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/json/);
    expect(await response.json()).toBeTypeOf('object');
  });
});
