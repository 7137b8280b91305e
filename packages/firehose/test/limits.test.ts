import { FIREHOSE_LIMITS } from '@kinesis-kit/records';
import type { FirehoseTransformationEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  type DeliveryStreamOptions,
  defineTransformer,
  httpEndpoint,
  ok,
  ServiceUnavailableError,
  s3Directory,
} from '../src/index.js';
import { RECORD_BOOKKEEPING_BYTES } from '../src/pipeline/capacity.js';
import { eventEnvelopeBytes, eventRecordBytes } from '../src/pipeline/event-size.js';
import { TestEndpoint } from './support/http-server.js';
import { managedStream, onCleanup, s3Stream, scratchDir } from './support/streams.js';

const KiB = 1024;
const MiB = 1024 * KiB;

function setup(options: Partial<DeliveryStreamOptions> = {}) {
  return s3Stream({ name: 'limits', ...options });
}

/** A processor that records the serialized size of every event it gets. */
function measuringProcessor() {
  const sizes: Array<{ records: number; bytes: number }> = [];
  const inner = defineTransformer((record) => ok(record.rawData));
  const processor = (event: FirehoseTransformationEvent) => {
    sizes.push({ records: event.records.length, bytes: Buffer.byteLength(JSON.stringify(event)) });
    return inner(event);
  };
  return { sizes, processor };
}

describe('processor events stay within Lambda’s 6,291,456-byte request', () => {
  it('counts each record exactly as it serializes', () => {
    const arrivalMs = Date.UTC(2024, 0, 1);
    for (const size of [0, 1, 2, 3, 50, 1000]) {
      const record = {
        recordId: '00000000-0000-0000-0000-000000000000',
        approximateArrivalTimestamp: arrivalMs,
        data: Buffer.alloc(size).toString('base64'),
      };
      expect(eventRecordBytes(size, arrivalMs)).toBe(
        Buffer.byteLength(`${JSON.stringify(record)},`),
      );
    }
    const arn = 'arn:aws:firehose:us-east-1:000000000000:deliverystream/x';
    expect(eventEnvelopeBytes(arn, 'us-east-1')).toBe(
      Buffer.byteLength(
        JSON.stringify({
          invocationId: '0'.repeat(36),
          deliveryStreamArn: arn,
          region: 'us-east-1',
          records: [],
        }),
      ),
    );
  });

  it('splits many small records into events under the limit, losing none', async () => {
    const { sizes, processor } = measuringProcessor();
    const { stream } = setup({
      processor,
      processorBuffering: { sizeMB: 3, intervalSeconds: 900 },
      buffering: { sizeMiB: 128, intervalSeconds: 900 },
    });
    for (let i = 0; i < 60_000; i += 500) {
      await stream.putBatch(Array.from({ length: 500 }, () => 'x'));
    }
    await stream.close();
    expect(sizes.length).toBeGreaterThan(1);
    for (const { bytes } of sizes) {
      expect(bytes).toBeLessThanOrEqual(FIREHOSE_LIMITS.lambdaMaxPayloadBytes);
    }
    // The first event was cut by the request limit, not the 3 MB size hint: nearly full.
    expect(sizes[0]?.bytes).toBeGreaterThan(FIREHOSE_LIMITS.lambdaMaxPayloadBytes - 200);
    expect(sizes.reduce((sum, { records }) => sum + records, 0)).toBe(60_000);
    expect(stream.metrics().recordsDelivered).toBe(60_000);
  });

  it('keeps events of 1,000 KiB records under the limit', async () => {
    const { sizes, processor } = measuringProcessor();
    const { stream } = setup({
      processor,
      processorBuffering: { sizeMB: 3, intervalSeconds: 900 },
      buffering: { sizeMiB: 128, intervalSeconds: 900 },
    });
    const big = Buffer.alloc(FIREHOSE_LIMITS.maxRecordBytes, 0x61);
    for (let i = 0; i < 6; i++) await stream.put(big);
    await stream.close();
    // base64 makes each record 1,365,336 bytes: four fit in 6 MB, not five.
    expect(sizes.map(({ records }) => records)).toEqual([4, 2]);
    for (const { bytes } of sizes) {
      expect(bytes).toBeLessThanOrEqual(FIREHOSE_LIMITS.lambdaMaxPayloadBytes);
    }
  });
});

describe('memory bound (maxBufferedBytes)', () => {
  it(`counts ${RECORD_BOOKKEEPING_BYTES} bytes of overhead per record, so tiny records are bounded too`, async () => {
    const { stream } = setup({
      maxBufferedBytes: 2 * MiB,
      buffering: { sizeMiB: 128, intervalSeconds: 900 },
    });
    let accepted = 0;
    for (;;) {
      const result = await stream.putBatch(Array.from({ length: 500 }, () => 'x'));
      accepted += 500 - result.failedPutCount;
      if (result.failedPutCount > 0) {
        expect(result.requestResponses.at(-1)).toMatchObject({
          errorCode: 'ServiceUnavailableException',
          errorMessage: expect.stringMatching(/would exceed maxBufferedBytes \(2097152\)/),
        });
        break;
      }
    }
    expect(accepted).toBe(Math.floor((2 * MiB) / (1 + RECORD_BOOKKEEPING_BYTES)));
    expect(stream.metrics().bytesBuffered).toBe(accepted * (1 + RECORD_BOOKKEEPING_BYTES));
    await expect(stream.put('x')).rejects.toBeInstanceOf(ServiceUnavailableError);
    await stream.flush();
    expect(stream.metrics()).toMatchObject({ bytesBuffered: 0, recordsDelivered: accepted });
    await expect(stream.put('x')).resolves.toHaveProperty('recordId');
  });

  it('counts the processor’s output, not the input, once a record is transformed', async () => {
    const { clock, stream } = setup({
      processor: defineTransformer(() => ok(Buffer.alloc(100 * KiB))),
      processorBuffering: { sizeMB: 0.2, intervalSeconds: 0 },
      buffering: { sizeMiB: 128, intervalSeconds: 900 },
    });
    await stream.putBatch(['a', 'b']);
    expect(stream.metrics().bytesBuffered).toBe(2 * (1 + RECORD_BOOKKEEPING_BYTES));
    clock.advance(0);
    await stream.onIdle();
    expect(stream.metrics().bytesBuffered).toBe(2 * (100 * KiB + RECORD_BOOKKEEPING_BYTES));
  });

  it('pushes back while deliveries are stuck retrying, and accepts again once they drain', async () => {
    const endpoint = await new TestEndpoint().start();
    onCleanup(() => endpoint.stop());
    const { clock, stream } = managedStream({
      name: 'stuck',
      maxBufferedBytes: FIREHOSE_LIMITS.maxRecordBytes + RECORD_BOOKKEEPING_BYTES,
      buffering: { sizeMiB: 1, intervalSeconds: 0 },
      destination: httpEndpoint({
        url: endpoint.url,
        errorOutput: s3Directory({ root: scratchDir() }),
      }),
    });
    endpoint.respond((_, response) => {
      response.writeHead(503);
      response.end();
    });
    await stream.put(Buffer.alloc(FIREHOSE_LIMITS.maxRecordBytes));
    clock.advance(0);
    const backoff = await clock.waitForTimer((delay) => delay <= 1150);
    const refused = await stream.put('one more').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ServiceUnavailableError);
    expect((refused as ServiceUnavailableError).message).toMatch(/holds 1 records/);
    clock.advance(backoff);
    await stream.onIdle();
    expect(stream.metrics()).toMatchObject({ recordsDelivered: 1, bytesBuffered: 0 });
    await expect(stream.put('one more')).resolves.toHaveProperty('recordId');
  });
});
