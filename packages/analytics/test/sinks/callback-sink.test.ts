import { describe, expect, it } from 'vitest';
import type { QueryOutput } from '../../src/engine/query-output.js';
import { InvalidOptionError } from '../../src/errors.js';
import { callbackSink } from '../../src/sinks/callback-sink.js';
import { SinkClosedError, SinkFailedError } from '../../src/sinks/sink-errors.js';

const outputs: QueryOutput[] = [
  { stream: 'RESULT', kind: 'insert', revision: 0, key: 'w1|a', row: { url: 'a', hits: 2 } },
  { stream: 'RESULT', kind: 'update', revision: 1, key: 'w1|a', row: { url: 'a', hits: 3 } },
];

describe('callbackSink', () => {
  it('hands each batch to the function, in order, and waits for its promise', async () => {
    const seen: QueryOutput[][] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const sink = callbackSink(async (batch) => {
      seen.push([...batch]);
      await gate;
    });
    let written = false;
    const write = sink.write(outputs).then(() => {
      written = true;
    });
    await Promise.resolve();
    expect(seen).toEqual([outputs]);
    expect(written).toBe(false);
    release();
    await write;
    expect(written).toBe(true);
  });

  it('rejects with SinkFailedError listing the whole batch when the function throws', async () => {
    const cause = new Error('database down');
    const sink = callbackSink(() => {
      throw cause;
    });
    const error = await sink.write(outputs).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SinkFailedError);
    const failed = error as SinkFailedError;
    expect(failed.code).toBe('SinkFailed');
    expect(failed.sink).toBe('callbackSink');
    expect(failed.outputs).toEqual(outputs);
    expect(failed.errors).toEqual([cause, cause]);
    expect(failed.cause).toBe(cause);
    expect(failed.message).toContain('database down');
  });

  it('waits on close for calls in flight, closes once, and refuses writes after', async () => {
    let finished = false;
    const sink = callbackSink(async () => {
      await new Promise((resolve) => setImmediate(resolve));
      finished = true;
    });
    const write = sink.write(outputs);
    const first = sink.close();
    expect(sink.close()).toBe(first);
    await first;
    expect(finished).toBe(true);
    await write;
    await expect(sink.write(outputs)).rejects.toThrow(SinkClosedError);
    await expect(sink.write(outputs)).rejects.toThrow(/callbackSink: write after close\(\)/);
  });

  it('refuses a missing function, naming it', () => {
    expect(() => callbackSink(undefined as never)).toThrow(InvalidOptionError);
    expect(() => callbackSink('x' as never)).toThrow(/^fn: must be a function, got "x"$/);
  });
});
