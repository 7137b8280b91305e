// Typed access to aws-kinesis-agg, the reference KPL aggregation library (its own typings
// import aws-sdk v2 and aws-lambda, which are not installed).
import { createRequire } from 'node:module';

interface AwsKinesisAgg {
  RecordAggregator: new () => {
    aggregateRecords(
      records: readonly { partitionKey: string; data: Buffer }[],
      forceFlush: boolean,
      onReady: (error: Error | null, encoded: { partitionKey: string; data: Buffer }) => void,
    ): void;
  };
}

const agg = createRequire(import.meta.url)('aws-kinesis-agg') as AwsKinesisAgg;

/** Aggregates records with aws-kinesis-agg into KPL aggregates. */
export function theirAggregate(
  records: readonly { partitionKey: string; data: Buffer }[],
): { partitionKey: string; data: Buffer }[] {
  const output: { partitionKey: string; data: Buffer }[] = [];
  new agg.RecordAggregator().aggregateRecords(records, true, (error, encoded) => {
    if (error) throw error;
    output.push(encoded);
  });
  return output;
}
