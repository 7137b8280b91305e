/**
 * The little of protocol buffers (proto2 wire format) the KPL aggregation format needs:
 * varints and length-delimited fields. Hand-written because it is small and on the hot path of
 * every producer and consumer (see benchmarks/codec).
 */

export const WireType = {
  Varint: 0,
  Fixed64: 1,
  LengthDelimited: 2,
  Fixed32: 5,
} as const;

/** Bytes a non-negative integer below 2^35 takes as a varint. */
export function varintSize(value: number): number {
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x200000) return 3;
  if (value < 0x10000000) return 4;
  return 5;
}

/** Writes a non-negative integer below 2^32 as a varint at `offset`; returns the next offset. */
export function writeVarint(target: Uint8Array, offset: number, value: number): number {
  let position = offset;
  let rest = value >>> 0;
  while (rest >= 0x80) {
    target[position++] = (rest & 0x7f) | 0x80;
    rest >>>= 7;
  }
  target[position++] = rest;
  return position;
}

/** Raised by {@link ProtobufReader} on truncated or malformed input. */
export class ProtobufFormatError extends Error {
  override readonly name = 'ProtobufFormatError';
}

/** Reads protobuf fields from `bytes[start, end)`. */
export class ProtobufReader {
  readonly bytes: Uint8Array;
  position: number;
  readonly end: number;

  constructor(bytes: Uint8Array, start: number, end: number) {
    this.bytes = bytes;
    this.position = start;
    this.end = end;
  }

  get done(): boolean {
    return this.position >= this.end;
  }

  /**
   * Reads a varint of up to 10 bytes. Values above 2^53 lose precision, which is harmless
   * here: they are never valid lengths or table indexes and fail the bounds checks.
   */
  readVarint(): number {
    const { bytes, end } = this;
    let value = 0;
    let multiplier = 1;
    for (let index = 0; index < 10; index++) {
      if (this.position >= end) throw new ProtobufFormatError('varint runs past the end');
      const byte = bytes[this.position++] as number;
      value += (byte & 0x7f) * multiplier;
      if (byte < 0x80) return value;
      multiplier *= 0x80;
    }
    throw new ProtobufFormatError('varint longer than 10 bytes');
  }

  /** Reads a length prefix and returns the [start, end) of the bytes it covers, skipping them. */
  readLengthDelimited(): [start: number, end: number] {
    const length = this.readVarint();
    const start = this.position;
    if (length > this.end - start) {
      throw new ProtobufFormatError(`length ${length} runs past the end of the message`);
    }
    this.position = start + length;
    return [start, this.position];
  }

  /** Skips a field of the given wire type. Groups (types 3, 4) are not part of this format. */
  skip(wireType: number): void {
    switch (wireType) {
      case WireType.Varint:
        this.readVarint();
        return;
      case WireType.Fixed64:
        this.advance(8);
        return;
      case WireType.LengthDelimited:
        this.readLengthDelimited();
        return;
      case WireType.Fixed32:
        this.advance(4);
        return;
      default:
        throw new ProtobufFormatError(`unsupported wire type ${wireType}`);
    }
  }

  private advance(count: number): void {
    if (count > this.end - this.position) throw new ProtobufFormatError('field runs past the end');
    this.position += count;
  }
}
