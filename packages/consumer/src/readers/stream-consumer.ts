import {
  DeregisterStreamConsumerCommand,
  DescribeStreamConsumerCommand,
  DescribeStreamSummaryCommand,
  type KinesisClient,
  RegisterStreamConsumerCommand,
} from '@aws-sdk/client-kinesis';
import type { Logger } from '@kinesis-kit/records';
import { backoffMs, classifyError } from '@kinesis-kit/records';
import { KinesisRequestError } from '../errors.js';
import type { StreamAddress } from '../stream-address.js';
import { delay } from './shard-reader.js';

/** What {@link ensureStreamConsumer} needs. */
export interface StreamConsumerOptions {
  readonly client: KinesisClient;
  readonly stream: StreamAddress;
  readonly consumerName: string;
  readonly signal: AbortSignal;
  readonly logger: Logger;
  /** How often to look again while the consumer is CREATING. */
  readonly pollIntervalMs: number;
  readonly maxBackoffMs: number;
  /** Told the stream's ARN once known, before registering (so a stop can still deregister). */
  readonly onStreamArn?: (streamArn: string) => void;
}

/**
 * The ARN of the enhanced fan-out consumer named `consumerName`, registering it if the stream
 * has none of that name (reusing it otherwise, so restarts and other workers share it), once it
 * is ACTIVE. Throttling and transient failures are retried; anything else is thrown as a
 * `KinesisRequestError`.
 */
export async function ensureStreamConsumer(options: StreamConsumerOptions): Promise<string> {
  const { client, consumerName, signal } = options;
  const StreamARN = await retrying(options, 'DescribeStreamSummary', async () => {
    if ('StreamARN' in options.stream) return options.stream.StreamARN;
    const { StreamDescriptionSummary } = await client.send(
      new DescribeStreamSummaryCommand(options.stream),
      { abortSignal: signal },
    );
    return StreamDescriptionSummary?.StreamARN as string;
  });
  options.onStreamArn?.(StreamARN);
  for (let attempt = 1; ; attempt++) {
    const description = await retrying(options, 'DescribeStreamConsumer', async () => {
      try {
        const { ConsumerDescription } = await client.send(
          new DescribeStreamConsumerCommand({ StreamARN, ConsumerName: consumerName }),
          { abortSignal: signal },
        );
        return ConsumerDescription;
      } catch (error) {
        if (classifyError(error).code !== 'ResourceNotFoundException') throw error;
        try {
          const { Consumer } = await client.send(
            new RegisterStreamConsumerCommand({ StreamARN, ConsumerName: consumerName }),
            { abortSignal: signal },
          );
          options.logger.info(`registered fan-out consumer ${consumerName}`, { StreamARN });
          return Consumer;
        } catch (registerError) {
          // Another worker registered it first: describe it on the next turn.
          if (classifyError(registerError).code === 'ResourceInUseException') return undefined;
          throw registerError;
        }
      }
    });
    if (description?.ConsumerStatus === 'ACTIVE') return description.ConsumerARN as string;
    if (signal.aborted) throw aborted();
    await delay(Math.min(options.pollIntervalMs * attempt, options.maxBackoffMs), signal);
  }
}

/**
 * Deregisters the consumer (its subscriptions end), by its ARN or by stream and name; a
 * consumer already gone is fine.
 */
export async function deregisterStreamConsumer(
  client: KinesisClient,
  consumer:
    | { readonly ConsumerARN: string }
    | { readonly StreamARN: string; readonly ConsumerName: string },
): Promise<void> {
  try {
    await client.send(new DeregisterStreamConsumerCommand(consumer));
  } catch (error) {
    const { code, message, retriable } = classifyError(error);
    if (code === 'ResourceNotFoundException') return;
    throw new KinesisRequestError('DeregisterStreamConsumer', code, message, {
      retriable,
      cause: error,
      shardId: undefined,
    });
  }
}

async function retrying<T>(
  options: StreamConsumerOptions,
  operation: string,
  call: () => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    if (options.signal.aborted) throw aborted();
    try {
      return await call();
    } catch (error) {
      if (options.signal.aborted) throw aborted();
      const { code, message, retriable } = classifyError(error);
      if (!retriable) {
        throw new KinesisRequestError(operation, code, message, {
          retriable,
          cause: error,
          shardId: undefined,
        });
      }
      options.logger.warn(`${operation} failed (${code}); retrying`, { attempt });
      await delay(backoffMs(attempt, options.pollIntervalMs, options.maxBackoffMs), options.signal);
    }
  }
}

function aborted(): KinesisRequestError {
  return new KinesisRequestError(
    'RegisterStreamConsumer',
    'Aborted',
    'the consumer stopped before its fan-out consumer was ACTIVE',
    {
      retriable: false,
      cause: undefined,
      shardId: undefined,
    },
  );
}
