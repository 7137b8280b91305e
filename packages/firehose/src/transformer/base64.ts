// Padding is optional, as for Java's Base64 decoder (which Firehose runs on): `YQ` and `YQ==`
// are both "a". Anything outside the alphabet, or a length no encoder produces, is rejected,
// because Buffer.from(text, 'base64') would silently skip it and corrupt the record. A loop
// over char codes rather than a regular expression: a response carries up to 6 MB of base64,
// and V8's regex engine overflows its stack on repeated groups over a few million characters.
const ALPHABET = new Uint8Array(128);
for (const char of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') {
  ALPHABET[char.charCodeAt(0)] = 1;
}
const PAD = '='.charCodeAt(0);

/**
 * Whether `text` is base64 that Firehose decodes: the standard alphabet, padding optional.
 *
 * @example
 * ```ts
 * isBase64('YQ=='); // true
 * isBase64('YQ'); // true
 * isBase64('Y'); // false
 * ```
 */
export function isBase64(text: string): boolean {
  // Only full quads are padded: one `=` ends a 3-character tail, `==` a 2-character one.
  let end = text.length;
  if (end % 4 === 0 && text.charCodeAt(end - 1) === PAD) {
    end -= text.charCodeAt(end - 2) === PAD ? 2 : 1;
  }
  // Length first: a lone trailing character encodes no whole byte.
  if (end % 4 === 1) return false;
  for (let i = 0; i < end; i++) {
    if (ALPHABET[text.charCodeAt(i)] !== 1) return false;
  }
  return true;
}

/**
 * Decodes base64, or returns `undefined` where `Buffer.from` would silently skip bad input.
 *
 * @example
 * ```ts
 * decodeBase64('YQ')?.toString(); // 'a'
 * ```
 */
export function decodeBase64(text: string): Buffer | undefined {
  return isBase64(text) ? Buffer.from(text, 'base64') : undefined;
}

/**
 * Base64 of bytes or of a string's UTF-8.
 *
 * @example
 * ```ts
 * encodeBase64('a'); // 'YQ=='
 * ```
 */
export function encodeBase64(data: Uint8Array | string): string {
  return typeof data === 'string'
    ? Buffer.from(data, 'utf8').toString('base64')
    : Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
}
