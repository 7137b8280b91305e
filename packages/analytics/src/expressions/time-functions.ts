import { SqlValidationError } from '../errors.js';
import type { CallExpr } from '../sql/ast.js';
import type { CompiledNode } from './compiled-node.js';
import { compileDateFormat, type DateFormat, DateFormatError } from './date-format.js';
import { ExpressionEvaluationError } from './expression-evaluation-error.js';
import type { ScalarFunction } from './scalar-function.js';
import { parseTimestampText } from './timestamp-text.js';
import { expectArgument, fits } from './type-check.js';

/**
 * A date format from an argument: compiled once when the argument is constant (an unsupported
 * pattern is then a SqlValidationError), otherwise per distinct pattern seen last.
 */
function formatGetter(node: CompiledNode, call: CallExpr): (pattern: string) => DateFormat {
  const build = (pattern: string, atCompileTime: boolean): DateFormat => {
    try {
      return compileDateFormat(pattern);
    } catch (error) {
      if (!(error instanceof DateFormatError)) throw error;
      const message = `${call.name}: ${error.message}`;
      if (atCompileTime) throw new SqlValidationError(call.position, message);
      throw new ExpressionEvaluationError(message, call.position);
    }
  };
  let lastPattern = node.constant && typeof node.value === 'string' ? node.value : undefined;
  let last = lastPattern === undefined ? undefined : build(lastPattern, true);
  return (pattern) => {
    if (pattern !== lastPattern || last === undefined) {
      last = build(pattern, false);
      lastPattern = pattern;
    }
    return last;
  };
}

/** KDA's `CHAR_TO_TIMESTAMP(format, text)`: text that does not match fails the row. */
const CHAR_TO_TIMESTAMP: ScalarFunction = {
  name: 'CHAR_TO_TIMESTAMP',
  signature: 'CHAR_TO_TIMESTAMP(VARCHAR format, VARCHAR text)',
  minArgs: 2,
  maxArgs: 2,
  compile(args, call) {
    const [format, text] = args as [CompiledNode, CompiledNode];
    expectArgument(call.name, 0, format.type, 'VARCHAR', call.position);
    expectArgument(call.name, 1, text.type, 'VARCHAR', call.position);
    const getFormat = formatGetter(format, call);
    const readFormat = format.evaluate;
    const readText = text.evaluate;
    return {
      type: 'TIMESTAMP',
      evaluate: (row) => {
        const pattern = readFormat(row);
        if (pattern == null) return null;
        const s = readText(row);
        if (s == null) return null;
        const ms = getFormat(pattern as string).parse(s as string);
        if (ms === undefined) {
          throw new ExpressionEvaluationError(
            `CHAR_TO_TIMESTAMP: '${s}' does not match the format '${pattern}'`,
            call.position,
          );
        }
        return ms;
      },
    };
  },
};

/** KDA's `TIMESTAMP_TO_CHAR(format, ts)`. */
const TIMESTAMP_TO_CHAR: ScalarFunction = {
  name: 'TIMESTAMP_TO_CHAR',
  signature: 'TIMESTAMP_TO_CHAR(VARCHAR format, TIMESTAMP)',
  minArgs: 2,
  maxArgs: 2,
  compile(args, call) {
    const [format, ts] = args as [CompiledNode, CompiledNode];
    expectArgument(call.name, 0, format.type, 'VARCHAR', call.position);
    expectArgument(call.name, 1, ts.type, 'TIMESTAMP', call.position);
    const getFormat = formatGetter(format, call);
    const readFormat = format.evaluate;
    const readTs = ts.evaluate;
    return {
      type: 'VARCHAR',
      evaluate: (row) => {
        const pattern = readFormat(row);
        if (pattern == null) return null;
        const ms = readTs(row);
        return ms == null ? null : getFormat(pattern as string).format(ms as number);
      },
    };
  },
};

/**
 * `TO_TIMESTAMP(epochMs)` (KDA: a number of milliseconds since 1970), `TO_TIMESTAMP(text)` (ISO
 * 8601 or `yyyy-MM-dd HH:mm:ss[.SSS]`) and `TO_TIMESTAMP(text, format)` (Flink's argument
 * order). Text that does not parse gives NULL, as in Flink.
 */
const TO_TIMESTAMP: ScalarFunction = {
  name: 'TO_TIMESTAMP',
  signature: 'TO_TIMESTAMP(numeric epochMs) or TO_TIMESTAMP(VARCHAR[, VARCHAR format])',
  minArgs: 1,
  maxArgs: 2,
  compile(args, call) {
    const [value, format] = args as [CompiledNode, CompiledNode | undefined];
    const read = value.evaluate;
    if (format === undefined && value.type !== 'VARCHAR' && fits(value.type, 'numeric')) {
      return {
        type: 'TIMESTAMP',
        evaluate: (row) => {
          const ms = read(row);
          return ms == null ? null : Math.trunc(ms as number);
        },
      };
    }
    if (value.type !== 'VARCHAR') {
      throw new SqlValidationError(
        call.position,
        `TO_TIMESTAMP expects ${format === undefined ? 'a number of epoch milliseconds or VARCHAR' : 'VARCHAR'}, got ${value.type} (argument 1)`,
      );
    }
    if (format === undefined) {
      return {
        type: 'TIMESTAMP',
        evaluate: (row) => {
          const s = read(row);
          return s == null ? null : (parseTimestampText(s as string) ?? null);
        },
      };
    }
    expectArgument(call.name, 1, format.type, 'VARCHAR', call.position);
    const getFormat = formatGetter(format, call);
    const readFormat = format.evaluate;
    return {
      type: 'TIMESTAMP',
      evaluate: (row) => {
        const s = read(row);
        if (s == null) return null;
        const pattern = readFormat(row);
        return pattern == null ? null : (getFormat(pattern as string).parse(s as string) ?? null);
      },
    };
  },
};

/** The time functions, by name. FLOOR/CEIL(ts TO unit), STEP and EXTRACT are AST nodes of their own. */
export const TIME_FUNCTIONS: readonly ScalarFunction[] = [
  CHAR_TO_TIMESTAMP,
  TIMESTAMP_TO_CHAR,
  TO_TIMESTAMP,
];
