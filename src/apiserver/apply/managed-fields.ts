/**
 * @module metadata.managedFields in and out (k8s.io/apimachinery managedfields/internal:
 * managedfields.go, capmanagers.go): entries are keyed by a manager identifier (the entry
 * without time and fields, as JSON), decoded into field sets, encoded back in upstream's order
 * (Apply before Update, then by time, manager, apiVersion, subresource), and Update entries
 * are capped at ten by folding the oldest into "ancient-changes".
 */
import type { ManagedFieldsEntry } from '../../api/types.js';
import { goJson, goQuote } from '../patch/go-format.js';
import { FieldSet } from './field-set.js';

/** What one manager owns, at which API version, and whether it was applied. */
export interface VersionedSet {
  set: FieldSet;
  apiVersion: string;
  applied: boolean;
}

/** All managers' sets and last-change times, by manager identifier. */
export interface Managed {
  fields: Map<string, VersionedSet>;
  times: Map<string, string | undefined>;
  /**
   * The decoded entries that are exactly what encoding their manager's set would write (see
   * `canonicalEntry`), with that set: encoding gives a manager whose set and time did not
   * change this same entry object back, instead of building it and parsing its fieldsV1 again.
   */
  sources?: Map<string, { entry: ManagedFieldsEntry; set: FieldSet }>;
}

export function emptyManaged(): Managed {
  return { fields: new Map(), times: new Map() };
}

export function cloneManaged(m: Managed): Managed {
  return { fields: new Map(m.fields), times: new Map(m.times), sources: m.sources };
}

/** Upstream's default cap on Update managers (DefaultMaxUpdateManagers). */
export const MAX_UPDATE_MANAGERS = 10;

interface Identity {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion?: string;
  subresource?: string;
}

/**
 * BuildManagerIdentifier: the entry as JSON without time, fields and (for Apply) apiVersion,
 * e.g. `{"manager":"kubectl","operation":"Update","apiVersion":"v1"}`.
 */
export function managerId(id: Identity): string {
  const parts = [`"manager":${goJson(id.manager)}`, `"operation":${goJson(id.operation)}`];
  if (id.operation !== 'Apply' && id.apiVersion) parts.push(`"apiVersion":${goJson(id.apiVersion)}`);
  if (id.subresource) parts.push(`"subresource":${goJson(id.subresource)}`);
  return `{${parts.join(',')}}`;
}

/** Parsed identifiers: a server writes for few managers. Identities are never modified. */
const parsedIds = new Map<string, Identity>();
const PARSED_IDS = 256;

function parseId(id: string): Identity {
  let info = parsedIds.get(id);
  if (info === undefined) {
    info = JSON.parse(id) as Identity;
    if (parsedIds.size >= PARSED_IDS) parsedIds.clear();
    parsedIds.set(id, info);
  }
  return info;
}

/**
 * printManager of conflict messages: `"kubectl-client-side-apply" using v1` for an Update
 * manager, `"kubectl"` for an applier, with `with subresource "status"` when there is one.
 */
export function printManager(id: string): string {
  let info: Identity;
  try {
    info = parseId(id);
  } catch {
    return goQuote(id);
  }
  let out = goQuote(info.manager ?? '');
  if (info.subresource) out += ` with subresource ${goQuote(info.subresource)}`;
  if (info.operation === 'Update') out += ` using ${info.apiVersion ?? ''}`;
  return out;
}

/**
 * Field sets by the JSON text of their fieldsV1, and back. An object's managedFields change
 * little from one write to the next (a status patch changes its writer's entry at most), so
 * the entries of the other managers are decoded and encoded once, not on every write. Sets
 * are never modified once built (every FieldSet operation returns a new set), so sharing one
 * is safe; entries get their own fieldsV1 object, parsed from the text.
 */
const decodedSets = new Map<string, FieldSet>();
const encodedSets = new WeakMap<FieldSet, string>();
const DECODED_SETS = 1024;

function remember(text: string, set: FieldSet): void {
  if (decodedSets.size >= DECODED_SETS) decodedSets.clear();
  // The set's encoding is `text` (the caller checked): decoding it again gives this set.
  decodedSets.set(text, set);
  encodedSets.set(set, text);
}

/** The JSON text of a set's fieldsV1 (what toFieldsV1 gives, as JSON.stringify writes it). */
function fieldsText(set: FieldSet): string {
  let text = encodedSets.get(set);
  if (text === undefined) {
    text = set.toFieldsV1Text();
    remember(text, set);
  }
  return text;
}

/** The keys of an entry as encodeManagedFields writes them, in its order (time and subresource only when set). */
const ENTRY_KEYS = ['manager', 'operation', 'apiVersion', 'time', 'fieldsType', 'fieldsV1', 'subresource'];

/**
 * Whether encoding the entry's manager (its set encoded as `text`) would write this entry again,
 * key for key and in the same order: then the entry itself can stand for that encoding.
 */
function canonicalEntry(e: ManagedFieldsEntry, set: FieldSet, text: string): boolean {
  if (typeof e.manager !== 'string' || typeof e.apiVersion !== 'string' || e.fieldsV1 === null || typeof e.fieldsV1 !== 'object' || Array.isArray(e.fieldsV1)) return false;
  if (encodedSets.get(set) !== text) return false;
  let i = 0;
  for (const key of Object.keys(e)) {
    while (i < ENTRY_KEYS.length && ENTRY_KEYS[i] !== key) {
      // Only time and subresource may be left out, and only when empty.
      if (ENTRY_KEYS[i] !== 'time' && ENTRY_KEYS[i] !== 'subresource') return false;
      i++;
    }
    if (i === ENTRY_KEYS.length) return false;
    i++;
  }
  for (; i < ENTRY_KEYS.length; i++) if (ENTRY_KEYS[i] !== 'subresource') return false;
  if ('time' in e && (typeof e.time !== 'string' || e.time === '')) return false;
  if ('subresource' in e && (typeof e.subresource !== 'string' || e.subresource === '')) return false;
  return true;
}

/** Decodes metadata.managedFields; throws Error with upstream's message when an entry is malformed. */
export function decodeManagedFields(entries: ManagedFieldsEntry[] | undefined): Managed {
  const managed = emptyManaged();
  (entries ?? []).forEach((e, i) => {
    if (e.operation !== 'Apply' && e.operation !== 'Update') throw new Error('operation must be `Apply` or `Update`');
    if (!e.apiVersion) throw new Error('apiVersion must not be empty');
    if (!e.fieldsType) throw new Error(`missing fieldsType in managed fields entry ${i}`);
    if (e.fieldsType !== 'FieldsV1') throw new Error(`invalid fieldsType "${String(e.fieldsType)}" in managed fields entry ${i}`);
    const id = managerId({ manager: e.manager ?? '', operation: e.operation, apiVersion: e.apiVersion, subresource: e.subresource });
    const text = JSON.stringify(e.fieldsV1 ?? {});
    let set = decodedSets.get(text);
    if (set === undefined) {
      try {
        set = FieldSet.fromFieldsV1(e.fieldsV1 ?? {});
      } catch (err) {
        throw new Error(`error decoding versioned set from ${JSON.stringify(e)}: error decoding set: ${(err as Error).message}`);
      }
      // Only text in the form encoding writes may stand for the set's encoding too.
      if (set.toFieldsV1Text() === text) remember(text, set);
      else {
        if (decodedSets.size >= DECODED_SETS) decodedSets.clear();
        decodedSets.set(text, set);
      }
    }
    managed.fields.set(id, { set, apiVersion: e.apiVersion, applied: e.operation === 'Apply' });
    managed.times.set(id, e.time);
    if (canonicalEntry(e, set, text)) (managed.sources ??= new Map()).set(id, { entry: e, set });
    else managed.sources?.delete(id);
  });
  return managed;
}

function seconds(time: string | undefined): number {
  const t = time ? Date.parse(time) : NaN;
  return Number.isNaN(t) ? 0 : Math.floor(t / 1000);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Encodes managers into managedFields entries, sorted as upstream sorts them; undefined when none. */
export function encodeManagedFields(managed: Managed): ManagedFieldsEntry[] | undefined {
  if (managed.fields.size === 0) return undefined;
  const entries: ManagedFieldsEntry[] = [];
  for (const [id, vs] of managed.fields) {
    const time = managed.times.get(id);
    const source = managed.sources?.get(id);
    if (source !== undefined && source.set === vs.set && source.entry.time === time && source.entry.apiVersion === vs.apiVersion && source.entry.operation === (vs.applied ? 'Apply' : 'Update')) {
      // Unchanged since it was decoded: the entry is what the code below would build.
      entries.push(source.entry);
      continue;
    }
    const info = parseId(id);
    const entry: ManagedFieldsEntry = { manager: info.manager, operation: vs.applied ? 'Apply' : info.operation, apiVersion: vs.apiVersion };
    if (time) entry.time = time;
    entry.fieldsType = 'FieldsV1';
    entry.fieldsV1 = JSON.parse(fieldsText(vs.set)) as Record<string, unknown>;
    if (info.subresource) entry.subresource = info.subresource;
    entries.push(entry);
  }
  return entries.sort(
    (p, q) =>
      cmp(p.operation ?? '', q.operation ?? '') ||
      seconds(p.time) - seconds(q.time) ||
      cmp(p.manager ?? '', q.manager ?? '') ||
      cmp(p.apiVersion ?? '', q.apiVersion ?? '') ||
      cmp(p.subresource ?? '', q.subresource ?? ''),
  );
}

/**
 * capUpdateManagers: with more than `max` Update managers, fold the oldest into one
 * "ancient-changes" manager per API version until at most `max` remain.
 */
export function capUpdateManagers(managed: Managed, max = MAX_UPDATE_MANAGERS): Managed {
  const updaters = [...managed.fields].filter(([, vs]) => !vs.applied).map(([id]) => id);
  if (updaters.length <= max) return managed;
  const out = cloneManaged(managed);
  updaters.sort((a, b) => seconds(out.times.get(a)) - seconds(out.times.get(b)) || cmp(a, b));
  const firstByVersion = new Map<string, string>();
  let length = updaters.length;
  for (let i = 0; i < updaters.length && length > max; i++) {
    const id = updaters[i];
    const vs = out.fields.get(id)!;
    const bucket = managerId({ manager: 'ancient-changes', operation: 'Update', apiVersion: vs.apiVersion });
    const first = firstByVersion.get(vs.apiVersion);
    if (first === undefined) {
      firstByVersion.set(vs.apiVersion, id);
      continue;
    }
    if (!out.fields.has(bucket)) {
      out.fields.set(bucket, out.fields.get(first)!);
      out.fields.delete(first);
    }
    out.fields.set(bucket, { set: vs.set.union(out.fields.get(bucket)!.set), apiVersion: vs.apiVersion, applied: vs.applied });
    out.fields.delete(id);
    length--;
    out.times.set(bucket, out.times.get(id));
  }
  return out;
}
