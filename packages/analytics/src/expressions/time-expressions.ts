import { SqlValidationError } from '../errors.js';
import type { ExtractExpr, FloorToExpr, StepExpr } from '../sql/ast.js';
import { MS_PER_UNIT } from '../time-units.js';
import { ceilTo, extractField, FLOOR_UNITS, floorTo, floorToMultiple } from './calendar.js';
import type { CompiledNode } from './compiled-node.js';
import type { Evaluate } from './expression-scope.js';
import type { TypedEvaluator } from './scalar-function.js';
import { expectArgument } from './type-check.js';

// FLOOR/CEIL(ts TO unit), STEP(ts BY INTERVAL) and EXTRACT(unit FROM ts), in UTC.

/** `FLOOR/CEIL(ts TO unit)`; fixed-length units round like STEP, MONTH and YEAR by the calendar. */
export function compileFloorTo(expr: FloorToExpr, operand: CompiledNode): TypedEvaluator {
  expectArgument(`${expr.fn}(... TO ${expr.unit})`, 0, operand.type, 'TIMESTAMP', expr.position);
  const { unit } = expr;
  if (!FLOOR_UNITS.includes(unit)) {
    throw new SqlValidationError(
      expr.position,
      `${expr.fn}(... TO ${unit}) is not supported; units: ${FLOOR_UNITS.join(', ')}`,
    );
  }
  const read = operand.evaluate;
  // Fixed-length units floor like STEP; months and years need the calendar (WEEK is not in
  // FLOOR_UNITS).
  if (expr.fn === 'FLOOR' && unit !== 'MONTH' && unit !== 'YEAR') {
    return stepEvaluator(read, MS_PER_UNIT[unit]);
  }
  const round = expr.fn === 'FLOOR' ? floorTo : ceilTo;
  return {
    type: 'TIMESTAMP',
    evaluate: (row) => {
      const v = read(row);
      return v == null ? null : round(v as number, unit);
    },
  };
}

function stepEvaluator(read: Evaluate, stepMs: number): TypedEvaluator {
  return {
    type: 'TIMESTAMP',
    evaluate: (row) => {
      const v = read(row);
      return v == null ? null : floorToMultiple(v as number, stepMs);
    },
  };
}

/** KDA's `STEP(ts BY INTERVAL ...)`: `ts` rounded down to a multiple of the interval since 1970. */
export function compileStep(expr: StepExpr, operand: CompiledNode): TypedEvaluator {
  expectArgument('STEP', 0, operand.type, 'TIMESTAMP', expr.position);
  if (!(expr.interval.ms > 0)) {
    throw new SqlValidationError(
      expr.interval.position,
      `STEP needs a positive interval, got ${expr.interval.text}`,
    );
  }
  return stepEvaluator(operand.evaluate, expr.interval.ms);
}

/** `EXTRACT(unit FROM ts)` as BIGINT (see {@link extractField}). */
export function compileExtract(expr: ExtractExpr, operand: CompiledNode): TypedEvaluator {
  expectArgument(`EXTRACT(${expr.unit} FROM ...)`, 0, operand.type, 'TIMESTAMP', expr.position);
  const read = operand.evaluate;
  const { unit } = expr;
  return {
    type: 'BIGINT',
    evaluate: (row) => {
      const v = read(row);
      return v == null ? null : extractField(v as number, unit);
    },
  };
}
