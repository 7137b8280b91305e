import type { SqlType } from '../types.js';
import type { CodeGenerator } from './code-generator.js';
import type { CompiledExpression, Evaluate } from './expression-scope.js';

/**
 * A compiled sub-expression with what its parent needs to specialise: a parent comparing a
 * column with a constant reads `row[key]` directly instead of calling two closures per row.
 */
export interface CompiledNode extends CompiledExpression {
  /** Set when the node only reads `row[columnKey]`. */
  readonly columnKey?: string;
  /** Set when `constant`: the folded value. */
  readonly value?: unknown;
  /**
   * Emits JavaScript computing the node into the temporary `t` and returns the expression
   * holding the value (usually `t`). Absent: the generated code calls `evaluate`.
   */
  readonly emit?: Emit;
}

/** See {@link CompiledNode.emit}. */
export type Emit = (generator: CodeGenerator, t: string) => string;

const NO_ROW: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;

/** A node whose value is known at compile time. */
export function constantNode(type: SqlType, value: unknown): CompiledNode {
  const v = value === undefined ? null : value;
  return { type, constant: true, value: v, evaluate: () => v };
}

/** A node reading `row[key]`; `undefined` (a missing JSON field) reads as SQL NULL. */
export function columnNode(type: SqlType, key: string): CompiledNode {
  return { type, constant: false, columnKey: key, evaluate: (row) => row[key] ?? null };
}

/** A computed node, constant when all its inputs are. */
export function computedNode(
  type: SqlType,
  evaluate: Evaluate,
  inputs: readonly CompiledNode[],
  emit: Emit | undefined,
): CompiledNode {
  const constant = inputs.every((input) => input.constant);
  return emit === undefined ? { type, evaluate, constant } : { type, evaluate, constant, emit };
}

/**
 * Evaluates a constant node once. A constant that fails (`1 / 0`) is left to fail per row, where
 * the engine routes the row to `error_stream`: it may sit in a CASE branch no row reaches.
 */
export function foldConstant(
  node: CompiledNode,
  isEvaluationError: (e: unknown) => boolean,
): CompiledNode {
  if (!node.constant || 'value' in node) return node;
  try {
    return constantNode(node.type, node.evaluate(NO_ROW));
  } catch (error) {
    if (isEvaluationError(error))
      return { type: node.type, evaluate: node.evaluate, constant: false };
    throw error;
  }
}
