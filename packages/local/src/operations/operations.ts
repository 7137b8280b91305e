import type { Engine } from '../engine/engine.js';
import { API_SHAPES, type OperationName } from '../protocol/api-shapes.js';
import type { ParsedInput, StructureShape } from '../protocol/shapes.js';
import {
  deregisterStreamConsumer,
  describeStreamConsumer,
  listStreamConsumers,
  registerStreamConsumer,
} from './consumer-operations.js';
import { getRecords, getShardIterator, putRecord, putRecords } from './record-operations.js';
import {
  mergeShards,
  splitShard,
  updateShardCount,
  updateStreamMode,
} from './resharding-operations.js';
import {
  addTagsToStream,
  changeRetention,
  createStream,
  deleteStream,
  describeLimits,
  describeStream,
  describeStreamSummary,
  listShards,
  listStreams,
  listTagsForStream,
  removeTagsFromStream,
  updateMaxRecordSize,
} from './stream-operations.js';
import { subscribeToShard } from './subscribe-to-shard.js';

/** An API operation: its request shape and what it does. */
export interface Operation {
  readonly input: StructureShape;
  readonly run: (engine: Engine, input: ParsedInput) => object | Promise<object>;
}

const HANDLERS: Record<OperationName, Operation['run']> = {
  CreateStream: createStream,
  DeleteStream: deleteStream,
  DescribeStream: describeStream,
  DescribeStreamSummary: describeStreamSummary,
  ListStreams: listStreams,
  ListShards: listShards,
  PutRecord: putRecord,
  PutRecords: putRecords,
  GetShardIterator: getShardIterator,
  GetRecords: getRecords,
  IncreaseStreamRetentionPeriod: (engine, input) => changeRetention(engine, input, 'increase'),
  DecreaseStreamRetentionPeriod: (engine, input) => changeRetention(engine, input, 'decrease'),
  AddTagsToStream: addTagsToStream,
  ListTagsForStream: listTagsForStream,
  RemoveTagsFromStream: removeTagsFromStream,
  DescribeLimits: describeLimits,
  UpdateMaxRecordSize: updateMaxRecordSize,
  SplitShard: splitShard,
  MergeShards: mergeShards,
  UpdateShardCount: updateShardCount,
  UpdateStreamMode: updateStreamMode,
  RegisterStreamConsumer: registerStreamConsumer,
  DeregisterStreamConsumer: deregisterStreamConsumer,
  DescribeStreamConsumer: describeStreamConsumer,
  ListStreamConsumers: listStreamConsumers,
  SubscribeToShard: subscribeToShard,
};

/** The operations the endpoint implements, by name. */
export const OPERATIONS: ReadonlyMap<string, Operation> = new Map(
  (Object.keys(HANDLERS) as OperationName[]).map((name) => [
    name,
    { input: API_SHAPES[name], run: HANDLERS[name] },
  ]),
);
