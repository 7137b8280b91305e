/**
 * Sequence numbers look like AWS's (56 decimal digits) and are built from a stream-wide counter
 * and the shard's index: `BASE + counter × 2^20 + shardIndex`. So they strictly increase within
 * a shard (and across the stream), are unique in the stream, and tell which shard they belong to.
 */
/** 56 decimal digits, like AWS's: room for 10^52 / 2^20 (about 10^46) records. */
const BASE = 4959n * 10n ** 52n;
const SHARD_SLOTS = 1n << 20n;

/** Most shards a stream can have had (ids run from 0). */
export const MAX_SHARD_INDEX = Number(SHARD_SLOTS) - 1;

/** The sequence number of counter value `counter` in shard `shardIndex`. */
export function sequenceNumber(counter: bigint, shardIndex: number): bigint {
  return BASE + counter * SHARD_SLOTS + BigInt(shardIndex);
}

/**
 * The highest sequence number of shard `shardIndex` below `position` (never below the shard's
 * first, counter 0, which no record has): what SubscribeToShard reports as
 * ContinuationSequenceNumber when it has pushed everything before `position`, so that
 * AFTER_SEQUENCE_NUMBER of it resumes exactly there.
 */
export function sequenceNumberBefore(position: bigint, shardIndex: number): bigint {
  const offset = position - BASE - BigInt(shardIndex);
  // The smallest counter whose number is >= position, minus one.
  const counter = offset <= 0n ? -1n : (offset + SHARD_SLOTS - 1n) / SHARD_SLOTS - 1n;
  return sequenceNumber(counter < 0n ? 0n : counter, shardIndex);
}

/** The shard index a sequence number encodes, or `undefined` if it is not one of ours. */
export function shardIndexOf(value: bigint): number | undefined {
  if (value < BASE) return undefined;
  return Number((value - BASE) % SHARD_SLOTS);
}

/** The counter value a sequence number encodes (for restoring the counter after a restart). */
export function counterOf(value: bigint): bigint {
  return (value - BASE) / SHARD_SLOTS;
}

/** Parses a decimal sequence number; `undefined` when the text is not one. */
export function parseSequenceNumber(text: string): bigint | undefined {
  return /^(0|[1-9]\d{0,127})$/.test(text) ? BigInt(text) : undefined;
}

/** `shardId-000000000007` for index 7. */
export function shardIdFor(index: number): string {
  return `shardId-${String(index).padStart(12, '0')}`;
}

/** The index in a shard id, or `undefined` when the id is not of that form. */
export function shardIndexFromId(shardId: string): number | undefined {
  const match = /^shardId-(\d{12})$/.exec(shardId);
  if (!match) return undefined;
  const index = Number(match[1]);
  return index <= MAX_SHARD_INDEX ? index : undefined;
}
