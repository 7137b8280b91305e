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

/**
 * Reads protobuf fields from `bytes[start, end)`. One reader serves a whole message, nested
 * messages included (`limit` narrows it), so parsing allocates nothing per field.
 */
export class ProtobufReader {
  readonly bytes: Uint8Array;
  position: number;
  /** End of the message being read: the whole input, or a nested message. */
  limit: number;

  constructor(bytes: Uint8Array, start: number, end: number) {
    this.bytes = bytes;
    this.position = start;
    this.limit = end;
  }

  get done(): boolean {
    return this.position >= this.limit;
  }

  /**
   * Reads a varint of up to 10 bytes. Values above 2^53 lose precision, which is harmless
   * here: they are never valid lengths or table indexes and fail the bounds checks.
   */
  readVarint(): number {
    const { bytes, limit } = this;
    let position = this.position;
    if (position < limit) {
      const first = bytes[position] as number;
      if (first < 0x80) {
        this.position = position + 1;
        return first;
      }
    }
    let value = 0;
    let multiplier = 1;
    for (let index = 0; index < 10; index++) {
      if (position >= limit) throw new ProtobufFormatError('varint runs past the end');
      const byte = bytes[position++] as number;
      value += (byte & 0x7f) * multiplier;
      if (byte < 0x80) {
        this.position = position;
        return value;
      }
      multiplier *= 0x80;
    }
    throw new ProtobufFormatError('varint longer than 10 bytes');
  }

  /**
   * Reads the length prefix of a length-delimited field, checks that the field fits in the
   * message and returns its length; the field's bytes start at `position`.
   */
  readLength(): number {
    const length = this.readVarint();
    if (length > this.limit - this.position) {
      throw new ProtobufFormatError(`length ${length} runs past the end of the message`);
    }
    return length;
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
        this.advance(this.readLength());
        return;
      case WireType.Fixed32:
        this.advance(4);
        return;
      default:
        throw new ProtobufFormatError(`unsupported wire type ${wireType}`);
    }
  }

  private advance(count: number): void {
    if (count > this.limit - this.position)
      throw new ProtobufFormatError('field runs past the end');
    this.position += count;
  }
}
