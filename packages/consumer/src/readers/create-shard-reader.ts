import { FanOutShardReader } from './fan-out-reader.js';
import { PollingShardReader, type PollingShardReaderOptions } from './polling-reader.js';
import type { ShardReader } from './shard-reader.js';

/** What {@link createShardReader} needs: the polling settings, and fan-out's when it applies. */
export type ShardReaderSettings = PollingShardReaderOptions &
  (
    | { readonly mode: 'polling' }
    | {
        readonly mode: 'fan-out';
        readonly consumerName: string;
        readonly deregisterOnStop: boolean;
        readonly consumerStatusPollMs: number;
      }
  );

/** The reader of a mode: GetRecords polling, or enhanced fan-out (SubscribeToShard). */
export function createShardReader(settings: ShardReaderSettings): ShardReader {
  switch (settings.mode) {
    case 'polling':
      return new PollingShardReader(settings);
    case 'fan-out':
      return new FanOutShardReader(settings);
  }
}
