/**
 * A logger shaped like `console`, so any logger fits (console itself, pino, winston, ...). Every
 * kinesis-kit package takes one as its `logger` option and is silent without it.
 *
 * @example
 * ```ts
 * const producer = new KinesisProducer({ streamName: 'clicks', logger: console });
 * ```
 */
export interface Logger {
  debug(message: string, details?: Record<string, unknown>): void;
  info(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown>): void;
}

const ignore = () => {};

/** The default logger: says nothing. */
export const silentLogger: Logger = { debug: ignore, info: ignore, warn: ignore, error: ignore };

/**
 * Info, warnings and errors to the console (details printed after the message), debug dropped:
 * what the command-line tools log with.
 */
export const consoleLogger: Logger = {
  debug: ignore,
  info: (message, details) => console.log(message, ...(details ? [details] : [])),
  warn: (message, details) => console.warn(message, ...(details ? [details] : [])),
  error: (message, details) => console.error(message, ...(details ? [details] : [])),
};
