import type { CallExpr } from '../sql/ast.js';
import type { SqlType } from '../types.js';
import type { CompiledNode, Emit } from './compiled-node.js';
import type { Evaluate } from './expression-scope.js';
import { expectArgument, type TypeExpectation } from './type-check.js';

/** A scalar function's type and evaluator for one call. */
export interface TypedEvaluator {
  readonly type: SqlType;
  readonly evaluate: Evaluate;
  /** How to generate code for it; absent: generated code calls `evaluate`. */
  readonly emit?: Emit;
}

/** A scalar function the SQL can call: `UPPER`, `SUBSTRING`, `CHAR_TO_TIMESTAMP`, ... */
export interface ScalarFunction {
  /** Upper-cased SQL name. */
  readonly name: string;
  /** How to write a call, for error messages: `SUBSTRING(VARCHAR, INTEGER[, INTEGER])`. */
  readonly signature: string;
  readonly minArgs: number;
  readonly maxArgs: number;
  /**
   * Checks the argument types (throwing SqlValidationError at `call.position`) and builds the
   * evaluator. The argument count is checked before.
   */
  compile(args: readonly CompiledNode[], call: CallExpr): TypedEvaluator;
}

/**
 * A function of one argument that is NULL for NULL: `UPPER`, `ABS`, ... `resultType` maps the
 * argument's type to the result's. Reads a column directly when the argument is one.
 */
export function unaryFunction(
  name: string,
  expected: TypeExpectation,
  resultType: (argType: SqlType) => SqlType,
  apply: (value: never) => unknown,
): ScalarFunction {
  const op = apply as (value: unknown) => unknown;
  return {
    name,
    signature: `${name}(${expected})`,
    minArgs: 1,
    maxArgs: 1,
    compile(args, call) {
      const arg = args[0] as CompiledNode;
      expectArgument(name, 0, arg.type, expected, call.position);
      const key = arg.columnKey;
      const read = arg.evaluate;
      return {
        type: resultType(arg.type),
        evaluate:
          key === undefined
            ? (row) => {
                const v = read(row);
                return v == null ? null : op(v);
              }
            : (row) => {
                const v = row[key];
                return v == null ? null : op(v);
              },
        emit: (g, t) => {
          const v = g.value(arg);
          g.emit(`${t} = ${v} == null ? null : ${g.ref(op)}(${v});`);
          return t;
        },
      };
    },
  };
}

/** A function of fixed arguments that is NULL when any argument is NULL. */
export function strictFunction(
  name: string,
  expected: readonly TypeExpectation[],
  optional: number,
  resultType: (argTypes: readonly SqlType[]) => SqlType,
  apply: (...values: never[]) => unknown,
): ScalarFunction {
  const op = apply as (...values: unknown[]) => unknown;
  const required = expected.length - optional;
  const signature = `${name}(${expected.slice(0, required).join(', ')}${expected
    .slice(required)
    .map((e) => `[, ${e}]`)
    .join('')})`;
  return {
    name,
    signature,
    minArgs: required,
    maxArgs: expected.length,
    compile(args, call) {
      args.forEach((arg, i) => {
        expectArgument(name, i, arg.type, expected[i] as TypeExpectation, call.position);
      });
      const type = resultType(args.map((arg) => arg.type));
      const [a, b, c] = args.map((arg) => arg.evaluate);
      if (args.length === 1 && a !== undefined) {
        return {
          type,
          evaluate: (row) => {
            const x = a(row);
            return x == null ? null : op(x);
          },
        };
      }
      if (args.length === 2 && a !== undefined && b !== undefined) {
        return {
          type,
          evaluate: (row) => {
            const x = a(row);
            if (x == null) return null;
            const y = b(row);
            return y == null ? null : op(x, y);
          },
        };
      }
      if (args.length === 3 && a !== undefined && b !== undefined && c !== undefined) {
        return {
          type,
          evaluate: (row) => {
            const x = a(row);
            if (x == null) return null;
            const y = b(row);
            if (y == null) return null;
            const z = c(row);
            return z == null ? null : op(x, y, z);
          },
        };
      }
      const readers = args.map((arg) => arg.evaluate);
      return {
        type,
        evaluate: (row) => {
          const values: unknown[] = [];
          for (const read of readers) {
            const v = read(row);
            if (v == null) return null;
            values.push(v);
          }
          return op(...values);
        },
      };
    },
  };
}
