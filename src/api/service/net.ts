/**
 * @module IP address and CIDR parsing as kube-apiserver's Service code does it: k8s.io/utils/net
 * `ParseIPSloppy` / `ParseCIDRSloppy` (Go 1.16's parser, which still accepts leading zeros in
 * IPv4 octets) and the IPv4/IPv6 family of an address (`IsIPv6String`: an IPv4-mapped IPv6
 * address counts as IPv4). IPv4 addresses are unsigned 32-bit numbers here.
 */
import { isIPv6 } from 'node:net';

export type IPFamily = 'IPv4' | 'IPv6';

/** A parsed address: its family, and for IPv4 its value as a number. */
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
 * The IPv4 address inside an IPv4-mapped IPv6 literal, in any spelling (`::ffff:1.2.3.4`,
 * `::ffff:102:304`, `0:0:0:0:0:ffff:1.2.3.4`: Go's To4() / netip's Is4In6); undefined otherwise.
 */
export function mappedIPv4(text: string): number | undefined {
  if (parseIPv4(text) !== undefined || text.includes('%') || !isIPv6(text)) return undefined;
  // The URL parser writes IPv6 in its one canonical form: a mapped address is `::ffff:` and two groups.
  const m = /^\[::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})\]$/.exec(new URL(`http://[${text}]/`).hostname);
  return m ? parseInt(m[1], 16) * 65536 + parseInt(m[2], 16) : undefined;
}

/** Dotted-quad text of an IPv4 number (Go's net.IP.String()). */
export function formatIPv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

/** ParseIPSloppy: IPv4 (sloppy), or IPv6 (no zone); undefined when it is not an IP. */
export function parseIP(text: string): ParsedIP | undefined {
  const v4 = parseIPv4(text);
  if (v4 !== undefined) return { family: 'IPv4', v4 };
  if (text.includes('%') || !isIPv6(text)) return undefined;
  // An IPv4-mapped IPv6 address is an IPv4 address to Go (To4() != nil).
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(text);
  if (mapped) {
    const inner = parseIPv4(mapped[1]);
    if (inner !== undefined) return { family: 'IPv4', v4: inner };
  }
  return { family: 'IPv6' };
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
  const groups = expandIPv6(text);
  if (groups.every((g) => g === 0)) return 'unspecified';
  if (groups.slice(0, 7).every((g) => g === 0) && groups[7] === 1) return 'loopback';
  if ((groups[0] & 0xffc0) === 0xfe80) return 'link-local';
  if ((groups[0] & 0xff0f) === 0xff02) return 'link-local-multicast';
  return undefined;
}

/** The eight 16-bit groups of a valid IPv6 literal (an embedded IPv4 tail included). */
function expandIPv6(text: string): number[] {
  let tail: number[] = [];
  let body = text;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const n = parseIPv4(v4[1]) ?? 0;
    tail = [n >>> 16, n & 0xffff];
    body = text.slice(0, -v4[1].length);
    if (body.endsWith(':') && !body.endsWith('::')) body = body.slice(0, -1);
  }
  const [head, rest] = body.includes('::') ? body.split('::') : [body, undefined];
  const parse = (s: string | undefined): number[] => (s ? s.split(':').filter((x) => x !== '').map((x) => parseInt(x, 16)) : []);
  const left = parse(head);
  const right = [...parse(rest), ...tail];
  if (rest === undefined) return [...left, ...tail];
  const zeros = new Array<number>(8 - left.length - right.length).fill(0);
  return [...left, ...zeros, ...right];
}
