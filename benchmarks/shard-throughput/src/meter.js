/**
 * What the endpoint did with the Kinesis records each subject sent, read from its answers: an
 * SDK middleware on the subject's client sees every PutRecord and PutRecords call, its input and
 * its answer. While the window is open it counts the Kinesis records sent, those accepted (and
 * their bytes, data + partition key) per shard, and those answered
 * ProvisionedThroughputExceeded; outside the window (warm-up, closing) it counts only the Kinesis
 * records sent and throttled, for the whole measurement's throttled fraction.
 */

const THROTTLED = 'ProvisionedThroughputExceededException';

/**
 * @typedef {import('./limits.js').ShardCount} ShardCount
 * @typedef {{ Data?: Uint8Array, PartitionKey?: string }} EntryInput
 * @typedef {object} MeterCounts
 * @property {number} requests PutRecord and PutRecords calls answered
 * @property {number} sent Kinesis records sent
 * @property {number} accepted Kinesis records accepted
 * @property {number} throttled Kinesis records answered ProvisionedThroughputExceeded
 * @property {number} otherFailures Kinesis records that failed otherwise (an error code, or
 *   the whole call)
 * @property {string} lastFailure the last of those failures, for messages
 * @property {Map<string, ShardCount>} perShard accepted Kinesis records and bytes, by shard
 */

/** @param {EntryInput} entry data + partition key bytes: what the shard limits count */
const entryBytes = (entry) =>
  (entry.Data?.byteLength ?? 0) + Buffer.byteLength(entry.PartitionKey ?? '');

/** @returns {MeterCounts} */
function emptyCounts() {
  return {
    requests: 0,
    sent: 0,
    accepted: 0,
    throttled: 0,
    otherFailures: 0,
    lastFailure: '',
    perShard: new Map(),
  };
}

export class KinesisMeter {
  /** Whether the window is open. */
  counting = false;
  /** @type {MeterCounts} */
  counts = emptyCounts();
  /** Kinesis records sent and throttled since the meter was made, window or not. */
  total = { sent: 0, throttled: 0 };

  /** Opens the window: counting starts from zero. */
  open() {
    this.counts = emptyCounts();
    this.counting = true;
  }

  /**
   * Closes the window.
   * @returns {MeterCounts} what was counted while it was open
   */
  close() {
    this.counting = false;
    return this.counts;
  }

  /**
   * @param {string} shardId
   * @param {number} bytes
   */
  #accepted(shardId, bytes) {
    const { counts } = this;
    counts.accepted++;
    const shard = counts.perShard.get(shardId);
    if (shard) {
      shard.records++;
      shard.bytes += bytes;
    } else {
      counts.perShard.set(shardId, { records: 1, bytes });
    }
  }

  /** @param {string} code */
  #failed(code) {
    if (code === THROTTLED) {
      this.counts.throttled++;
      this.total.throttled++;
    } else {
      this.counts.otherFailures++;
      this.counts.lastFailure = code;
    }
  }

  /**
   * Counts one answered (or failed) call.
   * @param {string} command `PutRecordCommand` or `PutRecordsCommand`
   * @param {Record<string, unknown>} input
   * @param {Record<string, unknown> | undefined} output undefined when the call threw
   * @param {unknown} [error] what it threw
   */
  observe(command, input, output, error) {
    if (!this.counting) {
      this.#countTotal(command, input, output, error);
      return;
    }
    const { counts } = this;
    counts.requests++;
    if (command === 'PutRecordCommand') {
      this.total.sent++;
      counts.sent++;
      if (output) this.#accepted(String(output.ShardId), entryBytes(input));
      else this.#failed(/** @type {Error} */ (error)?.name ?? String(error));
      return;
    }
    const entries = /** @type {EntryInput[]} */ (input.Records ?? []);
    counts.sent += entries.length;
    this.total.sent += entries.length;
    const results = /** @type {{ ShardId?: string, ErrorCode?: string }[] | undefined} */ (
      output?.Records
    );
    entries.forEach((entry, index) => {
      const result = results?.[index];
      if (result?.ShardId !== undefined && result.ErrorCode === undefined) {
        this.#accepted(result.ShardId, entryBytes(entry));
      } else {
        this.#failed(result?.ErrorCode ?? /** @type {Error} */ (error)?.name ?? 'NoResult');
      }
    });
  }

  /**
   * Counts a call answered outside the window: Kinesis records sent and throttled only.
   * @param {string} command
   * @param {Record<string, unknown>} input
   * @param {Record<string, unknown> | undefined} output
   * @param {unknown} error
   */
  #countTotal(command, input, output, error) {
    if (command === 'PutRecordCommand') {
      this.total.sent++;
      if (!output && /** @type {Error} */ (error)?.name === THROTTLED) this.total.throttled++;
      return;
    }
    const entries = /** @type {unknown[]} */ (input.Records ?? []);
    this.total.sent += entries.length;
    const results = /** @type {{ ErrorCode?: string }[] | undefined} */ (output?.Records);
    if (!results) return;
    for (const result of results) if (result.ErrorCode === THROTTLED) this.total.throttled++;
  }

  /**
   * The SDK middleware that feeds `observe`, for `client.middlewareStack.add`.
   * @returns {(next: (args: { input: object }) => Promise<{ output: unknown }>,
   *   context: { commandName?: string }) => (args: { input: object }) =>
   *   Promise<{ output: unknown }>}
   */
  middleware() {
    return (next, context) => async (args) => {
      const command = context.commandName ?? '';
      if (command !== 'PutRecordsCommand' && command !== 'PutRecordCommand') return next(args);
      const input = /** @type {Record<string, unknown>} */ (args.input);
      try {
        const result = await next(args);
        this.observe(command, input, /** @type {Record<string, unknown>} */ (result.output));
        return result;
      } catch (error) {
        this.observe(command, input, undefined, error);
        throw error;
      }
    };
  }
}
