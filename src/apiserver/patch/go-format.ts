/**
 * @module Go's text renderings of JSON values, for error messages that must read exactly
 * as kube-apiserver writes them: `%v` of a decoded value (`map[name:a port:80]`), `%q` of a
 * string, and `encoding/json`'s compact output (sorted keys, `<>&` escaped).
 */

/** Go's `%v` of a number decoded with ints kept as int64 and the rest as float64. */
export function goNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 2 ** 63) return BigInt(n).toString();
  // strconv 'g' with shortest precision switches to an exponent at 1e21 or below 1e-4.
  const abs = Math.abs(n);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e21)) {
    const [mantissa, exp] = n.toExponential().split('e');
    const e = Number(exp);
    return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  return String(n);
}

/** Go's `%v` of a value decoded into interface{}: maps sorted by key, slices space-separated. */
export function goValue(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return goNumber(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(goValue).join(' ')}]`;
  const obj = v as Record<string, unknown>;
  const keys = Object.keys(obj).sort(compareBytes);
  return `map[${keys.map((k) => `${k}:${goValue(obj[k])}`).join(' ')}]`;
}

/** The Go type name that reflect.TypeOf reports for a decoded JSON value. */
export function goTypeName(v: unknown): string {
  if (v === null || v === undefined) return '%!s(<nil>)';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  if (Array.isArray(v)) return '[]interface {}';
  return 'map[string]interface {}';
}

/** The JSON type word encoding/json uses in "cannot unmarshal X into ...". */
export function jsonTypeWord(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  if (typeof v === 'boolean') return 'bool';
  return typeof v; // string | number
}

/** Go's `%q` (strconv.Quote) of a string. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Byte-wise string order, as Go's `<` and sort.Strings compare (UTF-16 order is close enough for BMP text). */
export function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** encoding/json.Marshal of a plain JSON value: compact, map keys sorted, `<`, `>`, `&` escaped. */
export function goJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return goJsonString(v);
  if (typeof v === 'number' || typeof v === 'boolean') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(goJson).join(',')}]`;
  const obj = v as Record<string, unknown>;
  const keys = Object.keys(obj).sort(compareBytes);
  return `{${keys.map((k) => `${goJsonString(k)}:${goJson(obj[k])}`).join(',')}}`;
}

/**
 * Quoted strings of field names and keys (`f:metadata`, `k:{"type":"Ready"}` parts) recur on
 * every write's managedFields: the short ones are kept, up to a bound (cleared when full).
 */
const quoted = new Map<string, string>();
const QUOTED_ENTRIES = 4096;
const QUOTED_MAX_LENGTH = 64;

function goJsonString(s: string): string {
  const hit = quoted.get(s);
  if (hit !== undefined) return hit;
  const json = JSON.stringify(s);
  const out = /[<>&\u2028\u2029]/.test(s) ? json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : json;
  if (s.length <= QUOTED_MAX_LENGTH) {
    if (quoted.size >= QUOTED_ENTRIES) quoted.clear();
    quoted.set(s, out);
  }
  return out;
}
