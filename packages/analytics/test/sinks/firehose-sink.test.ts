import { DeliveryFailureCode, FirehoseProducer, RecordDeliveryError } from '@kinesis-kit/producer';
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
// The producer's Firehose-speaking HTTP server: the local endpoint does not serve Firehose yet.
import { FirehoseTestServer } from '../../../../tools/testing/firehose-server.js';
import type { QueryOutput } from '../../src/engine/query-output.js';
import { InvalidOptionError } from '../../src/errors.js';
import { firehoseSink } from '../../src/sinks/firehose-sink.js';
import { SinkClosedError, SinkFailedError } from '../../src/sinks/sink-errors.js';

const deliveryStreamName = 'test-stream';
const T0 = Date.UTC(2026, 0, 1);

function outputs(count: number): QueryOutput[] {
  return Array.from({ length: count }, (_, index) => ({
    stream: 'HOT_URLS',
    kind: index % 3 === 2 ? ('update' as const) : ('insert' as const),
    revision: index % 3 === 2 ? 1 : 0,
    key: `${T0}|/page-${index}`,
    row: { window_start: new Date(T0), url: `/page-${index}`, hits: index * 7 },
  }));
}

/** The JSON line a reader should find for an output, written out by hand. */
function expectedLine(output: QueryOutput): unknown {
  const row = output.row as { window_start: Date; url: string; hits: number };
  return {
    stream: output.stream,
    kind: output.kind,
    revision: output.revision,
    key: output.key,
    row: { window_start: row.window_start.toISOString(), url: row.url, hits: row.hits },
  };
}

const byJson = (a: unknown, b: unknown) => JSON.stringify(a).localeCompare(JSON.stringify(b));

describe('firehoseSink', () => {
  let server: FirehoseTestServer;
  beforeEach(async () => {
    server = await FirehoseTestServer.start();
  });
  afterEach(() => server.close());

  function producerFor(name: string, options: { packing?: boolean; lingerMs?: number } = {}) {
    const client = server.client();
    const producer = new FirehoseProducer({
      deliveryStreamName: name,
      client,
      lingerMs: 5,
      ...options,
    });
    onTestFinished(async () => {
      await producer.close();
      client.destroy();
    });
    return producer;
  }

  /** Every line the server stored, split at newlines; checks that each record ends with one. */
  function storedLines(): unknown[] {
    const text = server.storedData().map((data) => data.toString('utf8'));
    for (const record of text) expect(record.endsWith('\n')).toBe(true);
    return text
      .join('')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as unknown);
  }

  it('writes each output as one newline-terminated JSON record', async () => {
    const producer = producerFor(deliveryStreamName);
    const sink = firehoseSink({ producer });
    const written = outputs(30);
    await sink.write(written.slice(0, 10));
    await sink.write(written.slice(10));
    await sink.close();

    expect(server.storedData()).toHaveLength(written.length);
    expect(storedLines().sort(byJson)).toEqual(written.map(expectedLine).sort(byJson));
  });

  it("writes a retraction as an envelope of kind 'retract', and leaves it out with format 'row'", async () => {
    const [old, replacement] = outputs(2) as [QueryOutput, QueryOutput];
    const retract: QueryOutput = { ...old, kind: 'retract', revision: 1 };
    const batch = [old, retract, { ...replacement, revision: 2 }];
    const envelopes = firehoseSink({ producer: producerFor(deliveryStreamName) });
    await envelopes.write(batch);
    await envelopes.close();
    expect(storedLines()).toEqual(batch.map(expectedLine));
    expect((storedLines()[1] as { kind: string }).kind).toBe('retract');

    const rows = firehoseSink({ producer: producerFor(deliveryStreamName), format: 'row' });
    await rows.write(batch);
    await rows.close();
    const rowLines = storedLines().slice(batch.length);
    expect(rowLines.map((line) => (line as { url: string }).url)).toEqual([
      old.row.url,
      replacement.row.url,
    ]);
  });

  it('keeps one JSON object per line when the producer packs records together', async () => {
    const producer = producerFor(deliveryStreamName, { packing: true });
    const sink = firehoseSink({ producer, format: 'row' });
    const written = outputs(50);
    await sink.write(written);
    await sink.close();

    expect(server.storedData().length).toBeLessThan(written.length);
    expect(storedLines().sort(byJson)).toEqual(
      written.map((output) => (expectedLine(output) as { row: unknown }).row).sort(byJson),
    );
  });

  it("appends nothing with delimiter '' (a producer with a delimiter of its own)", async () => {
    const producer = producerFor(deliveryStreamName);
    const sink = firehoseSink({ producer, delimiter: '', format: (output) => output.key });
    const written = outputs(3);
    await sink.write(written);
    await sink.close();
    expect(
      server
        .storedData()
        .map((data) => data.toString('utf8'))
        .sort(),
    ).toEqual(written.map((output) => output.key).sort());
  });

  it('terminates bytes from a format function with the delimiter too', async () => {
    const producer = producerFor(deliveryStreamName);
    const encoder = new TextEncoder();
    const sink = firehoseSink({ producer, format: (output) => encoder.encode(`${output.key};`) });
    const written = outputs(3);
    await sink.write(written);
    await sink.close();
    expect(
      server
        .storedData()
        .map((data) => data.toString('utf8'))
        .sort(),
    ).toEqual(written.map((output) => `${output.key};\n`).sort());
  });

  it('rejects with SinkFailedError listing exactly the outputs whose records were refused', async () => {
    const producer = producerFor(deliveryStreamName);
    const written = outputs(9);
    const refused = new Set(written.filter((_, index) => index % 4 === 1).map((o) => o.key));
    // A final (non-retried) error code for the entries of chosen outputs only.
    server.entryFault = (data) =>
      refused.has((JSON.parse(data.toString('utf8')) as { key: string }).key)
        ? 'InvalidArgumentException'
        : undefined;
    const error = await firehoseSink({ producer })
      .write(written)
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SinkFailedError);
    const failed = error as SinkFailedError;
    expect(failed.sink).toBe('firehoseSink');
    expect(failed.outputs).toEqual(written.filter((output) => refused.has(output.key)));
    for (const cause of failed.errors) expect(cause).toBeInstanceOf(RecordDeliveryError);
    expect(storedLines().sort(byJson)).toEqual(
      written
        .filter((output) => !refused.has(output.key))
        .map(expectedLine)
        .sort(byJson),
    );
  });

  it('rejects with SinkFailedError carrying every output when the delivery stream does not exist', async () => {
    const producer = producerFor('no-such-delivery-stream');
    const written = outputs(4);
    const error = await firehoseSink({ producer })
      .write(written)
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SinkFailedError);
    expect((error as SinkFailedError).outputs).toEqual(written);
    for (const cause of (error as SinkFailedError).errors) {
      expect((cause as RecordDeliveryError).code).toBe(DeliveryFailureCode.NonRetriable);
    }
  });

  it('waits on close for writes in flight, leaves the producer open, and refuses writes after', async () => {
    const producer = producerFor(deliveryStreamName, { lingerMs: 60_000 });
    const sink = firehoseSink({ producer, flushEachWrite: false });
    let written = false;
    const write = sink.write(outputs(2)).then(() => {
      written = true;
    });
    const closing = sink.close();
    expect(sink.close()).toBe(closing);
    await closing;
    expect(written).toBe(true);
    await write;
    await expect(sink.write(outputs(1))).rejects.toThrow(SinkClosedError);
    const put = producer.put({ data: new Uint8Array([65]) });
    await producer.flush();
    await expect(put).resolves.toMatchObject({ recordId: expect.any(String) });
  });

  it('refuses invalid options, naming each', () => {
    const producer = producerFor(deliveryStreamName);
    expect(() => firehoseSink({} as never)).toThrow(InvalidOptionError);
    expect(() => firehoseSink({ producer: { put() {} } as never })).toThrow(
      /^producer: must be a FirehoseProducer \(an object with put, flush\), got an object \(Object\) without flush$/,
    );
    expect(() => firehoseSink({ producer, delimiter: 10 as never })).toThrow(
      /^delimiter: must be a string \('' for none\), got 10$/,
    );
    expect(() => firehoseSink({ producer, format: 'xml' as never })).toThrow(/^format: /);
  });
});
