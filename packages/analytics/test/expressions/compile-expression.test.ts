import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SqlValidationError } from '../../src/errors.js';
import { compileExpression } from '../../src/expressions/compile-expression.js';
import { ExpressionEvaluationError } from '../../src/expressions/expression-evaluation-error.js';
import type { ExpressionScope } from '../../src/expressions/expression-scope.js';
import { isScalarFunction } from '../../src/expressions/scalar-functions.js';
import type { BinaryOp, Expr } from '../../src/sql/ast.js';
import type { SqlType } from '../../src/types.js';
import { at, bin, call, col, dbl, lit, P } from './support/ast-builders.js';

const not = (operand: Expr): Expr => ({ kind: 'unary', op: 'NOT', operand, position: P });
const neg = (operand: Expr): Expr => ({ kind: 'unary', op: '-', operand, position: P });
const branch = (when: Expr, then: Expr) => ({ when, then });
const interval = (ms: number): Expr => ({
  kind: 'interval',
  ms,
  text: `INTERVAL '${ms}' MILLISECOND`,
  position: P,
});

const COLUMNS: Record<string, SqlType> = {
  url: 'VARCHAR',
  n: 'INTEGER',
  big: 'BIGINT',
  x: 'DOUBLE',
  ok: 'BOOLEAN',
  ts: 'TIMESTAMP',
  nothing: 'VARCHAR',
  p: 'BOOLEAN',
  q: 'BOOLEAN',
};
const scope: ExpressionScope = {
  column: (ref) => {
    const type = COLUMNS[ref.column.name];
    return type === undefined ? undefined : { type, key: `k_${ref.column.name}` };
  },
  columnNames: () => Object.keys(COLUMNS),
};
const row = (values: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(values).map(([k, v]) => [`k_${k}`, v]));
const SAMPLE = row({
  url: '/home',
  n: 7,
  big: 10_000_000_000,
  x: 2.5,
  ok: true,
  ts: Date.UTC(2026, 0, 27, 10, 30, 15, 250),
  nothing: null,
});

const evaluate = (expr: Expr, r = SAMPLE) => compileExpression(expr, scope).evaluate(r);
const validationError = (expr: Expr): SqlValidationError => {
  try {
    compileExpression(expr, scope);
  } catch (error) {
    if (error instanceof SqlValidationError) return error;
    throw error;
  }
  throw new Error('expected a SqlValidationError');
};

describe('compileExpression: values over a sample row', () => {
  const cases: [string, Expr, unknown, SqlType][] = [
    ["url = '/home'", bin('=', col('url'), lit('/home')), true, 'BOOLEAN'],
    ["'/home' = url (constant on the left)", bin('=', lit('/home'), col('url')), true, 'BOOLEAN'],
    ['3 < n (flipped)', bin('<', lit(3), col('n')), true, 'BOOLEAN'],
    ['n >= 7', bin('>=', col('n'), lit(7)), true, 'BOOLEAN'],
    ['n <> 7', bin('<>', col('n'), lit(7)), false, 'BOOLEAN'],
    ['n > x (INTEGER vs DOUBLE)', bin('>', col('n'), col('x')), true, 'BOOLEAN'],
    ["url < '/z' (VARCHAR order)", bin('<', col('url'), lit('/z')), true, 'BOOLEAN'],
    ['ok = TRUE', bin('=', col('ok'), lit(true)), true, 'BOOLEAN'],
    ['n + 1', bin('+', col('n'), lit(1)), 8, 'INTEGER'],
    ['n + big → BIGINT', bin('+', col('n'), col('big')), 10_000_000_007, 'BIGINT'],
    ['n * x → DOUBLE', bin('*', col('n'), col('x')), 17.5, 'DOUBLE'],
    ['n / 2 truncates (integer division)', bin('/', col('n'), lit(2)), 3, 'INTEGER'],
    ['-n / 2 truncates toward zero', bin('/', neg(col('n')), lit(2)), -3, 'INTEGER'],
    ['n / 2.0 is DOUBLE division', bin('/', col('n'), dbl(2)), 3.5, 'DOUBLE'],
    ['-7 % 3 keeps the sign of the dividend', bin('%', neg(col('n')), lit(3)), -1, 'INTEGER'],
    ['x / 0.0 is Infinity (IEEE)', bin('/', col('x'), dbl(0)), Number.POSITIVE_INFINITY, 'DOUBLE'],
    ["url || '?a'", bin('||', col('url'), lit('?a')), '/home?a', 'VARCHAR'],
    [
      'ts + INTERVAL 1 s',
      bin('+', col('ts'), interval(1000)),
      Date.UTC(2026, 0, 27, 10, 30, 16, 250),
      'TIMESTAMP',
    ],
    [
      'INTERVAL + ts',
      bin('+', interval(1000), col('ts')),
      Date.UTC(2026, 0, 27, 10, 30, 16, 250),
      'TIMESTAMP',
    ],
    [
      'ts - INTERVAL 1 h',
      bin('-', col('ts'), interval(3_600_000)),
      Date.UTC(2026, 0, 27, 9, 30, 15, 250),
      'TIMESTAMP',
    ],
    [
      'nothing IS NULL',
      { kind: 'is-null', operand: col('nothing'), negated: false, position: P },
      true,
      'BOOLEAN',
    ],
    [
      'url IS NOT NULL',
      { kind: 'is-null', operand: col('url'), negated: true, position: P },
      true,
      'BOOLEAN',
    ],
    [
      'n BETWEEN 7 AND 9',
      {
        kind: 'between',
        operand: col('n'),
        low: lit(7),
        high: lit(9),
        negated: false,
        position: P,
      },
      true,
      'BOOLEAN',
    ],
    [
      'n NOT BETWEEN 1 AND 6',
      { kind: 'between', operand: col('n'), low: lit(1), high: lit(6), negated: true, position: P },
      true,
      'BOOLEAN',
    ],
    [
      'n BETWEEN 8 AND NULL',
      {
        kind: 'between',
        operand: col('n'),
        low: lit(8),
        high: lit(null),
        negated: false,
        position: P,
      },
      false,
      'BOOLEAN',
    ],
    [
      'n BETWEEN 1 AND NULL',
      {
        kind: 'between',
        operand: col('n'),
        low: lit(1),
        high: lit(null),
        negated: false,
        position: P,
      },
      null,
      'BOOLEAN',
    ],
    [
      "url IN ('/a', '/home')",
      {
        kind: 'in',
        operand: col('url'),
        list: [lit('/a'), lit('/home')],
        negated: false,
        position: P,
      },
      true,
      'BOOLEAN',
    ],
    [
      'n IN (1, NULL)',
      { kind: 'in', operand: col('n'), list: [lit(1), lit(null)], negated: false, position: P },
      null,
      'BOOLEAN',
    ],
    [
      'n NOT IN (1, 2)',
      { kind: 'in', operand: col('n'), list: [lit(1), lit(2)], negated: true, position: P },
      true,
      'BOOLEAN',
    ],
    [
      'n IN (n + 0, 1): a list that varies per row',
      {
        kind: 'in',
        operand: col('n'),
        list: [bin('+', col('n'), lit(0)), lit(1)],
        negated: false,
        position: P,
      },
      true,
      'BOOLEAN',
    ],
    [
      'n NOT IN (1, NULL)',
      { kind: 'in', operand: col('n'), list: [lit(1), lit(null)], negated: true, position: P },
      null,
      'BOOLEAN',
    ],
    [
      "CASE WHEN n > 5 THEN 'big' ELSE 'small' END",
      {
        kind: 'case',
        whens: [branch(bin('>', col('n'), lit(5)), lit('big'))],
        else: lit('small'),
        position: P,
      },
      'big',
      'VARCHAR',
    ],
    [
      'CASE WHEN nothing = 1 THEN 1 END (NULL condition is not true → no ELSE → NULL)',
      {
        kind: 'case',
        whens: [branch(bin('=', col('nothing'), lit('a')), lit(1))],
        position: P,
      },
      null,
      'INTEGER',
    ],
    [
      'simple CASE n WHEN 1 THEN 1.5 WHEN 7 THEN 2 END → DOUBLE',
      {
        kind: 'case',
        operand: col('n'),
        whens: [branch(lit(1), dbl(1.5)), branch(lit(7), lit(2))],
        position: P,
      },
      2,
      'DOUBLE',
    ],
    [
      "simple CASE nothing WHEN NULL THEN 'x' ELSE 'y' END (NULL never matches)",
      {
        kind: 'case',
        operand: col('nothing'),
        whens: [branch(lit(null), lit('x'))],
        else: lit('y'),
        position: P,
      },
      'y',
      'VARCHAR',
    ],
    ['NOT ok', not(col('ok')), false, 'BOOLEAN'],
    ['-x', neg(col('x')), -2.5, 'DOUBLE'],
    ['UPPER(url)', call('UPPER', [col('url')]), '/HOME', 'VARCHAR'],
    ['UPPER(nothing) is NULL', call('UPPER', [col('nothing')]), null, 'VARCHAR'],
    ['n = NULL is NULL, not TRUE', bin('=', col('n'), lit(null)), null, 'BOOLEAN'],
    ['nothing || url is NULL', bin('||', col('nothing'), col('url')), null, 'VARCHAR'],
    ['missing property reads as NULL', bin('+', col('big'), lit(1)), null, 'BIGINT'],
  ];
  it.each(cases)('%s', (_label, expr, expected, type) => {
    const r = _label.startsWith('missing') ? row({ n: 1 }) : SAMPLE;
    const compiled = compileExpression(expr, scope);
    expect(compiled.type).toBe(type);
    expect(compiled.evaluate(r)).toBe(expected);
  });
});

describe('three-valued logic', () => {
  // The SQL standard's truth tables (T, F, U = unknown/NULL), written out.
  const T = true;
  const F = false;
  const U = null;
  const values = [T, F, U];
  const AND: Record<string, boolean | null> = {
    'T,T': T,
    'T,F': F,
    'T,U': U,
    'F,T': F,
    'F,F': F,
    'F,U': F,
    'U,T': U,
    'U,F': F,
    'U,U': U,
  };
  const OR: Record<string, boolean | null> = {
    'T,T': T,
    'T,F': T,
    'T,U': T,
    'F,T': T,
    'F,F': F,
    'F,U': U,
    'U,T': T,
    'U,F': U,
    'U,U': U,
  };
  const name = (v: boolean | null) => (v === null ? 'U' : v ? 'T' : 'F');
  const and = compileExpression(bin('AND', col('p'), col('q')), scope);
  const or = compileExpression(bin('OR', col('p'), col('q')), scope);
  const notP = compileExpression(not(col('p')), scope);
  for (const p of values) {
    for (const q of values) {
      const key = `${name(p)},${name(q)}`;
      it(`${key}: AND is ${name(AND[key] ?? null)}, OR is ${name(OR[key] ?? null)}`, () => {
        expect(and.evaluate(row({ p, q }))).toBe(AND[key]);
        expect(or.evaluate(row({ p, q }))).toBe(OR[key]);
      });
    }
    it(`NOT ${name(p)}`, () => {
      expect(notP.evaluate(row({ p }))).toBe(p === null ? null : !p);
    });
  }

  it('short-circuits: FALSE AND <failing> is FALSE, TRUE OR <failing> is TRUE', () => {
    const failing = bin('=', bin('/', col('n'), lit(0)), lit(1));
    expect(evaluate(bin('AND', lit(false), failing))).toBe(false);
    expect(evaluate(bin('OR', lit(true), failing))).toBe(true);
  });
});

describe('random expressions against a reference interpreter', () => {
  // A tiny independent evaluator of the SQL semantics over INTEGER and BOOLEAN columns.
  type Ref = {
    expr: Expr;
    ref: (r: Record<string, number | boolean | null>) => number | boolean | null;
  };
  const intLeaf = fc.oneof(
    fc.constantFrom('a', 'b').map((c): Ref => ({ expr: col(c), ref: (r) => r[c] ?? null })),
    fc.integer({ min: -5, max: 5 }).map((v): Ref => ({ expr: lit(v), ref: () => v })),
    fc.constant<Ref>({ expr: lit(null), ref: () => null }),
  );
  const intExpr: fc.Arbitrary<Ref> = fc.letrec<{ int: Ref }>((tie) => ({
    int: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      intLeaf,
      fc.tuple(fc.constantFrom('+', '-', '*'), tie('int'), tie('int')).map(
        ([op, l, r]): Ref => ({
          expr: bin(op as BinaryOp, l.expr, r.expr),
          ref: (row) => {
            const a = l.ref(row) as number | null;
            const b = r.ref(row) as number | null;
            if (a === null || b === null) return null;
            const v = op === '+' ? a + b : op === '-' ? a - b : a * b;
            return v === 0 ? 0 : v;
          },
        }),
      ),
    ),
  })).int;
  const boolExpr: fc.Arbitrary<Ref> = fc.letrec<{ bool: Ref }>((tie) => ({
    bool: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.tuple(fc.constantFrom('=', '<>', '<', '<=', '>', '>='), intExpr, intExpr).map(
        ([op, l, r]): Ref => ({
          expr: bin(op as BinaryOp, l.expr, r.expr),
          ref: (row) => {
            const a = l.ref(row) as number | null;
            const b = r.ref(row) as number | null;
            if (a === null || b === null) return null;
            return {
              '=': a === b,
              '<>': a !== b,
              '<': a < b,
              '<=': a <= b,
              '>': a > b,
              '>=': a >= b,
            }[op] as boolean;
          },
        }),
      ),
      fc.tuple(fc.constantFrom('AND', 'OR'), tie('bool'), tie('bool')).map(
        ([op, l, r]): Ref => ({
          expr: bin(op as BinaryOp, l.expr, r.expr),
          ref: (row) => {
            const a = l.ref(row) as boolean | null;
            const b = r.ref(row) as boolean | null;
            if (op === 'AND')
              return a === false || b === false ? false : a === null || b === null ? null : true;
            return a === true || b === true ? true : a === null || b === null ? null : false;
          },
        }),
      ),
      tie('bool').map(
        (inner): Ref => ({
          expr: not(inner.expr),
          ref: (row) => {
            const v = inner.ref(row);
            return v === null ? null : !v;
          },
        }),
      ),
      intExpr.map(
        (inner): Ref => ({
          expr: { kind: 'is-null', operand: inner.expr, negated: false, position: P },
          ref: (row) => inner.ref(row) === null,
        }),
      ),
    ),
  })).bool;
  const intScope: ExpressionScope = {
    column: (ref) => ({ type: 'INTEGER', key: ref.column.name }),
    columnNames: () => ['a', 'b'],
  };
  const value = fc.option(fc.integer({ min: -5, max: 5 }), { nil: null });

  it.each(['generated code', 'closures (new Function refused, as under a strict CSP)'])(
    'agree on every row (NULLs included): %s',
    (mode) => {
      fc.assert(
        fc.property(
          boolExpr,
          fc.array(fc.record({ a: value, b: value }), { minLength: 1, maxLength: 8 }),
          (e, rows) => {
            const compiled =
              mode === 'generated code'
                ? compileExpression(e.expr, intScope)
                : withoutEval(() => compileExpression(e.expr, intScope));
            for (const r of rows) expect(compiled.evaluate(r)).toBe(e.ref(r));
          },
        ),
        { numRuns: 300 },
      );
    },
  );
});

/** Runs `fn` with `new Function` refused, as a Content-Security-Policy without unsafe-eval does. */
function withoutEval<T>(fn: () => T): T {
  const original = globalThis.Function;
  globalThis.Function = function refused() {
    throw new EvalError('Code generation from strings disallowed for this context');
  } as unknown as FunctionConstructor;
  try {
    return fn();
  } finally {
    globalThis.Function = original;
  }
}

describe('generated code', () => {
  it('keeps string constants and column keys intact, whatever characters they hold', () => {
    const nasty = 'a"b\'c\\n$\u007Bx}`\u2028</script>';
    const key = 'k"\'\\]';
    const nastyScope: ExpressionScope = {
      column: () => ({ type: 'VARCHAR', key }),
      columnNames: () => ['s'],
    };
    const compiled = compileExpression(
      bin('=', bin('||', col('s'), lit(nasty)), lit(`x${nasty}`)),
      nastyScope,
    );
    expect(compiled.evaluate({ [key]: 'x' })).toBe(true);
    expect(compiled.evaluate({ [key]: 'y' })).toBe(false);
  });

  it('calls nodes it does not generate through their closures', () => {
    const between: Expr = {
      kind: 'between',
      operand: col('n'),
      low: lit(1),
      high: lit(9),
      negated: false,
      position: P,
    };
    const compiled = compileExpression(bin('AND', between, col('ok')), scope);
    expect(compiled.evaluate(SAMPLE)).toBe(true);
    expect(compiled.evaluate(row({ n: 10, ok: true }))).toBe(false);
    expect(compiled.evaluate(row({ n: 5, ok: null }))).toBeNull();
  });

  it('falls back to closures when new Function is refused', () => {
    const compiled = withoutEval(() =>
      compileExpression(bin('>', bin('/', col('n'), lit(2)), lit(2)), scope),
    );
    expect(compiled.evaluate(SAMPLE)).toBe(true);
    expect(compiled.evaluate(row({ n: 1 }))).toBe(false);
  });
});

describe('division by zero', () => {
  it('fails the row for integer division, with code EvaluationFailed and the position', () => {
    const compiled = compileExpression(bin('/', col('n'), col('n', at(5)), at(3)), scope);
    expect(compiled.evaluate(row({ n: 4 }))).toBe(1);
    try {
      compiled.evaluate(row({ n: 0 }));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ExpressionEvaluationError);
      expect((error as ExpressionEvaluationError).code).toBe('EvaluationFailed');
      expect((error as ExpressionEvaluationError).retriable).toBe(false);
      expect((error as ExpressionEvaluationError).message).toBe(
        'line 1, column 3: division by zero in integer division',
      );
    }
  });

  it('fails the row for integer % and MOD by zero', () => {
    expect(() => evaluate(bin('%', col('n'), lit(0)))).toThrow(ExpressionEvaluationError);
    expect(() => evaluate(call('MOD', [col('n'), lit(0)]))).toThrow(/MOD: division by zero/);
  });

  it('is NULL when the divisor is NULL', () => {
    expect(evaluate(bin('/', col('n'), lit(null)))).toBeNull();
  });
});

describe('constant folding', () => {
  it('folds constant subtrees once and marks the expression constant', () => {
    const compiled = compileExpression(call('UPPER', [bin('||', lit('a'), lit('b'))]), scope);
    expect(compiled.constant).toBe(true);
    expect(compiled.evaluate({})).toBe('AB');
  });

  it('is not constant when a column is involved', () => {
    expect(compileExpression(bin('+', col('n'), bin('*', lit(2), lit(3))), scope).constant).toBe(
      false,
    );
  });

  it('leaves a failing constant to fail per row, so an unreached CASE branch does no harm', () => {
    const failing = bin('/', lit(1), lit(0));
    const guarded = compileExpression(
      {
        kind: 'case',
        whens: [branch(bin('>', col('n'), lit(100)), failing)],
        else: lit(0),
        position: P,
      },
      scope,
    );
    expect(guarded.evaluate(SAMPLE)).toBe(0);
    expect(() => compileExpression(failing, scope).evaluate({})).toThrow(ExpressionEvaluationError);
  });
});

describe('substitutions from the planner', () => {
  it('are consulted before anything else, also for aggregate calls', () => {
    const count: Expr = {
      kind: 'call',
      name: 'COUNT',
      args: [],
      star: true,
      distinct: false,
      position: P,
    };
    const withAggregates: ExpressionScope = {
      ...scope,
      substitute: (expr) => (expr === count ? { type: 'BIGINT', key: '$count' } : undefined),
    };
    const having = compileExpression(bin('>', count, lit(1000)), withAggregates);
    expect(having.evaluate({ $count: 1001 })).toBe(true);
    expect(having.evaluate({ $count: 3 })).toBe(false);
  });
});

describe('errors', () => {
  it('names the unknown column, the columns in scope and the position', () => {
    const error = validationError(bin('=', col('uri', at(8)), lit('x')));
    expect(error.message).toBe(
      `line 1, column 8: unknown column "uri"; columns in scope: ${Object.keys(COLUMNS).join(', ')}`,
    );
    expect(error.position).toEqual(at(8));
    expect(error.code).toBe('SqlValidation');
  });

  it('calls a name that is neither scalar nor aggregate an unknown function', () => {
    for (const name of ['STDDEV', 'TOP_K_ITEMS', 'LISTAGG']) {
      expect(validationError(call(name, [col('x')])).message).toMatch(
        new RegExp(`unknown function ${name}; closest known functions: `),
      );
    }
  });

  it('names an unknown function and the closest known ones', () => {
    const error = validationError(call('UPPR', [col('url')], at(4)));
    expect(error.message).toMatch(
      /^line 1, column 4: unknown function UPPR; closest known functions: UPPER, /,
    );
  });

  it('refuses an aggregate the planner did not substitute', () => {
    const count: Expr = {
      kind: 'call',
      name: 'COUNT',
      args: [],
      star: true,
      distinct: false,
      position: at(9),
    };
    expect(validationError(count).message).toBe(
      'line 1, column 9: aggregate COUNT is not allowed here',
    );
    expect(validationError(call('SUM', [col('n')])).message).toMatch(
      /aggregate SUM is not allowed here/,
    );
    expect(validationError(call('PERCENTILE_CONT', [col('x'), dbl(0.5)])).message).toMatch(
      /aggregate PERCENTILE_CONT is not allowed here/,
    );
    // The aggregate is the problem, not its argument's type.
    expect(validationError(call('AVG', [call('UPPER', [col('n')])])).message).toMatch(
      /aggregate AVG is not allowed here/,
    );
    const over: Expr = {
      kind: 'call',
      name: 'AVG',
      args: [col('n')],
      star: false,
      distinct: false,
      over: { name: 'W', quoted: false, position: P },
      position: P,
    };
    expect(validationError(over).message).toMatch(/window function AVG is not allowed here/);
    const distinctUpper: Expr = {
      kind: 'call',
      name: 'UPPER',
      args: [col('url')],
      star: false,
      distinct: true,
      position: P,
    };
    expect(validationError(distinctUpper).message).toMatch(
      /UPPER is a scalar function: it takes no DISTINCT; UPPER\(VARCHAR\)/,
    );
  });

  it('names function, expected and actual type and argument position', () => {
    expect(validationError(call('UPPER', [col('n')], at(12))).message).toBe(
      'line 1, column 12: UPPER expects VARCHAR, got INTEGER (argument 1)',
    );
    expect(validationError(call('SUBSTRING', [col('url'), col('url')])).message).toMatch(
      /SUBSTRING expects an integer type \(INTEGER, BIGINT\), got VARCHAR \(argument 2\)/,
    );
  });

  it('names operators and their operands', () => {
    expect(validationError(bin('+', col('url'), lit(1), at(6))).message).toBe(
      'line 1, column 6: operator + expects a numeric type (INTEGER, BIGINT, DOUBLE), got VARCHAR (argument 1)',
    );
    expect(validationError(bin('=', col('n'), lit('7'))).message).toMatch(
      /= cannot compare INTEGER with VARCHAR/,
    );
    expect(validationError(bin('AND', col('n'), col('ok'))).message).toMatch(
      /AND expects BOOLEAN, got INTEGER \(argument 1\)/,
    );
    expect(validationError(bin('-', col('ts'), col('ts'))).message).toMatch(
      /operator - cannot take TIMESTAMP and TIMESTAMP/,
    );
    expect(validationError(bin('||', col('url'), col('n'))).message).toMatch(
      /operator \|\| expects VARCHAR, got INTEGER \(argument 2\)/,
    );
  });

  it('names the argument count a function takes', () => {
    expect(validationError(call('SUBSTRING', [col('url')])).message).toMatch(
      /SUBSTRING takes 2 to 3 arguments, got 1: SUBSTRING\(VARCHAR, integer\[, integer\]\)/,
    );
  });

  it('refuses CASE branches of different types', () => {
    const expr: Expr = {
      kind: 'case',
      whens: [branch(col('ok'), lit('a'))],
      else: lit(1),
      position: P,
    };
    expect(validationError(expr).message).toMatch(
      /CASE needs values of one type, got VARCHAR \(branch 1\), INTEGER \(branch 2\)/,
    );
  });
});

describe('integer arithmetic', () => {
  const evaluate = (e: Expr, values: Record<string, unknown>) =>
    compileExpression(e, scope).evaluate(row(values));

  it('fails the row when an INTEGER result leaves the INTEGER range', () => {
    expect(evaluate(bin('+', col('n'), lit(1)), { n: 2147483646 })).toBe(2147483647);
    expect(() => evaluate(bin('+', col('n'), lit(1), at(5)), { n: 2147483647 })).toThrow(
      ExpressionEvaluationError,
    );
    expect(() => evaluate(bin('+', col('n'), lit(1), at(5)), { n: 2147483647 })).toThrow(
      "line 1, column 5: INTEGER overflow: 2147483647 + 1 is outside INTEGER's range -2147483648 to 2147483647; CAST an operand to BIGINT",
    );
    expect(() => evaluate(bin('-', neg(col('n')), lit(2)), { n: 2147483647 })).toThrow(
      /INTEGER overflow: -2147483647 - 2/,
    );
    expect(() => evaluate(bin('*', col('n'), col('n')), { n: 46341 })).toThrow(
      /INTEGER overflow: 46341 \* 46341/,
    );
    expect(() => evaluate(bin('/', col('n'), lit(-1)), { n: -2147483648 })).toThrow(
      /INTEGER overflow: -2147483648 \/ -1/,
    );
  });

  it('computes BIGINT exactly up to 2^53 - 1 and fails the row beyond', () => {
    expect(evaluate(bin('+', col('big'), lit(1)), { big: 2147483647 })).toBe(2147483648);
    expect(evaluate(bin('*', col('big'), col('big')), { big: 94906265 })).toBe(9007199136250225);
    expect(() => evaluate(bin('*', col('big'), col('big')), { big: 94906266 })).toThrow(
      /BIGINT overflow: 94906266 \* 94906266 is outside BIGINT's range -9007199254740991 to 9007199254740991; CAST an operand to DOUBLE/,
    );
    // An INTEGER column with a BIGINT operand is BIGINT arithmetic: no INTEGER overflow.
    expect(evaluate(bin('+', col('n'), col('big')), { n: 2147483647, big: 1 })).toBe(2147483648);
  });

  it('leaves DOUBLE arithmetic to IEEE 754', () => {
    expect(evaluate(bin('*', col('x'), col('x')), { x: 1e200 })).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('IN and = on NaN', () => {
  const nan = dbl(Number.NaN);
  const inList = (list: Expr[], negated = false): Expr => ({
    kind: 'in',
    operand: col('x'),
    list,
    negated,
    position: P,
  });
  const evaluate = (e: Expr) => compileExpression(e, scope).evaluate(row({ x: Number.NaN, n: 1 }));

  it('agree: NaN matches nothing, not even NaN', () => {
    expect(evaluate(bin('=', col('x'), nan))).toBe(false);
    expect(evaluate(inList([nan]))).toBe(false);
    expect(evaluate(inList([nan, dbl(1.5)], true))).toBe(true);
    expect(evaluate(inList([bin('+', col('n'), nan)]))).toBe(false);
  });
});

describe('isScalarFunction', () => {
  it('knows scalar functions and not aggregates', () => {
    expect(isScalarFunction('UPPER')).toBe(true);
    expect(isScalarFunction('CHAR_TO_TIMESTAMP')).toBe(true);
    expect(isScalarFunction('COUNT')).toBe(false);
    expect(isScalarFunction('NOPE')).toBe(false);
  });
});
