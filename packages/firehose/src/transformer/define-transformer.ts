import type { Logger } from '@kinesis-kit/records';
import { FIREHOSE_LIMITS, InvalidArgumentError, silentLogger } from '@kinesis-kit/records';
import type {
  Context,
  FirehoseTransformationEvent,
  FirehoseTransformationEventRecord,
  FirehoseTransformationResult,
  FirehoseTransformationResultRecord,
} from 'aws-lambda';
import { DEFAULTS } from '../defaults.js';
import { requireRange } from '../shared/require-range.js';
import { decodeBase64, encodeBase64, isBase64 } from './base64.js';
import { rememberFailureReasons } from './failure-reasons.js';
import { mapBounded } from './map-bounded.js';
import { fitResponse } from './response-size.js';
import { DEFAULT_FAILURE_REASON } from './results.js';
import type {
  DecodeAs,
  DecodedData,
  FirehoseTransformer,
  TransformerContext,
  TransformerRecord,
  TransformOutcome,
} from './types.js';

/** Options of {@link defineTransformer}. */
export interface TransformerOptions<D extends DecodeAs = 'bytes'> {
  /**
   * How the function receives `record.data`: `'bytes'` (a `Uint8Array`), `'text'` (UTF-8;
   * invalid UTF-8 fails the record) or `'json'` (parsed; invalid JSON fails the record).
   * @default 'bytes'
   */
  readonly decode?: D;
  /**
   * Records of one batch transformed at once. Output order always matches input order.
   * @default 1
   */
  readonly concurrency?: number;
  /**
   * Told about every failed record (warn) with its id and reason.
   * @default a silent logger
   */
  readonly logger?: Logger;
  /**
   * What to do with records whose output does not fit the 6 MB response: without this they
   * fail (ProcessingFailed, with a reason naming the cap); with it, as AWS's blueprint does,
   * their *input* is put back into the source (the delivery stream with PutRecordBatch, or the
   * Kinesis stream with PutRecords) to be transformed again in a later invocation, and they are
   * answered Dropped. The function resolves with the ids it put back; the others fail with the
   * reason. A record whose output could never fit a response alone is failed, not put back
   * (it would come back forever).
   * @default none: overflowing records fail
   */
  readonly reingest?: Reingest;
}

/** A record to put back into the source: its input data, and its Kinesis partition key if any. */
export interface ReingestRecord {
  readonly recordId: string;
  readonly data: Uint8Array;
  /** The source Kinesis record's partition key (Kinesis-stream sources only). */
  readonly partitionKey?: string;
}

/** Puts records back into the source; resolves with the ids it put (it may reject: all fail). */
export type Reingest = (records: readonly ReingestRecord[]) => Promise<Iterable<string>>;

/** A transformer function: one record in, one outcome out (`ok`, `dropped` or `failed`). */
export type TransformFunction<TData> = (
  record: TransformerRecord<TData>,
  context: TransformerContext,
) => TransformOutcome | Promise<TransformOutcome>;

const utf8 = new TextDecoder('utf-8', { fatal: true });

type Decoded<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; reason: string };

function decodeData(raw: Uint8Array, mode: DecodeAs): Decoded<unknown> {
  if (mode === 'bytes') return { ok: true, value: raw };
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    return { ok: false, reason: 'data is not valid UTF-8' };
  }
  if (mode === 'text') return { ok: true, value: text };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, reason: `data is not valid JSON: ${(error as Error).message}` };
  }
}

function describeOutcomeProblem(outcome: unknown): string | undefined {
  if (typeof outcome !== 'object' || outcome === null || !('result' in outcome)) {
    return `the transformer returned ${String(outcome)} instead of ok(), dropped() or failed()`;
  }
  const { result } = outcome as { result: unknown };
  if (result === 'Dropped') return undefined;
  if (result === 'ProcessingFailed') {
    const { reason } = outcome as { reason?: unknown };
    return reason === undefined || typeof reason === 'string'
      ? undefined
      : 'failed() reason must be a string';
  }
  if (result !== 'Ok') return `the transformer returned an unknown result ${String(result)}`;
  const { data, partitionKeys } = outcome as unknown as { data: unknown; partitionKeys?: unknown };
  if (typeof data !== 'string' && !(data instanceof Uint8Array)) {
    return 'ok() data must be a string or a Uint8Array';
  }
  if (partitionKeys === undefined) return undefined;
  const values = typeof partitionKeys === 'object' && partitionKeys !== null ? partitionKeys : {};
  if (values !== partitionKeys || Object.values(values).some((v) => typeof v !== 'string')) {
    return 'ok() partitionKeys must map names to strings';
  }
  return undefined;
}

function describeThrown(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/**
 * Turns a function of one record into a Firehose data-transformation Lambda handler. The handler
 * decodes each record (base64, then bytes, text or JSON), calls `fn` with it and the Kinesis
 * metadata when present, and answers every recordId exactly once, in input order, base64
 * encoded. A throw or a record that cannot be decoded becomes ProcessingFailed with the reason;
 * one record's failure never affects another. The response never exceeds 6,291,456 bytes:
 * records that would push it over fail (ProcessingFailed, with a reason naming the cap) while
 * earlier records keep their place, or, with `reingest`, are put back into the source and
 * answered Dropped, as AWS's blueprint does.
 *
 * @example
 * ```ts
 * import { defineTransformer, dropped, ok, toNdjson } from '@kinesis-kit/firehose';
 *
 * export const handler = defineTransformer(
 *   (record) => {
 *     const click = record.data as { url: string; bot?: boolean };
 *     return click.bot ? dropped() : ok(toNdjson({ url: click.url }));
 *   },
 *   { decode: 'json' },
 * );
 * ```
 */
export function defineTransformer<D extends DecodeAs = 'bytes'>(
  fn: TransformFunction<DecodedData<D>>,
  options: TransformerOptions<D> = {},
): FirehoseTransformer {
  const mode: DecodeAs = options.decode ?? DEFAULTS.decode;
  const concurrency = options.concurrency ?? DEFAULTS.concurrency;
  requireRange('concurrency', concurrency, 1, Number.MAX_SAFE_INTEGER);
  const logger = options.logger ?? silentLogger;

  return async (event: FirehoseTransformationEvent, lambdaContext?: Context) => {
    if (typeof event !== 'object' || event === null || !Array.isArray(event.records)) {
      throw new InvalidArgumentError('event must be a Firehose transformation event with records');
    }
    const reasons = new Map<string, string>();
    const fail = (input: FirehoseTransformationEventRecord, reason: string) => {
      reasons.set(input.recordId, reason);
      logger.warn('record failed', { recordId: input.recordId, reason });
      // Echo the input as AWS's blueprints do, unless it is the bad base64 that failed it.
      return {
        recordId: input.recordId,
        result: 'ProcessingFailed',
        ...(isBase64(input.data) && { data: input.data }),
      } as const;
    };

    const transformOne = async (
      input: FirehoseTransformationEventRecord,
      index: number,
    ): Promise<FirehoseTransformationResultRecord> => {
      const raw = decodeBase64(input.data);
      if (raw === undefined) return fail(input, 'data is not valid base64');
      const decoded = decodeData(raw, mode);
      if (!decoded.ok) return fail(input, decoded.reason);
      const record: TransformerRecord<unknown> = {
        recordId: input.recordId,
        data: decoded.value,
        rawData: raw,
        approximateArrivalTimestamp: input.approximateArrivalTimestamp,
        ...(input.kinesisRecordMetadata && { kinesisRecordMetadata: input.kinesisRecordMetadata }),
      };
      const context: TransformerContext = {
        invocationId: event.invocationId,
        deliveryStreamArn: event.deliveryStreamArn,
        region: event.region,
        index,
        ...(event.sourceKinesisStreamArn !== undefined && {
          sourceKinesisStreamArn: event.sourceKinesisStreamArn,
        }),
        ...(lambdaContext !== undefined && { lambdaContext }),
      };
      let outcome: TransformOutcome;
      try {
        outcome = await fn(record as TransformerRecord<DecodedData<D>>, context);
      } catch (error) {
        return fail(input, describeThrown(error));
      }
      const problem = describeOutcomeProblem(outcome);
      if (problem !== undefined) return fail(input, problem);
      switch (outcome.result) {
        case 'Dropped':
          return { recordId: input.recordId, result: 'Dropped' };
        case 'ProcessingFailed':
          return fail(input, outcome.reason || DEFAULT_FAILURE_REASON);
        case 'Ok':
          return {
            recordId: input.recordId,
            result: 'Ok',
            data: encodeBase64(outcome.data),
            ...(outcome.partitionKeys && {
              metadata: { partitionKeys: { ...outcome.partitionKeys } },
            }),
          };
      }
    };

    const transformed = await mapBounded(event.records, concurrency, transformOne);
    const fitted = fitResponse(transformed, FIREHOSE_LIMITS.lambdaMaxPayloadBytes);
    const capReason = `the response would exceed Firehose's ${FIREHOSE_LIMITS.lambdaMaxPayloadBytes.toLocaleString('en-US')}-byte limit`;
    const reingested =
      options.reingest === undefined || fitted.overflowed.size === 0
        ? new Map<string, string>()
        : await reingestOverflow(event, transformed, fitted.overflowed, options.reingest);
    const records = fitted.records.map((record) =>
      reingested.get(record.recordId) === REINGESTED
        ? { recordId: record.recordId, result: 'Dropped' as const }
        : record,
    );
    for (const recordId of fitted.overflowed) {
      const outcome = reingested.get(recordId);
      if (outcome === REINGESTED) continue;
      const reason = outcome ?? capReason;
      reasons.set(recordId, reason);
      logger.warn('record failed', { recordId, reason });
    }
    const result: FirehoseTransformationResult = { records };
    rememberFailureReasons(result, reasons);
    return result;
  };
}

const REINGESTED = 'reingested';

/**
 * Puts the overflowing records' input back into the source. Returns, by record id, REINGESTED
 * or the reason it was not (a record that could never fit alone, a refusal, an error).
 */
async function reingestOverflow(
  event: FirehoseTransformationEvent,
  transformed: readonly FirehoseTransformationResultRecord[],
  overflowed: ReadonlySet<string>,
  reingest: Reingest,
): Promise<Map<string, string>> {
  const outcomes = new Map<string, string>();
  const cap = FIREHOSE_LIMITS.lambdaMaxPayloadBytes;
  const candidates: ReingestRecord[] = [];
  event.records.forEach((input, index) => {
    if (!overflowed.has(input.recordId)) return;
    const alone = Buffer.byteLength(JSON.stringify({ records: [transformed[index]] }));
    if (alone > cap) {
      outcomes.set(
        input.recordId,
        `its output alone (${alone.toLocaleString('en-US')} bytes of response) exceeds Firehose's ${cap.toLocaleString('en-US')}-byte limit`,
      );
      return;
    }
    const partitionKey = input.kinesisRecordMetadata?.partitionKey;
    candidates.push({
      recordId: input.recordId,
      data: decodeBase64(input.data) as Uint8Array,
      ...(partitionKey !== undefined && { partitionKey }),
    });
  });
  if (candidates.length === 0) return outcomes;
  let put: Set<string>;
  try {
    put = new Set(await reingest(candidates));
  } catch (error) {
    const reason = `the response would exceed Firehose's limit and re-ingesting failed: ${describeThrown(error)}`;
    for (const candidate of candidates) outcomes.set(candidate.recordId, reason);
    return outcomes;
  }
  for (const candidate of candidates) {
    outcomes.set(
      candidate.recordId,
      put.has(candidate.recordId)
        ? REINGESTED
        : "the response would exceed Firehose's limit and the record was not re-ingested",
    );
  }
  return outcomes;
}
