import { describe, expect, it } from 'vitest';
import { compileQuery } from '../../src/engine/run-query.js';
import { InvalidOptionError, SqlValidationError } from '../../src/errors.js';
import { MAX_WINDOWS_PER_ROW, validateWindowKind } from '../../src/runtime/window-kind.js';

function thrown(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('validateWindowKind: windows per row', () => {
  it('refuses a HOP window putting a row in more than 10,000 windows, naming the limit and the ratio', () => {
    expect(MAX_WINDOWS_PER_ROW).toBe(10_000);
    const error = thrown(() =>
      validateWindowKind({ kind: 'hop', sizeMs: 7 * 86_400_000, slideMs: 1 }),
    );
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect(error).toMatchObject({ option: 'window.slideMs' });
    expect((error as Error).message).toMatch(/at most 10000/);
    expect((error as Error).message).toMatch(/size 604800000 ms \/ slide 1 ms = 604800000/);
  });

  it('refuses a CUMULATE window with more than 10,000 steps, naming the limit and the ratio', () => {
    const error = thrown(() => validateWindowKind({ kind: 'cumulate', sizeMs: 20_002, stepMs: 2 }));
    expect(error).toMatchObject({ option: 'window.stepMs' });
    expect((error as Error).message).toMatch(/at most 10000.*= 10001 windows per row/);
  });

  it('accepts exactly 10,000 windows per row', () => {
    expect(() => validateWindowKind({ kind: 'hop', sizeMs: 10_000, slideMs: 1 })).not.toThrow();
    expect(() => validateWindowKind({ kind: 'cumulate', sizeMs: 20_000, stepMs: 2 })).not.toThrow();
  });

  it('is reported by the planner as a SqlValidationError at the offending interval', () => {
    const sql = `CREATE TABLE v (url STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts);
SELECT url, COUNT(*) AS n FROM TABLE(
  HOP(TABLE v, DESCRIPTOR(ts), INTERVAL '1' SECOND, INTERVAL '7' DAY))
GROUP BY window_start, window_end, url`;
    const error = thrown(() => compileQuery(sql));
    expect(error).toBeInstanceOf(SqlValidationError);
    expect((error as Error).message).toMatch(/at most 10000.*= 604800 windows per row/);
    // The slide interval, `INTERVAL '1' SECOND`: line 3, column 32.
    expect(error).toMatchObject({ position: { line: 3, column: 32 } });
  });

  it('points at the size interval of a CUMULATE whose size is not a multiple of its step', () => {
    const sql = `CREATE TABLE v (url STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts);
SELECT url, COUNT(*) AS n FROM TABLE(
  CUMULATE(TABLE v, DESCRIPTOR(ts), INTERVAL '7' SECOND, INTERVAL '1' MINUTE))
GROUP BY window_start, window_end, url`;
    const error = thrown(() => compileQuery(sql));
    expect(error).toBeInstanceOf(SqlValidationError);
    expect((error as Error).message).toMatch(/whole multiple of its step/);
    expect(error).toMatchObject({ position: { line: 3, column: 58 } });
  });
});
