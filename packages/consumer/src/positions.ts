import type { RecordPosition } from './checkpoints/checkpoint-store.js';

/**
 * Compares two positions of one shard: sequence numbers as big integers, then sub-sequence
 * numbers, where a position without one stands for the whole Kinesis record (after all its
 * sub-records). Negative when `a` comes first.
 */
export function comparePositions(a: RecordPosition, b: RecordPosition): number {
  if (a.sequenceNumber !== b.sequenceNumber) {
    const left = BigInt(a.sequenceNumber);
    const right = BigInt(b.sequenceNumber);
    return left < right ? -1 : 1;
  }
  const left = a.subSequenceNumber ?? Number.POSITIVE_INFINITY;
  const right = b.subSequenceNumber ?? Number.POSITIVE_INFINITY;
  return left === right ? 0 : left < right ? -1 : 1;
}

/** The position as a plain object with no undefined member (for stores and events). */
export function toPosition(sequenceNumber: string, subSequenceNumber?: number): RecordPosition {
  return subSequenceNumber === undefined
    ? { sequenceNumber }
    : { sequenceNumber, subSequenceNumber };
}
