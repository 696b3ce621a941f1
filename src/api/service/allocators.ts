/**
 * @module The Service ClusterIP and NodePort allocators of one cluster: an IPv4 CIDR (default
 * 10.96.0.0/12; network and broadcast addresses excluded) and a port range (default
 * 30000-32767), with kube-apiserver 1.33's error texts (ipallocator with the ServiceCIDR
 * "MetaAllocator", portallocator). State lives in memory, owned per Service uid, and is rebuilt
 * from the stored Services at start (`claim`), so a restarted server never hands out an
 * address or port in use.
 */
import { BandAllocator, ipBandOffset, portBandOffset, type AllocateResult } from './band-allocator.js';
import { formatIPv4, parseIPv4 } from './net.js';

export { formatIPv4, parseIPv4 } from './net.js';

export interface ServiceAllocatorsConfig {
  serviceCIDR: string;
  nodePortRange: { first: number; last: number };
  /** A number in [0, 1); inject a fixed one in tests. */
  random?: () => number;
}

/** Addresses (IPv4 numbers) and node ports (health check port included) one Service holds. */
export interface Holdings {
  ips: number[];
  ports: number[];
}

export function parseCIDR(text: string): { base: number; bits: number } {
  const [ip, bitsText] = text.split('/');
  const base = parseIPv4(ip ?? '');
  const bits = Number(bitsText);
  if (base === undefined || !/^[0-9]+$/.test(bitsText ?? '') || bits < 8 || bits > 30) {
    throw new Error(`invalid service CIDR ${text}: want an IPv4 CIDR between /8 and /30`);
  }
  const mask = (0xffffffff << (32 - bits)) >>> 0;
  return { base: (base & mask) >>> 0, bits };
}

export class ServiceAllocators {
  /** The service CIDR in canonical form (`10.96.0.0/12`). */
  readonly serviceCIDR: string;
  readonly nodePortRange: { first: number; last: number };
  readonly ips: BandAllocator;
  readonly ports: BandAllocator;
  /** Network address and broadcast address of the CIDR. */
  readonly #network: number;
  readonly #broadcast: number;

  constructor(config: ServiceAllocatorsConfig) {
    const { base, bits } = parseCIDR(config.serviceCIDR);
    this.serviceCIDR = `${formatIPv4(base)}/${bits}`;
    this.nodePortRange = config.nodePortRange;
    const size = 2 ** (32 - bits);
    this.#network = base;
    this.#broadcast = base + size - 1;
    this.ips = new BandAllocator(base + 1, base + size - 2, { offset: ipBandOffset(size), random: config.random });
    const { first, last } = config.nodePortRange;
    this.ports = new BandAllocator(first, last, { offset: portBandOffset(last - first + 1), random: config.random });
  }

  /** The n-th address of the range (1 = the `kubernetes` Service, 10 = kube-dns). */
  nthIP(n: number): string {
    return formatIPv4(this.#network + n);
  }

  inRange(ip: string): boolean {
    const value = parseIPv4(ip);
    return value !== undefined && this.ips.inRange(value);
  }

  /**
   * Why a requested address could not be taken, as `failed to allocate IP <ip>: <this>` ends:
   * outside the CIDR no ServiceCIDR matches (ErrMismatchedNetwork); the network or broadcast
   * address is ErrNotInRange; a used one ErrAllocated.
   */
  ipError(value: number, result: AllocateResult & { ok: false }): string {
    if (result.reason === 'taken') return 'provided IP is already allocated';
    if (result.reason === 'full') return 'range is full';
    if (value < this.#network || value > this.#broadcast) return 'the provided network does not match the current range';
    return `the provided IP (${formatIPv4(value)}) is not in the valid range. The range of valid IPs is ${this.serviceCIDR}`;
  }

  /** portallocator's error texts. */
  portError(result: AllocateResult & { ok: false }): string {
    if (result.reason === 'taken') return 'provided port is already allocated';
    if (result.reason === 'full') return 'range is full';
    const { first, last } = this.nodePortRange;
    return `provided port is not in the valid range. The range of valid ports is ${first}-${last}`;
  }

  /** Everything `owner` holds in both allocators. */
  ownedBy(owner: string): Holdings {
    return { ips: this.ips.ownedBy(owner), ports: this.ports.ownedBy(owner) };
  }

  /** Frees what `owner` holds of `h` (values held by others are left alone). */
  release(h: Holdings, owner: string): void {
    for (const ip of h.ips) this.ips.release(ip, owner);
    for (const port of h.ports) this.ports.release(port, owner);
  }

  /**
   * Marks stored holdings as used by `owner` (start-up repair). Returns the values another
   * owner already holds (a Service stored with an address or port another also claims).
   */
  claim(h: Holdings, owner: string): Holdings {
    const conflicts: Holdings = { ips: [], ports: [] };
    for (const ip of h.ips) {
      if (!this.ips.inRange(ip)) continue;
      const r = this.ips.allocate(ip, owner);
      if (!r.ok && this.ips.ownerOf(ip) !== owner) conflicts.ips.push(ip);
    }
    for (const port of h.ports) {
      if (!this.ports.inRange(port)) continue;
      const r = this.ports.allocate(port, owner);
      if (!r.ok && this.ports.ownerOf(port) !== owner) conflicts.ports.push(port);
    }
    return conflicts;
  }
}
