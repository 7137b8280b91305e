import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STALE_STAGING_MS } from '../src/destinations/s3/atomic-write.js';
import {
  type DeliveryStreamOptions,
  defineTransformer,
  ErrorOutputFailedError,
  type FailedRecord,
  ok,
  type S3DirectoryOptions,
  s3Directory,
} from '../src/index.js';
import { listKeys, readErrorLines, readObject } from './support/files.js';
import { managedStream, s3Stream, scratchDir } from './support/streams.js';

function setup(s3: Partial<S3DirectoryOptions> = {}, options: Partial<DeliveryStreamOptions> = {}) {
  return s3Stream({ name: 'objects', ...options }, s3);
}

/** A processor that partitions each record by its own text, as key `k`. */
const partitionByText = defineTransformer(
  (record) => ok(record.rawData, { partitionKeys: { k: record.data } }),
  { decode: 'text' },
);

describe('s3Directory', () => {
  it('writes GZIP error output objects named .gz', async () => {
    const { root, stream } = setup(
      {
        compression: 'GZIP',
        prefix: 'k=!{partitionKeyFromLambda:k}/',
        errorOutputPrefix: 'errors/!{firehose:error-output-type}/',
        dynamicPartitioning: {},
      },
      { processor: defineTransformer(() => ok('no keys')) },
    );
    await stream.put('x');
    await stream.flush();
    const [key] = listKeys(root);
    expect(key).toMatch(/^errors\/partitioning-failed\/2024\/01\/02\/03\/objects-1-.*\.gz$/);
    expect(readErrorLines(root, key as string)).toEqual([
      expect.objectContaining({
        errorCode: 'DynamicPartitioning.MetadataExtractionFailed',
        rawData: Buffer.from('no keys').toString('base64'),
      }),
    ]);
  });

  it('treats a partition key named like an Object member as missing, not as that member', async () => {
    const { root, stream } = setup(
      {
        prefix: 'p=!{partitionKeyFromLambda:constructor}/',
        errorOutputPrefix: 'errors/!{firehose:error-output-type}/',
        dynamicPartitioning: {},
      },
      { processor: defineTransformer((record) => ok(record.rawData, { partitionKeys: {} })) },
    );
    await stream.put('x');
    await stream.flush();
    const keys = listKeys(root);
    expect(keys).toEqual([expect.stringMatching(/^errors\/partitioning-failed\//)]);
    expect(readErrorLines(root, keys[0] as string)).toEqual([
      expect.objectContaining({ errorCode: 'DynamicPartitioning.MetadataExtractionFailed' }),
    ]);
  });

  it('refuses a partition key too long for a directory name instead of retrying it', async () => {
    const { root, stream } = setup(
      {
        prefix: 'k=!{partitionKeyFromLambda:k}/',
        errorOutputPrefix: 'errors/!{firehose:error-output-type}/',
        dynamicPartitioning: {},
      },
      { processor: partitionByText },
    );
    await stream.put('x'.repeat(300));
    await stream.flush();
    const keys = listKeys(root);
    expect(keys).toEqual([expect.stringMatching(/^errors\/partitioning-failed\//)]);
    expect(readErrorLines(root, keys[0] as string)).toEqual([
      expect.objectContaining({
        errorMessage: expect.stringMatching(/more than the 255 a directory entry holds/),
      }),
    ]);
  });

  it('stages objects in a hidden directory, never beside the object', async () => {
    const { root, stream } = setup({ prefix: 'data/' });
    await stream.putBatch(['a', 'b']);
    await stream.flush();
    expect(listKeys(root)).toEqual([expect.stringMatching(/^data\/2024\/01\/02\/03\/objects-1-/)]);
    expect(readdirSync(join(root, '.firehose-tmp'))).toEqual([]);
  });

  it('retries a failed write with backoff, then sends the records to s3-failed/ with every attempt', async () => {
    const { root, clock, stream } = setup({
      prefix: 'blocked/',
      errorOutputPrefix: 'errors/!{firehose:error-output-type}/',
      retryDurationSeconds: 2,
    });
    writeFileSync(join(root, 'blocked'), 'a file where a directory should be');
    const failures: FailedRecord[] = [];
    stream.on('records_failed', (event) => failures.push(...event.records));
    await stream.put('precious');
    const flushing = stream.flush();
    const delay = await clock.waitForTimer((ms) => ms < 300_000);
    expect(delay).toBeGreaterThanOrEqual(850);
    expect(delay).toBeLessThanOrEqual(1150);
    clock.advance(delay);
    await flushing;
    const key = listKeys(root).find((k) => k.startsWith('errors/s3-failed/2024/01/02/03/'));
    expect(readErrorLines(root, key as string)).toEqual([
      expect.objectContaining({
        attemptsMade: 2,
        errorCode: 'S3.WriteFailed',
        errorMessage: expect.stringMatching(/ENOTDIR/),
        rawData: Buffer.from('precious').toString('base64'),
      }),
    ]);
    expect(failures[0]?.attempts.map((attempt) => attempt.errorCode)).toEqual([
      'S3.WriteFailed',
      'S3.WriteFailed',
    ]);
    expect(stream.metrics()).toMatchObject({
      recordsFailed: 1,
      recordsLost: 0,
      recordsBuffered: 0,
    });
  });

  it('reports records lost when the error output fails too: an event and a typed error', async () => {
    const root = join(scratchDir(), 'not-a-directory');
    writeFileSync(root, '');
    const { stream } = managedStream({
      name: 'doomed',
      destination: s3Directory({ root, retryDurationSeconds: 0 }),
    });
    const lost: FailedRecord[] = [];
    stream.on('error_output_failed', (event) => lost.push(...event.records));
    await stream.put('gone');
    const error = await stream.flush().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ErrorOutputFailedError);
    expect(error).toMatchObject({ code: 'ErrorOutputFailed', recordsLost: 1, retriable: false });
    expect(Buffer.from(lost[0]?.rawData ?? []).toString()).toBe('gone');
    expect(stream.metrics()).toMatchObject({
      recordsLost: 1,
      recordsFailed: 1,
      recordsBuffered: 0,
    });
    await expect(stream.close()).resolves.toBeUndefined();
  });

  it.each([
    ['../../escaped', 'has a ".." path segment'],
    ['../sibling', 'has a ".." path segment'],
    ['x/../y', 'has a ".." path segment'],
    ['/absolute', 'starts with "/"'],
    ['..', 'has a ".." path segment'],
    ['.', 'has a "." path segment'],
    ['', 'starts with "/"'],
    ['a//b', 'has an empty path segment'],
    ['.firehose-tmp', 'is inside the reserved .firehose-tmp/'],
    ['nul\0byte', 'contains a NUL character'],
  ])(
    'keeps keys literal: partition key %j fails its record instead of moving it',
    async (value, why) => {
      const { dir, root, stream } = setup(
        {
          prefix: '!{partitionKeyFromLambda:k}/',
          errorOutputPrefix: 'errors/!{firehose:error-output-type}/',
          dynamicPartitioning: {},
        },
        { processor: partitionByText },
      );
      await stream.putBatch([value, 'fine']);
      await stream.flush();
      const keys = listKeys(dir);
      expect(keys.filter((key) => !key.startsWith('bucket/errors/partitioning-failed/'))).toEqual([
        expect.stringMatching(/^bucket\/fine\/2024\//),
      ]);
      const [line] = listKeys(root)
        .filter((key) => key.startsWith('errors/'))
        .flatMap((key) => readErrorLines(root, key));
      expect(line).toMatchObject({ errorCode: 'S3.InvalidPrefix', attemptsMade: 1 });
      expect(String(line?.errorMessage)).toContain(why);
      expect(Buffer.from(String(line?.rawData), 'base64').toString()).toBe(value);
      expect(existsSync('/absolute')).toBe(false);
    },
  );

  it('writes the newline delimiter between records only', async () => {
    const { root, stream } = setup({ newlineDelimiter: true });
    await stream.putBatch(['a', 'b', 'c']);
    await stream.flush();
    expect(readObject(root, listKeys(root)[0] as string).toString()).toBe('a\nb\nc');
  });

  it('gives up a retried write when close is aborted, leaving no timer behind', async () => {
    const { root, clock, stream } = setup({
      prefix: 'blocked/',
      errorOutputPrefix: 'errors/',
      retryDurationSeconds: 3600,
    });
    writeFileSync(join(root, 'blocked'), '');
    await stream.put('interrupted');
    const controller = new AbortController();
    const closing = stream.close({ signal: controller.signal });
    await clock.waitForTimer((ms) => ms < 300_000);
    controller.abort(new Error('shutting down'));
    await expect(closing).rejects.toThrow('shutting down');
    await stream.onIdle();
    expect(clock.pendingDelays()).toEqual([]);
    const [line] = listKeys(root).flatMap((key) => readErrorLines(root, key));
    // One write was really attempted; the abort is why there was no second.
    expect(line).toMatchObject({ attemptsMade: 1, errorCode: 'S3.Aborted' });
  });

  it('removes staging files a crash left behind, and leaves fresh ones alone', async () => {
    const { root, stream } = setup();
    const staging = join(root, '.firehose-tmp');
    mkdirSync(staging);
    const stale = join(staging, 'crashed.tmp');
    const fresh = join(staging, 'in-progress.tmp');
    writeFileSync(stale, 'half an object');
    writeFileSync(fresh, 'another writer');
    const longAgo = (Date.now() - STALE_STAGING_MS - 60_000) / 1000;
    utimesSync(stale, longAgo, longAgo);
    await stream.put('x');
    await stream.flush();
    expect(readdirSync(staging)).toEqual(['in-progress.tmp']);
  });
});
