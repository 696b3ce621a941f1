/**
 * @module The Service ClusterIP and NodePort allocators of one cluster: an IPv4 CIDR (default
 * 10.96.0.0/12, network and broadcast addresses excluded) and a port range (default
 * 30000-32767). State lives in memory and is rebuilt from the stored Services at start
 * (`repair`), so a restarted server never hands out an address or port in use.
 */
import { BandAllocator, ipBandOffset, portBandOffset } from './band-allocator.js';

export interface ServiceAllocatorsConfig {
  serviceCIDR: string;
  nodePortRange: { first: number; last: number };
  random?: () => number;
}

export function parseIPv4(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255) || m.slice(1).some((p) => p.length > 1 && p.startsWith('0'))) return undefined;
  return ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
}

export function formatIPv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

export function parseCIDR(text: string): { base: number; bits: number } {
  const [ip, bitsText] = text.split('/');
  const base = parseIPv4(ip);
  const bits = Number(bitsText);
  if (base === undefined || !Number.isInteger(bits) || bits < 8 || bits > 30) throw new Error(`invalid service CIDR ${text}: want an IPv4 CIDR between /8 and /30`);
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return { base: (base & mask) >>> 0, bits };
}

export class ServiceAllocators {
  readonly serviceCIDR: string;
  readonly nodePortRange: { first: number; last: number };
  readonly ips: BandAllocator;
  readonly ports: BandAllocator;

  constructor(config: ServiceAllocatorsConfig) {
    this.serviceCIDR = config.serviceCIDR;
    this.nodePortRange = config.nodePortRange;
    const { base, bits } = parseCIDR(config.serviceCIDR);
    const size = 2 ** (32 - bits);
    // Usable addresses exclude the network and broadcast addresses.
    this.ips = new BandAllocator(base + 1, base + size - 2, { offset: ipBandOffset(size), random: config.random });
    const { first, last } = config.nodePortRange;
    this.ports = new BandAllocator(first, last, { offset: portBandOffset(last - first + 1), random: config.random });
  }

  /** The n-th address of the range (1 = the `kubernetes` Service, 10 = kube-dns). */
  nthIP(n: number): string {
    return formatIPv4(this.ips.first - 1 + n);
  }

  inRange(ip: string): boolean {
    const value = parseIPv4(ip);
    return value !== undefined && value >= this.ips.first && value <= this.ips.last;
  }
}
