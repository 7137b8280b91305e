import type {
  ColumnDefinition,
  Expr,
  FromItem,
  Identifier,
  LiteralExpr,
  SelectStatement,
  Statement,
  TypeName,
  WindowSpec,
} from './ast.js';

/** How {@link formatSql} writes quoted identifiers. */
export interface FormatSqlOptions {
  /**
   * The quote around identifiers that were quoted: `"` (KDA and standard SQL) or `` ` `` (Flink).
   * @default '"'
   */
  readonly identifierQuote?: '"' | '`';
}

/**
 * Prints a syntax tree back as SQL text that {@link parseSql} reads to the same tree (positions
 * aside). Parentheses are added only where precedence needs them.
 *
 * @example
 * formatSql(parseSql('select a+1 from "S"')); // 'SELECT a + 1\nFROM "S";\n'
 */
export function formatSql(
  script: { readonly statements: readonly Statement[] },
  options: FormatSqlOptions = {},
): string {
  const f = new Formatter(options.identifierQuote ?? '"');
  return script.statements.map((s) => `${f.statement(s)};\n`).join('\n');
}

/** Prints one expression (see {@link formatSql}). */
export function formatExpr(expr: Expr, options: FormatSqlOptions = {}): string {
  return new Formatter(options.identifierQuote ?? '"').expr(expr);
}

// Binding strength, loosest first: OR < AND < NOT < predicates < + - || < * / % < unary < atoms.
const PREC = {
  or: 1,
  and: 2,
  not: 3,
  predicate: 4,
  additive: 5,
  multiplicative: 6,
  unary: 7,
  atom: 8,
};

function precedence(e: Expr): number {
  switch (e.kind) {
    case 'binary':
      if (e.op === 'OR') return PREC.or;
      if (e.op === 'AND') return PREC.and;
      if (e.op === '+' || e.op === '-' || e.op === '||') return PREC.additive;
      if (e.op === '*' || e.op === '/' || e.op === '%') return PREC.multiplicative;
      return PREC.predicate;
    case 'unary':
      return e.op === 'NOT' ? PREC.not : PREC.unary;
    case 'is-null':
    case 'between':
    case 'in':
    case 'like':
      return PREC.predicate;
    default:
      return PREC.atom;
  }
}

const SELF_DELIMITED = new Set<Expr['kind']>([
  'column',
  'literal',
  'call',
  'cast',
  'case',
  'extract',
  'step',
  'floor-to',
]);

class Formatter {
  readonly #quote: string;

  constructor(quote: string) {
    this.#quote = quote;
  }

  id(id: Identifier): string {
    if (!id.quoted) return id.name;
    const q = this.#quote;
    return q + id.name.replaceAll(q, q + q) + q;
  }

  /** `e` printed where it must bind at least as tightly as `min`. */
  sub(e: Expr, min: number): string {
    const text = this.expr(e);
    return precedence(e) < min ? `(${text})` : text;
  }

  expr(e: Expr): string {
    switch (e.kind) {
      case 'literal':
        return literal(e);
      case 'interval':
        return e.text;
      case 'column':
        return e.table === undefined
          ? this.id(e.column)
          : `${this.id(e.table)}.${this.id(e.column)}`;
      case 'star':
        return e.table === undefined ? '*' : `${this.id(e.table)}.*`;
      case 'unary':
        if (e.op === 'NOT') return `NOT ${this.sub(e.operand, PREC.not)}`;
        {
          const operand = this.sub(e.operand, PREC.unary);
          // `--x` would read back as a comment.
          return /^[-+]/.test(operand) ? `${e.op}(${operand})` : `${e.op}${operand}`;
        }
      case 'binary': {
        const p = precedence(e);
        // Left-associative: a right operand of equal strength needs parentheses.
        return `${this.sub(e.left, p)} ${e.op} ${this.sub(e.right, p + 1)}`;
      }
      case 'is-null':
        return `${this.sub(e.operand, PREC.additive)} IS ${e.negated ? 'NOT ' : ''}NULL`;
      case 'between':
        return `${this.sub(e.operand, PREC.additive)} ${e.negated ? 'NOT ' : ''}BETWEEN ${this.sub(e.low, PREC.additive)} AND ${this.sub(e.high, PREC.additive)}`;
      case 'in':
        return `${this.sub(e.operand, PREC.additive)} ${e.negated ? 'NOT ' : ''}IN (${e.list.map((x) => this.expr(x)).join(', ')})`;
      case 'like':
        return `${this.sub(e.operand, PREC.additive)} ${e.negated ? 'NOT ' : ''}LIKE ${this.sub(e.pattern, PREC.additive)}${
          e.escape === undefined ? '' : ` ESCAPE ${this.sub(e.escape, PREC.additive)}`
        }`;
      case 'case': {
        const parts = ['CASE'];
        if (e.operand !== undefined) parts.push(this.expr(e.operand));
        for (const w of e.whens) parts.push(`WHEN ${this.expr(w.when)} THEN ${this.expr(w.then)}`);
        if (e.else !== undefined) parts.push(`ELSE ${this.expr(e.else)}`);
        parts.push('END');
        return parts.join(' ');
      }
      case 'cast':
        return `CAST(${this.expr(e.operand)} AS ${typeName(e.type)})`;
      case 'call': {
        const args = e.star
          ? '*'
          : `${e.distinct ? 'DISTINCT ' : ''}${e.args.map((a) => this.expr(a)).join(', ')}`;
        const over =
          e.over === undefined
            ? ''
            : ` OVER ${'kind' in e.over ? this.windowSpec(e.over) : this.id(e.over)}`;
        return `${e.name}(${args})${over}`;
      }
      case 'floor-to':
        // An operand ending in an interval (`FLOOR(x + INTERVAL '1' HOUR TO MINUTE)`) would read
        // as an interval range: only self-delimited operands go without parentheses.
        return `${e.fn}(${SELF_DELIMITED.has(e.operand.kind) ? this.expr(e.operand) : `(${this.expr(e.operand)})`} TO ${e.unit})`;
      case 'extract':
        return `EXTRACT(${e.unit} FROM ${this.expr(e.operand)})`;
      case 'step':
        return `STEP(${this.expr(e.operand)} BY ${e.interval.text})`;
    }
  }

  windowSpec(spec: WindowSpec): string {
    const parts: string[] = [];
    if (spec.partitionBy.length > 0) {
      parts.push(`PARTITION BY ${spec.partitionBy.map((x) => this.expr(x)).join(', ')}`);
    }
    if (spec.orderBy !== undefined) {
      parts.push(`ORDER BY ${this.expr(spec.orderBy)}${spec.descending === true ? ' DESC' : ''}`);
    }
    const { frame } = spec;
    if (frame.unit === 'RANGE') {
      parts.push(`RANGE BETWEEN ${frame.preceding.text} PRECEDING AND CURRENT ROW`);
    } else if (Number.isFinite(frame.preceding)) {
      parts.push(`ROWS BETWEEN ${frame.preceding} PRECEDING AND CURRENT ROW`);
    }
    return `(${parts.join(' ')})`;
  }

  select(s: SelectStatement): string {
    const items = s.items.map((item) => {
      if (item.kind === 'star') return this.expr(item);
      return item.alias === undefined
        ? this.expr(item.expr)
        : `${this.expr(item.expr)} AS ${this.id(item.alias)}`;
    });
    const lines = [
      `SELECT ${s.stream ? 'STREAM ' : ''}${s.distinct ? 'DISTINCT ' : ''}${items.join(', ')}`,
      `FROM ${this.from(s.from)}`,
    ];
    if (s.where !== undefined) lines.push(`WHERE ${this.expr(s.where)}`);
    if (s.groupBy.length > 0)
      lines.push(`GROUP BY ${s.groupBy.map((g) => this.expr(g)).join(', ')}`);
    if (s.having !== undefined) lines.push(`HAVING ${this.expr(s.having)}`);
    if (s.windows.length > 0) {
      const windows = s.windows.map((w) => `${this.id(w.name)} AS ${this.windowSpec(w.spec)}`);
      lines.push(`WINDOW ${windows.join(', ')}`);
    }
    return lines.join('\n');
  }

  from(item: FromItem): string {
    const alias = item.alias === undefined ? '' : ` AS ${this.id(item.alias)}`;
    switch (item.kind) {
      case 'stream-ref':
        return `${this.id(item.name)}${alias}`;
      case 'subquery':
        return `(${indent(this.select(item.query))})${alias}`;
      case 'window-tvf': {
        const partition =
          item.partitionBy.length > 0
            ? ` PARTITION BY ${item.partitionBy.length === 1 ? this.expr(item.partitionBy[0] as Expr) : `(${item.partitionBy.map((x) => this.expr(x)).join(', ')})`}`
            : '';
        const args = [
          `TABLE ${this.id(item.table)}${partition}`,
          `DESCRIPTOR(${this.id(item.timeColumn)})`,
          ...item.intervals.map((i) => i.text),
          ...(item.offset === undefined ? [] : [item.offset.text]),
        ];
        return `TABLE(${item.fn}(${args.join(', ')}))${alias}`;
      }
      case 'top-k-items-tumbling':
        return `TABLE(TOP_K_ITEMS_TUMBLING(CURSOR(${this.select(item.cursor)}), ${quoteString(item.column)}, ${item.k}, ${item.windowSeconds}))${alias}`;
    }
  }

  column(c: ColumnDefinition): string {
    return c.computed === undefined
      ? `${this.id(c.name)} ${typeName(c.type)}`
      : `${this.id(c.name)} AS ${this.expr(c.computed)}`;
  }

  statement(s: Statement): string {
    switch (s.kind) {
      case 'select':
        return this.select(s);
      case 'create-stream':
        return `CREATE OR REPLACE STREAM ${this.id(s.name)} (\n${s.columns.map((c) => `  ${this.column(c)}`).join(',\n')}\n)`;
      case 'create-pump':
      case 'insert': {
        const columns =
          s.columns.length > 0 ? ` (${s.columns.map((c) => this.id(c)).join(', ')})` : '';
        const head =
          s.kind === 'create-pump' ? `CREATE OR REPLACE PUMP ${this.id(s.name)} AS\n` : '';
        return `${head}INSERT INTO ${this.id(s.target)}${columns}\n${this.select(s.query)}`;
      }
      case 'create-table': {
        const lines = s.columns.map((c) => `  ${this.column(c)}`);
        if (s.watermark !== undefined) {
          lines.push(
            `  WATERMARK FOR ${this.id(s.watermark.column)} AS ${this.expr(s.watermark.expr)}`,
          );
        }
        const options =
          s.with.length > 0
            ? ` WITH (\n${s.with.map((o) => `  ${quoteString(o.key)} = ${quoteString(o.value)}`).join(',\n')}\n)`
            : '';
        return `CREATE TABLE ${this.id(s.name)} (\n${lines.join(',\n')}\n)${options}`;
      }
    }
  }
}

function indent(text: string): string {
  return text.replaceAll('\n', '\n  ');
}

function quoteString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

function typeName(t: TypeName): string {
  return t.params.length > 0 ? `${t.name}(${t.params.join(', ')})` : t.name;
}

function literal(e: LiteralExpr): string {
  const v = e.value;
  if (v === null) return 'NULL';
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'string') return quoteString(v);
  if (e.type === 'TIMESTAMP') {
    const iso = new Date(v).toISOString().replace('T', ' ').replace('Z', '');
    return `TIMESTAMP '${iso.endsWith('.000') ? iso.slice(0, -4) : iso}'`;
  }
  const text = String(v);
  // A DOUBLE that prints like an integer must keep a point to read back as DOUBLE.
  return e.type === 'DOUBLE' && /^\d+$/.test(text) ? `${text}.0` : text;
}
