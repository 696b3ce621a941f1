/**
 * @module Editing kubeconfig text in place, the way kind merges: entries of the same name are
 * replaced, new ones appended, everything else (other clusters, preferences, extensions,
 * comments, key order) kept. Works on a YAML Document, not on a decoded object, so what kubito
 * does not understand survives untouched. Pure: text in, text out.
 */
import YAML, { isMap, isScalar, isSeq, type Document } from 'yaml';
import { KubeconfigError } from './errors.js';
import { YAML_OUTPUT } from './render.js';

const SECTIONS = ['clusters', 'users', 'contexts'] as const;
type Section = (typeof SECTIONS)[number];

/** Named entries to put into a kubeconfig, and the context to make current. */
export interface KubeconfigEntries {
  clusters: Record<string, unknown>[];
  users: Record<string, unknown>[];
  contexts: Record<string, unknown>[];
  currentContext?: string;
}

/**
 * Parses kubeconfig text as kubectl reads it (YAML 1.1). Empty text or only comments is an
 * empty kubeconfig. Throws `Unreadable` for text that is not one YAML document (syntax error,
 * duplicate key, several documents) and `Invalid` for a document that is not a mapping.
 */
export function parseKubeconfig(text: string, source = 'kubeconfig'): Document {
  const doc = YAML.parseDocument(text, { version: YAML_OUTPUT.version });
  if (doc.errors.length > 0) {
    throw new KubeconfigError('Unreadable', `${source}: not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
  }
  if (doc.contents !== null && !isMap(doc.contents) && !(isScalar(doc.contents) && doc.contents.value === null)) {
    throw new KubeconfigError('Invalid', `${source}: not a kubeconfig (the top level is not a mapping)`);
  }
  for (const section of SECTIONS) sectionOf(doc, section, source);
  return doc;
}

/** Reads the entries of a rendered kubeconfig (e.g. renderKubeconfig's output). */
export function entriesOf(text: string, source = 'rendered kubeconfig'): KubeconfigEntries {
  const value: unknown = parseKubeconfig(text, source).toJS();
  const config = (value ?? {}) as Record<string, unknown>;
  const list = (section: Section): Record<string, unknown>[] => {
    const items = (config[section] ?? []) as unknown[];
    if (!Array.isArray(items) || !items.every((e) => typeof e === 'object' && e !== null && typeof (e as { name?: unknown }).name === 'string')) {
      throw new KubeconfigError('Invalid', `${source}: every entry of ${section} needs a name`);
    }
    return items as Record<string, unknown>[];
  };
  const current = config['current-context'];
  return {
    clusters: list('clusters'),
    users: list('users'),
    contexts: list('contexts'),
    ...(typeof current === 'string' && current !== '' ? { currentContext: current } : {}),
  };
}

/** Puts `entries` into `doc` (replace by name, else append) and sets current-context. */
export function mergeEntries(doc: Document, entries: KubeconfigEntries): void {
  const fresh = !isMap(doc.contents);
  if (fresh) doc.contents = doc.createNode({});
  // Some clients (the JavaScript client among them, kind#1242) need apiVersion and kind.
  if (!doc.has('apiVersion')) doc.set('apiVersion', 'v1');
  if (!doc.has('kind')) doc.set('kind', 'Config');
  for (const section of SECTIONS) {
    let seq = sectionOf(doc, section);
    if (!seq) {
      seq = new YAML.YAMLSeq();
      doc.set(section, seq);
    }
    // `clusters: []` would otherwise grow as a one-line flow sequence.
    if (seq.items.length === 0) seq.flow = false;
    for (const entry of entries[section]) {
      const node = () => doc.createNode(entry, { aliasDuplicateObjects: false });
      let replaced = false;
      seq.items = seq.items.map((item) => {
        if (nameOf(item) !== entry['name']) return item;
        replaced = true;
        return node();
      });
      if (!replaced) seq.items.push(node());
    }
  }
  if (entries.currentContext !== undefined) doc.set('current-context', entries.currentContext);
  // A new file gets the same text renderKubeconfig gives (kubectl always writes preferences).
  if (fresh) doc.set('preferences', doc.createNode({}));
}

/**
 * Removes the cluster, user and context called `key` from `doc`, and current-context when it
 * named that context. Returns whether anything changed.
 */
export function removeEntries(doc: Document, key: string): boolean {
  let changed = false;
  if (!isMap(doc.contents)) return false;
  for (const section of SECTIONS) {
    const seq = sectionOf(doc, section);
    if (!seq) continue;
    const kept = seq.items.filter((item) => nameOf(item) !== key);
    if (kept.length !== seq.items.length) {
      seq.items = kept;
      changed = true;
    }
  }
  if (doc.get('current-context') === key) {
    doc.delete('current-context');
    changed = true;
  }
  return changed;
}

/** The text to write back. */
export function stringifyKubeconfig(doc: Document): string {
  return doc.toString(YAML_OUTPUT);
}

function sectionOf(doc: Document, section: Section, source = 'kubeconfig'): YAML.YAMLSeq | undefined {
  if (!isMap(doc.contents)) return undefined;
  const node: unknown = doc.get(section, true);
  if (node === undefined || (isScalar(node) && node.value === null)) return undefined;
  if (!isSeq(node)) throw new KubeconfigError('Invalid', `${source}: ${section} is not a list`);
  return node;
}

function nameOf(item: unknown): unknown {
  return isMap(item) ? item.get('name') : undefined;
}
