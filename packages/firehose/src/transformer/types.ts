import type {
  Context,
  FirehoseTransformationEvent,
  FirehoseTransformationResult,
} from 'aws-lambda';

/**
 * The Kinesis metadata Firehose adds when its source is a Kinesis data stream.
 * `subsequenceNumber` is a string in `@types/aws-lambda` and a number in other sources: both
 * are accepted.
 */
export interface KinesisRecordMetadata {
  readonly shardId: string;
  readonly partitionKey: string;
  readonly approximateArrivalTimestamp: number;
  readonly sequenceNumber: string;
  readonly subsequenceNumber: string | number;
}

/** How a transformer hands record data to its function. */
export type DecodeAs = 'bytes' | 'text' | 'json';

/** The data type a {@link DecodeAs} mode produces. */
export type DecodedData<D extends DecodeAs> = D extends 'json'
  ? unknown
  : D extends 'text'
    ? string
    : Uint8Array;

/** One input record, decoded. */
export interface TransformerRecord<TData = Uint8Array> {
  /** Firehose's id of the record; the response must return it exactly once. */
  readonly recordId: string;
  /** The data, decoded as the transformer's `decode` option says. */
  readonly data: TData;
  /** The data as bytes, whatever `decode` says. */
  readonly rawData: Uint8Array;
  /** When Firehose received the record, in milliseconds since the epoch. */
  readonly approximateArrivalTimestamp: number;
  /** Present when the delivery stream reads a Kinesis data stream. */
  readonly kinesisRecordMetadata?: KinesisRecordMetadata;
}

/** What a transformer function learns about the invocation besides its record. */
export interface TransformerContext {
  readonly invocationId: string;
  readonly deliveryStreamArn: string;
  readonly sourceKinesisStreamArn?: string;
  readonly region: string;
  /** Position of the record in the batch. */
  readonly index: number;
  /** The Lambda context, when the handler was given one. */
  readonly lambdaContext?: Context;
}

/** What a transformer function decides for one record: see `ok`, `dropped` and `failed`. */
export type TransformOutcome =
  | {
      readonly result: 'Ok';
      readonly data: Uint8Array | string;
      readonly partitionKeys?: Readonly<Record<string, string>>;
    }
  | { readonly result: 'Dropped' }
  | { readonly result: 'ProcessingFailed'; readonly reason: string };

/**
 * A Firehose data-transformation Lambda handler: what {@link defineTransformer} returns and what
 * a delivery stream's `processor` accepts. Assignable to `FirehoseTransformationHandler`.
 */
export type FirehoseTransformer = (
  event: FirehoseTransformationEvent,
  context?: Context,
) => Promise<FirehoseTransformationResult>;

/**
 * Any data-transformation Lambda handler that returns its result (no callback): what a
 * delivery stream's `processor` and {@link runTransformer} accept.
 */
export type Processor = (
  event: FirehoseTransformationEvent,
  context: Context,
) => Promise<FirehoseTransformationResult> | FirehoseTransformationResult;
