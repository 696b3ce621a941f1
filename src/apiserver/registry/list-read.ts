/**
 * @module A list's read from the store: the pages of a key range until `limit` objects pass the
 * filter (as the apiserver does for selectors), continue tokens and remainingItemCount, and the
 * one-key read of a list only one name can be in (a `metadata.name` field selector).
 */
import { newResourceExpired } from '../../api/errors.js';
import type { KubeList, KubeObject } from '../../api/types.js';
import type { Store, StoredValue } from '../../storage/store.js';
import { decodeContinue, encodeContinue } from './continue-token.js';
import type { ListOptions, ObjectFilter } from './rest-types.js';

/** A listed item: its stored value, and the object when the list had to decode it. */
export interface ListedItem {
  stored: StoredValue;
  object?: KubeObject;
}

/** What a list read: its items, and the list's metadata (resourceVersion, continue, remainingItemCount). */
export interface ListRead {
  items: ListedItem[];
  metadata: KubeList['metadata'];
}

export interface PageReadOptions extends Pick<ListOptions, 'limit' | 'continue'> {
  /** Only objects it passes are listed (decoded for it with `decodeForFilter`). */
  filter?: ObjectFilter;
  /** Given: every item is decoded with it. */
  decode?: (stored: StoredValue) => KubeObject;
  decodeForFilter: (stored: StoredValue) => KubeObject;
}

/** The items under `prefix`, page by page, until `limit` of them pass the filter. */
export async function readPages(store: Store, prefix: string, options: PageReadOptions): Promise<ListRead> {
  const { filter, decode } = options;
  const limit = options.limit && options.limit > 0 ? options.limit : 0;
  let after: string | undefined;
  let revision: number | undefined;
  if (options.continue) {
    const token = decodeContinue(options.continue, prefix);
    after = token.afterKey;
    revision = token.revision;
    if (revision < (await store.compactedRevision())) {
      throw newResourceExpired('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.');
    }
  }
  const items: ListedItem[] = [];
  let remaining = 0;
  let lastKey: string | undefined;
  // Read pages until `limit` objects pass the filter, as the apiserver does for selectors.
  for (;;) {
    const page = await store.list(prefix, { after, limit: limit ? Math.max(limit - items.length, 50) : 0 });
    revision ??= page.revision;
    let stoppedEarly = false;
    for (let i = 0; i < page.items.length; i++) {
      const stored = page.items[i];
      const object = decode ? decode(stored) : filter ? options.decodeForFilter(stored) : undefined;
      lastKey = stored.key;
      if (filter && !filter(object!)) continue;
      items.push({ stored, object });
      if (limit && items.length >= limit) {
        stoppedEarly = i < page.items.length - 1 || page.remaining > 0;
        remaining = page.items.length - 1 - i + page.remaining;
        break;
      }
    }
    if (limit && items.length >= limit) {
      if (!stoppedEarly) remaining = 0;
      break;
    }
    if (page.remaining === 0 || page.items.length === 0) {
      remaining = 0;
      break;
    }
    after = page.items[page.items.length - 1].key;
  }
  const metadata: KubeList['metadata'] = { resourceVersion: String(revision) };
  if (remaining > 0 && lastKey) {
    metadata.continue = encodeContinue({ revision: revision!, afterKey: lastKey }, prefix);
    if (!filter) metadata.remainingItemCount = remaining;
  }
  return { items, metadata };
}

/**
 * A list that only one key can be in: that key read alone, at the revision the list reports
 * (read again if a write slipped in between, so that a watch from it misses nothing).
 */
export async function readOneKey(store: Store, key: string, options: { filter?: ObjectFilter; decode: (stored: StoredValue) => KubeObject }): Promise<ListRead> {
  for (;;) {
    const revision = await store.currentRevision();
    const stored = await store.get(key);
    if ((await store.currentRevision()) !== revision) continue;
    const items: ListedItem[] = [];
    if (stored) {
      const object = options.decode(stored);
      if (!options.filter || options.filter(object)) items.push({ stored, object });
    }
    return { items, metadata: { resourceVersion: String(revision) } };
  }
}
