import { ServiceUnavailableError } from '../errors.js';

/**
 * What each record costs beyond its data while the stream holds it: the record object, its
 * 36-character id, the Uint8Array wrapping its bytes and its place in a buffer. Measured at
 * about 650 bytes of heap per one-byte record on Node 20 (65,472 records held: +40.7 MB),
 * rounded up to 1 KiB so a flood of tiny records is bounded as surely as a few big ones.
 */
export const RECORD_BOOKKEEPING_BYTES = 1024;

/**
 * The memory bound of a delivery stream: bytes (data plus {@link RECORD_BOOKKEEPING_BYTES} per
 * record) of every record accepted and not yet delivered, dropped or failed. When full, new
 * records are refused with a retriable {@link ServiceUnavailableError} until deliveries and
 * the error output free room (the stream starts delivering what is buffered at once).
 *
 * @example
 * ```ts
 * const capacity = new Capacity('clicks', 256 * 1024 * 1024);
 * if (capacity.fits(data.byteLength)) capacity.take(data.byteLength);
 * ```
 */
export class Capacity {
  readonly #name: string;
  readonly #maxBytes: number;
  #bytes = 0;
  #records = 0;

  constructor(name: string, maxBytes: number) {
    this.#name = name;
    this.#maxBytes = maxBytes;
  }

  get bytes(): number {
    return this.#bytes;
  }

  get records(): number {
    return this.#records;
  }

  /** What a record with `dataBytes` of data costs. */
  static cost(dataBytes: number): number {
    return dataBytes + RECORD_BOOKKEEPING_BYTES;
  }

  /** Whether a record of `dataBytes` can be accepted now. */
  fits(dataBytes: number): boolean {
    return this.#bytes + Capacity.cost(dataBytes) <= this.#maxBytes;
  }

  /** The error refusing a record of `dataBytes`. */
  refusal(dataBytes: number): ServiceUnavailableError {
    return new ServiceUnavailableError(
      `delivery stream ${this.#name} holds ${this.#records} records (${this.#bytes} bytes counting ${RECORD_BOOKKEEPING_BYTES} bytes of overhead each) not yet delivered; ${Capacity.cost(dataBytes)} more would exceed maxBufferedBytes (${this.#maxBytes}); what is buffered is being delivered to make room: retry shortly`,
    );
  }

  /** Counts a new record of `dataBytes`. */
  take(dataBytes: number): void {
    this.#records++;
    this.#bytes += Capacity.cost(dataBytes);
  }

  /** A held record now holds `toBytes` of data instead of `fromBytes` (the processor's output). */
  resize(fromBytes: number, toBytes: number): void {
    this.#bytes += toBytes - fromBytes;
  }

  /** A record of `dataBytes` left the stream: delivered, dropped or failed. */
  release(dataBytes: number): void {
    this.#records--;
    this.#bytes -= Capacity.cost(dataBytes);
  }
}
