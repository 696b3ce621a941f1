/**
 * @module Label and field selector matching for the fake transport, in the string syntax the
 * API takes: `app=web,tier!=db,env in (a,b),!canary,track` and `metadata.name=x,spec.nodeName!=n1`.
 * Good enough for tests; the API server has its own, stricter parser.
 */
import { newBadRequest } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';

type Test = (get: (key: string) => string | undefined) => boolean;

/** Splits on commas that are not inside parentheses. */
function terms(selector: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      out.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  out.push(selector.slice(start));
  return out.map((t) => t.trim()).filter(Boolean);
}

function parseTerm(term: string): Test {
  let m = /^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
  if (m) {
    const [, key, op, list] = m;
    const values = new Set(list.split(',').map((v) => v.trim()));
    return op === 'in' ? (get) => values.has(get(key) ?? '\0') : (get) => !values.has(get(key) ?? '\0');
  }
  m = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term);
  if (m) {
    const [, key, op, value] = m;
    return op === '!=' ? (get) => get(key) !== value : (get) => get(key) === value;
  }
  m = /^(!?)([^=!\s()]+)$/.exec(term);
  if (m) {
    const [, not, key] = m;
    return not ? (get) => get(key) === undefined : (get) => get(key) !== undefined;
  }
  throw newBadRequest(`unable to parse requirement: ${JSON.stringify(term)}`);
}

/** A predicate for a label selector; empty or absent selects everything. */
export function labelMatcher(selector: string | undefined): (obj: KubeObject) => boolean {
  const tests = terms(selector ?? '').map(parseTerm);
  return (obj) => tests.every((test) => test((key) => obj.metadata.labels?.[key]));
}

/** A predicate for a field selector over dotted paths (`spec.nodeName`); absent fields read as "". */
export function fieldMatcher(selector: string | undefined): (obj: KubeObject) => boolean {
  const tests = terms(selector ?? '').map(parseTerm);
  return (obj) => tests.every((test) => test((path) => fieldValue(obj, path)));
}

function fieldValue(obj: KubeObject, path: string): string {
  let value: unknown = obj;
  for (const part of path.split('.')) {
    if (typeof value !== 'object' || value === null) return '';
    value = (value as Record<string, unknown>)[part];
  }
  return value === undefined || value === null ? '' : String(value);
}
