import type { Engine } from '../engine/engine.js';
import { AwsServiceError } from '../errors.js';
import { ShardSubscription } from '../fanout/shard-subscription.js';
import type { ParsedInput } from '../protocol/shapes.js';
import { resolveConsumer } from './consumer-operations.js';
import { startingPosition } from './record-operations.js';

interface StartingPositionInput {
  readonly Type: string;
  readonly SequenceNumber?: string;
  readonly Timestamp?: number;
}

/**
 * SubscribeToShard: checks the consumer (ACTIVE), the shard, the starting position and AWS's
 * rules for repeated calls, then answers with a subscription that streams events.
 */
export function subscribeToShard(engine: Engine, input: ParsedInput): ShardSubscription {
  const { stream, consumer } = resolveConsumer(engine, { ConsumerARN: input.ConsumerARN });
  const { accountId } = engine.options;
  if (consumer.status !== 'ACTIVE') {
    throw new AwsServiceError(
      'ResourceInUseException',
      `Consumer ${consumer.name} with creation timestamp ${Math.floor(consumer.createdMs / 1000)} under stream ${stream.state.name} and account ${accountId} is not in ACTIVE status.`,
    );
  }
  engine.requireReadable(stream);
  const { shard } = engine.resolveShard({ StreamName: stream.state.name }, input.ShardId as string);
  const position = input.StartingPosition as StartingPositionInput;
  const atOrAfter =
    position.Type === 'AT_SEQUENCE_NUMBER' || position.Type === 'AFTER_SEQUENCE_NUMBER';
  if (atOrAfter !== (position.SequenceNumber !== undefined) && position.Type !== 'AT_TIMESTAMP') {
    throw new AwsServiceError(
      'InvalidArgumentException',
      `Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and SequenceNumber or (2) TRIM_HORIZON, LATEST or AT_TIMESTAMP and no SequenceNumber. Request specified ${position.Type} and ${position.SequenceNumber === undefined ? 'no' : 'also a'} SequenceNumber.`,
    );
  }
  const from = startingPosition(engine, stream, shard, {
    operation: 'SubscribeToShard',
    type: position.Type,
    sequenceNumber: position.SequenceNumber,
    timestampMs: position.Timestamp,
  });
  const now = engine.clock.now();
  try {
    engine.subscriptions.check(consumer.arn, shard.state.shardId, now);
  } catch (error) {
    shard.metrics.record('SubscribeToShard.RateExceeded', 1, now);
    throw error;
  }
  const subscription = new ShardSubscription(engine, stream, shard, consumer, from, now);
  engine.subscriptions.add(subscription);
  shard.metrics.record('SubscribeToShard.Success', 1, now);
  return subscription;
}
