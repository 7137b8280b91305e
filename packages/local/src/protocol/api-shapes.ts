import type { Shape, StructureShape } from './shapes.js';

/** Request shapes of the Kinesis Data Streams API (2013-12-02), as its reference documents them. */

const streamName: Shape = { type: 'string', min: 1, max: 128, pattern: '[a-zA-Z0-9_.-]+' };
const streamArn: Shape = {
  type: 'string',
  min: 1,
  max: 2048,
  pattern: 'arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+',
};
const shardId: Shape = { type: 'string', min: 1, max: 128, pattern: '[a-zA-Z0-9_.-]+' };
const sequenceNumber: Shape = { type: 'string', pattern: '0|([1-9]\\d{0,128})' };
const explicitHashKey: Shape = { type: 'string', pattern: '0|([1-9]\\d{0,38})' };
const hashKey: Shape = explicitHashKey;
const partitionKey: Shape = { type: 'string', min: 1, max: 256 };
/** The model allows 10 MiB (UpdateMaxRecordSize); each stream's own maximum is checked after. */
const data: Shape = { type: 'blob', max: 10 * 1024 * 1024 };
const tagKey = { type: 'string', min: 1, max: 128 } as const;
const tagValue = { type: 'string', min: 0, max: 256 } as const;
const nextToken: Shape = { type: 'string', min: 1, max: 1_048_576 };
const consumerName: Shape = { type: 'string', min: 1, max: 128, pattern: '[a-zA-Z0-9_.-]+' };
const consumerArn: Shape = {
  type: 'string',
  min: 1,
  max: 2048,
  pattern:
    '^(arn):aws.*:kinesis:.*:\\d{12}:.*stream\\/[a-zA-Z0-9_.-]+\\/consumer\\/[a-zA-Z0-9_.-]+:[0-9]+',
};
const consumerMembers = {
  StreamARN: streamArn,
  ConsumerName: consumerName,
  ConsumerARN: consumerArn,
} as const;

/** Every operation that addresses a stream takes its name or its ARN. */
const streamMembers = { StreamName: streamName, StreamARN: streamArn } as const;

function structure(
  members: Record<string, Shape>,
  required: readonly string[] = [],
): StructureShape {
  return { type: 'structure', members, required };
}

export const API_SHAPES = {
  CreateStream: structure(
    {
      StreamName: streamName,
      ShardCount: { type: 'integer', min: 1 },
      StreamModeDetails: structure(
        { StreamMode: { type: 'string', enum: ['PROVISIONED', 'ON_DEMAND'] } },
        ['StreamMode'],
      ),
      Tags: { type: 'map', key: tagKey, value: tagValue, min: 1, max: 50 },
    },
    ['StreamName'],
  ),
  DeleteStream: structure({ ...streamMembers, EnforceConsumerDeletion: { type: 'boolean' } }),
  DescribeStream: structure({
    ...streamMembers,
    Limit: { type: 'integer', min: 1, max: 10_000 },
    ExclusiveStartShardId: shardId,
  }),
  DescribeStreamSummary: structure({ ...streamMembers }),
  ListStreams: structure({
    Limit: { type: 'integer', min: 1, max: 10_000 },
    ExclusiveStartStreamName: streamName,
    NextToken: nextToken,
  }),
  ListShards: structure({
    ...streamMembers,
    NextToken: nextToken,
    ExclusiveStartShardId: shardId,
    MaxResults: { type: 'integer', min: 1, max: 10_000 },
    StreamCreationTimestamp: { type: 'timestamp' },
    ShardFilter: structure(
      {
        Type: {
          type: 'string',
          enum: [
            'AFTER_SHARD_ID',
            'AT_TRIM_HORIZON',
            'FROM_TRIM_HORIZON',
            'AT_LATEST',
            'AT_TIMESTAMP',
            'FROM_TIMESTAMP',
          ],
        },
        ShardId: shardId,
        Timestamp: { type: 'timestamp' },
      },
      ['Type'],
    ),
  }),
  PutRecord: structure(
    {
      ...streamMembers,
      Data: data,
      PartitionKey: partitionKey,
      ExplicitHashKey: explicitHashKey,
      SequenceNumberForOrdering: sequenceNumber,
    },
    ['Data', 'PartitionKey'],
  ),
  PutRecords: structure(
    {
      ...streamMembers,
      Records: {
        type: 'list',
        min: 1,
        max: 500,
        memberLabel: 'com.amazonaws.kinesis.v20131202.PutRecordsRequestEntry@c965e310',
        member: structure(
          { Data: data, ExplicitHashKey: explicitHashKey, PartitionKey: partitionKey },
          ['Data', 'PartitionKey'],
        ),
      },
    },
    ['Records'],
  ),
  GetShardIterator: structure(
    {
      ...streamMembers,
      ShardId: shardId,
      ShardIteratorType: {
        type: 'string',
        // In the order AWS lists them in its ValidationException message.
        enum: [
          'AFTER_SEQUENCE_NUMBER',
          'LATEST',
          'AT_TIMESTAMP',
          'AT_SEQUENCE_NUMBER',
          'TRIM_HORIZON',
        ],
      },
      StartingSequenceNumber: sequenceNumber,
      Timestamp: { type: 'timestamp' },
    },
    ['ShardId', 'ShardIteratorType'],
  ),
  GetRecords: structure(
    {
      ShardIterator: { type: 'string', min: 1, max: 512 },
      Limit: { type: 'integer', min: 1, max: 10_000 },
      StreamARN: streamArn,
    },
    ['ShardIterator'],
  ),
  IncreaseStreamRetentionPeriod: structure(
    { ...streamMembers, RetentionPeriodHours: { type: 'integer', min: 1, max: 8760 } },
    ['RetentionPeriodHours'],
  ),
  DecreaseStreamRetentionPeriod: structure(
    { ...streamMembers, RetentionPeriodHours: { type: 'integer', min: 1, max: 8760 } },
    ['RetentionPeriodHours'],
  ),
  AddTagsToStream: structure(
    { ...streamMembers, Tags: { type: 'map', key: tagKey, value: tagValue, min: 1, max: 10 } },
    ['Tags'],
  ),
  ListTagsForStream: structure({
    ...streamMembers,
    ExclusiveStartTagKey: tagKey,
    Limit: { type: 'integer', min: 1, max: 50 },
  }),
  RemoveTagsFromStream: structure(
    {
      ...streamMembers,
      TagKeys: { type: 'list', member: tagKey, min: 1, max: 50 },
    },
    ['TagKeys'],
  ),
  DescribeLimits: structure({}),
  UpdateMaxRecordSize: structure(
    { StreamARN: streamArn, MaxRecordSizeInKiB: { type: 'integer', min: 1024, max: 10240 } },
    ['StreamARN', 'MaxRecordSizeInKiB'],
  ),
  SplitShard: structure({ ...streamMembers, ShardToSplit: shardId, NewStartingHashKey: hashKey }, [
    'ShardToSplit',
    'NewStartingHashKey',
  ]),
  MergeShards: structure(
    { ...streamMembers, ShardToMerge: shardId, AdjacentShardToMerge: shardId },
    ['ShardToMerge', 'AdjacentShardToMerge'],
  ),
  UpdateShardCount: structure(
    {
      ...streamMembers,
      TargetShardCount: { type: 'integer', min: 1, max: 100_000 },
      ScalingType: { type: 'string', enum: ['UNIFORM_SCALING'] },
    },
    ['TargetShardCount', 'ScalingType'],
  ),
  UpdateStreamMode: structure(
    {
      StreamARN: streamArn,
      StreamModeDetails: structure(
        { StreamMode: { type: 'string', enum: ['PROVISIONED', 'ON_DEMAND'] } },
        ['StreamMode'],
      ),
    },
    ['StreamARN', 'StreamModeDetails'],
  ),
  RegisterStreamConsumer: structure(
    {
      StreamARN: streamArn,
      ConsumerName: consumerName,
      Tags: { type: 'map', key: tagKey, value: tagValue, min: 1, max: 50 },
    },
    ['StreamARN', 'ConsumerName'],
  ),
  DeregisterStreamConsumer: structure({ ...consumerMembers }),
  DescribeStreamConsumer: structure({ ...consumerMembers }),
  ListStreamConsumers: structure(
    {
      StreamARN: streamArn,
      NextToken: nextToken,
      MaxResults: { type: 'integer', min: 1, max: 10_000 },
      StreamCreationTimestamp: { type: 'timestamp' },
    },
    ['StreamARN'],
  ),
  SubscribeToShard: structure(
    {
      ConsumerARN: consumerArn,
      ShardId: shardId,
      StartingPosition: structure(
        {
          Type: {
            type: 'string',
            enum: [
              'AT_SEQUENCE_NUMBER',
              'AFTER_SEQUENCE_NUMBER',
              'TRIM_HORIZON',
              'LATEST',
              'AT_TIMESTAMP',
            ],
          },
          SequenceNumber: sequenceNumber,
          Timestamp: { type: 'timestamp' },
        },
        ['Type'],
      ),
    },
    ['ConsumerARN', 'ShardId', 'StartingPosition'],
  ),
} as const satisfies Record<string, StructureShape>;

export type OperationName = keyof typeof API_SHAPES;
