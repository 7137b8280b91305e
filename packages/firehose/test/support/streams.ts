import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect } from 'vitest';
import {
  createDeliveryStream,
  type DeliveryStream,
  type DeliveryStreamOptions,
  type HttpEndpointOptions,
  httpEndpoint,
  type S3DirectoryOptions,
  s3Directory,
} from '../../src/index.js';
import { tempDir } from './files.js';
import { TestEndpoint } from './http-server.js';
import { ManualClock } from './manual-clock.js';

const cleanups: Array<() => unknown> = [];

/** Runs `fn` after the current test, latest registered first. */
export function onCleanup(fn: () => unknown): void {
  cleanups.push(fn);
}

afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

/** A fresh directory, removed after the test. */
export function scratchDir(): string {
  const { dir, remove } = tempDir();
  onCleanup(remove);
  return dir;
}

/** A stream on a manual clock, closed after the test (aborted, so nothing is left retrying). */
export function managedStream(
  options: Partial<DeliveryStreamOptions> & Pick<DeliveryStreamOptions, 'destination'>,
) {
  const clock = new ManualClock();
  const stream = createDeliveryStream({ name: 'clicks', clock, ...options });
  onCleanup(async () => {
    await stream.close({ signal: AbortSignal.abort() }).catch(() => {});
    await stream.onIdle();
  });
  return { clock, stream };
}

/** A stream named `clicks` writing to `<dir>/bucket` (`root`). */
export function s3Stream(
  options: Partial<DeliveryStreamOptions> = {},
  s3: Partial<S3DirectoryOptions> = {},
) {
  const dir = scratchDir();
  const root = join(dir, 'bucket');
  mkdirSync(root);
  const { clock, stream } = managedStream({
    destination: s3Directory({ root, ...s3 }),
    ...options,
  });
  return { dir, root, clock, stream };
}

/** A stream named `to-http` delivering to a real local endpoint, failed records under `root`. */
export async function httpStream(options: Partial<HttpEndpointOptions> = {}) {
  const endpoint = await new TestEndpoint().start();
  onCleanup(() => endpoint.stop());
  const root = scratchDir();
  const destination = httpEndpoint({
    url: endpoint.url,
    errorOutput: s3Directory({ root }),
    ...options,
  });
  const { clock, stream } = managedStream({
    name: 'to-http',
    buffering: { sizeMiB: 5, intervalSeconds: 900 },
    destination,
  });
  return { endpoint, root, clock, stream };
}

/** `recordsPut` equals the other record counts summed: true at every moment. */
export function expectCountsAddUp(stream: DeliveryStream): void {
  const m = stream.metrics();
  expect(m.recordsBuffered + m.recordsDelivered + m.recordsDropped + m.recordsFailed).toBe(
    m.recordsPut,
  );
}

/** Every record put is delivered, dropped or failed; none is left over or lost. */
export function expectNothingLost(stream: DeliveryStream): void {
  expectCountsAddUp(stream);
  expect(stream.metrics()).toMatchObject({ recordsBuffered: 0, bytesBuffered: 0, recordsLost: 0 });
}
