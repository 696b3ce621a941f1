/**
 * @module The `memory` backend: the shared log store over an in-memory log. Nothing survives
 * close(); meant for tests and `--store memory`.
 */

import { LogStore, type LogStoreOptions } from '../log/log-store.js';
import type { Store } from '../store.js';
import { MemoryLog } from './memory-log.js';

export type MemoryStoreOptions = LogStoreOptions;

/** Opens an empty in-memory store. */
export async function openMemoryStore(options: MemoryStoreOptions = {}): Promise<Store> {
  return new LogStore(new MemoryLog(), options);
}
