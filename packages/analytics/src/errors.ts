import { KinesisKitError, type KinesisKitErrorOptions } from '@kinesis-kit/records';

/** The base of every error the analytics package raises. */
export class AnalyticsError extends KinesisKitError {
  override readonly name: string = 'AnalyticsError';

  constructor(code: string, message: string, options: KinesisKitErrorOptions = {}) {
    super(code, message, options);
  }
}

/** Why a query was refused or a run failed. */
export const AnalyticsErrorCode = {
  /** The SQL text does not parse: a token other than the expected one. */
  SqlSyntax: 'SqlSyntax',
  /** The SQL parses but means nothing the engine can run: unknown column, function or stream,
   * wrong argument types, an aggregate where none is allowed, an unsupported construct. */
  SqlValidation: 'SqlValidation',
  /** Options given to `runQuery`, `compileQuery` or a sink are out of range or missing. */
  InvalidOption: 'InvalidOption',
  /** A row could not be evaluated (a CAST of a value that does not convert, an integer division
   * by zero): the row goes to the error stream, the query goes on. */
  EvaluationFailed: 'EvaluationFailed',
  /** A sink failed to take result rows (after its own retries). */
  SinkFailed: 'SinkFailed',
  /** A sink was written to after `close()`. */
  SinkClosed: 'SinkClosed',
} as const;
export type AnalyticsErrorCode = (typeof AnalyticsErrorCode)[keyof typeof AnalyticsErrorCode];

/** A place in SQL text: 1-based line and column, 0-based offset into the text. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
  readonly offset: number;
}

/**
 * Something is wrong at a place in the SQL text. The message starts with `line L, column C:`
 * and says what was found and what was expected; `position` carries the same place for tools.
 */
export class SqlError extends AnalyticsError {
  override readonly name: string = 'SqlError';
  /** Where in the SQL text the problem starts. */
  readonly position: SourcePosition;

  constructor(
    code: 'SqlSyntax' | 'SqlValidation',
    position: SourcePosition,
    message: string,
    options: KinesisKitErrorOptions = {},
  ) {
    super(code, `line ${position.line}, column ${position.column}: ${message}`, options);
    this.position = position;
  }
}

/**
 * The SQL text does not parse. `expected` lists what the parser could have taken at
 * `position` (e.g. `["FROM", ","]`); `found` is the text it found there (`end of input` at the
 * end). Never retriable.
 */
export class SqlSyntaxError extends SqlError {
  override readonly name = 'SqlSyntaxError';
  readonly expected: readonly string[];
  readonly found: string;

  constructor(
    position: SourcePosition,
    found: string,
    expected: readonly string[],
    detail?: string,
  ) {
    super(
      'SqlSyntax',
      position,
      detail ??
        `found ${found}, expected ${expected.length === 1 ? expected[0] : `one of ${expected.join(', ')}`}`,
    );
    this.found = found;
    this.expected = expected;
  }
}

/**
 * The SQL parses but cannot run: an unknown column, function or stream, a wrong argument type,
 * an unsupported construct. The message names the thing and, where there are any, the choices
 * (e.g. the columns in scope). Never retriable.
 */
export class SqlValidationError extends SqlError {
  override readonly name = 'SqlValidationError';

  constructor(position: SourcePosition, message: string) {
    super('SqlValidation', position, message);
  }
}

/** An option is missing or out of range; the message names the option and its range. */
export class InvalidOptionError extends AnalyticsError {
  override readonly name = 'InvalidOptionError';
  /** The option's name, e.g. `allowedLatenessMs`. */
  readonly option: string;

  constructor(option: string, message: string) {
    super('InvalidOption', `${option}: ${message}`);
    this.option = option;
  }
}
