import type { CompiledNode } from './compiled-node.js';
import type { Evaluate } from './expression-scope.js';
import type { ScalarFunction } from './scalar-function.js';
import { commonType, expectComparable } from './type-check.js';

/** `COALESCE(a, b, ...)`: the first argument that is not NULL, or NULL. */
const COALESCE: ScalarFunction = {
  name: 'COALESCE',
  signature: 'COALESCE(value, value, ...)',
  minArgs: 1,
  maxArgs: Number.POSITIVE_INFINITY,
  compile(args, call) {
    const type = commonType(
      'COALESCE',
      args.map((arg) => arg.type),
      call.position,
    );
    const readers = args.map((arg) => arg.evaluate);
    const [a, b] = readers;
    if (readers.length === 2 && a !== undefined && b !== undefined) {
      return { type, evaluate: (row) => a(row) ?? b(row) };
    }
    return {
      type,
      evaluate: (row) => {
        for (let i = 0; i < readers.length; i++) {
          const v = (readers[i] as Evaluate)(row);
          if (v != null) return v;
        }
        return null;
      },
    };
  },
};

/** `NULLIF(a, b)`: NULL when `a = b`, otherwise `a`. */
const NULLIF: ScalarFunction = {
  name: 'NULLIF',
  signature: 'NULLIF(value, value)',
  minArgs: 2,
  maxArgs: 2,
  compile(args, call) {
    const [a, b] = args as [CompiledNode, CompiledNode];
    expectComparable('NULLIF', a.type, b.type, call.position);
    const readA = a.evaluate;
    const readB = b.evaluate;
    return {
      type: a.type,
      evaluate: (row) => {
        const x = readA(row);
        if (x == null) return null;
        return x === readB(row) ? null : x;
      },
    };
  },
};

/** GREATEST / LEAST: NULL when any argument is NULL (as Flink). */
function extreme(name: 'GREATEST' | 'LEAST'): ScalarFunction {
  const greatest = name === 'GREATEST';
  return {
    name,
    signature: `${name}(value, value, ...)`,
    minArgs: 1,
    maxArgs: Number.POSITIVE_INFINITY,
    compile(args, call) {
      const type = commonType(
        name,
        args.map((arg) => arg.type),
        call.position,
      );
      if (type === 'ANY') expectComparable(name, type, type, call.position);
      const readers = args.map((arg) => arg.evaluate);
      return {
        type,
        evaluate: (row) => {
          let best: unknown = null;
          for (let i = 0; i < readers.length; i++) {
            const v = (readers[i] as Evaluate)(row);
            if (v == null) return null;
            if (
              i === 0 ||
              (greatest ? (v as number) > (best as number) : (v as number) < (best as number))
            )
              best = v;
          }
          return best;
        },
      };
    },
  };
}

/** The conditional functions, by name. */
export const CONDITIONAL_FUNCTIONS: readonly ScalarFunction[] = [
  COALESCE,
  NULLIF,
  extreme('GREATEST'),
  extreme('LEAST'),
];
