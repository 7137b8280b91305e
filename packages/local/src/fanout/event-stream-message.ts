import { crc32 } from 'node:zlib';

/** Header value type 7: a UTF-8 string of up to 32,767 bytes. */
const STRING_TYPE = 7;
const PRELUDE_BYTES = 12;
const CHECKSUM_BYTES = 4;

/**
 * Encodes one message of the AWS event-stream framing (`application/vnd.amazon.eventstream`),
 * the frames SubscribeToShard answers with: a prelude (total length, headers length, their
 * CRC32), string headers, the payload, and a CRC32 of everything before it. The SDK's decoder
 * checks both checksums.
 */
export function encodeEventStreamMessage(
  headers: Readonly<Record<string, string>>,
  payload: Uint8Array,
): Buffer {
  const encodedHeaders = Object.entries(headers).map(([name, value]) => {
    const nameBytes = Buffer.from(name, 'utf8');
    const valueBytes = Buffer.from(value, 'utf8');
    if (nameBytes.length > 255 || valueBytes.length > 32_767) {
      throw new RangeError(`event-stream header ${name} is too long`);
    }
    const header = Buffer.allocUnsafe(1 + nameBytes.length + 1 + 2 + valueBytes.length);
    let offset = header.writeUInt8(nameBytes.length, 0);
    offset += nameBytes.copy(header, offset);
    offset = header.writeUInt8(STRING_TYPE, offset);
    offset = header.writeUInt16BE(valueBytes.length, offset);
    valueBytes.copy(header, offset);
    return header;
  });
  const headersLength = encodedHeaders.reduce((sum, header) => sum + header.length, 0);
  const totalLength = PRELUDE_BYTES + headersLength + payload.byteLength + CHECKSUM_BYTES;
  const message = Buffer.allocUnsafe(totalLength);
  message.writeUInt32BE(totalLength, 0);
  message.writeUInt32BE(headersLength, 4);
  message.writeUInt32BE(crc32(message.subarray(0, 8)), 8);
  let offset = PRELUDE_BYTES;
  for (const header of encodedHeaders) offset += header.copy(message, offset);
  message.set(payload, offset);
  offset += payload.byteLength;
  message.writeUInt32BE(crc32(message.subarray(0, offset)), offset);
  return message;
}
