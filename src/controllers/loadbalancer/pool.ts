/**
 * @module The address pool LoadBalancer Services get their ingress IPs from: an IPv4 CIDR inside
 * 127.0.0.0/8 (kubito only ever listens on loopback in the host namespace, DESIGN.md), whose
 * network and broadcast addresses are left out (except in a /31 or /32, which have none). Pure.
 */
import { formatIPv4, parseIPv4 } from '../../api/service/allocators.js';

/** A usable range of addresses, as 32-bit numbers. */
export interface Pool {
  /** As configured, normalised: `127.0.100.0/24`. */
  cidr: string;
  first: number;
  last: number;
}

/** The configured pool is not an IPv4 CIDR inside 127.0.0.0/8. */
export class PoolConfigError extends Error {
  constructor(cidr: string, why: string) {
    super(`invalid load balancer pool ${JSON.stringify(cidr)}: ${why}`);
    this.name = 'PoolConfigError';
  }
}

const LOOPBACK = 127;

export function parsePool(cidr: string): Pool {
  const m = /^([^/]+)\/(\d{1,2})$/.exec(cidr.trim());
  const base = m ? parseIPv4(m[1]) : undefined;
  const bits = m ? Number(m[2]) : NaN;
  if (base === undefined || !(bits >= 0 && bits <= 32)) throw new PoolConfigError(cidr, 'want an IPv4 CIDR such as 127.0.100.0/24');
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  const network = (base & mask) >>> 0;
  if (bits < 8 || network >>> 24 !== LOOPBACK) throw new PoolConfigError(cidr, 'it must lie inside 127.0.0.0/8 (loopback)');
  const size = 2 ** (32 - bits);
  const edges = bits <= 30 ? 1 : 0;
  return { cidr: `${formatIPv4(network)}/${bits}`, first: network + edges, last: network + size - 1 - edges };
}

/** Whether `ip` (a number) is a usable address of the pool. */
export function inPool(pool: Pool, ip: number): boolean {
  return ip >= pool.first && ip <= pool.last;
}

/** How many addresses the pool can hand out. */
export function poolSize(pool: Pool): number {
  return pool.last - pool.first + 1;
}

/** `127.0.100.1-127.0.100.254`, for messages. */
export function poolRange(pool: Pool): string {
  return `${formatIPv4(pool.first)}-${formatIPv4(pool.last)}`;
}

/**
 * The pool of a cluster: `127.0.100.0/24` for the default cluster (`kubito`), another /24 of
 * 127.0.101.0-127.0.255.0 chosen by a hash of the name for the others, so that clusters side by
 * side (DESIGN.md: they must be able to run together) rarely hand out the same address, which
 * both would then try to listen on.
 */
export function loadBalancerPoolFor(cluster: string): string {
  if (cluster === 'kubito') return '127.0.100.0/24';
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(cluster)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return `127.0.${101 + (hash % 155)}.0/24`;
}
