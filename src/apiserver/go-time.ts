/**
 * @module Go's time.Parse for the two layouts Kubernetes' time types decode with —
 * metav1.Time (time.RFC3339, `2006-01-02T15:04:05Z07:00`) and metav1.MicroTime (RFC3339Micro,
 * `2006-01-02T15:04:05.000000Z07:00`) — reduced to what the API server needs: whether a text
 * parses, and Go's exact error when not (`parsing time "x" as "2006-01-02T15:04:05Z07:00":
 * cannot parse "x" as "2006"`, `parsing time "2020-13-01T00:00:00Z": month out of range`), which
 * kube-apiserver answers as the decode error of the body. A port of src/time/format.go's parse
 * for the layout elements these two layouts hold (Go 1.23).
 */

export const RFC3339 = '2006-01-02T15:04:05Z07:00';
export const RFC3339_MICRO = '2006-01-02T15:04:05.000000Z07:00';

/** The layout elements (std chunks) of these two layouts. */
type Std = '2006' | '01' | '02' | '15' | '04' | '05' | '.000000' | 'Z07:00';

/** nextStdChunk's split of the two layouts: each std element with the literal before it. */
const CHUNKS: Record<string, ReadonlyArray<{ prefix: string; std: Std }>> = {
  [RFC3339]: [{ prefix: '', std: '2006' }, { prefix: '-', std: '01' }, { prefix: '-', std: '02' }, { prefix: 'T', std: '15' }, { prefix: ':', std: '04' }, { prefix: ':', std: '05' }, { prefix: '', std: 'Z07:00' }],
  [RFC3339_MICRO]: [{ prefix: '', std: '2006' }, { prefix: '-', std: '01' }, { prefix: '-', std: '02' }, { prefix: 'T', std: '15' }, { prefix: ':', std: '04' }, { prefix: ':', std: '05' }, { prefix: '', std: '.000000' }, { prefix: '', std: 'Z07:00' }],
};

/**
 * time's quote of a byte string (one char per byte, as goTimeParseError works on the UTF-8
 * bytes Go parses): printable ASCII as is (`"` and `\` escaped), every other byte as \xNN —
 * as Go writes each byte of a non-ASCII rune.
 */
function quote(bytes: string): string {
  let out = '"';
  for (const c of bytes) {
    const code = c.charCodeAt(0);
    if (code >= 0x80 || code < 0x20) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += c === '"' || c === '\\' ? `\\${c}` : c;
  }
  return `${out}"`;
}

const isDigit = (s: string, i: number): boolean => i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57;

/** getnum: one or two digits (exactly two when `fixed`), or undefined (errBad). */
function getnum(s: string, fixed: boolean): [number, string] | undefined {
  if (!isDigit(s, 0)) return undefined;
  if (!isDigit(s, 1)) return fixed ? undefined : [s.charCodeAt(0) - 48, s.slice(1)];
  return [(s.charCodeAt(0) - 48) * 10 + (s.charCodeAt(1) - 48), s.slice(2)];
}

function daysIn(month: number, year: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * parseNanoseconds of the fraction `value[0:nbytes]` (its separator first): 'bad' unless a '.'
 * or ',' then what atoi reads (an optional sign, digits; at most 9 read), 'range' for a
 * negative one ("fractional second out of range"), else 'ok'.
 */
function fraction(value: string, nbytes: number): 'ok' | 'bad' | 'range' {
  if (value[0] !== '.' && value[0] !== ',') return 'bad';
  const digits = value.slice(1, Math.min(nbytes, 10));
  const m = /^([+-]?)([0-9]*)$/.exec(digits);
  if (!m) return 'bad';
  return m[1] === '-' && Number(m[2]) > 0 ? 'range' : 'ok';
}

/**
 * Go's error for time.Parse(layout, value), or undefined when it parses. `layout` is RFC3339 or
 * RFC3339_MICRO.
 */
export function goTimeParseError(layout: string, text: string): string | undefined {
  // Go parses bytes: one char per UTF-8 byte here, so lengths and offsets are Go's.
  let value = Buffer.from(text, 'utf8').toString('latin1');
  const avalue = value;
  const fail = (layoutElem: string, valueElem: string): string => `parsing time ${quote(avalue)} as ${quote(layout)}: cannot parse ${quote(valueElem)} as ${quote(layoutElem)}`;
  const message = (text: string): string => `parsing time ${quote(avalue)}${text}`;
  let year = 0;
  let month = -1;
  let day = -1;
  const steps = CHUNKS[layout];
  for (let i = 0; i < steps.length; i++) {
    const { prefix, std } = steps[i];
    // skip(value, prefix)
    let rest = value;
    for (const ch of prefix) {
      if (rest.length === 0 || rest[0] !== ch) return fail(prefix, value);
      rest = rest.slice(1);
    }
    value = rest;
    const hold = value;
    let bad = false;
    let range = '';
    switch (std) {
      case '2006': {
        if (value.length < 4 || !isDigit(value, 0)) bad = true;
        else {
          const p = value.slice(0, 4);
          if (!/^[0-9]{4}$/.test(p)) bad = true;
          else {
            year = Number(p);
            value = value.slice(4);
          }
        }
        break;
      }
      case '01': {
        const n = getnum(value, true);
        if (!n) bad = true;
        else {
          [month, value] = n;
          if (month <= 0 || month > 12) range = 'month';
        }
        break;
      }
      case '02': {
        const n = getnum(value, true);
        if (!n) bad = true;
        else [day, value] = n;
        break;
      }
      case '15': {
        const n = getnum(value, false);
        if (!n) bad = true;
        else {
          value = n[1];
          if (n[0] >= 24) range = 'hour';
        }
        break;
      }
      case '04': {
        const n = getnum(value, true);
        if (!n) bad = true;
        else {
          value = n[1];
          if (n[0] >= 60) range = 'minute';
        }
        break;
      }
      case '05': {
        const n = getnum(value, true);
        if (!n) {
          bad = true;
          break;
        }
        value = n[1];
        if (n[0] >= 60) {
          range = 'second';
          break;
        }
        // A fraction the layout does not name is read here (RFC3339 takes `.123` or `,123`).
        if (value.length >= 2 && (value[0] === '.' || value[0] === ',') && isDigit(value, 1) && steps[i + 1]?.std !== '.000000') {
          let end = 2;
          while (end < value.length && isDigit(value, end)) end++;
          value = value.slice(end); // digits only: parseNanoseconds cannot fail here
        }
        break;
      }
      case '.000000': {
        const ndigit = 7;
        const read = value.length < ndigit ? 'bad' : fraction(value, ndigit);
        if (read === 'bad') bad = true;
        else {
          if (read === 'range') range = 'fractional second';
          value = value.slice(ndigit);
        }
        break;
      }
      case 'Z07:00': {
        if (value.length >= 1 && value[0] === 'Z') {
          value = value.slice(1);
          break;
        }
        if (value.length < 6 || value[3] !== ':') {
          bad = true;
          break;
        }
        const sign = value[0];
        const hh = getnum(value.slice(1, 3), true);
        const mm = hh ? getnum(value.slice(4, 6), true) : undefined;
        value = value.slice(6);
        if (!hh || !mm) bad = true;
        else {
          if (hh[0] > 24) range = 'time zone offset hour';
          if (mm[0] > 60) range = 'time zone offset minute';
          if (sign !== '+' && sign !== '-') bad = true;
        }
        break;
      }
    }
    if (range) return `${message(`: ${range} out of range`)}`;
    if (bad) return fail(std, hold);
  }
  if (value.length > 0) return message(`: extra text: ${quote(value)}`);
  if (day < 1 || day > daysIn(month, year)) return message(': day out of range');
  return undefined;
}
