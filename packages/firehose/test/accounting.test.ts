import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type DeliveryResult,
  type Destination,
  defineTransformer,
  dropped,
  failed,
  ok,
  s3Directory,
} from '../src/index.js';
import { listKeys, readErrorLines, readObject } from './support/files.js';
import {
  expectCountsAddUp,
  expectNothingLost,
  managedStream,
  s3Stream,
  scratchDir,
} from './support/streams.js';

describe('nothing lost', () => {
  it('accounts for every record across sizes, processors outcomes and flushes', async () => {
    const { root, clock, stream } = s3Stream({
      buffering: { sizeMiB: 1, intervalSeconds: 10 },
      processorBuffering: { sizeMB: 0.2, intervalSeconds: 1 },
      processor: defineTransformer(
        (record) => {
          const n = Number(record.data.split(':')[0]);
          if (n % 7 === 0) return dropped();
          if (n % 5 === 0) return failed(`five ${n}`);
          if (n % 11 === 0) throw new Error(`eleven ${n}`);
          return ok(`${record.data}\n`);
        },
        { decode: 'text' },
      ),
    });
    const expected = new Set<string>();
    const expectedFailed = new Set<string>();
    for (let n = 1; n <= 400; n++) {
      const data = `${n}:${'x'.repeat((n * 37) % 5000)}`;
      if (n % 7 !== 0 && n % 5 !== 0 && n % 11 !== 0) expected.add(data);
      else if (n % 7 !== 0) expectedFailed.add(data);
      await stream.put(data);
      if (n % 50 === 0) clock.advance(1000);
      if (n % 120 === 0) await stream.onIdle();
    }
    await stream.close();
    const delivered = listKeys(root)
      .filter((k) => !k.startsWith('processing-failed/'))
      .flatMap((k) => readObject(root, k).toString().split('\n').filter(Boolean));
    expect(new Set(delivered)).toEqual(expected);
    expect(delivered).toHaveLength(expected.size);
    const failedLines = listKeys(root)
      .filter((k) => k.startsWith('processing-failed/'))
      .flatMap((k) => readErrorLines(root, k));
    const m = stream.metrics();
    expect(failedLines).toHaveLength(m.recordsFailed);
    const failedData = failedLines.map((line) =>
      Buffer.from(String(line.rawData), 'base64').toString(),
    );
    expect(new Set(failedData)).toEqual(expectedFailed);
    expect(failedData).toHaveLength(expectedFailed.size);
    expect(m.recordsDelivered).toBe(expected.size);
    expectNothingLost(stream);
  });
});

describe('metrics while failures are being written', () => {
  it('adds up at every moment while the error output write is retried', async () => {
    const { root, clock, stream } = s3Stream(
      { processor: defineTransformer(() => failed('no')) },
      { errorOutputPrefix: 'errors/', retryDurationSeconds: 10 },
    );
    // A file where the error output's directory should be: its writes fail until removed.
    writeFileSync(join(root, 'errors'), '');
    const sampled: string[] = [];
    const sample = () => {
      expectCountsAddUp(stream);
      const m = stream.metrics();
      sampled.push(`${m.recordsBuffered}/${m.recordsFailed}`);
    };
    stream.on('records_failed', sample);
    await stream.putBatch(['a', 'b']);
    const flushing = stream.flush();
    clock.advance(await clock.waitForTimer((delay) => delay < 2000));
    await clock.waitForTimer((delay) => delay < 3000);
    sample();
    rmSync(join(root, 'errors'));
    clock.advance(3000);
    await flushing;
    sample();
    expect(sampled).toEqual(['2/0', '0/2', '0/2']);
    expect(listKeys(root)).toEqual([expect.stringMatching(/^errors\/2024\/01\/02\/03\//)]);
    expectNothingLost(stream);
  });
});

describe('a destination that does not account for its batch', () => {
  /** A destination delivering with `deliver`, its error output under `root`. */
  function custom(deliver: Destination['deliver']) {
    const root = scratchDir();
    const errors = s3Directory({ root });
    const destination: Destination = {
      unexpectedFailure: errors.unexpectedFailure,
      deliver,
      writeErrors: errors.writeErrors,
    };
    return { root, destination };
  }

  it.each([
    ['reports nothing', (): DeliveryResult => ({ delivered: [], failed: [] })],
    [
      'over-reports deliveries',
      (): DeliveryResult => ({ delivered: [{ location: 'x', records: 4 }], failed: [] }),
    ],
    ['returns no result', () => undefined as unknown as DeliveryResult],
  ])('sends the whole batch to the error output when it %s', async (_, result) => {
    const { root, destination } = custom(async () => result());
    const { stream } = managedStream({ destination });
    await stream.putBatch(['a', 'b', 'c']);
    await stream.flush();
    const lines = listKeys(root).flatMap((key) => readErrorLines(root, key));
    expect(lines.map((line) => Buffer.from(String(line.rawData), 'base64').toString())).toEqual([
      'a',
      'b',
      'c',
    ]);
    expect(lines[0]).toMatchObject({ errorCode: 'Destination.UnaccountedRecords' });
    expect(stream.metrics()).toMatchObject({ recordsDelivered: 0, recordsFailed: 3 });
    expectNothingLost(stream);
  });

  it('believes a result that accounts for every record once', async () => {
    const { destination } = custom(async (records) => ({
      delivered: [{ location: 'memory', records: records.length }],
      failed: [],
    }));
    const { stream } = managedStream({ destination });
    await stream.putBatch(['a', 'b']);
    await stream.flush();
    expect(stream.metrics()).toMatchObject({ recordsDelivered: 2, recordsFailed: 0 });
  });
});
