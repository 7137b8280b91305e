import { createHash } from 'node:crypto';
import { DeliveryFailureCode, KinesisProducer, RecordDeliveryError } from '@kinesis-kit/producer';
import { RecordValidationError, type StoredRecord } from '@kinesis-kit/records';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  createStream,
  readStream,
  useLocalKinesis,
} from '../../../../tools/testing/local-kinesis.js';
import type { QueryOutput } from '../../src/engine/query-output.js';
import { InvalidOptionError } from '../../src/errors.js';
import { kinesisStreamSink } from '../../src/sinks/kinesis-stream-sink.js';
import { SinkClosedError, SinkFailedError } from '../../src/sinks/sink-errors.js';

const decoder = new TextDecoder();
const WINDOW_MS = 60_000;
const T0 = Date.UTC(2026, 0, 1);

/**
 * Outputs of a per-minute count by url: for each url, the final result (revision 0) and then
 * `updates` late updates (revisions 1..updates), interleaved across urls as an engine emits them.
 */
function countOutputs(
  urls: readonly string[],
  updates: number,
  stream = 'URL_COUNTS',
): QueryOutput[] {
  const outputs: QueryOutput[] = [];
  for (let revision = 0; revision <= updates; revision++) {
    urls.forEach((url, index) => {
      outputs.push({
        stream,
        kind: revision === 0 ? 'insert' : 'update',
        revision,
        key: `${T0}|${T0 + WINDOW_MS}|${url}`,
        row: {
          window_start: new Date(T0),
          window_end: new Date(T0 + WINDOW_MS),
          url,
          hits: 10 * (index + 1) + revision,
        },
      });
    });
  }
  return outputs;
}

/** The envelope a reader should find for an output: written out by hand, not by the sink. */
function expectedEnvelope(output: QueryOutput): unknown {
  const row = output.row as { window_start: Date; window_end: Date; url: string; hits: number };
  return {
    stream: output.stream,
    kind: output.kind,
    revision: output.revision,
    key: output.key,
    row: {
      window_start: row.window_start.toISOString(),
      window_end: row.window_end.toISOString(),
      url: row.url,
      hits: row.hits,
    },
  };
}

const parse = (record: StoredRecord): Record<string, unknown> =>
  JSON.parse(decoder.decode(record.data)) as Record<string, unknown>;

const byJson = (a: unknown, b: unknown) => JSON.stringify(a).localeCompare(JSON.stringify(b));

describe('kinesisStreamSink', () => {
  const context = useLocalKinesis();

  function producerFor(
    streamName: string,
    options: { recordTtlMs?: number } = {},
  ): KinesisProducer {
    const producer = new KinesisProducer({
      streamName,
      client: context.client,
      ordering: 'per-partition-key',
      lingerMs: 5,
      initialBackoffMs: 5,
      maxBackoffMs: 20,
      ...options,
    });
    onTestFinished(() => producer.close());
    return producer;
  }

  it('writes each output as one envelope record, partitioned by its key, revisions in order on one shard', async () => {
    const streamName = await createStream(context.client, 4);
    const producer = producerFor(streamName);
    const sink = kinesisStreamSink({ producer });
    const outputs = countOutputs(['/home', '/cart', '/search', '/about', '/help'], 3);
    const half = Math.floor(outputs.length / 2);
    await sink.write(outputs.slice(0, half));
    await sink.write(outputs.slice(half));
    await sink.close();

    const stored = await readStream(context.client, streamName);
    expect(stored.map(parse).sort(byJson)).toEqual(outputs.map(expectedEnvelope).sort(byJson));
    for (const record of stored) expect(record.partitionKey).toBe(parse(record).key);
    const keys = new Set(outputs.map((output) => output.key));
    for (const key of keys) {
      const ofKey = stored.filter((record) => record.partitionKey === key);
      expect(new Set(ofKey.map((record) => record.shardId)).size).toBe(1);
      // readStream returns each shard's records in sequence order.
      expect(ofKey.map((record) => parse(record).revision)).toEqual([0, 1, 2, 3]);
    }
  });

  it("writes the row alone with format 'row', under a partition key of the caller's choosing", async () => {
    const streamName = await createStream(context.client, 2);
    const producer = producerFor(streamName);
    const outputs = countOutputs(['/a', '/b', '/c'], 0);
    const sink = kinesisStreamSink({
      producer,
      format: 'row',
      partitionKey: (output) => String(output.row.url),
    });
    await sink.write(outputs);
    await sink.close();

    const stored = await readStream(context.client, streamName);
    const expected = outputs.map((output) => ({
      partitionKey: String(output.row.url),
      row: (expectedEnvelope(output) as { row: unknown }).row,
    }));
    expect(
      stored
        .map((record) => ({ partitionKey: record.partitionKey, row: parse(record) }))
        .sort(byJson),
    ).toEqual(expected.sort(byJson));
  });

  it("writes a retraction as an envelope of kind 'retract' under the old key's partition, and leaves it out with format 'row'", async () => {
    const [old] = countOutputs(['/a'], 0) as [QueryOutput];
    const retract: QueryOutput = { ...old, kind: 'retract', revision: 1 };
    const replacement: QueryOutput = { ...old, revision: 2, key: `${old.key}+` };
    const envelopeStream = await createStream(context.client, 2);
    const envelopes = kinesisStreamSink({ producer: producerFor(envelopeStream) });
    await envelopes.write([old, retract, replacement]);
    await envelopes.close();
    const stored = await readStream(context.client, envelopeStream);
    const ofOld = stored.filter((record) => record.partitionKey === old.key).map(parse);
    expect(ofOld).toEqual([expectedEnvelope(old), expectedEnvelope(retract)]);

    const rowStream = await createStream(context.client, 1);
    const rows = kinesisStreamSink({ producer: producerFor(rowStream), format: 'row' });
    await rows.write([old, retract, replacement]);
    await rows.close();
    expect(await readStream(context.client, rowStream)).toHaveLength(2);
  });

  it('partitions by the SHA-256 of a key Kinesis would refuse, and keeps the real key in the envelope', async () => {
    const streamName = await createStream(context.client, 2);
    const producer = producerFor(streamName);
    const longKey = `${T0}|${T0 + WINDOW_MS}|${'x'.repeat(300)}`;
    const outputs: QueryOutput[] = [
      { stream: 'S', kind: 'insert', revision: 0, key: longKey, row: { n: 1 } },
      { stream: 'S', kind: 'insert', revision: 0, key: '', row: { n: 2 } },
    ];
    const sink = kinesisStreamSink({ producer });
    await sink.write(outputs);
    await sink.close();

    const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
    const stored = await readStream(context.client, streamName);
    expect(stored.map((record) => [record.partitionKey, parse(record).key]).sort(byJson)).toEqual(
      [
        [sha256(longKey), longKey],
        [sha256(''), ''],
      ].sort(byJson),
    );
  });

  it('rejects with SinkFailedError listing exactly the outputs whose records failed, and stores the rest', async () => {
    const streamName = await createStream(context.client, 1);
    const producer = producerFor(streamName);
    const outputs = countOutputs(['/ok-1', '/bad-1', '/ok-2', '/bad-2'], 0);
    // An empty partition key is a record Kinesis refuses: a failure of those records only.
    const sink = kinesisStreamSink({
      producer,
      partitionKey: (output) => (String(output.row.url).startsWith('/bad') ? '' : output.key),
    });
    const error = await sink.write(outputs).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SinkFailedError);
    const failed = error as SinkFailedError;
    const bad = outputs.filter((output) => String(output.row.url).startsWith('/bad'));
    expect(failed.outputs).toEqual(bad);
    expect(failed.errors).toHaveLength(bad.length);
    for (const cause of failed.errors) expect(cause).toBeInstanceOf(RecordValidationError);
    expect(failed.cause).toBe(failed.errors[0]);
    expect(failed.message).toMatch(/^kinesisStreamSink: 2 output\(s\) not delivered; first: /);

    const stored = await readStream(context.client, streamName);
    const good = outputs.filter((output) => !bad.includes(output));
    expect(stored.map(parse).sort(byJson)).toEqual(good.map(expectedEnvelope).sort(byJson));
  });

  it('rejects with SinkFailedError carrying every output when the stream does not exist', async () => {
    const producer = producerFor(`no-such-stream-${process.pid}`);
    const outputs = countOutputs(['/a', '/b'], 1);
    const error = await kinesisStreamSink({ producer })
      .write(outputs)
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SinkFailedError);
    const failed = error as SinkFailedError;
    expect(failed.outputs).toEqual(outputs);
    for (const cause of failed.errors) {
      expect(cause).toBeInstanceOf(RecordDeliveryError);
      expect((cause as RecordDeliveryError).code).toBe(DeliveryFailureCode.NonRetriable);
    }
  });

  it('rejects with SinkFailedError once the producer gives up on records the endpoint keeps failing', async () => {
    const streamName = await createStream(context.client, 1);
    const producer = producerFor(streamName, { recordTtlMs: 300 });
    // The shard map first, so that only the writes meet the faults.
    await producer.put({ partitionKey: 'warm-up', data: new Uint8Array([1]) });
    context.kinesis.setFaults({ seed: 1, rules: [{ operations: ['PutRecords'], errorRate: 1 }] });
    onTestFinished(() => context.kinesis.setFaults(undefined));
    const outputs = countOutputs(['/a', '/b', '/c'], 0);

    const error = await kinesisStreamSink({ producer })
      .write(outputs)
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SinkFailedError);
    const failed = error as SinkFailedError;
    expect(failed.outputs).toEqual(outputs);
    for (const cause of failed.errors) {
      expect((cause as RecordDeliveryError).code).toBe(DeliveryFailureCode.RecordTtlExpired);
      expect((cause as RecordDeliveryError).attempts.length).toBeGreaterThan(0);
    }
    expect(context.kinesis.faults().counters.InternalFailure).toBeGreaterThan(0);
  });

  it('waits on close for writes in flight, leaves the producer open, and refuses writes after', async () => {
    const streamName = await createStream(context.client, 1);
    // A long linger: only the sink's flush on close gets the write out quickly.
    const producer = new KinesisProducer({ streamName, client: context.client, lingerMs: 60_000 });
    onTestFinished(() => producer.close());
    const sink = kinesisStreamSink({ producer, flushEachWrite: false });
    let written = false;
    const write = sink.write(countOutputs(['/a'], 0)).then(() => {
      written = true;
    });
    const closing = sink.close();
    expect(sink.close()).toBe(closing);
    await closing;
    expect(written).toBe(true);
    await write;
    await expect(sink.write(countOutputs(['/b'], 0))).rejects.toThrow(SinkClosedError);
    // The caller owns the producer: it still takes records.
    const put = producer.put({ partitionKey: 'after', data: new Uint8Array([1]) });
    await producer.flush();
    await expect(put).resolves.toMatchObject({ shardId: expect.any(String) });
  });

  it('refuses invalid options, naming each', () => {
    const producer = producerFor('unused');
    expect(() => kinesisStreamSink(undefined as never)).toThrow(
      /^options: kinesisStreamSink takes an options object/,
    );
    expect(() => kinesisStreamSink({} as never)).toThrow(InvalidOptionError);
    expect(() => kinesisStreamSink({ producer: {} as never })).toThrow(
      /^producer: must be a KinesisProducer \(an object with put, flush\), got an object \(Object\) without put, flush$/,
    );
    expect(() => kinesisStreamSink({ producer, partitionKey: 'url' as never })).toThrow(
      /^partitionKey: must be a function, got "url"$/,
    );
    expect(() => kinesisStreamSink({ producer, format: 'csv' as never })).toThrow(/^format: /);
    expect(() => kinesisStreamSink({ producer, flushEachWrite: 1 as never })).toThrow(
      /^flushEachWrite: must be true or false, got 1$/,
    );
  });
});
