import type { Context } from 'aws-lambda';
import type { Clock } from '../clock.js';

/**
 * A Lambda context like the one a processor gets from Lambda, for one invocation:
 * `getRemainingTimeInMillis()` counts down on `clock` to `deadlineMs`, as Lambda's does to the
 * function timeout.
 *
 * @example
 * ```ts
 * const context = lambdaContext(arn, event.invocationId, systemClock, Date.now() + 60_000);
 * await handler(event, context);
 * ```
 */
export function lambdaContext(
  functionArn: string,
  invocationId: string,
  clock: Clock,
  deadlineMs: number,
): Context {
  const functionName = functionArn.split(':').at(-1) ?? functionArn;
  const unsupported = () => {
    throw new Error('the callback-style context methods are deprecated; return a promise');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: functionArn,
    memoryLimitInMB: '128',
    awsRequestId: invocationId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadlineMs - clock.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}
