import { InvalidArgumentError, RecordValidationError } from '@kinesis-kit/records';
import { describe, expect, it } from 'vitest';
import { FirehoseProducer, type FirehoseRecord } from '../../src/index.js';
import { decode, text, useFirehoseServer } from './support/helpers.js';

const deliveryStreamName = 'test-stream';

describe('FirehoseProducer validation', () => {
  const context = useFirehoseServer();

  it('rejects a record over 1,000 KiB at once, naming the limit, without disturbing others', async () => {
    const { server, client } = context;
    const producer = new FirehoseProducer({ deliveryStreamName, client, lingerMs: 60_000 });
    const tooLarge = producer.put({ data: new Uint8Array(1_024_001) });
    const error = await tooLarge.catch((e: unknown) => e);
    // Rejected before anything was sent: the others are still lingering.
    expect(server.calls).toHaveLength(0);
    expect(error).toBeInstanceOf(RecordValidationError);
    expect(error).toMatchObject({ code: 'RecordTooLarge', limit: 1_024_000, actual: 1_024_001 });
    expect((error as Error).message).toContain('FIREHOSE_LIMITS.maxRecordBytes');
    const settling = producer.putMany([
      { data: text('before') },
      { data: new Uint8Array(2_000_000) },
      { data: new Uint8Array(1_024_000).fill(1) },
      { data: text('after') },
    ]);
    await producer.close();
    const results = await settling;
    expect(results.map((result) => result.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    const stored = server.storedData();
    expect(stored.map((data) => data.byteLength).sort((a, b) => a - b)).toEqual([5, 6, 1_024_000]);
    expect(stored.map(decode)).toContain('before');
  });

  it('rejects records that are not bytes with InvalidData', async () => {
    const { server, client } = context;
    const producer = new FirehoseProducer({ deliveryStreamName, client, lingerMs: 60_000 });
    const bad: unknown[] = [
      { data: 'text' },
      text('bare bytes'),
      { data: [1, 2, 3] },
      null,
      undefined,
    ];
    for (const record of bad) {
      const error = await producer.put(record as FirehoseRecord).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RecordValidationError);
      expect(error).toMatchObject({ code: 'InvalidData' });
    }
    await expect(producer.put('text' as unknown as FirehoseRecord)).rejects.toThrow(
      /data must be a Uint8Array/,
    );
    await expect(producer.put(text('x') as unknown as FirehoseRecord)).rejects.toThrow(
      /bare Uint8Array/,
    );
    await producer.close();
    expect(server.calls).toHaveLength(0);
    expect(producer.metrics().recordsFailed).toBe(0);
  });

  it('rejects options out of range', () => {
    const { client } = context;
    const cases: Record<string, unknown>[] = [
      { deliveryStreamName: '' },
      { deliveryStreamName, maxBatchRecords: 501 },
      { deliveryStreamName, maxBatchBytes: 4 * 1024 * 1024 + 1 },
      { deliveryStreamName, maxPackedBytes: 1_024_001 },
      { deliveryStreamName, delimiter: '' },
      { deliveryStreamName, lingerMs: -1 },
    ];
    for (const options of cases) {
      expect(() => new FirehoseProducer({ client, ...options } as never)).toThrow(
        InvalidArgumentError,
      );
    }
    expect(() => new FirehoseProducer({ deliveryStreamName, client })).not.toThrow();
  });
});
