import type { PutListener, PutResult } from '@kinesis-kit/producer';
import type { UserRecord } from '@kinesis-kit/records';
import type { VisitRecord } from './visit-record.js';

type RecordListener = PutListener<UserRecord, PutResult>;

/**
 * For `?wait=stored`: passes every outcome on to `next`, keeps it by the visit's position, and
 * calls `done` with all of them once every visit of the request has settled.
 */
export class StoredAnswer implements RecordListener {
  readonly #next: RecordListener;
  readonly #outcomes: PromiseSettledResult<PutResult>[];
  readonly #done: (outcomes: readonly PromiseSettledResult<PutResult>[]) => void;
  #remaining: number;

  constructor(
    count: number,
    next: RecordListener,
    done: (outcomes: readonly PromiseSettledResult<PutResult>[]) => void,
  ) {
    this.#next = next;
    this.#outcomes = new Array(count);
    this.#remaining = count;
    this.#done = done;
  }

  // The outcome is kept even if `next` throws (a logger that throws, say): the request is
  // answered whatever happens to the gateway's own bookkeeping.
  stored(result: PutResult, record: UserRecord): void {
    try {
      this.#next.stored(result, record);
    } finally {
      this.#settle(record, { status: 'fulfilled', value: result });
    }
  }

  failed(error: unknown, record: UserRecord): void {
    try {
      this.#next.failed(error, record);
    } finally {
      this.#settle(record, { status: 'rejected', reason: error });
    }
  }

  #settle(record: UserRecord, outcome: PromiseSettledResult<PutResult>): void {
    this.#outcomes[(record as VisitRecord).index] = outcome;
    if (--this.#remaining === 0) this.#done(this.#outcomes);
  }
}

/**
 * Passes outcomes on to `next` until revoked: a batch the gateway took back (its records
 * aborted before they were sent) was never accepted, so its records' failures are not the
 * gateway's to count.
 */
export class RevocableListener implements RecordListener {
  readonly #next: RecordListener;
  #revoked = false;

  constructor(next: RecordListener) {
    this.#next = next;
  }

  revoke(): void {
    this.#revoked = true;
  }

  stored(result: PutResult, record: UserRecord): void {
    if (!this.#revoked) this.#next.stored(result, record);
  }

  failed(error: unknown, record: UserRecord): void {
    if (!this.#revoked) this.#next.failed(error, record);
  }
}
