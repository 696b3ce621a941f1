/**
 * @module Field paths as structured-merge-diff names them: a path is a list of elements, each
 * a field name (`.spec`), the key fields of an associative-list item (`[port=80,protocol="TCP"]`),
 * a set item's value (`[="x"]`) or an index (`[0]`). Gives their total order, their text form
 * (conflict messages) and their FieldsV1 keys (`f:spec`, `k:{"port":80,"protocol":"TCP"}`,
 * `v:"x"`, `i:0`).
 */
import { goJson, goNumber, goQuote } from '../patch/go-format.js';

export type Json = unknown;

export type PathElement =
  | { readonly field: string }
  | { readonly key: ReadonlyArray<readonly [string, Json]> }
  | { readonly value: Json }
  | { readonly index: number };

export type Path = readonly PathElement[];

export function fieldElement(name: string): PathElement {
  return { field: name };
}

/** A key element from an item's key fields; the fields are sorted by name, as upstream keeps them. */
export function keyElement(fields: Array<readonly [string, Json]>): PathElement {
  return { key: [...fields].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)) };
}

function rank(v: Json): number {
  if (typeof v === 'number') return 0;
  if (typeof v === 'string') return 1;
  if (typeof v === 'boolean') return 2;
  if (Array.isArray(v)) return 3;
  if (v !== null && typeof v === 'object') return 4;
  return 5; // null
}

/** value.Compare: numbers < strings < bools < lists < maps < null, then by content. */
export function compareValues(a: Json, b: Json): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 0:
      return Math.sign((a as number) - (b as number));
    case 1:
      return a === b ? 0 : (a as string) < (b as string) ? -1 : 1;
    case 2:
      return a === b ? 0 : a ? 1 : -1;
    case 3: {
      const x = a as Json[];
      const y = b as Json[];
      for (let i = 0; i < Math.min(x.length, y.length); i++) {
        const c = compareValues(x[i], y[i]);
        if (c !== 0) return c;
      }
      return Math.sign(x.length - y.length);
    }
    case 4: {
      const x = goJson(a);
      const y = goJson(b);
      return x === y ? 0 : x < y ? -1 : 1;
    }
    default:
      return 0;
  }
}

function kindRank(pe: PathElement): number {
  if ('field' in pe) return 0;
  if ('key' in pe) return 1;
  if ('value' in pe) return 2;
  return 3;
}

/** PathElement.Compare: fields, then keys, then values, then indexes. */
export function comparePathElements(a: PathElement, b: PathElement): number {
  const ka = kindRank(a);
  const kb = kindRank(b);
  if (ka !== kb) return ka - kb;
  if ('field' in a && 'field' in b) return a.field === b.field ? 0 : a.field < b.field ? -1 : 1;
  if ('key' in a && 'key' in b) {
    for (let i = 0; i < Math.min(a.key.length, b.key.length); i++) {
      const [na, va] = a.key[i];
      const [nb, vb] = b.key[i];
      if (na !== nb) return na < nb ? -1 : 1;
      const c = compareValues(va, vb);
      if (c !== 0) return c;
    }
    return Math.sign(a.key.length - b.key.length);
  }
  if ('value' in a && 'value' in b) return compareValues(a.value, b.value);
  return Math.sign((a as { index: number }).index - (b as { index: number }).index);
}

/** value.ToString: strings quoted, maps as `k=v` runs. */
export function valueString(v: Json): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'number') return goNumber(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(valueString).join(',')}]`;
  return Object.entries(v as Record<string, Json>)
    .map(([k, x]) => `${k}=${valueString(x)}`)
    .join('');
}

/** PathElement.String: `.name`, `[k=v,k2=v2]`, `[=v]`, `[3]`. */
export function elementString(pe: PathElement): string {
  if ('field' in pe) return `.${pe.field}`;
  if ('key' in pe) return `[${pe.key.map(([k, v]) => `${k}=${valueString(v)}`).join(',')}]`;
  if ('value' in pe) return `[=${valueString(pe.value)}]`;
  return `[${pe.index}]`;
}

/** Path.String, as conflict messages print it: `.spec.ports[port=80,protocol="TCP"].targetPort`. */
export function pathString(path: Path): string {
  return path.map(elementString).join('');
}

/** The FieldsV1 key of an element. */
export function serializeElement(pe: PathElement): string {
  if ('field' in pe) return `f:${pe.field}`;
  if ('key' in pe) return `k:{${pe.key.map(([k, v]) => `${goJson(k)}:${goJson(v)}`).join(',')}}`;
  if ('value' in pe) return `v:${goJson(pe.value)}`;
  return `i:${pe.index}`;
}

/** Parses a FieldsV1 key; undefined for a key type this version does not know (ignored, as upstream does). */
export function deserializeElement(s: string): PathElement | undefined {
  if (s.length < 2 || s[1] !== ':') throw new Error(s.length < 2 ? 'key must be 2 characters long:' : `missing colon: ${s}`);
  const body = s.slice(2);
  switch (s[0]) {
    case 'f':
      return { field: body };
    case 'v':
      return { value: JSON.parse(body) as Json };
    case 'k': {
      const obj = JSON.parse(body) as Record<string, Json>;
      if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw new Error(`invalid key element: ${s}`);
      return keyElement(Object.entries(obj));
    }
    case 'i': {
      if (!/^[+-]?\d+$/.test(body)) throw new Error(`strconv.Atoi: parsing "${body}": invalid syntax`);
      return { index: Number(body) };
    }
    default:
      return undefined;
  }
}
