import { randomInt } from 'node:crypto';
import { FIREHOSE_LIMITS } from '@kinesis-kit/records';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** The value of `!{firehose:random-string}`: 11 alphanumeric characters. */
export function randomString(length: number = FIREHOSE_LIMITS.randomStringLength): string {
  let text = '';
  for (let i = 0; i < length; i++) text += ALPHABET[randomInt(ALPHABET.length)];
  return text;
}
