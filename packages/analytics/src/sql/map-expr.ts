import type { ColumnExpr, Expr } from './ast.js';

/** Rewrites an expression bottom-up: `fn` sees each node after its children were rewritten. */
export function mapExpr(e: Expr, fn: (e: Expr) => Expr): Expr {
  const m = (x: Expr): Expr => mapExpr(x, fn);
  let out: Expr;
  switch (e.kind) {
    case 'unary':
      out = { ...e, operand: m(e.operand) };
      break;
    case 'binary':
      out = { ...e, left: m(e.left), right: m(e.right) };
      break;
    case 'is-null':
      out = { ...e, operand: m(e.operand) };
      break;
    case 'between':
      out = { ...e, operand: m(e.operand), low: m(e.low), high: m(e.high) };
      break;
    case 'in':
      out = { ...e, operand: m(e.operand), list: e.list.map(m) };
      break;
    case 'like':
      out = {
        ...e,
        operand: m(e.operand),
        pattern: m(e.pattern),
        ...(e.escape === undefined ? {} : { escape: m(e.escape) }),
      };
      break;
    case 'case':
      out = {
        ...e,
        // biome-ignore lint/suspicious/noThenProperty: `then` is the syntax tree's name (ast.ts), never awaited.
        whens: e.whens.map((w) => ({ when: m(w.when), then: m(w.then) })),
        ...(e.operand === undefined ? {} : { operand: m(e.operand) }),
        ...(e.else === undefined ? {} : { else: m(e.else) }),
      };
      break;
    case 'cast':
    case 'floor-to':
    case 'extract':
    case 'step':
      out = { ...e, operand: m(e.operand) };
      break;
    case 'call': {
      const over = e.over;
      const mappedOver =
        over === undefined || !('kind' in over)
          ? over
          : {
              ...over,
              partitionBy: over.partitionBy.map(m),
              ...(over.orderBy === undefined ? {} : { orderBy: m(over.orderBy) }),
            };
      out = {
        ...e,
        args: e.args.map(m),
        ...(mappedOver === undefined ? {} : { over: mappedOver }),
      };
      break;
    }
    default:
      out = e;
  }
  return fn(out);
}

/** Every column reference in an expression. */
export function columnsOf(e: Expr, into: ColumnExpr[]): ColumnExpr[] {
  mapExpr(e, (x) => {
    if (x.kind === 'column') into.push(x);
    return x;
  });
  return into;
}
