import fc from 'fast-check';
import type { UserRecord } from '../../src/index.js';

/** Partition keys of 1–256 code points, unicode included (astral characters too). */
export const partitionKey = (): fc.Arbitrary<string> =>
  fc
    .string({ unit: 'grapheme-composite', minLength: 1, maxLength: 40 })
    .filter((key) => [...key].length <= 256 && key.isWellFormed());

/** Decimal explicit hash keys across the whole 128-bit space. */
export const explicitHashKey = (): fc.Arbitrary<string> =>
  fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }).map((value) => value.toString());

/** Data blobs, empty ones included. */
export const data = (maxLength = 300): fc.Arbitrary<Uint8Array> =>
  fc.uint8Array({ minLength: 0, maxLength });

/** User records; `keys` lets tests force duplicates by drawing from a small pool. */
export const userRecord = (
  keys: fc.Arbitrary<string> = partitionKey(),
  hashKeys: fc.Arbitrary<string> = explicitHashKey(),
): fc.Arbitrary<UserRecord> =>
  fc.record(
    { partitionKey: keys, data: data(), explicitHashKey: hashKeys },
    { requiredKeys: ['partitionKey', 'data'] },
  );

/** Lists of records with heavy key reuse: keys and hash keys come from small pools. */
export const userRecordsWithDuplicates = (): fc.Arbitrary<UserRecord[]> =>
  fc
    .tuple(
      fc.uniqueArray(partitionKey(), { minLength: 1, maxLength: 5 }),
      fc.uniqueArray(explicitHashKey(), { minLength: 1, maxLength: 3 }),
    )
    .chain(([keys, hashKeys]) =>
      fc.array(userRecord(fc.constantFrom(...keys), fc.constantFrom(...hashKeys)), {
        minLength: 1,
        maxLength: 60,
      }),
    );

/** Any non-empty list of records: distinct keys and duplicates mixed. */
export const userRecords = (): fc.Arbitrary<UserRecord[]> =>
  fc.oneof(fc.array(userRecord(), { minLength: 1, maxLength: 60 }), userRecordsWithDuplicates());
