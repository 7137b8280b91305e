import { FIREHOSE_LIMITS } from '@kinesis-kit/records';
import { describe, expect, it } from 'vitest';
import {
  buildTransformationEvent,
  defineTransformer,
  ok,
  type ReingestRecord,
  runTransformer,
} from '../src/index.js';
import { listKeys, readObject } from './support/files.js';
import { expectNothingLost, s3Stream } from './support/streams.js';

const MB = 1024 * 1024;
const CAP = FIREHOSE_LIMITS.lambdaMaxPayloadBytes;

describe('re-ingesting records that overflow the response', () => {
  it('puts the overflowing input back into the source and answers it Dropped', async () => {
    const put: ReingestRecord[][] = [];
    const transformer = defineTransformer(() => ok(Buffer.alloc(3 * MB, 0x61)), {
      reingest: async (records) => {
        put.push([...records]);
        return records.map((record) => record.recordId);
      },
    });
    const [first, second] = await runTransformer(transformer, [
      { data: 'one', recordId: 'r1' },
      { data: 'two', recordId: 'r2' },
    ]);
    expect(first?.result).toBe('Ok');
    expect(second).toMatchObject({ recordId: 'r2', result: 'Dropped' });
    // The input goes back, to be transformed again: not the 3 MB output.
    expect(put).toHaveLength(1);
    expect(put[0]?.map((record) => [record.recordId, Buffer.from(record.data).toString()])).toEqual(
      [['r2', 'two']],
    );
  });

  it('fails what the source did not take back, and all of it when re-ingesting throws', async () => {
    const refused = await runTransformer(
      defineTransformer(() => ok(Buffer.alloc(3 * MB, 0x61)), { reingest: async () => [] }),
      [
        { data: 'one', recordId: 'r1' },
        { data: 'two', recordId: 'r2' },
      ],
    );
    expect(refused[1]).toMatchObject({ result: 'ProcessingFailed' });
    expect(refused[1]?.reason).toMatch(/was not re-ingested/);
    const thrown = await runTransformer(
      defineTransformer(() => ok(Buffer.alloc(3 * MB, 0x61)), {
        reingest: async () => {
          throw new Error('ServiceUnavailableException');
        },
      }),
      [
        { data: 'one', recordId: 'r1' },
        { data: 'two', recordId: 'r2' },
      ],
    );
    expect(thrown[1]?.reason).toMatch(/re-ingesting failed: ServiceUnavailableException$/);
  });

  it('fails a record whose output could never fit, instead of sending it round forever', async () => {
    let called = false;
    const [alone] = await runTransformer(
      defineTransformer(() => ok(Buffer.alloc(CAP, 0x61)), {
        reingest: async () => {
          called = true;
          return [];
        },
      }),
      [{ data: 'huge', recordId: 'r1' }],
    );
    expect(alone?.result).toBe('ProcessingFailed');
    expect(alone?.reason).toMatch(/its output alone .* exceeds Firehose's 6,291,456-byte limit/);
    expect(called).toBe(false);
  });

  it('passes the Kinesis partition key of a Kinesis-stream source', async () => {
    const event = buildTransformationEvent(['one', 'two']);
    const kinesisEvent = {
      ...event,
      sourceKinesisStreamArn: 'arn:aws:kinesis:us-east-1:123456789012:stream/clicks',
      records: event.records.map((record, index) => ({
        ...record,
        kinesisRecordMetadata: {
          shardId: 'shardId-000000000000',
          partitionKey: `key-${index}`,
          approximateArrivalTimestamp: record.approximateArrivalTimestamp,
          sequenceNumber: String(index + 1),
          subsequenceNumber: '0',
        },
      })),
    };
    const put: ReingestRecord[] = [];
    const result = await defineTransformer(() => ok(Buffer.alloc(3 * MB, 0x61)), {
      reingest: async (records) => {
        put.push(...records);
        return records.map((record) => record.recordId);
      },
    })(kinesisEvent);
    expect(result.records[1]?.result).toBe('Dropped');
    expect(put.map((record) => record.partitionKey)).toEqual(['key-1']);
  });

  it('delivers everything through a local delivery stream that re-ingests into itself', async () => {
    // Each 1 KiB input becomes 2.5 MB of output: only two fit a response, the rest come back.
    const { root, stream } = s3Stream({
      processorBuffering: { sizeMB: 1, intervalSeconds: 900 },
      processor: (event, context) =>
        defineTransformer(
          (record) => ok(Buffer.alloc(2.5 * MB, (record.data as Uint8Array)[0] as number)),
          {
            reingest: async (records) => {
              const answer = await stream.putBatch(records.map((record) => record.data));
              return records
                .filter((_, index) => 'recordId' in (answer.requestResponses[index] ?? {}))
                .map((record) => record.recordId);
            },
          },
        )(event, context),
    });
    const letters = ['a', 'b', 'c', 'd', 'e'];
    for (const letter of letters) await stream.put(Buffer.alloc(1024, letter.charCodeAt(0)));
    // Re-ingested records are buffered again: flush until nothing is left.
    for (let round = 0; round < 10 && stream.metrics().recordsBuffered > 0; round++) {
      await stream.flush();
    }
    const delivered = listKeys(root)
      .map((key) => readObject(root, key))
      .reduce((sum, object) => sum + object.byteLength, 0);
    expect(delivered).toBe(letters.length * 2.5 * MB);
    expect(listKeys(root).every((key) => !key.startsWith('processing-failed/'))).toBe(true);
    expectNothingLost(stream);
  });
});
