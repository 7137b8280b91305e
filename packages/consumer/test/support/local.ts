import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';

export {
  createStream,
  credentials,
  kinesisClient,
  useLocalKinesis,
  waitFor,
} from '../../../../tools/testing/local-kinesis.js';

export interface PlainRecord {
  readonly partitionKey: string;
  readonly data: Uint8Array;
  readonly explicitHashKey?: string;
}

/** Puts records as they are (no aggregation), 500 per request, failing on any refusal. */
export async function putPlain(
  client: KinesisClient,
  streamName: string,
  records: readonly PlainRecord[],
): Promise<void> {
  for (let start = 0; start < records.length; start += 500) {
    const output = await client.send(
      new PutRecordsCommand({
        StreamName: streamName,
        Records: records.slice(start, start + 500).map((record) => ({
          PartitionKey: record.partitionKey,
          Data: record.data,
          ...(record.explicitHashKey ? { ExplicitHashKey: record.explicitHashKey } : {}),
        })),
      }),
    );
    if (output.FailedRecordCount) throw new Error(`${output.FailedRecordCount} records refused`);
  }
}

export const encode = (text: string) => new TextEncoder().encode(text);
export const decode = (data: Uint8Array) => new TextDecoder().decode(data);
