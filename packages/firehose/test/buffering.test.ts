import { describe, expect, it } from 'vitest';
import {
  createDeliveryStream,
  DeliveryStreamClosedError,
  type Destination,
  type DestinationRecord,
  FirehoseLimitError,
  ServiceUnavailableError,
  s3Directory,
} from '../src/index.js';
import { listKeys, readObject } from './support/files.js';
import { ManualClock } from './support/manual-clock.js';
import { expectNothingLost, managedStream, s3Stream, scratchDir } from './support/streams.js';

const KiB = 1024;
const MiB = 1024 * KiB;

describe('buffering', () => {
  it('delivers once the size hint is reached, without waiting for the interval', async () => {
    const { root, stream } = s3Stream({ buffering: { sizeMiB: 1, intervalSeconds: 900 } });
    const record = Buffer.alloc(300 * KiB, 0x61);
    await stream.put(record);
    await stream.put(record);
    await stream.put(record);
    await stream.onIdle();
    expect(listKeys(root)).toEqual([]);
    await stream.put(record);
    await stream.onIdle();
    const keys = listKeys(root);
    expect(keys).toHaveLength(1);
    expect(readObject(root, keys[0] as string).byteLength).toBe(4 * 300 * KiB);
  });

  it('delivers when the interval hint elapses, timed from the first record', async () => {
    const { root, clock, stream } = s3Stream({ buffering: { sizeMiB: 5, intervalSeconds: 60 } });
    await stream.put('a');
    clock.advance(30_000);
    await stream.put('b');
    clock.advance(29_999);
    await stream.onIdle();
    expect(listKeys(root)).toEqual([]);
    clock.advance(1);
    await stream.onIdle();
    const keys = listKeys(root);
    expect(keys).toHaveLength(1);
    expect(readObject(root, keys[0] as string).toString()).toBe('ab');
  });

  it('names objects as Firehose names S3 keys, with the time of the oldest record', async () => {
    const { root, clock, stream } = s3Stream();
    await stream.put('first');
    clock.advance(3_600_000);
    await stream.put('second');
    await stream.flush();
    const [key] = listKeys(root);
    expect(key).toMatch(
      /^2024\/01\/02\/03\/clicks-1-2024-01-02-03-04-05-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
  });

  it('uses a custom prefix with timestamp and random-string expressions', async () => {
    const { root, stream } = s3Stream(
      {},
      {
        prefix: "clicks/!{timestamp:'year='yyyy'/month='MM}/!{firehose:random-string}/",
        errorOutputPrefix: 'errors/!{firehose:error-output-type}/',
      },
    );
    await stream.put('x');
    await stream.flush();
    expect(listKeys(root)[0]).toMatch(/^clicks\/year=2024\/month=01\/[A-Za-z0-9]{11}\/clicks-1-/);
  });

  it('round-trips GZIP objects named .gz, with newline delimiters between records', async () => {
    const { root, stream } = s3Stream({}, { compression: 'GZIP', newlineDelimiter: true });
    await stream.putBatch(['{"a":1}', '{"a":2}']);
    await stream.flush();
    const [key] = listKeys(root);
    expect(key).toMatch(/\.gz$/);
    expect(readObject(root, key as string).toString()).toBe('{"a":1}\n{"a":2}');
  });

  it('validates buffering hints against Firehose ranges', () => {
    expect(() => s3Stream({ buffering: { sizeMiB: 129 } })).toThrow(
      'buffering.sizeMiB must be an integer from 1 to 128, got 129',
    );
    expect(() => s3Stream({ processorBuffering: { sizeMB: 0.1 } })).toThrow(
      'processorBuffering.sizeMB must be a number from 0.2 to 3, got 0.1',
    );
  });
});

describe('put limits', () => {
  it('rejects a record over 1,000 KiB, naming the limit', async () => {
    const { stream } = s3Stream();
    const error = await stream.put(Buffer.alloc(1000 * KiB + 1)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FirehoseLimitError);
    expect(error).toMatchObject({ code: 'RecordTooLarge', limit: 1_024_000, actual: 1_024_001 });
  });

  it('rejects PutRecordBatch over 500 records or 4 MiB', async () => {
    const { stream } = s3Stream();
    await expect(stream.putBatch(Array.from({ length: 501 }, () => 'x'))).rejects.toMatchObject({
      code: 'TooManyRecords',
      message: 'PutRecordBatch has 501 records, over the limit of 500',
    });
    const big = Buffer.alloc(900 * KiB);
    await expect(stream.putBatch([big, big, big, big, big])).rejects.toMatchObject({
      code: 'BatchTooLarge',
      limit: 4 * MiB,
    });
    await expect(stream.putBatch([])).rejects.toMatchObject({ code: 'EmptyBatch' });
  });

  it('refuses what does not fit maxBufferedBytes: put throws, putBatch fails only those entries', async () => {
    const { stream } = s3Stream({ maxBufferedBytes: 1_025_024 });
    const record = Buffer.alloc(400 * KiB);
    const result = await stream.putBatch([record, record, record]);
    expect(result.failedPutCount).toBe(1);
    expect(result.requestResponses[2]).toMatchObject({ errorCode: 'ServiceUnavailableException' });
    expect('recordId' in (result.requestResponses[0] ?? {})).toBe(true);
    const error = await stream.put(record).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect((error as ServiceUnavailableError).retriable).toBe(true);
    await stream.flush();
    await expect(stream.put(record)).resolves.toHaveProperty('recordId');
  });

  it('refuses records after close, and close flushes', async () => {
    const { root, stream } = s3Stream();
    await stream.put('last');
    await stream.close();
    expect(listKeys(root)).toHaveLength(1);
    await expect(stream.put('late')).rejects.toBeInstanceOf(DeliveryStreamClosedError);
  });
});

describe('size hint boundary', () => {
  it('delivers as soon as exactly the size hint is buffered', async () => {
    const { root, stream } = s3Stream({ buffering: { sizeMiB: 1, intervalSeconds: 900 } });
    await stream.put(Buffer.alloc(512 * KiB));
    await stream.onIdle();
    expect(listKeys(root)).toEqual([]);
    await stream.put(Buffer.alloc(512 * KiB));
    await stream.onIdle();
    expect(listKeys(root)).toHaveLength(1);
    expect(stream.metrics().recordsDelivered).toBe(2);
  });
});

/** A destination that keeps what it is given, to look at the bytes the stream holds. */
function keepingDestination(kept: DestinationRecord[]): Destination {
  const errors = s3Directory({ root: scratchDir() });
  return {
    unexpectedFailure: errors.unexpectedFailure,
    async deliver(records) {
      kept.push(...records);
      return { delivered: [{ location: 'memory', records: records.length }], failed: [] };
    },
    writeErrors: errors.writeErrors,
  };
}

describe('what put keeps', () => {
  it('takes a snapshot: reusing the buffer after put resolves does not change the record', async () => {
    const { root, stream } = s3Stream();
    const buffer = Buffer.from('original');
    await stream.put(buffer);
    buffer.write('MUTATED!');
    const batch = [Buffer.from('batched')];
    await stream.putBatch(batch);
    batch[0]?.write('CHANGED');
    await stream.flush();
    expect(readObject(root, listKeys(root)[0] as string).toString()).toBe('originalbatched');
  });

  it('holds only the bytes it charges for, not the caller’s larger backing buffer', async () => {
    const kept: DestinationRecord[] = [];
    const { stream } = managedStream({ destination: keepingDestination(kept) });
    const big = Buffer.alloc(MiB, 0x61);
    await stream.put(big.subarray(10, 11));
    await stream.put('x');
    expect(stream.metrics().bytesBuffered).toBe(2 * (1 + 1024));
    await stream.flush();
    expect(kept.map((record) => record.data.buffer.byteLength)).toEqual([1, 1]);
  });
});

describe('a full stream', () => {
  it('refuses maxBufferedBytes below one 1,000 KiB record plus its bookkeeping', () => {
    const destination = s3Directory({ root: scratchDir() });
    const create = (maxBufferedBytes: number) => () =>
      createDeliveryStream({
        name: 'min',
        destination,
        maxBufferedBytes,
        clock: new ManualClock(),
      });
    expect(create(1_025_023)).toThrow('maxBufferedBytes must be an integer >= 1025024');
    expect(create(1_025_024)).not.toThrow();
  });

  it('accepts a 1,000 KiB record at the smallest maxBufferedBytes', async () => {
    const { stream } = s3Stream({ maxBufferedBytes: 1_025_024 });
    await expect(stream.put(Buffer.alloc(1000 * KiB))).resolves.toHaveProperty('recordId');
  });

  it('delivers what it buffers when full, without waiting for the interval hint', async () => {
    const { root, stream } = s3Stream({
      maxBufferedBytes: 2 * MiB,
      buffering: { sizeMiB: 5, intervalSeconds: 900 },
    });
    const record = Buffer.alloc(500_000);
    for (let i = 0; i < 4; i++) await stream.put(record);
    await expect(stream.put(record)).rejects.toBeInstanceOf(ServiceUnavailableError);
    await stream.onIdle();
    expect(listKeys(root)).toHaveLength(1);
    expect(stream.metrics()).toMatchObject({ recordsDelivered: 4, bytesBuffered: 0 });
    await expect(stream.put(record)).resolves.toHaveProperty('recordId');
  });

  it('delivers the processor’s output too when a refused putBatch relieves it', async () => {
    const { root, stream } = s3Stream({
      maxBufferedBytes: 2 * MiB,
      processor: async (event) => ({
        records: event.records.map(({ recordId, data }) => ({ recordId, result: 'Ok', data })),
      }),
      processorBuffering: { sizeMB: 3, intervalSeconds: 900 },
      buffering: { sizeMiB: 5, intervalSeconds: 900 },
    });
    const result = await stream.putBatch(Array.from({ length: 5 }, () => Buffer.alloc(500_000)));
    expect(result.failedPutCount).toBe(1);
    await stream.onIdle();
    expect(listKeys(root)).toHaveLength(1);
    expectNothingLost(stream);
  });
});
