import {
  type KinesisClient,
  ListShardsCommand,
  type ListShardsCommandOutput,
} from '@aws-sdk/client-kinesis';
import { classifyError } from '@kinesis-kit/records';
import { KinesisRequestError } from './errors.js';
import type { ShardLineage } from './shard-assignment.js';
import type { StreamAddress } from './stream-address.js';

/** Every shard of the stream within retention (ListShards, all pages), as lineage. */
export async function listShards(
  client: KinesisClient,
  stream: StreamAddress,
  signal: AbortSignal,
): Promise<ShardLineage[]> {
  const shards: ShardLineage[] = [];
  let nextToken: string | undefined;
  do {
    let page: ListShardsCommandOutput;
    try {
      page = await client.send(
        new ListShardsCommand(nextToken === undefined ? { ...stream } : { NextToken: nextToken }),
        { abortSignal: signal },
      );
    } catch (error) {
      const { code, message, retriable } = classifyError(error);
      throw new KinesisRequestError('ListShards', code, message, { retriable, cause: error });
    }
    for (const shard of page.Shards ?? []) {
      if (!shard.ShardId) continue;
      shards.push({
        shardId: shard.ShardId,
        parentShardIds: [shard.ParentShardId, shard.AdjacentParentShardId].filter(
          (id): id is string => typeof id === 'string' && id.length > 0,
        ),
        closed: shard.SequenceNumberRange?.EndingSequenceNumber !== undefined,
        listed: true,
      });
    }
    nextToken = page.NextToken;
  } while (nextToken !== undefined);
  return shards;
}
