/**
 * @module Prefix ranges for an ordered index: `key >= prefix AND key < prefixEnd(prefix)` selects
 * exactly the keys that start with `prefix`, and lets SQLite seek instead of scanning.
 *
 * SQLite compares TEXT byte by byte in UTF-8, which orders strings by code point; so the end of
 * the range is the prefix with its last code point incremented (a last code point that cannot
 * be incremented is dropped first, and the empty prefix has no end).
 */

/** The smallest string greater than every string that starts with `prefix`; undefined if none. */
export function prefixEnd(prefix: string): string | undefined {
  const points = Array.from(prefix);
  while (points.length > 0) {
    const last = points[points.length - 1].codePointAt(0) ?? 0;
    if (last < 0x10ffff) {
      // Skip the surrogate block: those code points never occur in UTF-8 text.
      points[points.length - 1] = String.fromCodePoint(last === 0xd7ff ? 0xe000 : last + 1);
      return points.join('');
    }
    points.pop();
  }
  return undefined;
}

/**
 * SQLite's order of TEXT (BINARY collation: UTF-8 bytes, which is code point order) for
 * JavaScript strings: UTF-16 code units compare as code points do except that surrogates
 * (D800-DFFF, the halves of code points above FFFF) must sort after E000-FFFF.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x += x >= 0xe000 ? -0x800 : 0x2000;
      y += y >= 0xe000 ? -0x800 : 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}
