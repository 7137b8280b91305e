import type { SourcePosition } from '../errors.js';
import { AnalyticsError } from '../errors.js';

/**
 * A scalar expression failed on one row: an invalid CAST of a value (`CAST('abc' AS INTEGER)`),
 * an integer division by zero, text that does not match a timestamp format. The query itself is
 * valid; the engine routes the failing row to `error_stream` and goes on. Never retriable: the
 * same row fails again.
 *
 * @example
 * ```ts
 * try { compiled.evaluate(row); } catch (e) { if (e instanceof ExpressionEvaluationError) sendToErrorStream(row, e); }
 * ```
 */
export class ExpressionEvaluationError extends AnalyticsError {
  override readonly name = 'ExpressionEvaluationError';
  /** Where the failing expression starts in the SQL text, when known. */
  readonly position: SourcePosition | undefined;

  constructor(message: string, position?: SourcePosition) {
    super(
      'EvaluationFailed',
      position === undefined
        ? message
        : `line ${position.line}, column ${position.column}: ${message}`,
    );
    this.position = position;
  }
}
