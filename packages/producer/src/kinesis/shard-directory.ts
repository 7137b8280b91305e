import { type KinesisClient, ListShardsCommand, type Shard } from '@aws-sdk/client-kinesis';
import { ShardMap } from '@kinesis-kit/records';

/** Which stream a producer writes to. */
export type StreamAddress = { readonly StreamName: string } | { readonly StreamARN: string };

/**
 * The producer's view of the stream's shards, loaded with ListShards (every page) and reloaded
 * on demand: periodically, and whenever a record lands on a shard other than the predicted one
 * (the stream was resharded). Loads never overlap; callers share the one in progress.
 */
export class ShardDirectory {
  readonly #client: KinesisClient;
  readonly #stream: StreamAddress;
  #map: ShardMap | undefined;
  #loading: Promise<ShardMap> | undefined;

  constructor(client: KinesisClient, stream: StreamAddress) {
    this.#client = client;
    this.#stream = stream;
  }

  /** The current map, if one was loaded. */
  get map(): ShardMap | undefined {
    return this.#map;
  }

  /** Loads (or reloads) the map; concurrent calls share one load. */
  load(signal?: AbortSignal): Promise<ShardMap> {
    this.#loading ??= this.#fetch(signal)
      .then((map) => {
        this.#map = map;
        return map;
      })
      .finally(() => {
        this.#loading = undefined;
      });
    return this.#loading;
  }

  async #fetch(signal?: AbortSignal): Promise<ShardMap> {
    const shards: Shard[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.#client.send(
        new ListShardsCommand(
          nextToken === undefined ? { ...this.#stream } : { NextToken: nextToken },
        ),
        signal === undefined ? {} : { abortSignal: signal },
      );
      shards.push(...(page.Shards ?? []));
      nextToken = page.NextToken;
    } while (nextToken !== undefined);
    return ShardMap.fromListShards(shards);
  }
}
