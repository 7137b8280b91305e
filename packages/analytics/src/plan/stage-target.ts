import type { Identifier } from '../sql/ast.js';
import type { OutputTarget } from './output-columns.js';
import type { StreamPlan } from './query-plan.js';

/** Where a SELECT's rows go, and the stream they form. */
export interface StageTarget extends OutputTarget {
  /** The stream id the stage writes. */
  readonly id: string;
  /** Whether runs hand this stream's rows out. */
  readonly isOutput: boolean;
}

/** What a FROM gives a SELECT: the stream it reads and the names its columns may be qualified with. */
export interface InputRelation {
  readonly stream: StreamPlan;
  readonly qualifiers: readonly string[];
}

/** The names a FROM item may be referred to by: the stream's name and its alias. */
export function qualifiersOf(stream: StreamPlan, alias: Identifier | undefined): string[] {
  const names = [stream.name];
  if (alias !== undefined) names.push(alias.name);
  return names;
}
