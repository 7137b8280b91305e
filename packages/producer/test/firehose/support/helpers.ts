import { afterEach, beforeEach } from 'vitest';
import { FirehoseTestServer } from '../../../../../tools/testing/firehose-server.js';

/** A fresh Firehose test server and client for each test of a file. */
export function useFirehoseServer() {
  const context = {} as {
    server: FirehoseTestServer;
    client: ReturnType<FirehoseTestServer['client']>;
  };
  beforeEach(async () => {
    context.server = await FirehoseTestServer.start();
    context.client = context.server.client();
  });
  afterEach(async () => {
    context.client?.destroy();
    await context.server?.close();
  });
  return context;
}

export const text = (value: string): Uint8Array => new TextEncoder().encode(value);
export const decode = (value: Uint8Array): string => new TextDecoder().decode(value);

/** Records `event-0` … `event-(count-1)`, padded so that they have about `bytes` bytes. */
export function makeRecords(count: number, bytes = 16): { data: Uint8Array }[] {
  return Array.from({ length: count }, (_, i) => ({
    data: text(`event-${i}-`.padEnd(bytes, 'x')),
  }));
}

/** Sorted copies, for comparing collections as multisets. */
export const sorted = (values: Iterable<string>): string[] => [...values].sort();

/** A promise's outcome, readable synchronously once it settled. */
export function track<T>(promise: Promise<T>) {
  const state: { settled: boolean; value?: T; error?: unknown; promise: Promise<T> } = {
    settled: false,
    promise,
  };
  promise.then(
    (value) => {
      state.settled = true;
      state.value = value;
    },
    (error: unknown) => {
      state.settled = true;
      state.error = error;
    },
  );
  return state;
}

/** Holds callers until opened: how a test keeps calls in flight at the server. */
export class Gate {
  #open = false;
  readonly #waiting: (() => void)[] = [];

  get waiting(): number {
    return this.#waiting.length;
  }

  wait(): Promise<void> {
    if (this.#open) return Promise.resolve();
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  open(): void {
    this.#open = true;
    for (const release of this.#waiting.splice(0)) release();
  }
}

export { seededRandom } from '@kinesis-kit/records';
