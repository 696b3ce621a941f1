/**
 * @module resource.Quantity as validation needs it (k8s.io/apimachinery/pkg/api/resource,
 * v0.33): ParseQuantity's value (rounded up to the nano, as it rounds), Cmp, Value, and the
 * canonical text String() prints (CanonicalizeBytes), exactly. Quantities reach validation
 * already checked by the decoder (apiserver/typed-decode.ts), so a text that does not parse is
 * simply `undefined` here.
 */

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

export interface Quantity {
  /** The value in units of 10^-9, rounded away from zero to a whole nano (ParseQuantity's RoundUp). */
  nanos: bigint;
  format: QuantityFormat;
}

const DECIMAL_SUFFIXES: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_BY_EXPONENT = new Map(Object.entries(DECIMAL_SUFFIXES).map(([s, e]) => [e, s]));
const BINARY_BY_POWER = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
const NANO = 1_000_000_000n;
const MAX_INT64 = 2n ** 63n - 1n;
const MAX_INT64_NANOS = MAX_INT64 * NANO;

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

/** ceil(a / b) for a >= 0, b > 0. */
function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

/** ParseQuantity (after UnmarshalJSON's TrimSpace); a JSON number is read as its text. */
export function parseQuantity(input: unknown): Quantity | undefined {
  const text = typeof input === 'number' ? String(input) : typeof input === 'string' ? input.trim() : undefined;
  if (text === undefined) return undefined;
  const m = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(.*)$/.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
  const [, sign, whole, fraction = '', suffix] = m;
  let format: QuantityFormat;
  let base: 10 | 2;
  let exponent: number;
  if (Object.hasOwn(DECIMAL_SUFFIXES, suffix)) [format, base, exponent] = ['DecimalSI', 10, DECIMAL_SUFFIXES[suffix]];
  else if (Object.hasOwn(BINARY_SUFFIXES, suffix)) [format, base, exponent] = ['BinarySI', 2, BINARY_SUFFIXES[suffix]];
  else if (/^[eE][-+]?[0-9]+$/.test(suffix)) [format, base, exponent] = ['DecimalExponent', 10, Number(suffix.slice(1))];
  else return undefined;
  const digits = BigInt((whole + fraction).replace(/^0+(?=.)/, '') || '0');
  // value = digits / 10^len(fraction) * base^exponent; in nanos, rounded up.
  let numerator = digits * NANO;
  let denominator = pow10(fraction.length);
  if (base === 2) numerator *= 2n ** BigInt(exponent);
  else if (exponent >= 0) numerator *= pow10(exponent);
  else denominator *= pow10(-exponent);
  let nanos = ceilDiv(numerator, denominator);
  // "The max is just a simple cap": a binary quantity past int64's range is int64's largest.
  if (format === 'BinarySI' && nanos > MAX_INT64_NANOS) nanos = MAX_INT64_NANOS;
  if (sign === '-') nanos = -nanos;
  return { nanos, format };
}

/**
 * The text Go writes back for a Quantity decoded from the JSON value `input` and not changed
 * since (a ResourceList's are: its defaulting rounds them, which drops the text): ParseQuantity's
 * fast path keeps the very text it read when it looks canonical (`+1`, `01`, `1e3`, `3Ki`, `1k`);
 * anything else is printed canonically (`1000` is `1k`, `1024Ki` is `1Mi`, `0.5` is `500m`).
 * Undefined when the text does not parse.
 */
export function decodedQuantityText(input: unknown): string | undefined {
  const q = parseQuantity(input);
  if (!q) return undefined;
  const text = typeof input === 'number' ? String(input) : String(input).trim();
  return keepsText(text) ? text : canonicalQuantity(q);
}

/** Whether ParseQuantity's fast path caches `text` as its string form (apimachinery quantity.go). */
function keepsText(text: string): boolean {
  if (text === '0') return true;
  const m = /^[+-]?0*([0-9]*)(?:\.([0-9]*))?(.*)$/.exec(text);
  if (!m) return false;
  const num = m[1] || '0';
  const denom = m[2] ?? '';
  const suffix = m[3];
  let precision: number;
  let scale: number;
  let mantissa = 1n;
  if (Object.hasOwn(BINARY_SUFFIXES, suffix)) {
    const exponent = BINARY_SUFFIXES[suffix];
    if (denom.length) return false;
    mantissa = 1n << BigInt(exponent);
    // float32(exponent)*3/10, truncated toward zero.
    precision = 15 - num.length - Math.trunc((exponent * 3) / 10) - 1;
    scale = 0;
  } else {
    scale = Object.hasOwn(DECIMAL_SUFFIXES, suffix) ? DECIMAL_SUFFIXES[suffix] : Number(suffix.slice(1));
    precision = 18 - (num.length + denom.length);
  }
  if (precision < 0) return false;
  scale -= denom.length;
  if (scale < -9) return false;
  const shifted = num + denom;
  const value = BigInt(shifted);
  // int64Multiply: past int64 the slow path runs, which never keeps the text.
  if (value * mantissa > MAX_INT64) return false;
  if (Object.hasOwn(BINARY_SUFFIXES, suffix)) return BINARY_SUFFIXES[suffix] % 10 === 0 && (value & 7n) !== 0n;
  return scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0';
}

/** Quantity.Cmp: -1, 0 or 1. */
export function compareQuantities(a: Quantity, b: Quantity): number {
  return a.nanos < b.nanos ? -1 : a.nanos > b.nanos ? 1 : 0;
}

/** Quantity.Value: the value rounded up (away from zero) to a whole number. */
export function quantityValue(q: Quantity): bigint {
  const abs = q.nanos < 0n ? -q.nanos : q.nanos;
  const v = ceilDiv(abs, NANO);
  return q.nanos < 0n ? -v : v;
}

/** Quantity.String(): CanonicalizeBytes' number and suffix. */
export function canonicalQuantity(q: Quantity): string {
  if (q.nanos === 0n) return '0';
  const negative = q.nanos < 0n;
  const abs = negative ? -q.nanos : q.nanos;
  const sign = negative ? '-' : '';
  let format = q.format;
  if (format === 'BinarySI') {
    // Small values and fractions print as DecimalSI ("avoids rounding and hopefully confusion").
    if (abs < 1024n * NANO || abs % NANO !== 0n) format = 'DecimalSI';
    else {
      let amount = abs / NANO;
      let power = 0;
      while (amount % 1024n === 0n) {
        amount /= 1024n;
        power++;
      }
      return `${sign}${amount}${BINARY_BY_POWER[power] ?? ''}`;
    }
  }
  // AsCanonicalBytes: factors of ten into the exponent, then the exponent down to a multiple of 3.
  let amount = abs;
  let exponent = -9;
  while (amount % 10n === 0n) {
    amount /= 10n;
    exponent++;
  }
  const shift = ((exponent % 3) + 3) % 3;
  amount *= pow10(shift);
  exponent -= shift;
  if (format === 'DecimalExponent') return `${sign}${amount}${exponent === 0 ? '' : `e${exponent}`}`;
  // An exponent past the suffix table gets no suffix, as constructBytes returns none.
  return `${sign}${amount}${DECIMAL_BY_EXPONENT.get(exponent) ?? ''}`;
}

/** String() of a quantity's text (the text itself when it does not parse). */
export function quantityText(input: unknown): string {
  const q = parseQuantity(input);
  return q ? canonicalQuantity(q) : String(input);
}
