import type { QueryOutput } from '../engine/query-output.js';
import { SinkFailedError } from './sink-errors.js';

/**
 * Hands every output to `send` (a producer's `put`, one promise per record: the producers
 * settle record by record) and waits for all of them. Resolves when all were delivered; rejects
 * with a {@link SinkFailedError} listing exactly the outputs that were not — also those whose
 * record could not even be built (a `format` or `partitionKey` function that threw).
 */
export async function deliverEach(
  sink: string,
  outputs: readonly QueryOutput[],
  send: (output: QueryOutput) => Promise<unknown>,
): Promise<void> {
  const count = outputs.length;
  if (count === 0) return;
  const puts = new Array<Promise<unknown>>(count);
  for (let index = 0; index < count; index++) {
    try {
      puts[index] = send(outputs[index] as QueryOutput);
    } catch (error) {
      puts[index] = Promise.reject(error);
    }
  }
  const settled = await Promise.allSettled(puts);
  const failed: QueryOutput[] = [];
  const errors: unknown[] = [];
  for (let index = 0; index < count; index++) {
    const result = settled[index] as PromiseSettledResult<unknown>;
    if (result.status === 'fulfilled') continue;
    failed.push(outputs[index] as QueryOutput);
    errors.push(result.reason);
  }
  if (failed.length > 0) throw new SinkFailedError(sink, failed, errors);
}
