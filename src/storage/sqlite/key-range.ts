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
