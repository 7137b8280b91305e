import { describe, expect, it } from 'vitest';
import {
  estimateShards,
  InvalidArgumentError,
  partitionKeyToHashKey,
  RecordAggregator,
} from '../src/index.js';

describe('estimateShards', () => {
  it('is bound by 1,000 records/s per shard for small records without aggregation', () => {
    expect(estimateShards({ recordBytes: 100, recordsPerSec: 50_000, aggregation: false })).toEqual(
      {
        shards: 50,
        binding: 'records',
        kinesisRecordsPerSec: 50_000,
        bytesPerSec: 5_000_000,
        userRecordsPerKinesisRecord: 1,
      },
    );
  });

  it('is bound by 1 MiB/s per shard for large records', () => {
    const estimate = estimateShards({
      recordBytes: 10_000,
      recordsPerSec: 500,
      aggregation: false,
    });
    expect(estimate).toMatchObject({ shards: 5, binding: 'bytes' });
  });

  it('needs far fewer shards for small records with aggregation, bound by bytes', () => {
    const estimate = estimateShards({ recordBytes: 100, recordsPerSec: 50_000, aggregation: true });
    // 50,000 x ~109 bytes (record, key table entry, protobuf framing) is ~5.2 MiB/s.
    expect(estimate.binding).toBe('bytes');
    expect(estimate.shards).toBe(6);
    expect(estimate.bytesPerSec).toBeGreaterThan(50_000 * 100);
    expect(estimate.bytesPerSec).toBeLessThan(50_000 * 110);
  });

  it('packs as many records per aggregate as the RecordAggregator does with distinct keys', () => {
    const recordBytes = 100;
    const key = (index: number) => `k-${String(index).padStart(34, '0')}`;
    // The estimate assumes the longest outer explicit hash key: 39 decimal digits.
    expect(partitionKeyToHashKey(key(0)).toString()).toHaveLength(39);
    const aggregator = new RecordAggregator();
    let count = 0;
    while (
      aggregator.tryAdd({ partitionKey: key(count), data: new Uint8Array(recordBytes - 36) })
    ) {
      count++;
    }
    const estimate = estimateShards({ recordBytes, recordsPerSec: count, aggregation: true });
    expect(estimate.userRecordsPerKinesisRecord).toBe(count);
    expect(estimate.kinesisRecordsPerSec).toBe(1);
    // The shard limits count data and partition key, not the explicit hash key.
    expect(estimate.bytesPerSec).toBe(aggregator.sizeBytes - 39);
  });

  it('sends records larger than the aggregate budget unaggregated', () => {
    const estimate = estimateShards({ recordBytes: 60_000, recordsPerSec: 10, aggregation: true });
    expect(estimate.userRecordsPerKinesisRecord).toBe(1);
  });

  it('leaves headroom when asked to plan below full utilization', () => {
    const full = estimateShards({ recordBytes: 100, recordsPerSec: 4000, aggregation: false });
    const headroom = estimateShards({
      recordBytes: 100,
      recordsPerSec: 4000,
      aggregation: false,
      targetUtilization: 0.8,
    });
    expect([full.shards, headroom.shards]).toEqual([4, 5]);
  });

  it('needs at least one shard', () => {
    expect(estimateShards({ recordBytes: 10, recordsPerSec: 0, aggregation: true }).shards).toBe(1);
  });

  it('rejects impossible workloads with the value and the allowed range', () => {
    expect(() =>
      estimateShards({ recordBytes: 2_000_000, recordsPerSec: 1, aggregation: false }),
    ).toThrow('recordBytes must be an integer from 1 to 1048576, got 2000000');
    expect(() =>
      estimateShards({ recordBytes: 10, recordsPerSec: -1, aggregation: false }),
    ).toThrow(InvalidArgumentError);
    expect(() =>
      estimateShards({
        recordBytes: 10,
        recordsPerSec: 1,
        aggregation: false,
        targetUtilization: 0,
      }),
    ).toThrow('targetUtilization must be in (0, 1], got 0');
  });
});
