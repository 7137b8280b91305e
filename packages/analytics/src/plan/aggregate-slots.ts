import type { AggregateFunction } from '../aggregates/aggregate-function.js';
import { AGGREGATE_FUNCTIONS, findAggregateCall } from '../aggregates/registry.js';
import { SqlValidationError } from '../errors.js';
import { compileExpression } from '../expressions/compile-expression.js';
import type { ExpressionScope, ValueSlot } from '../expressions/expression-scope.js';
import type { AggregateSlot } from '../runtime/aggregate-slot.js';
import type { CallExpr } from '../sql/ast.js';
import type { Row } from './query-plan.js';
import type { StageContext } from './stage-context.js';

const NO_COLUMNS: ExpressionScope = { column: () => undefined, columnNames: () => [] };

/** The aggregate function a call names, checked against the call's shape (`*`, DISTINCT, arity). */
export function aggregateOf(call: CallExpr): AggregateFunction {
  const fn = findAggregateCall(call.name, call.star);
  if (fn === undefined) {
    throw new SqlValidationError(
      call.position,
      `${call.name} is not an aggregate function; aggregates: ${[...AGGREGATE_FUNCTIONS.keys()].join(', ')}`,
    );
  }
  if (call.star && !fn.allowsStar) {
    throw new SqlValidationError(
      call.position,
      `${call.name}(*) is not allowed; write ${fn.signature}`,
    );
  }
  if (call.distinct && !fn.allowsDistinct) {
    throw new SqlValidationError(
      call.position,
      `${call.name}(DISTINCT ...) is not allowed; write ${fn.signature}`,
    );
  }
  const expected = call.star ? 0 : 1 + fn.constantArgs;
  if (call.args.length !== expected) {
    throw new SqlValidationError(
      call.position,
      `${call.name} takes ${expected} argument${expected === 1 ? '' : 's'}, got ${call.args.length}: ${fn.signature}`,
    );
  }
  return fn;
}

/**
 * The aggregate calls of one stage, each compiled once into an {@link AggregateSlot} (a call
 * written twice shares its slot). Arguments are compiled against the stage's input scope (where
 * a nested aggregate is refused); constant arguments are evaluated here.
 */
export class AggregateSlots {
  readonly slots: AggregateSlot<Row>[] = [];
  readonly #bySignature = new Map<string, ValueSlot>();
  readonly #stage: StageContext;
  readonly #argScope: (call: CallExpr) => ExpressionScope;
  readonly #prefix: string;

  constructor(stage: StageContext, argScope: (call: CallExpr) => ExpressionScope, prefix = 'a') {
    this.#stage = stage;
    this.#argScope = argScope;
    this.#prefix = prefix;
  }

  /** The row property (in results) holding the call's value; `signature` identifies the call. */
  slotFor(call: CallExpr, signature: string): ValueSlot {
    const known = this.#bySignature.get(signature);
    if (known !== undefined) return known;
    const fn = aggregateOf(call);
    let argType = null;
    let argOf: (row: Row) => unknown = () => null;
    const perRow = call.args[0];
    if (!call.star && perRow !== undefined) {
      const argScope = this.#argScope(call);
      const compiled = compileExpression(perRow, argScope);
      argType = compiled.type;
      argOf = this.#stage.reader(perRow, compiled, argScope);
    }
    const type = fn.resultType(argType);
    if (typeof type !== 'string') throw new SqlValidationError(call.position, type.error);
    const constants = call.args.slice(1).map((arg, i) => {
      const compiled = compileExpression(arg, NO_COLUMNS);
      if (!compiled.constant) {
        throw new SqlValidationError(
          arg.position,
          `argument ${i + 2} of ${call.name} must be a constant: ${fn.signature}`,
        );
      }
      return compiled.evaluate({});
    });
    const problem = fn.checkConstants(constants);
    if (problem !== undefined) throw new SqlValidationError(call.position, problem);
    const distinct = call.distinct;
    this.slots.push({ create: () => fn.create(constants, distinct), argOf });
    const slot: ValueSlot = { type, key: `$${this.#prefix}${this.slots.length - 1}` };
    this.#bySignature.set(signature, slot);
    return slot;
  }
}
