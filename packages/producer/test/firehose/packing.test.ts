import { RecordValidationError } from '@kinesis-kit/records';
import { describe, expect, it } from 'vitest';
import { FirehoseProducer } from '../../src/index.js';
import {
  decode,
  makeRecords,
  seededRandom,
  sorted,
  text,
  useFirehoseServer,
} from './support/helpers.js';

const deliveryStreamName = 'test-stream';

/** Splits stored Firehose records on the delimiter, as a consumer would. */
function splitLines(stored: readonly Buffer[]): string[] {
  return stored.flatMap((data) => {
    const lines = decode(data).split('\n');
    expect(lines.at(-1)).toBe('');
    return lines.slice(0, -1);
  });
}

describe('FirehoseProducer delimiter and packing', () => {
  const context = useFirehoseServer();

  it('appends the delimiter to every record', async () => {
    const { server, client } = context;
    const producer = new FirehoseProducer({ deliveryStreamName, client, delimiter: '\n' });
    await producer.putMany([{ data: text('{"a":1}') }, { data: text('{"b":2}') }]);
    await producer.close();
    expect(sorted(server.storedData().map(decode))).toEqual(['{"a":1}\n', '{"b":2}\n']);
  });

  it('packs small records into fewer Firehose records that split back into the originals', async () => {
    const { server, client } = context;
    const producer = new FirehoseProducer({
      deliveryStreamName,
      client,
      packing: true,
      delimiter: '\n',
      lingerMs: 20,
    });
    const records = makeRecords(3000, 100);
    const results = await Promise.all(records.map((record) => producer.put(record)));
    await producer.close();
    const stored = server.storedData();
    expect(stored.length).toBeLessThan(10);
    expect(splitLines(stored)).toEqual(records.map((record) => decode(record.data)));
    const byId = new Map(server.stored.map((record) => [record.recordId, decode(record.data)]));
    results.forEach((result, index) => {
      const line = `${decode(records[index]?.data ?? new Uint8Array())}\n`;
      expect(byId.get(result.recordId)).toContain(line);
    });
    expect(producer.metrics()).toMatchObject({
      recordsDelivered: 3000,
      firehoseRecordsDelivered: stored.length,
    });
  });

  it('keeps every packed record within maxPackedBytes and sends a larger record alone', async () => {
    const { server, client } = context;
    const producer = new FirehoseProducer({
      deliveryStreamName,
      client,
      packing: true,
      delimiter: '\n',
      maxPackedBytes: 5 * 1024,
    });
    const large = { data: text('L'.repeat(8000)) };
    const records = [...makeRecords(500, 99), large, ...makeRecords(10, 99)];
    await Promise.all(records.map((record) => producer.put(record)));
    await producer.close();
    const sizes = server.storedData().map((data) => data.byteLength);
    expect(sizes.filter((size) => size > 5 * 1024)).toEqual([8001]);
    // 100-byte lines: 51 fit in 5 KiB, and each pack is filled before the next one starts.
    expect(sizes.filter((size) => size === 5100).length).toBeGreaterThanOrEqual(9);
    expect(splitLines(server.storedData())).toEqual(records.map((record) => decode(record.data)));
  });

  it('counts the delimiter against the record limit', async () => {
    const { client } = context;
    const producer = new FirehoseProducer({ deliveryStreamName, client, delimiter: '\n' });
    const error = await producer
      .put({ data: new Uint8Array(1000 * 1024) })
      .catch((e: unknown) => e);
    await producer.close();
    expect(error).toBeInstanceOf(RecordValidationError);
    expect(error).toMatchObject({ code: 'RecordTooLarge', limit: 1_024_000, actual: 1_024_001 });
  });

  it('stores every packed record exactly once when random entries fail', async () => {
    const { server, client } = context;
    const random = seededRandom(7);
    server.entryFault = () => (random() < 0.3 ? 'ServiceUnavailableException' : undefined);
    const producer = new FirehoseProducer({
      deliveryStreamName,
      client,
      packing: true,
      delimiter: '\n',
      maxPackedBytes: 2000,
      lingerMs: 5,
      initialBackoffMs: 2,
      maxBackoffMs: 10,
    });
    const records = makeRecords(1500, 50);
    const results = await Promise.all(records.map((record) => producer.put(record)));
    await producer.close();
    expect(sorted(splitLines(server.storedData()))).toEqual(
      sorted(records.map((record) => decode(record.data))),
    );
    expect(results.some((result) => result.attempts > 1)).toBe(true);
    expect(server.calls.some((call) => call.records.length > 1)).toBe(true);
  });

  it('packs without a delimiter by plain concatenation', async () => {
    const { server, client } = context;
    const producer = new FirehoseProducer({ deliveryStreamName, client, packing: true });
    await producer.putMany(['a', 'bb', 'ccc'].map((value) => ({ data: text(value) })));
    await producer.close();
    expect(server.storedData().map(decode)).toEqual(['abbccc']);
  });
});
