import type { PlanColumn, Row, StreamPlan } from '../plan/query-plan.js';
import { generatedFunction } from '../plan/row-keys.js';

/** A function turning an engine row into a public one: column names, TIMESTAMPs as `Date`. */
export type RowConverter = (row: Row) => Record<string, unknown>;

/** The converter for a stream's rows: its columns (and, with `hidden`, ROWTIME & co.). */
export function rowConverter(stream: StreamPlan, hidden = false): RowConverter {
  const columns: readonly PlanColumn[] = hidden
    ? [...stream.columns, ...stream.hiddenColumns]
    : stream.columns;
  const names = columns.map((c) => c.name);
  const keys = columns.map((c) => c.key);
  const dates = columns.map((c) => c.type === 'TIMESTAMP');
  const n = columns.length;
  // Generated code builds the row as one object literal (one shape, no keyed store per column).
  if (!names.includes('__proto__')) {
    const fields = columns.map((c, i) => {
      const read = `row[${JSON.stringify(c.key)}]`;
      const value = dates[i] ? `typeof v${i} === 'number' ? new Date(v${i}) : v${i}` : read;
      return {
        decl: dates[i] ? `const v${i} = ${read};` : '',
        field: `${JSON.stringify(c.name)}: ${value}`,
      };
    });
    const generated = generatedFunction<RowConverter>(
      ['row'],
      `${fields.map((f) => f.decl).join('\n')}\nreturn { ${fields.map((f) => f.field).join(', ')} };`,
    );
    if (generated !== undefined) return generated;
  }
  return (row) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) {
      const value = row[keys[i] as string];
      out[names[i] as string] = dates[i] && typeof value === 'number' ? new Date(value) : value;
    }
    return out;
  };
}
