import type { Engine, LiveStream } from '../engine/engine.js';
import type { StreamConsumerState } from '../engine/model.js';
import { AwsServiceError } from '../errors.js';
import type { ParsedInput } from '../protocol/shapes.js';
import { decodePageToken, encodePageToken } from './page-token.js';

/** Enhanced fan-out consumers a stream may have. */
export const MAX_CONSUMERS_PER_STREAM = 20;
/** Consumers of a stream that may be CREATING at once. */
export const MAX_CREATING_CONSUMERS = 5;

/**
 * RegisterStreamConsumer: the consumer is CREATING for `streamConsumerDelayMs` (ACTIVE at once
 * when that is 0), at most 20 per stream and 5 CREATING at once.
 */
export async function registerStreamConsumer(engine: Engine, input: ParsedInput): Promise<object> {
  const stream = engine.resolveStream({ StreamARN: input.StreamARN });
  const { name: streamName, status, consumers } = stream.state;
  const { accountId } = engine.options;
  if (status !== 'ACTIVE' && status !== 'UPDATING') {
    throw new AwsServiceError(
      'ResourceInUseException',
      `Stream ${streamName} under account ${accountId} not ACTIVE, instead in state ${status}`,
    );
  }
  const name = input.ConsumerName as string;
  if (consumers.some((consumer) => consumer.name === name)) {
    throw new AwsServiceError(
      'ResourceInUseException',
      `Consumer ${name} under stream ${streamName} already exists for account ${accountId}.`,
    );
  }
  if (consumers.length >= MAX_CONSUMERS_PER_STREAM) {
    throw new AwsServiceError(
      'LimitExceededException',
      `Stream ${streamName} under account ${accountId} already has ${consumers.length} registered consumers, the maximum of ${MAX_CONSUMERS_PER_STREAM}.`,
    );
  }
  const creating = consumers.filter((consumer) => consumer.status === 'CREATING').length;
  if (creating >= MAX_CREATING_CONSUMERS) {
    throw new AwsServiceError(
      'LimitExceededException',
      `Stream ${streamName} under account ${accountId} already has ${creating} consumers in CREATING state, the maximum of ${MAX_CREATING_CONSUMERS}.`,
    );
  }
  // The ARN ends with the creation time in epoch seconds; a consumer registered again under
  // the same name must get another ARN, so it is at least a second after the previous one.
  const previous = Math.max(0, ...consumers.map((consumer) => consumer.createdMs));
  const createdMs = Math.max(engine.clock.now(), previous + 1000);
  const delayMs = engine.options.streamConsumerDelayMs;
  const consumer: StreamConsumerState = {
    name,
    arn: `${stream.state.arn}/consumer/${name}:${Math.floor(createdMs / 1000)}`,
    createdMs,
    status: delayMs > 0 ? 'CREATING' : 'ACTIVE',
  };
  consumers.push(consumer);
  await engine.saveStream(stream.state);
  if (consumer.status === 'CREATING') {
    engine.schedule(delayMs, () => {
      if (consumer.status !== 'CREATING' || !stream.state.consumers.includes(consumer)) return;
      consumer.status = 'ACTIVE';
      void engine.saveStream(stream.state).catch(() => undefined);
    });
  }
  return { Consumer: describe(consumer) };
}

/** DeregisterStreamConsumer: DELETING for `streamConsumerDelayMs`, then gone; its subscriptions end. */
export async function deregisterStreamConsumer(
  engine: Engine,
  input: ParsedInput,
): Promise<object> {
  const { stream, consumer } = resolveConsumer(engine, input);
  if (consumer.status === 'DELETING') return {};
  engine.subscriptions.stopConsumer(
    consumer.arn,
    new AwsServiceError(
      'ResourceNotFoundException',
      `Consumer ${consumer.arn} under account ${engine.options.accountId} not found.`,
    ),
  );
  const remove = async () => {
    const index = stream.state.consumers.indexOf(consumer);
    if (index >= 0) stream.state.consumers.splice(index, 1);
    await engine.saveStream(stream.state);
  };
  const delayMs = engine.options.streamConsumerDelayMs;
  if (delayMs === 0) {
    await remove();
    return {};
  }
  consumer.status = 'DELETING';
  await engine.saveStream(stream.state);
  engine.schedule(delayMs, () => void remove().catch(() => undefined));
  return {};
}

export function describeStreamConsumer(engine: Engine, input: ParsedInput): object {
  const { stream, consumer } = resolveConsumer(engine, input);
  return { ConsumerDescription: { ...describe(consumer), StreamARN: stream.state.arn } };
}

/** ListStreamConsumers: in registration order, `MaxResults` (default 100) a page. */
export function listStreamConsumers(engine: Engine, input: ParsedInput): object {
  const stream = engine.resolveStream({ StreamARN: input.StreamARN });
  const created = input.StreamCreationTimestamp as number | undefined;
  if (
    created !== undefined &&
    Math.floor(created / 1000) !== Math.floor(stream.state.createdMs / 1000)
  ) {
    throw engine.streamNotFound(stream.state.name);
  }
  const limit = (input.MaxResults as number | undefined) ?? 100;
  let consumers = stream.state.consumers;
  if (input.NextToken !== undefined) {
    const token = decodePageToken(engine, input.NextToken as string, 'ListStreamConsumers');
    if (token.stream !== stream.state.arn) {
      throw new AwsServiceError(
        'InvalidArgumentException',
        `NextToken was issued for another stream than ${stream.state.arn}.`,
      );
    }
    const start = consumers.findIndex((consumer) => consumer.arn === token.after);
    consumers = start < 0 ? [] : consumers.slice(start + 1);
  }
  const page = consumers.slice(0, limit);
  const last = page.at(-1);
  return {
    Consumers: page.map(describe),
    ...(consumers.length > limit && last !== undefined
      ? {
          NextToken: encodePageToken(engine, {
            kind: 'ListStreamConsumers',
            after: last.arn,
            stream: stream.state.arn,
          }),
        }
      : {}),
  };
}

/**
 * The consumer a request names: by `ConsumerARN`, or by `StreamARN` and `ConsumerName`.
 * Throws InvalidArgumentException when neither is given, ResourceNotFoundException when there
 * is no such consumer.
 */
export function resolveConsumer(
  engine: Engine,
  input: ParsedInput,
): { stream: LiveStream; consumer: StreamConsumerState } {
  const { accountId } = engine.options;
  const consumerArn = input.ConsumerARN as string | undefined;
  if (consumerArn !== undefined) {
    const match = /^(arn:aws[^:]*:kinesis:[^:]*:\d{12}:stream\/[^/]+)\/consumer\/[^/]+:\d+$/.exec(
      consumerArn,
    );
    const stream = match === null ? undefined : tryResolve(engine, match[1] as string);
    const consumer = stream?.state.consumers.find((candidate) => candidate.arn === consumerArn);
    if (stream === undefined || consumer === undefined) {
      throw new AwsServiceError(
        'ResourceNotFoundException',
        `Consumer ${consumerArn} under account ${accountId} not found.`,
      );
    }
    return { stream, consumer };
  }
  const name = input.ConsumerName as string | undefined;
  if (input.StreamARN === undefined || name === undefined) {
    throw new AwsServiceError(
      'InvalidArgumentException',
      'Either ConsumerARN or both ConsumerName and StreamARN must be provided.',
    );
  }
  const stream = engine.resolveStream({ StreamARN: input.StreamARN });
  const consumer = stream.state.consumers.find((candidate) => candidate.name === name);
  if (consumer === undefined) {
    throw new AwsServiceError(
      'ResourceNotFoundException',
      `Consumer ${name} under stream ${stream.state.name} not found for account ${accountId}.`,
    );
  }
  return { stream, consumer };
}

function tryResolve(engine: Engine, streamArn: string): LiveStream | undefined {
  try {
    return engine.resolveStream({ StreamARN: streamArn });
  } catch {
    return undefined;
  }
}

function describe(consumer: StreamConsumerState): object {
  return {
    ConsumerName: consumer.name,
    ConsumerARN: consumer.arn,
    ConsumerStatus: consumer.status,
    ConsumerCreationTimestamp: consumer.createdMs / 1000,
  };
}
