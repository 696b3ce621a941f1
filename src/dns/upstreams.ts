/**
 * @module Which resolvers names outside the cluster go to: `--dns-upstream ADDR[:PORT][,...]`,
 * `none`, or (no flag) the `nameserver` lines of the host's /etc/resolv.conf, as CoreDNS's
 * `forward . /etc/resolv.conf`. Pure parsing; the caller reads the file.
 */
import { isIP } from 'node:net';
import { join } from 'node:path';

export interface Upstream {
  host: string;
  port: number;
}

export class UpstreamSpecError extends Error {
  override name = 'UpstreamSpecError';
}

/** `1.2.3.4`, `1.2.3.4:5353`, `::1`, `[::1]:5353`. */
export function parseUpstream(spec: string): Upstream {
  const s = spec.trim();
  let host = s;
  let port = 53;
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (bracket) {
    host = bracket[1];
    if (bracket[2]) port = Number(bracket[2]);
  } else if (s.split(':').length === 2) {
    [host] = s.split(':');
    port = Number(s.split(':')[1]);
  }
  if (!isIP(host)) throw new UpstreamSpecError(`"${spec}" is not an IP address (ADDR or ADDR:PORT)`);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UpstreamSpecError(`"${spec}": the port must be 1-65535`);
  return { host, port };
}

/** The flag's value: `none` → [], else a comma list. */
export function parseUpstreamFlag(value: string): Upstream[] {
  if (value.trim() === 'none') return [];
  const parts = value.split(',').map((p) => p.trim()).filter(Boolean);
  if (parts.length === 0) throw new UpstreamSpecError('--dns-upstream needs ADDR[:PORT][,...] or none');
  return parts.map(parseUpstream);
}

/** The nameservers of a resolv.conf text (port 53), in order, IPv6 zone suffixes dropped. */
export function upstreamsFromResolvConf(text: string): Upstream[] {
  const out: Upstream[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*nameserver\s+(\S+)/.exec(line);
    if (!m) continue;
    const host = m[1].replace(/%.*$/, '');
    if (isIP(host)) out.push({ host, port: 53 });
  }
  return out;
}

export function formatUpstream(u: Upstream): string {
  return u.host.includes(':') ? `[${u.host}]:${u.port}` : `${u.host}:${u.port}`;
}

/**
 * Where the control plane's relay to the upstreams listens, under the data dir. Here, not in
 * cluster-dns.ts, so that the control plane loads the relay without the node's DNS server.
 */
export function relaySocketPath(dataDir: string): string {
  return join(dataDir, 'run', 'dns-upstream.sock');
}
