/**
 * @module IP address and CIDR parsing as kube-apiserver's Service code does it: k8s.io/utils/net
 * `ParseIPSloppy` / `ParseCIDRSloppy` (a fork of Go 1.16's parser, which still accepts leading
 * zeros in IPv4 octets, also in an IPv6 address's IPv4 tail, and IPv6 groups of more than four
 * hex digits up to 0xffff) and the IPv4/IPv6 family of an address (`IsIPv6String`, `IPFamilyOf`:
 * `To4() != nil` decides, so an IPv4-mapped IPv6 address, however written, counts as IPv4).
 * IPv4 addresses are unsigned 32-bit numbers here; IPv6 addresses 16 bytes.
 */

export type IPFamily = 'IPv4' | 'IPv6';

/** A parsed address: its family, and for IPv4 (IPv4-mapped IPv6 included) its value as a number. */
export interface ParsedIP {
  family: IPFamily;
  /** IPv4 only: 0 .. 2^32-1. */
  v4?: number;
}

/** ParseIPSloppy for IPv4 dotted quads: four decimal fields, each at most 255 (leading zeros allowed). */
export function parseIPv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^[0-9]+$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = value * 256 + n;
  }
  return value;
}

/**
 * ParseIPSloppy's IPv6 reader (Go 1.16 `parseIPv6`): the address's 16 bytes, or undefined. A
 * group is any run of hex digits worth at most 0xffff; one `::` stands for at least one zero
 * group; an IPv4 tail (sloppy, see `parseIPv4`) may end the address in place of its last two
 * groups. No zone.
 */
export function parseIPv6Bytes(text: string): Uint8Array | undefined {
  const ip = new Uint8Array(16);
  let ellipsis = -1;
  let s = text;
  if (s.startsWith('::')) {
    ellipsis = 0;
    s = s.slice(2);
    if (s === '') return ip;
  }
  let i = 0;
  while (i < 16) {
    const hex = /^[0-9a-fA-F]+/.exec(s)?.[0];
    if (!hex) return undefined;
    const n = xtoi(hex);
    if (n > 0xffff) return undefined;
    if (s[hex.length] === '.') {
      if ((ellipsis < 0 && i !== 12) || i + 4 > 16) return undefined;
      const v4 = parseIPv4(s);
      if (v4 === undefined) return undefined;
      ip.set([v4 >>> 24, (v4 >>> 16) & 255, (v4 >>> 8) & 255, v4 & 255], i);
      s = '';
      i += 4;
      break;
    }
    ip[i] = n >> 8;
    ip[i + 1] = n & 255;
    i += 2;
    s = s.slice(hex.length);
    if (s === '') break;
    if (s[0] !== ':' || s.length === 1) return undefined;
    s = s.slice(1);
    if (s[0] === ':') {
      if (ellipsis >= 0) return undefined;
      ellipsis = i;
      s = s.slice(1);
      if (s === '') break;
    }
  }
  if (s !== '') return undefined;
  if (i < 16) {
    if (ellipsis < 0) return undefined;
    const n = 16 - i;
    ip.copyWithin(ellipsis + n, ellipsis, i);
    ip.fill(0, ellipsis, ellipsis + n);
  } else if (ellipsis >= 0) {
    return undefined;
  }
  return ip;
}

/** Go's xtoi over a run of hex digits: its value, or Infinity once it reaches 0xffffff. */
function xtoi(hex: string): number {
  let n = 0;
  for (const ch of hex) {
    n = n * 16 + parseInt(ch, 16);
    if (n >= 0xffffff) return Infinity;
  }
  return n;
}

/** net.IP.To4() of 16 bytes: the IPv4 number of an IPv4-mapped address (`::ffff:a.b.c.d`), else undefined. */
function to4(bytes: Uint8Array): number | undefined {
  for (let k = 0; k < 10; k++) if (bytes[k] !== 0) return undefined;
  if (bytes[10] !== 0xff || bytes[11] !== 0xff) return undefined;
  return ((bytes[12] << 24) >>> 0) + (bytes[13] << 16) + (bytes[14] << 8) + bytes[15];
}

/** Which of Go's two readers ParseIP uses: the first `.` or `:` in the text decides. */
function literalKind(text: string): 'v4' | 'v6' | undefined {
  for (const ch of text) {
    if (ch === '.') return 'v4';
    if (ch === ':') return 'v6';
  }
  return undefined;
}

/**
 * The IPv4 address inside an IPv4-mapped IPv6 literal, in any spelling (`::ffff:1.2.3.4`,
 * `::ffff:102:304`, `0:0:0:0:0:ffff:1.2.3.4`: Go's To4() / netip's Is4In6); undefined otherwise
 * (a plain IPv4 literal included).
 */
export function mappedIPv4(text: string): number | undefined {
  if (literalKind(text) !== 'v6') return undefined;
  const bytes = parseIPv6Bytes(text);
  return bytes ? to4(bytes) : undefined;
}

/** Dotted-quad text of an IPv4 number (Go's net.IP.String()). */
export function formatIPv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

/**
 * ParseIPSloppy: IPv4 (sloppy), or IPv6 (no zone); undefined when it is not an IP. The family is
 * Go's: an IPv4-mapped IPv6 address, however written, is IPv4 (To4() != nil), with its value.
 */
export function parseIP(text: string): ParsedIP | undefined {
  const kind = literalKind(text);
  if (kind === 'v4') {
    const v4 = parseIPv4(text);
    return v4 === undefined ? undefined : { family: 'IPv4', v4 };
  }
  if (kind !== 'v6') return undefined;
  const bytes = parseIPv6Bytes(text);
  if (!bytes) return undefined;
  const v4 = to4(bytes);
  return v4 === undefined ? { family: 'IPv6' } : { family: 'IPv4', v4 };
}

/**
 * net.IP.String() of a sloppy-parsed address: a dotted quad for IPv4 and IPv4-mapped IPv6,
 * otherwise RFC 5952 (lower case, no leading zeros, the first longest run of two or more zero
 * groups as `::`). Undefined when `text` is not an IP.
 */
export function formatIP(text: string): string | undefined {
  const ip = parseIP(text);
  if (!ip) return undefined;
  if (ip.v4 !== undefined) return formatIPv4(ip.v4);
  return formatIPv6Groups(ipv6Groups(text) as number[]);
}

/** The eight 16-bit groups of a sloppy IPv6 literal; undefined when it is not one. */
export function ipv6Groups(text: string): number[] | undefined {
  const bytes = literalKind(text) === 'v6' ? parseIPv6Bytes(text) : undefined;
  return bytes ? Array.from({ length: 8 }, (_, k) => (bytes[2 * k] << 8) | bytes[2 * k + 1]) : undefined;
}

/** RFC 5952 text of eight groups (as Go's net.IP.String() writes an address that is not IPv4-mapped). */
export function formatIPv6Groups(groups: readonly number[]): string {
  let best = -1;
  let bestLen = 1;
  for (let k = 0; k < 8; k++) {
    let end = k;
    while (end < 8 && groups[end] === 0) end++;
    if (end - k > bestLen) {
      best = k;
      bestLen = end - k;
    }
    if (end > k) k = end;
  }
  const hex = (from: number, to: number): string => groups.slice(from, to).map((g) => g.toString(16)).join(':');
  return best < 0 ? hex(0, 8) : `${hex(0, best)}::${hex(best + bestLen, 8)}`;
}

/**
 * Whether Go's netip.ParseAddr reads `text` too (what will be valid once the sloppy parser goes):
 * IPv4 without leading zeros; IPv6 groups of at most four hex digits with any IPv4 tail strict.
 * For a text `parseIP` accepts; zones never reach here (the sloppy parser refuses them).
 */
export function isStrictIP(text: string): boolean {
  if (!parseIP(text)) return false;
  const strictV4 = (t: string): boolean => t.split('.').every((p) => p === '0' || !p.startsWith('0'));
  if (literalKind(text) === 'v4') return strictV4(text);
  const tail = /[0-9.]*$/.exec(text)?.[0] ?? '';
  const v4Tail = tail.includes('.') ? tail : '';
  const groups = text.slice(0, text.length - v4Tail.length).split(':').filter((g) => g !== '');
  return groups.every((g) => g.length <= 4) && (!v4Tail || strictV4(v4Tail));
}

/** utilnet.IsIPv6String: a valid IP that is not IPv4. */
export function isIPv6String(text: string): boolean {
  return parseIP(text)?.family === 'IPv6';
}

/** ParseCIDRSloppy: `ip/bits` with a sloppy IP and a decimal prefix length in range. */
export function isValidCIDRSloppy(text: string): boolean {
  const slash = text.indexOf('/');
  if (slash < 0) return false;
  const ip = parseIP(text.slice(0, slash));
  const bitsText = text.slice(slash + 1);
  if (!ip || !/^[0-9]+$/.test(bitsText)) return false;
  const bits = Number(bitsText);
  // Go checks the prefix length against the literal's length (4 or 16 bytes).
  const literalIsV4 = parseIPv4(text.slice(0, slash)) !== undefined;
  return bits <= (literalIsV4 ? 32 : 128);
}

/** Whether net.IP.IsUnspecified / IsLoopback / IsLinkLocalUnicast / IsLinkLocalMulticast holds. */
export function specialIPKind(text: string): 'unspecified' | 'loopback' | 'link-local' | 'link-local-multicast' | undefined {
  const ip = parseIP(text);
  if (!ip) return undefined;
  if (ip.family === 'IPv4') {
    const v = ip.v4!;
    if (v === 0) return 'unspecified';
    if (v >>> 24 === 127) return 'loopback';
    if (v >>> 16 === ((169 << 8) | 254)) return 'link-local';
    if (v >>> 8 === (224 << 16)) return 'link-local-multicast';
    return undefined;
  }
  const groups = ipv6Groups(text) as number[];
  if (groups.every((g) => g === 0)) return 'unspecified';
  if (groups.slice(0, 7).every((g) => g === 0) && groups[7] === 1) return 'loopback';
  if ((groups[0] & 0xffc0) === 0xfe80) return 'link-local';
  if ((groups[0] & 0xff0f) === 0xff02) return 'link-local-multicast';
  return undefined;
}
