/**
 * @module A set of field paths (structured-merge-diff fieldpath.Set): a tree whose nodes are
 * path elements. A path is a *member* when it is in the set itself; a node has *children*
 * when longer paths go through it; a node can be both (FieldsV1 writes that as `.`).
 * Union, intersection and difference follow upstream, including its asymmetries:
 * `difference` removes exact members only, `recursiveDifference` whole subtrees.
 */
import { type Path, type PathElement, comparePathElements, deserializeElement, serializeElement } from './fieldpath.js';

/** FieldsV1 keys as JSON strings: the same few keys are written on every write of a kind. */
const quotedKeys = new Map<string, string>();
const QUOTED_KEYS = 4096;

function quoted(key: string): string {
  let text = quotedKeys.get(key);
  if (text === undefined) {
    text = JSON.stringify(key);
    if (quotedKeys.size >= QUOTED_KEYS) quotedKeys.clear();
    quotedKeys.set(key, text);
  }
  return text;
}

interface Child {
  pe: PathElement;
  set: FieldSet;
}

export class FieldSet {
  readonly #members = new Map<string, PathElement>();
  readonly #children = new Map<string, Child>();

  static of(...paths: Path[]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  /** Adds `path` (not its parents). The empty path is the whole object and is not tracked. */
  insert(path: Path): void {
    if (path.length === 0) return;
    let node: FieldSet = this;
    for (let i = 0; i < path.length - 1; i++) node = node.childFor(path[i]);
    node.addMember(path[path.length - 1]);
  }

  /**
   * For building a set level by level (a walk that knows the element it is under): the set of
   * the paths below `pe`, created empty when there is none yet. `key` is `pe`'s FieldsV1 key,
   * when the caller has it already. Only while the set is being built: sets are shared once built.
   */
  childFor(pe: PathElement, key = serializeElement(pe)): FieldSet {
    let child = this.#children.get(key);
    if (!child) {
      child = { pe, set: new FieldSet() };
      this.#children.set(key, child);
    }
    return child.set;
  }

  /** Adds the one-element path `pe` (see childFor: only while building). */
  addMember(pe: PathElement, key = serializeElement(pe)): void {
    this.#members.set(key, pe);
  }

  has(path: Path): boolean {
    if (path.length === 0) return false;
    let node: FieldSet | undefined = this;
    for (let i = 0; i < path.length - 1 && node; i++) node = node.#children.get(serializeElement(path[i]))?.set;
    return node ? node.#members.has(serializeElement(path[path.length - 1])) : false;
  }

  hasMember(pe: PathElement): boolean {
    return this.#members.has(serializeElement(pe));
  }

  /** The paths below `pe`, without `pe` (empty when there are none). */
  withPrefix(pe: PathElement): FieldSet {
    return this.#children.get(serializeElement(pe))?.set ?? new FieldSet();
  }

  isEmpty(): boolean {
    if (this.#members.size > 0) return false;
    for (const c of this.#children.values()) if (!c.set.isEmpty()) return false;
    return true;
  }

  union(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of [...this.#members, ...other.#members]) out.#members.set(k, pe);
    for (const [k, c] of this.#children) out.#children.set(k, { pe: c.pe, set: c.set });
    for (const [k, c] of other.#children) {
      const mine = out.#children.get(k);
      out.#children.set(k, { pe: c.pe, set: mine ? mine.set.union(c.set) : c.set });
    }
    return out;
  }

  intersection(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.#members) if (other.#members.has(k)) out.#members.set(k, pe);
    for (const [k, c] of this.#children) {
      const theirs = other.#children.get(k);
      if (!theirs) continue;
      const set = c.set.intersection(theirs.set);
      if (!set.isEmpty()) out.#children.set(k, { pe: c.pe, set });
    }
    return out;
  }

  /** Members of `this` not members of `other`; subtrees are diffed node by node. */
  difference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.#members) if (!other.#members.has(k)) out.#members.set(k, pe);
    for (const [k, c] of this.#children) {
      const theirs = other.#children.get(k);
      const set = theirs ? c.set.difference(theirs.set) : c.set;
      if (!set.isEmpty()) out.#children.set(k, { pe: c.pe, set });
    }
    return out;
  }

  /** Like difference, but a member of `other` also removes everything below it. */
  recursiveDifference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.#members) if (!other.#members.has(k)) out.#members.set(k, pe);
    for (const [k, c] of this.#children) {
      if (other.#members.has(k)) continue;
      const theirs = other.#children.get(k);
      const set = theirs ? c.set.recursiveDifference(theirs.set) : c.set;
      if (!set.isEmpty()) out.#children.set(k, { pe: c.pe, set });
    }
    return out;
  }

  equals(other: FieldSet): boolean {
    return this.difference(other).isEmpty() && other.difference(this).isEmpty();
  }

  /** Members, in path-element order. */
  members(): PathElement[] {
    return [...this.#members.values()].sort(comparePathElements);
  }

  /** Child subtrees, in path-element order. */
  children(): Array<{ pe: PathElement; set: FieldSet }> {
    return [...this.#children.values()].sort((a, b) => comparePathElements(a.pe, b.pe));
  }

  /** Every member path: this level's members first, then each child's, in order (Set.Iterate). */
  paths(prefix: Path = []): Path[] {
    const out: Path[] = this.members().map((pe) => [...prefix, pe]);
    for (const c of this.children()) out.push(...c.set.paths([...prefix, c.pe]));
    return out;
  }

  /** The FieldsV1 object: `{"f:spec": {"f:replicas": {}}, "k:{...}": {".": {}, ...}}`, keys in upstream order. */
  toFieldsV1(): Record<string, unknown> {
    return JSON.parse(this.toFieldsV1Text()) as Record<string, unknown>;
  }

  /**
   * The FieldsV1 object's JSON text, written straight from the tree (no key is an array index, so
   * the object parsed from it keeps this key order): every write of an object encodes its
   * managers' sets, and building objects to stringify them cost a status write more than its
   * comparison did.
   */
  toFieldsV1Text(): string {
    return this.#text(false) ?? '{}';
  }

  /** This level's FieldsV1 text (with `.` first when `includeSelf`), undefined when the set is empty. */
  #text(includeSelf: boolean): string | undefined {
    const entries: Array<{ key: string; pe: PathElement; text: string }> = [];
    let withChild: Set<string> | undefined;
    for (const [key, c] of this.#children) {
      const text = c.set.#text(this.#members.has(key));
      if (text === undefined) continue;
      entries.push({ key, pe: c.pe, text });
      (withChild ??= new Set()).add(key);
    }
    for (const [key, pe] of this.#members) if (!withChild?.has(key)) entries.push({ key, pe, text: '{}' });
    if (entries.length === 0) return undefined;
    if (entries.length > 1) entries.sort((a, b) => comparePathElements(a.pe, b.pe));
    let out = includeSelf ? '{".":{}' : '{';
    for (let i = 0; i < entries.length; i++) out += `${i > 0 || includeSelf ? ',' : ''}${quoted(entries[i].key)}:${entries[i].text}`;
    return `${out}}`;
  }

  /** Parses a FieldsV1 object. Throws on a malformed key; unknown key types are skipped. */
  static fromFieldsV1(fields: unknown): FieldSet {
    const set = new FieldSet();
    if (fields === null || fields === undefined) return set;
    if (typeof fields !== 'object' || Array.isArray(fields)) throw new Error('FieldsV1 must be an object');
    for (const [key, sub] of Object.entries(fields as Record<string, unknown>)) {
      if (key === '.') continue;
      const pe = deserializeElement(key);
      if (!pe) continue;
      const subObj = (sub ?? {}) as Record<string, unknown>;
      const keys = Object.keys(subObj);
      const child = FieldSet.fromFieldsV1(subObj);
      if (keys.length === 0 || keys.includes('.')) set.#members.set(serializeElement(pe), pe);
      if (!child.isEmpty()) set.#children.set(serializeElement(pe), { pe, set: child });
    }
    return set;
  }
}
