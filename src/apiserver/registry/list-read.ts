/**
 * @module A list's read from the store: which revision it reads (resourceVersion,
 * resourceVersionMatch and continue tokens as kube-apiserver serves them), the pages of a key
 * range until `limit` objects pass the filter (as the apiserver does for selectors), continue
 * tokens and remainingItemCount, and the one-key read of a list only one name can be in (a
 * `metadata.name` field selector).
 *
 * Which state a list answers (API concepts, "Resource versions"; etcd3 store.go GetList and
 * the cacher's delegation rules):
 * - no resourceVersion: the most recent state. `0`: any state; kubito's is the most recent.
 * - `resourceVersionMatch=Exact`, or a resourceVersion N > 0 with a `limit` and no match (the
 *   legacy rule): the state at revision N exactly, labelled N; its continue tokens carry N. 410
 *   Expired when N is compacted.
 * - `resourceVersionMatch=NotOlderThan`, or N without a limit and no match: at least as new as
 *   N; the most recent state.
 * - N newer than the store (NotOlderThan or Exact): the list waits up to 3 seconds for the
 *   store to reach it (the watch cache's wait), then answers 504 "Too large resource version".
 * - a continue token: the next page at the token's revision, so that every page of a list is
 *   one snapshot; when that revision is compacted, 410 Expired with a token that continues at
 *   the most recent revision (revision -1), as etcd3's handleCompactedErrorForPaging does.
 */
import { newBadRequest, newInvalid, newResourceExpired, newTimeout, StatusError } from '../../api/errors.js';
import type { KubeList, KubeObject } from '../../api/types.js';
import { forbidden, notSupported } from '../../api/validation/field-errors.js';
import { isStoreError } from '../../storage/errors.js';
import type { Store, StoredValue } from '../../storage/store.js';
import { decodeContinue, encodeContinue } from './continue-token.js';
import type { ListOptions, ObjectFilter } from './rest-types.js';

/** How long a list for a revision the store has not reached waits for it (the cacher's blockTimeout). */
export const FRESH_WAIT_MS = 3000;

const EXPIRED_LIST = 'The resourceVersion for the provided list is too old.';
const INCONSISTENT_CONTINUE = 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

/** Where a list reads: at `revision` (absent: the most recent), from after `after` (a continue token's key). */
export interface ListReadAt {
  revision?: number;
  after?: string;
  /** Set for a continued list: a compacted revision is then answered with an inconsistent-continue token. */
  continued?: boolean;
}

/** The list and watch options that ValidateListOptions checks; `sendInitialEvents`: whether the query has it (true or false). */
export type CheckedListOptions = Pick<ListOptions, 'resourceVersion' | 'resourceVersionMatch' | 'continue'> & { sendInitialEvents?: boolean };

/**
 * ValidateListOptions (apimachinery's internalversion validation) for a list: 422 Invalid on
 * ListOptions.meta.k8s.io.
 */
export function validateListOptions(options: CheckedListOptions): void {
  const match = options.resourceVersionMatch ?? '';
  const errs = [];
  if (match !== '') {
    if (!options.resourceVersion) errs.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden unless resourceVersion is provided'));
    if (options.continue) errs.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
    if (match !== 'Exact' && match !== 'NotOlderThan') errs.push(notSupported('resourceVersionMatch', match, ['Exact', 'NotOlderThan', '']));
    if (match === 'Exact' && options.resourceVersion === '0') errs.push(forbidden('resourceVersionMatch', 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'));
  }
  if (options.sendInitialEvents !== undefined) errs.push(forbidden('sendInitialEvents', 'sendInitialEvents is forbidden for list'));
  if (errs.length > 0) throw newInvalid(LIST_OPTIONS, '', errs);
}

/**
 * ValidateListOptions for a watch, as kube-apiserver 1.33 runs it: with the WatchList feature
 * gate off, its default there (on in 1.32 and from 1.34), so a watch that asks for initial
 * events (`sendInitialEvents`, what client-go's reflector sends with WatchListClient on) is
 * 422 Invalid, and the reflector falls back to a list and a watch. kubito does not serve
 * watch-list streams (the initial-events-end bookmark); see the apiserver README.
 */
export function validateWatchOptions(options: CheckedListOptions): void {
  const match = options.resourceVersionMatch ?? '';
  const errs = [];
  if (options.sendInitialEvents !== undefined) {
    if (match !== 'NotOlderThan') errs.push(forbidden('resourceVersionMatch', 'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan'));
    errs.push(forbidden('sendInitialEvents', 'sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled'));
  }
  if (match !== '') {
    if (options.sendInitialEvents === undefined) errs.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided'));
    if (match !== 'NotOlderThan') errs.push(notSupported('resourceVersionMatch', match, ['NotOlderThan']));
    if (options.continue) errs.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
  }
  if (errs.length > 0) throw newInvalid(LIST_OPTIONS, '', errs);
}

const LIST_OPTIONS = { group: 'meta.k8s.io', kind: 'ListOptions' };

/**
 * Where a list reads (see the module comment): validates its options, decodes its continue
 * token, and waits (up to `waitMs`) for a revision the store has not reached.
 */
export async function listReadAt(store: Store, prefix: string, options: Pick<ListOptions, 'resourceVersion' | 'resourceVersionMatch' | 'continue' | 'limit'>, waitMs = FRESH_WAIT_MS): Promise<ListReadAt> {
  validateListOptions(options);
  const rv = options.resourceVersion ?? '';
  if (options.continue) {
    const token = decodeContinue(options.continue, prefix);
    if (rv !== '' && rv !== '0') throw newBadRequest('specifying resource version is not allowed when using continue');
    return { revision: token.revision < 0 ? undefined : token.revision, after: token.afterKey, continued: true };
  }
  if (rv === '' || rv === '0') return {};
  const revision = parseResourceVersion(rv);
  const match = options.resourceVersionMatch ?? '';
  const exact = match === 'Exact' || (match === '' && (options.limit ?? 0) > 0 && revision > 0);
  await waitForRevision(store, revision, waitMs);
  return exact ? { revision } : {};
}

/** A resourceVersion other than '' as a revision: a decimal integer (strconv.ParseUint), else 400. */
export function parseResourceVersion(rv: string): number {
  if (!/^[0-9]+$/.test(rv) || !Number.isSafeInteger(Number(rv))) {
    throw newBadRequest(`invalid resource version: resourceVersion: Invalid value: ${JSON.stringify(rv)}: strconv.ParseUint: parsing ${JSON.stringify(rv)}: invalid syntax`);
  }
  return Number(rv);
}

/** Resolves once the store's revision is at least `revision`; 504 Too large resource version after `waitMs`. */
async function waitForRevision(store: Store, revision: number, waitMs: number): Promise<void> {
  const current = await store.currentRevision();
  if (current >= revision) return;
  let watch: { stop(): void } | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(() => {
        void store.currentRevision().then((now) => reject(tooLargeResourceVersion(revision, now)), reject);
      }, waitMs);
      store.watch('/', current, {
        onEvent: (event) => {
          if (event.value.modRevision >= revision) resolve();
        },
        onClose: (err) => reject(err ?? new Error('the store closed')),
      }).then((w) => {
        watch = w;
      }, reject);
    });
  } finally {
    clearTimeout(timer);
    watch?.stop();
  }
}

/** storage.NewTooLargeResourceVersionError: 504 Timeout, cause ResourceVersionTooLarge, retry after 1 second. */
function tooLargeResourceVersion(revision: number, current: number): StatusError {
  const err = newTimeout(`Timeout: Too large resource version: ${revision}, current: ${current}`, 1);
  err.status.details = { ...err.status.details, causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }] };
  return err;
}

/** A store list at `at.revision`, its store errors turned into the API's (410 Expired, 504). */
async function listAt(store: Store, prefix: string, at: ListReadAt, after: string | undefined, limit: number, revision: number | undefined) {
  try {
    return await store.list(prefix, revision === undefined ? { after, limit } : { after, limit, revision });
  } catch (err) {
    if (isStoreError(err, 'Compacted')) {
      if (!at.continued || at.after === undefined) throw newResourceExpired(EXPIRED_LIST);
      const expired = newResourceExpired(INCONSISTENT_CONTINUE);
      expired.status.metadata = { continue: encodeContinue({ revision: -1, afterKey: at.after }, prefix) };
      throw expired;
    }
    if (isStoreError(err, 'FutureRevision')) throw tooLargeResourceVersion(revision ?? 0, await store.currentRevision());
    throw err;
  }
}

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

export interface PageReadOptions extends Pick<ListOptions, 'limit'> {
  /** Only objects it passes are listed (decoded for it with `decodeForFilter`). */
  filter?: ObjectFilter;
  /** Given: every item is decoded with it. */
  decode?: (stored: StoredValue) => KubeObject;
  decodeForFilter: (stored: StoredValue) => KubeObject;
}

/** The items under `prefix` at `at` (listReadAt), page by page, until `limit` of them pass the filter. */
export async function readPages(store: Store, prefix: string, at: ListReadAt, options: PageReadOptions): Promise<ListRead> {
  const { filter, decode } = options;
  const limit = options.limit && options.limit > 0 ? options.limit : 0;
  let after = at.after;
  let revision = at.revision;
  const items: ListedItem[] = [];
  let remaining = 0;
  let lastKey: string | undefined;
  // Read pages until `limit` objects pass the filter, as the apiserver does for selectors.
  for (;;) {
    // Every page after the first is read at the first one's revision: one snapshot.
    const page = await listAt(store, prefix, at, after, limit ? Math.max(limit - items.length, 50) : 0, revision);
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
