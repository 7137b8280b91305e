import { FRAME_BYTES, MAGIC, md5, Tag } from './format.js';
import { varintSize, writeVarint } from './protobuf.js';

/** Tag and one-byte length of a partition key table entry, for each length below 128. */
const TABLE_ENTRY_PREFIX: readonly string[] = Array.from({ length: 0x80 }, (_, length) =>
  String.fromCharCode(Tag.PartitionKeyTable, length),
);

/**
 * Accumulates user records as an `AggregatedRecord` protobuf message, keeping its exact encoded
 * length as records are appended, and encodes it in one pass into one buffer. Partition keys and
 * explicit hash keys are de-duplicated in the tables. Callers validate records first.
 */
export class AggregateBuilder {
  readonly #partitionKeyIndex = new Map<string, number>();
  readonly #partitionKeys: string[] = [];
  readonly #partitionKeyBytes: number[] = [];
  /**
   * The partition key table as it will be encoded (tag, length, key per entry) while every key
   * is shorter than 128 bytes, so that its length is one ASCII byte: encode then writes the
   * whole table with one native call instead of one per key.
   */
  #partitionKeyTableText: string | undefined = '';
  readonly #explicitHashKeyIndex = new Map<string, number>();
  readonly #explicitHashKeys: string[] = [];
  // One entry per record, as parallel arrays: no object per record on the hot path.
  readonly #recordPartitionKey: number[] = [];
  readonly #recordExplicitHashKey: number[] = [];
  readonly #recordData: Uint8Array[] = [];
  readonly #recordBodyBytes: number[] = [];
  #protobufBytes = 0;
  readonly #measured = {
    partitionKeyIndex: 0,
    newPartitionKey: false,
    explicitHashKeyIndex: -1,
    newExplicitHashKey: false,
    bodyBytes: 0,
  };

  /** Records appended so far. */
  get count(): number {
    return this.#recordData.length;
  }

  /** Length of the protobuf message so far. */
  get protobufBytes(): number {
    return this.#protobufBytes;
  }

  /** Length of the encoded aggregate so far: magic number, protobuf message and digest. */
  get encodedBytes(): number {
    return FRAME_BYTES + this.#protobufBytes;
  }

  /** How many bytes appending this record would add to the protobuf message. */
  growthFor(
    partitionKey: string,
    partitionKeyBytes: number,
    explicitHashKey: string | undefined,
    dataBytes: number,
  ): number {
    return this.#measure(partitionKey, partitionKeyBytes, explicitHashKey, dataBytes);
  }

  /**
   * Appends a record unless the protobuf message would then exceed `maxProtobufBytes`.
   * Returns whether it was appended.
   */
  append(
    partitionKey: string,
    partitionKeyBytes: number,
    explicitHashKey: string | undefined,
    data: Uint8Array,
    maxProtobufBytes = Number.POSITIVE_INFINITY,
  ): boolean {
    const growth = this.#measure(partitionKey, partitionKeyBytes, explicitHashKey, data.byteLength);
    if (this.#protobufBytes + growth > maxProtobufBytes) return false;
    const measured = this.#measured;
    if (measured.newPartitionKey) {
      this.#partitionKeyIndex.set(partitionKey, measured.partitionKeyIndex);
      this.#partitionKeys.push(partitionKey);
      this.#partitionKeyBytes.push(partitionKeyBytes);
      if (this.#partitionKeyTableText !== undefined) {
        this.#partitionKeyTableText =
          partitionKeyBytes < 0x80
            ? `${this.#partitionKeyTableText}${TABLE_ENTRY_PREFIX[partitionKeyBytes]}${partitionKey}`
            : undefined;
      }
    }
    if (measured.newExplicitHashKey) {
      this.#explicitHashKeyIndex.set(explicitHashKey as string, measured.explicitHashKeyIndex);
      this.#explicitHashKeys.push(explicitHashKey as string);
    }
    this.#recordPartitionKey.push(measured.partitionKeyIndex);
    this.#recordExplicitHashKey.push(measured.explicitHashKeyIndex);
    this.#recordData.push(data);
    this.#recordBodyBytes.push(measured.bodyBytes);
    this.#protobufBytes += growth;
    return true;
  }

  /**
   * Returns the protobuf growth of appending a record and leaves the details in `#measured`
   * (a reused object, so measuring allocates nothing).
   */
  #measure(
    partitionKey: string,
    partitionKeyBytes: number,
    explicitHashKey: string | undefined,
    dataBytes: number,
  ): number {
    const measured = this.#measured;
    let growth = 0;
    let partitionKeyIndex = this.#partitionKeyIndex.get(partitionKey);
    measured.newPartitionKey = partitionKeyIndex === undefined;
    if (partitionKeyIndex === undefined) {
      partitionKeyIndex = this.#partitionKeys.length;
      growth += 1 + varintSize(partitionKeyBytes) + partitionKeyBytes;
    }
    let body = 1 + varintSize(partitionKeyIndex) + 1 + varintSize(dataBytes) + dataBytes;
    let explicitHashKeyIndex = -1;
    measured.newExplicitHashKey = false;
    if (explicitHashKey !== undefined) {
      const known = this.#explicitHashKeyIndex.get(explicitHashKey);
      if (known === undefined) {
        explicitHashKeyIndex = this.#explicitHashKeys.length;
        measured.newExplicitHashKey = true;
        growth += 1 + varintSize(explicitHashKey.length) + explicitHashKey.length;
      } else {
        explicitHashKeyIndex = known;
      }
      body += 1 + varintSize(explicitHashKeyIndex);
    }
    measured.partitionKeyIndex = partitionKeyIndex;
    measured.explicitHashKeyIndex = explicitHashKeyIndex;
    measured.bodyBytes = body;
    return growth + 1 + varintSize(body) + body;
  }

  /** Encodes the aggregate: magic number, protobuf message, MD5 digest of the message. */
  encode(): Buffer {
    const output = Buffer.allocUnsafe(this.encodedBytes);
    output.set(MAGIC, 0);
    let position = MAGIC.length;
    if (this.#partitionKeyTableText !== undefined) {
      position += output.write(this.#partitionKeyTableText, position, 'utf8');
    } else {
      const partitionKeys = this.#partitionKeys;
      const partitionKeyBytes = this.#partitionKeyBytes;
      for (let index = 0; index < partitionKeys.length; index++) {
        output[position++] = Tag.PartitionKeyTable;
        position = writeVarint(output, position, partitionKeyBytes[index] as number);
        position += output.write(partitionKeys[index] as string, position, 'utf8');
      }
    }
    for (const explicitHashKey of this.#explicitHashKeys) {
      output[position++] = Tag.ExplicitHashKeyTable;
      position = writeVarint(output, position, explicitHashKey.length);
      position += output.write(explicitHashKey, position, 'latin1');
    }
    const recordPartitionKey = this.#recordPartitionKey;
    const recordExplicitHashKey = this.#recordExplicitHashKey;
    const recordData = this.#recordData;
    const recordBodyBytes = this.#recordBodyBytes;
    for (let index = 0; index < recordData.length; index++) {
      const data = recordData[index] as Uint8Array;
      output[position++] = Tag.Records;
      position = writeVarint(output, position, recordBodyBytes[index] as number);
      output[position++] = Tag.RecordPartitionKeyIndex;
      position = writeVarint(output, position, recordPartitionKey[index] as number);
      const explicitHashKeyIndex = recordExplicitHashKey[index] as number;
      if (explicitHashKeyIndex >= 0) {
        output[position++] = Tag.RecordExplicitHashKeyIndex;
        position = writeVarint(output, position, explicitHashKeyIndex);
      }
      output[position++] = Tag.RecordData;
      position = writeVarint(output, position, data.byteLength);
      output.set(data, position);
      position += data.byteLength;
    }
    md5(output, MAGIC.length, position).copy(output, position);
    return output;
  }

  /** Forgets every record, ready for the next aggregate. */
  clear(): void {
    this.#partitionKeyIndex.clear();
    this.#partitionKeys.length = 0;
    this.#partitionKeyBytes.length = 0;
    this.#partitionKeyTableText = '';
    this.#explicitHashKeyIndex.clear();
    this.#explicitHashKeys.length = 0;
    this.#recordPartitionKey.length = 0;
    this.#recordExplicitHashKey.length = 0;
    this.#recordData.length = 0;
    this.#recordBodyBytes.length = 0;
    this.#protobufBytes = 0;
  }
}
