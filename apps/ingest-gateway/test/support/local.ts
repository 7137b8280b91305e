import type { LocalKinesisOptions } from '@kinesis-kit/local';
import type { StoredRecord } from '@kinesis-kit/records';
import { useLocalKinesis as useSharedLocalKinesis } from '../../../../tools/testing/local-kinesis.js';

export {
  createStream,
  kinesisClient,
  readStream,
} from '../../../../tools/testing/local-kinesis.js';

/** Starts a local endpoint (over real HTTP) for a test file; without throughput limits by default. */
export function useLocalKinesis(options: LocalKinesisOptions = { limits: 'off' }) {
  return useSharedLocalKinesis(options);
}

/** The visits of stored records, parsed from their JSON data. */
export function visitsOf(records: readonly StoredRecord[]): Record<string, unknown>[] {
  return records.map((record) => JSON.parse(new TextDecoder().decode(record.data)));
}
