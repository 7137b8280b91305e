import { AwsServiceError } from '../errors.js';

/** A SubscribeToShard call that is pushing events. */
export interface ActiveSubscription {
  readonly consumerArn: string;
  readonly shardId: string;
  /** When the call succeeded, epoch milliseconds. */
  readonly startedMs: number;
  /** Ends the subscription; with an error, the client gets it as the stream's last message. */
  stop(error?: AwsServiceError): void;
}

/** A second call within this long of a successful one is refused; after it, it takes over. */
export const TAKEOVER_AFTER_MS = 5_000;
/** SubscribeToShard calls allowed per consumer and shard: one a second. */
export const SUBSCRIBE_INTERVAL_MS = 1_000;

/**
 * The subscriptions in force, one per (consumer, shard), with AWS's rules for a new call: within
 * 5 s of a successful one it gets ResourceInUseException; later, it takes the subscription over
 * and the old one ends with ResourceInUseException; more than one call a second per consumer
 * and shard gets LimitExceededException.
 */
export class SubscriptionRegistry {
  readonly #active = new Map<string, ActiveSubscription>();
  readonly #lastCallMs = new Map<string, number>();

  /** Throws the error AWS answers a call with, or returns normally if the call may proceed. */
  check(consumerArn: string, shardId: string, nowMs: number): void {
    const key = keyOf(consumerArn, shardId);
    const active = this.#active.get(key);
    if (active !== undefined && nowMs - active.startedMs < TAKEOVER_AFTER_MS) {
      throw anotherSubscription(consumerArn);
    }
    const lastCall = this.#lastCallMs.get(key);
    if (lastCall !== undefined && nowMs - lastCall < SUBSCRIBE_INTERVAL_MS) {
      throw new AwsServiceError(
        'LimitExceededException',
        `Rate exceeded for consumer ${consumerArn} and shard ${shardId}.`,
      );
    }
  }

  /** Records a successful call, ending the subscription it takes over. */
  add(subscription: ActiveSubscription): void {
    const key = keyOf(subscription.consumerArn, subscription.shardId);
    const previous = this.#active.get(key);
    this.#active.set(key, subscription);
    this.#lastCallMs.set(key, subscription.startedMs);
    previous?.stop(anotherSubscription(subscription.consumerArn));
  }

  /** Forgets a subscription that ended (unless another has taken its place). */
  remove(subscription: ActiveSubscription): void {
    const key = keyOf(subscription.consumerArn, subscription.shardId);
    if (this.#active.get(key) === subscription) this.#active.delete(key);
  }

  /** Ends every subscription of a consumer (deregistered, or its stream deleted). */
  stopConsumer(consumerArn: string, error: AwsServiceError): void {
    for (const subscription of [...this.#active.values()]) {
      if (subscription.consumerArn === consumerArn) subscription.stop(error);
    }
    for (const key of [...this.#lastCallMs.keys()]) {
      if (key.startsWith(`${consumerArn}\u0000`)) this.#lastCallMs.delete(key);
    }
  }

  /** Ends every subscription (the endpoint is closing). */
  stopAll(): void {
    for (const subscription of [...this.#active.values()]) subscription.stop();
  }

  get size(): number {
    return this.#active.size;
  }
}

function keyOf(consumerArn: string, shardId: string): string {
  return `${consumerArn}\u0000${shardId}`;
}

function anotherSubscription(consumerArn: string): AwsServiceError {
  return new AwsServiceError(
    'ResourceInUseException',
    `Another active subscription exists for this consumer: ${consumerArn}`,
  );
}
