import type { SourcePosition } from '../errors.js';
import { SqlValidationError } from '../errors.js';
import type { Evaluate } from '../expressions/expression-scope.js';
import type { Identifier } from '../sql/ast.js';
import { isNumericType, type SqlType } from '../types.js';
import { findByIdentifier, listNames } from './names.js';
import type { PlanColumn, Row } from './query-plan.js';

/** One value a SELECT list produces. */
export interface SelectOutput {
  readonly name: string;
  readonly type: SqlType;
  readonly evaluate: Evaluate;
  readonly position: SourcePosition;
}

/** Where a SELECT's rows go: a declared stream's columns (KDA, Flink `CREATE TABLE`) or its own. */
export interface OutputTarget {
  /** The target's declared columns; `undefined` when the SELECT defines them. */
  readonly declared: readonly PlanColumn[] | undefined;
  /** `INSERT INTO t (a, b)`: the columns given values; empty = all, in order. */
  readonly insertColumns: readonly Identifier[];
  /** For messages: `pump "P" inserts into "DEST"` or `the SELECT`. */
  readonly what: string;
  readonly targetName: string;
  readonly position: SourcePosition;
}

/** The columns a SELECT writes and how to build an output row from its evaluators. */
export interface BoundOutputs {
  readonly columns: readonly PlanColumn[];
  /** The key each SELECT value is stored under, in SELECT order. */
  readonly keys: readonly string[];
  /** Builds the row's column values (the caller adds `$rowtime`). */
  readonly build: (source: Row) => Row;
}

function assignable(from: SqlType, to: SqlType): boolean {
  if (from === to || from === 'NULL' || from === 'ANY' || to === 'ANY') return true;
  return isNumericType(from) && isNumericType(to);
}

/**
 * Binds a SELECT's values to its target's columns, checking count and types (numbers convert
 * among numeric types; a DOUBLE stored in an INTEGER/BIGINT column is truncated toward zero, as
 * a CAST does). Without a declared target the SELECT's own names become the columns (duplicate
 * names are refused: a result row is an object).
 */
export function bindOutputs(outputs: readonly SelectOutput[], target: OutputTarget): BoundOutputs {
  if (target.declared === undefined) {
    const seen = new Set<string>();
    for (const output of outputs) {
      if (seen.has(output.name)) {
        throw new SqlValidationError(
          output.position,
          `the select list names "${output.name}" twice; give one of them another name with AS`,
        );
      }
      seen.add(output.name);
    }
    const columns = outputs.map((o) => ({ name: o.name, type: o.type, key: o.name }));
    return {
      columns,
      keys: columns.map((c) => c.key),
      build: builder(
        columns,
        outputs,
        columns.map(() => undefined),
        [],
      ),
    };
  }
  const declared = target.declared;
  const chosen: PlanColumn[] =
    target.insertColumns.length === 0
      ? [...declared]
      : target.insertColumns.map((id) => {
          const column = findByIdentifier(id, declared, (c) => c.name, 'column');
          if (column === undefined) {
            throw new SqlValidationError(
              id.position,
              `"${target.targetName}" has no column "${id.name}"; columns: ${listNames(declared.map((c) => c.name))}`,
            );
          }
          return column;
        });
  if (chosen.length !== outputs.length) {
    throw new SqlValidationError(
      target.position,
      `${target.what} gives ${outputs.length} values for ${chosen.length} columns of "${target.targetName}" (${listNames(chosen.map((c) => `${c.name} ${c.type}`))})`,
    );
  }
  const converters = chosen.map((column, i) => {
    const output = outputs[i] as SelectOutput;
    if (!assignable(output.type, column.type)) {
      throw new SqlValidationError(
        output.position,
        `column "${column.name}" of "${target.targetName}" is ${column.type} and cannot take the ${output.type} value "${output.name}"; CAST it`,
      );
    }
    const integral = column.type === 'INTEGER' || column.type === 'BIGINT';
    return integral &&
      output.type !== column.type &&
      !(output.type === 'INTEGER' || output.type === 'BIGINT')
      ? truncate
      : undefined;
  });
  const unset = declared.filter((c) => !chosen.includes(c));
  return {
    columns: declared,
    keys: chosen.map((c) => c.key),
    build: builder(chosen, outputs, converters, unset),
  };
}

function truncate(value: unknown): unknown {
  return typeof value === 'number' ? Math.trunc(value) : value;
}

function builder(
  columns: readonly PlanColumn[],
  outputs: readonly SelectOutput[],
  converters: readonly (((value: unknown) => unknown) | undefined)[],
  unset: readonly PlanColumn[],
): (source: Row) => Row {
  const keys = columns.map((c) => c.key);
  const evaluators = outputs.map((o) => o.evaluate);
  const nullKeys = unset.map((c) => c.key);
  const n = keys.length;
  return (source) => {
    const out: Row = {};
    for (let i = 0; i < n; i++) {
      const value = (evaluators[i] as Evaluate)(source);
      const convert = converters[i];
      out[keys[i] as string] = convert === undefined ? value : convert(value);
    }
    for (const key of nullKeys) out[key] = null;
    return out;
  };
}
