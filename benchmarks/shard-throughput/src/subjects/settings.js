/**
 * The settings the hand-rolled baselines share with the producer's defaults, so that they differ
 * from it in how they send, not in how much they may send at once or how long they wait.
 */
import { DEFAULTS } from '@kinesis-kit/producer';
import { KINESIS_LIMITS } from '@kinesis-kit/records';

/** Requests in flight at once (the producer's `maxInFlightRequests`). */
export const CONCURRENCY = DEFAULTS.maxInFlightRequests;

/** Pause before resending throttled records (the producer's first backoff). */
export const PAUSE_MS = DEFAULTS.initialBackoffMs;

/** Longest a record waits for companions before its batch goes (the producer's `lingerMs`). */
export const LINGER_MS = DEFAULTS.lingerMs;

/** Records per PutRecords request: the API's maximum. */
export const BATCH_RECORDS = KINESIS_LIMITS.putRecordsMaxRecords;

/** Bytes (data + partition keys) per PutRecords request: the producer's `maxBatchBytes`. */
export const BATCH_BYTES = DEFAULTS.maxBatchBytes;
