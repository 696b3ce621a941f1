/**
 * @module Warnings for IP and CIDR values that validation accepts but that are not in their
 * standard form (k8s.io/apimachinery/pkg/util/validation/ip.go, GetWarningsForIP and
 * GetWarningsForCIDR, as of 1.33): IPv4 octets with leading zeros (accepted by the sloppy
 * parser, CVE-2021-29923), IPv4-mapped IPv6, IPv6 not in RFC 5952 form, and CIDRs with bits set
 * after the prefix. Only for values the sloppy parser accepts (the caller validated them).
 */
import { formatIP, formatIPv4, formatIPv6Groups, ipv6Groups, isStrictIP, mappedIPv4, parseIP, parseIPv4 } from './net.js';

/** RFC 5952 text of a (sloppy) IPv6 literal that is not IPv4-mapped: netip's Addr.String(). */
function canonicalIPv6(text: string): string {
  return formatIPv6Groups(ipv6Groups(text) as number[]);
}

/** net.IP.String() of a sloppy-parsed address: dotted quad for IPv4 and IPv4-mapped IPv6. */
function goIPString(text: string): string {
  return formatIP(text) as string;
}

/** GetWarningsForIP: `path` is the field path text (`spec.clusterIPs[0]`). */
export function ipWarnings(path: string, value: string): string[] {
  const ip = parseIP(value);
  if (!ip) return [];
  // What netip.ParseAddr refuses (leading zeros in IPv4, IPv6 groups of over four digits), and
  // Is4In6: a mapped address however written.
  if (!isStrictIP(value) || mappedIPv4(value) !== undefined) {
    return [`${path}: non-standard IP address ${JSON.stringify(value)} will be considered invalid in a future Kubernetes release: use ${JSON.stringify(goIPString(value))}`];
  }
  if (ip.family === 'IPv6' && canonicalIPv6(value) !== value) {
    return [`${path}: IPv6 address ${JSON.stringify(value)} should be in RFC 5952 canonical format (${JSON.stringify(canonicalIPv6(value))})`];
  }
  return [];
}

/** An IPv6 literal (embedded IPv4 included) as a 128-bit number. */
function ipv6Value(text: string): bigint {
  return (ipv6Groups(text) as number[]).reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

/** net.IP.String() of a 128-bit address: dotted quad when it is IPv4-mapped. */
function formatIPv6Value(value: bigint): string {
  if (value >> 32n === 0xffffn) return formatIPv4(Number(value & 0xffffffffn));
  const groups = Array.from({ length: 8 }, (_, i) => ((value >> BigInt(112 - 16 * i)) & 0xffffn).toString(16));
  return canonicalIPv6(groups.join(':'));
}

/** GetWarningsForCIDR: `path` is the field path text (`spec.loadBalancerSourceRanges[0]`). */
export function cidrWarnings(path: string, value: string): string[] {
  const slash = value.indexOf('/');
  if (slash < 0) return [];
  const addrText = value.slice(0, slash);
  const bitsText = value.slice(slash + 1);
  const ip = parseIP(addrText);
  if (!ip || !/^[0-9]+$/.test(bitsText)) return [];
  const bits = Number(bitsText);
  const literalV4 = parseIPv4(addrText) !== undefined;
  if (bits > (literalV4 ? 32 : 128)) return [];
  let network: string;
  let exact: boolean;
  if (literalV4) {
    const v = parseIPv4(addrText)!;
    const masked = bits === 0 ? 0 : (v & (0xffffffff << (32 - bits))) >>> 0;
    network = `${formatIPv4(masked)}/${bits}`;
    exact = masked === v;
  } else {
    const v = ipv6Value(addrText);
    const masked = bits === 0 ? 0n : v & (((1n << BigInt(bits)) - 1n) << BigInt(128 - bits));
    // net.IPNet.String(): a network that is still IPv4-mapped prints as IPv4 with the IPv4 prefix length.
    network = masked >> 32n === 0xffffn && bits >= 96 ? `${formatIPv6Value(masked)}/${bits - 96}` : `${formatIPv6Value(masked)}/${bits}`;
    exact = masked === v;
  }
  const warnings: string[] = [];
  if (!exact) {
    const single = `${goIPString(addrText)}/${literalV4 ? 32 : 128}`;
    warnings.push(`${path}: CIDR value ${JSON.stringify(value)} is ambiguous in this context (should be ${JSON.stringify(network)} or ${JSON.stringify(single)}?)`);
  }
  // netip.ParsePrefix refuses leading zeros (in IPv4 octets and the prefix length) and IPv4-mapped addresses.
  const strict = isStrictIP(addrText) && mappedIPv4(addrText) === undefined && (bitsText === '0' || !bitsText.startsWith('0'));
  if (!strict) {
    warnings.push(`${path}: non-standard CIDR value ${JSON.stringify(value)} will be considered invalid in a future Kubernetes release: use ${JSON.stringify(network)}`);
  }
  if (warnings.length === 0 && !literalV4 && `${canonicalIPv6(addrText)}/${bits}` !== value) {
    warnings.push(`${path}: IPv6 CIDR value ${JSON.stringify(value)} should be in RFC 5952 canonical format (${JSON.stringify(`${canonicalIPv6(addrText)}/${bits}`)})`);
  }
  return warnings;
}
