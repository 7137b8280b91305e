import type { ShardRecord, StreamState } from '../engine/model.js';

/** Records appended to one shard in one call, in sequence-number order. */
export interface ShardAppend {
  readonly shardId: string;
  readonly records: readonly ShardRecord[];
}

/** What a store holds, as read back at start-up. */
export interface StoredState {
  readonly streams: readonly StreamState[];
  /** Per stream (by `StreamState.name`), per shard id: records in sequence-number order. */
  readonly records: ReadonlyMap<string, ReadonlyMap<string, readonly ShardRecord[]>>;
}

/**
 * Where the engine keeps streams and records. The engine calls it in order and awaits each
 * call before it acknowledges the request that caused it; a store may batch concurrent calls
 * (group commit) but must resolve them in the order they were made.
 */
export interface Store {
  /** Reads everything persisted. Called once, before any other call. */
  load(): Promise<StoredState>;
  /** Persists a stream's metadata (after create and every control-plane change). */
  saveStream(stream: StreamState): Promise<void>;
  /** Removes a stream and all its records. */
  deleteStream(stream: StreamState): Promise<void>;
  /**
   * Appends records to shard logs. Resolves once they are as durable as the store promises
   * (fsync policy); the engine acknowledges them only then.
   */
  append(stream: StreamState, appends: readonly ShardAppend[]): Promise<void>;
  /** Forgets records older than `beforeMs` (retention); may keep some longer, never fewer. */
  trim(stream: StreamState, beforeMs: number): Promise<void>;
  /** Flushes and releases files. */
  close(): Promise<void>;
}
