import { FIREHOSE_LIMITS } from '@kinesis-kit/records';
import { PrefixExpressionError } from '../../errors.js';
import { keyProblem } from './key-path.js';
import { randomString } from './random-string.js';
import { compileTimestampPattern } from './timestamp-pattern.js';

type Part = (values: PrefixValues) => string;

/** What a prefix is evaluated with. */
export interface PrefixValues {
  /** The arrival time of the oldest record in the object. */
  readonly timeMs: number;
  readonly errorOutputType?: string;
  readonly partitionKeys?: Readonly<Record<string, string>>;
}

/** A parsed S3 prefix. */
export interface CompiledPrefix {
  /** Names used in `!{partitionKeyFromLambda:name}`, in order. */
  readonly partitionKeyNames: readonly string[];
  readonly hasExpressions: boolean;
  evaluate(values: PrefixValues): string;
}

const EXPRESSION = /!\{([^}]*)\}/g;

/**
 * Parses a Firehose S3 prefix. `kind` decides what may appear: `!{firehose:error-output-type}`
 * only in the error output prefix, `!{partitionKeyFrom...}` only in the prefix. A prefix
 * without a timestamp expression gets `!{timestamp:yyyy/MM/dd/HH/}` appended, as Firehose
 * does (dynamic partitioning included).
 *
 * @example
 * ```ts
 * compilePrefix('logs/', 'prefix').evaluate({ timeMs: Date.UTC(2024, 0, 2, 3) }); // 'logs/2024/01/02/03/'
 * ```
 */
export function compilePrefix(text: string, kind: 'prefix' | 'errorOutputPrefix'): CompiledPrefix {
  const parts: Part[] = [];
  const partitionKeyNames: string[] = [];
  let hasTimestamp = false;
  let hasExpressions = false;
  let last = 0;
  for (const match of text.matchAll(EXPRESSION)) {
    const literal = text.slice(last, match.index);
    parts.push(() => literal);
    last = match.index + match[0].length;
    hasExpressions = true;
    const body = match[1] as string;
    const colon = body.indexOf(':');
    const namespace = colon === -1 ? body : body.slice(0, colon);
    const value = colon === -1 ? '' : body.slice(colon + 1);
    const where = `${kind} "${text}"`;
    if (namespace === 'timestamp') {
      const format = compileTimestampPattern(value);
      hasTimestamp = true;
      parts.push(({ timeMs }) => format(timeMs));
    } else if (namespace === 'firehose' && value === 'random-string') {
      parts.push(() => randomString());
    } else if (namespace === 'firehose' && value === 'error-output-type') {
      if (kind !== 'errorOutputPrefix') {
        throw new PrefixExpressionError(
          `${where}: !{firehose:error-output-type} is only allowed in the error output prefix`,
        );
      }
      parts.push(({ errorOutputType }) => errorOutputType ?? '');
    } else if (namespace === 'partitionKeyFromLambda') {
      if (kind !== 'prefix') {
        throw new PrefixExpressionError(
          `${where}: !{partitionKeyFromLambda:...} is not allowed in the error output prefix`,
        );
      }
      if (value === '') throw new PrefixExpressionError(`${where}: partition key name is empty`);
      partitionKeyNames.push(value);
      parts.push(({ partitionKeys }) =>
        partitionKeys !== undefined && Object.hasOwn(partitionKeys, value)
          ? (partitionKeys[value] ?? '')
          : '',
      );
    } else if (namespace === 'partitionKeyFromQuery') {
      throw new PrefixExpressionError(
        `${where}: !{partitionKeyFromQuery:...} needs inline jq parsing, which the local pipeline does not run; return partitionKeys from the processor and use !{partitionKeyFromLambda:...}`,
      );
    } else {
      throw new PrefixExpressionError(
        `${where}: unknown expression ${match[0]}; expected !{timestamp:...}, !{firehose:random-string}, !{firehose:error-output-type} or !{partitionKeyFromLambda:...}`,
      );
    }
  }
  const tail = text.slice(last);
  if (tail.includes('!{')) throw new PrefixExpressionError(`${kind} "${text}": unclosed !{`);
  parts.push(() => tail);
  if (!hasTimestamp) {
    const format = compileTimestampPattern('yyyy/MM/dd/HH/');
    parts.push(({ timeMs }) => format(timeMs));
  }
  return {
    partitionKeyNames,
    hasExpressions,
    evaluate: (values) => parts.map((part) => part(values)).join(''),
  };
}

/**
 * Throws {@link PrefixExpressionError} when an evaluated prefix is over Firehose's 512
 * characters, or would make keys a directory cannot hold literally (see {@link keyProblem}).
 *
 * @example
 * ```ts
 * checkPrefix('prefix', 'a'.repeat(513)); // throws: over the limit of 512
 * checkPrefix('prefix', '../logs/'); // throws: has a ".." path segment
 * ```
 */
export function checkPrefix(kind: string, evaluated: string): void {
  if (evaluated.length > FIREHOSE_LIMITS.maxPrefixLength) {
    throw new PrefixExpressionError(
      `${kind} evaluates to ${evaluated.length} characters, over the limit of ${FIREHOSE_LIMITS.maxPrefixLength}`,
    );
  }
  // The prefix is followed by the object name: check it as the start of a key.
  const problem = keyProblem(`${evaluated}object`);
  if (problem !== undefined) {
    throw new PrefixExpressionError(
      `${kind} evaluates to ${JSON.stringify(evaluated)}, which ${problem}: S3 keys are literal, and a directory cannot hold such keys as they are`,
    );
  }
}
