/**
 * @module How Go's fmt prints the values that end up in kube-apiserver's error messages:
 * `%q` for strings, `%v` for numbers and booleans, `%#v` for slices and structs, and
 * `time.Time.String()` for timestamps. Field errors quote their bad value with these rules
 * (k8s.io/apimachinery/pkg/util/validation/field/errors.go, ErrorBody).
 */

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/** Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
export function isGoPrintable(ch: string): boolean {
  return ch === ' ' || PRINTABLE.test(ch);
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
};

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/**
 * `strconv.Quote` / `%q`: double quotes, `\"` and `\\`, printable runes kept as they are,
 * control characters as `\n`, `\x00`, `\u00a0`, `\U0001f600`. A lone UTF-16 surrogate cannot
 * come from decoded JSON in Go (it becomes U+FFFD), so it is printed as U+FFFD.
 */
export function goQuote(s: string): string {
  let out = '"';
  for (const rune of s) {
    const cp = rune.codePointAt(0)!;
    if (rune === '"') out += '\\"';
    else if (rune === '\\') out += '\\\\';
    else if (cp >= 0xd800 && cp <= 0xdfff) out += '\ufffd';
    else if (isGoPrintable(rune)) out += rune;
    else if (SIMPLE_ESCAPES[rune]) out += SIMPLE_ESCAPES[rune];
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${hex(cp, 2)}`;
    else if (cp < 0x10000) out += `\\u${hex(cp, 4)}`;
    else out += `\\U${hex(cp, 8)}`;
  }
  return out + '"';
}

/** `%v` of a float64: strconv 'g' with the shortest digits; exponent form below 1e-4 or from 1e6 up. */
export function goFloat(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : '-Inf';
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  const [mantissa, e] = n.toExponential().split('e');
  const exp = Number(e);
  // strconv.FormatFloat(f, 'g', -1, 64): shortest digits, %e when exp < -4 || exp >= 6.
  if (exp < -4 || exp >= 6) {
    return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return String(n);
}

/** `%v` of a JSON number: integers as Go ints, anything else as a float64. */
export function goNumber(n: number): string {
  return Number.isInteger(n) && Math.abs(n) < 1e21 ? String(n) : goFloat(n);
}

/** Zero-padded decimal. */
function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/**
 * `time.Time.String()` of a metav1.Time decoded from RFC 3339 JSON, in UTC (kube-apiserver
 * runs with TZ=UTC): `2024-01-02 03:04:05 +0000 UTC`. `null`/missing is Go's zero time.
 */
export function goTime(iso: string | null | undefined): string {
  if (!iso) return '0001-01-01 00:00:00 +0000 UTC';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '0001-01-01 00:00:00 +0000 UTC';
  const ms = d.getUTCMilliseconds();
  const frac = ms ? `.${pad(ms, 3).replace(/0+$/, '')}` : '';
  return (
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${frac} +0000 UTC`
  );
}

/** `%#v` of a `[]string`: `[]string{"a", "b"}`, `[]string{}`, or `[]string(nil)` for null. */
export function goStringSlice(values: readonly string[] | null | undefined): string {
  if (values == null) return '[]string(nil)';
  return `[]string{${values.map(goQuote).join(', ')}}`;
}

/**
 * `%#v` of a `*bool`. Go prints the pointer's address, which cannot be reproduced; a fixed
 * placeholder address stands in for it.
 */
export function goBoolPointer(value: boolean | null | undefined): string {
  return goPointer('bool', value != null);
}

/** `%#v` of a `map[string]string`: keys sorted as fmt sorts them, `map[string]string(nil)` for null. */
export function goStringMap(map: Readonly<Record<string, string>> | null | undefined): string {
  if (map == null) return 'map[string]string(nil)';
  const keys = Object.keys(map).sort(compareGoStrings);
  return `map[string]string{${keys.map((k) => `${goQuote(k)}:${goQuote(String(map[k]))}`).join(', ')}}`;
}

/**
 * `%#v` of a pointer field inside a struct: `(*T)(nil)`, or a fixed placeholder address (Go
 * prints the real one, which cannot be reproduced).
 */
export function goPointer(typeName: string, present: boolean): string {
  return `(*${typeName})(${present ? '0xc000000000' : 'nil'})`;
}

/** `%#v` of a struct: `pkg.Type{Field:value, Other:value}` with values already rendered. */
export function goStruct(typeName: string, fields: ReadonlyArray<readonly [string, string]>): string {
  return `${typeName}{${fields.map(([name, value]) => `${name}:${value}`).join(', ')}}`;
}

/** `%#v` of a slice of already rendered elements: `[]T{a, b}`, or `[]T(nil)` for null. */
export function goSlice(elementType: string, rendered: readonly string[] | null): string {
  if (rendered == null) return `[]${elementType}(nil)`;
  return `[]${elementType}{${rendered.join(', ')}}`;
}

/** Go's `len(s)` of a string: its UTF-8 byte length. */
export function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** Go's sort.Strings order: bytewise on UTF-8. */
export function compareGoStrings(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
