// Typed access to aws-kinesis-agg, the reference implementation our codec must interoperate
// with. Its own typings import aws-sdk v2 and aws-lambda, which we do not install.
import { createRequire } from 'node:module';

export interface TheirUserRecord {
  readonly partitionKey: string;
  readonly explicitHashKey?: string;
  readonly data: Buffer;
}

export interface TheirEncodedRecord {
  readonly partitionKey: string;
  readonly ExplicitHashKey?: string;
  readonly data: Buffer;
}

export interface TheirDeaggregatedRecord {
  readonly partitionKey: string;
  readonly explicitPartitionKey?: string;
  readonly sequenceNumber: string;
  readonly subSequenceNumber?: number;
  /** base64 */
  readonly data: string;
}

interface AwsKinesisAgg {
  RecordAggregator: new () => {
    aggregateRecords(
      records: readonly TheirUserRecord[],
      forceFlush: boolean,
      onReady: (error: Error | null, encoded: TheirEncodedRecord) => void,
    ): void;
  };
  deaggregateSync(
    record: { partitionKey: string; data: Buffer | string; sequenceNumber: string },
    computeChecksums: boolean,
    done: (error: Error | null, records?: TheirDeaggregatedRecord[]) => void,
  ): void;
}

const agg = createRequire(import.meta.url)('aws-kinesis-agg') as AwsKinesisAgg;

/** Aggregates with aws-kinesis-agg (one ~1 MiB aggregate per call for small inputs). */
export function theirAggregate(records: readonly TheirUserRecord[]): TheirEncodedRecord[] {
  const output: TheirEncodedRecord[] = [];
  new agg.RecordAggregator().aggregateRecords(records, true, (error, encoded) => {
    if (error) throw error;
    output.push(encoded);
  });
  return output;
}

/** De-aggregates with aws-kinesis-agg, verifying the checksum. */
export function theirDeaggregate(data: Uint8Array): TheirDeaggregatedRecord[] {
  let result: TheirDeaggregatedRecord[] | undefined;
  let failure: Error | null = null;
  agg.deaggregateSync(
    { partitionKey: 'a', data: Buffer.from(data), sequenceNumber: '1' },
    true,
    (error, records) => {
      failure = error;
      result = records;
    },
  );
  if (failure) throw failure;
  if (!result) throw new Error('aws-kinesis-agg returned no records');
  return result;
}
