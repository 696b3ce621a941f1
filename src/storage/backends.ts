/**
 * @module The table of storage backends, one explicit entry each (kine's `drivers.Register`,
 * without the side effects): `--store <kind>` picks the entry.
 */

import type { LogStoreOptions } from './log/log-store.js';
import { openMemoryStore } from './memory/memory-store.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

export interface StoreOptions extends LogStoreOptions {
  /** The cluster's data directory; persistent backends keep their files in it. */
  dataDir: string;
}

export type OpenStore = (options: StoreOptions) => Promise<Store>;

export const backends = {
  memory: openMemoryStore,
  sqlite: openSqliteStore,
} as const satisfies Record<string, OpenStore>;

export type StoreKind = keyof typeof backends;

/** Whether `name` names a backend (for flag parsing). */
export function isStoreKind(name: string): name is StoreKind {
  return Object.hasOwn(backends, name);
}

/** Opens the backend `kind` with `options`. */
export function openStore(kind: StoreKind, options: StoreOptions): Promise<Store> {
  const open: OpenStore = backends[kind];
  return open(options);
}
