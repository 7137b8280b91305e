/**
 * A copy of `data` that owns exactly its bytes. Records are held long after `put` returns: a
 * caller reusing its buffer must not change them, a 1-byte view must not keep a large backing
 * buffer alive, and small `Buffer`s share 8 KiB pool slabs. So the stream holds copies, each
 * costing what it is charged.
 *
 * @example
 * ```ts
 * const held = ownedBytes(callerBuffer.subarray(0, 1)); // held.buffer.byteLength === 1
 * ```
 */
export function ownedBytes(data: Uint8Array): Uint8Array {
  return new Uint8Array(data);
}
