import type { StreamState } from '../engine/model.js';
import type { Store, StoredState } from './store.js';

/**
 * The default store: nothing is persisted (the engine's own in-memory logs are the data), so
 * every call resolves at once and a restart starts empty.
 */
export class MemoryStore implements Store {
  async load(): Promise<StoredState> {
    return { streams: [], records: new Map() };
  }

  async saveStream(_stream: StreamState): Promise<void> {}

  async deleteStream(_stream: StreamState): Promise<void> {}

  async append(): Promise<void> {}

  async trim(): Promise<void> {}

  async close(): Promise<void> {}
}
