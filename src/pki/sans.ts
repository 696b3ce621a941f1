/**
 * @module Subject alternative names of the serving certificate: the defaults every kubito API
 * server answers to, classification of extra hosts (IP address or DNS name), and reading the
 * names back from an existing certificate so the caller can tell whether it still covers what
 * is asked. Pure functions; no I/O.
 */
import { isIP } from 'node:net';
import { PkiError } from './errors.js';

/** One SAN. `bytes` is the address in network order (4 or 16 bytes), as X.509 stores it. */
export type SubjectAltName = { type: 'ip'; value: string; bytes: Buffer } | { type: 'dns'; value: string };

/**
 * The names kube-apiserver's own serving certificate carries (kubeadm's `apiserver.crt`), for
 * kubito's defaults: loopback, the `kubernetes` Service and its DNS names in `cluster.local`,
 * the Service's ClusterIP (first address of 10.96.0.0/12), and the address its endpoints name,
 * 10.244.0.1 (kubeadm adds the advertise address; kubito's is where the node agent relays the
 * API port to pods, see src/controllers/endpoints/kubernetes.ts), so that a pod verifying the
 * certificate reaches the API by any of them.
 */
export const DEFAULT_SERVING_HOSTS: readonly string[] = [
  '127.0.0.1',
  '::1',
  'localhost',
  'kubernetes',
  'kubernetes.default',
  'kubernetes.default.svc',
  'kubernetes.default.svc.cluster.local',
  '10.96.0.1',
  '10.244.0.1',
];

const LABEL = /^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/;

/**
 * Classifies `host` as an IP address or a DNS name (lower-cased, trailing dot dropped; a `*`
 * first label is allowed). Throws PkiError `InvalidHost` for anything else, e.g. `[::1]`,
 * `fe80::1%eth0`, `a b`, `-x.com` or an empty string.
 */
export function parseHost(host: string): SubjectAltName {
  if (isIP(host) !== 0) {
    const bytes = ipToBytes(host);
    if (bytes) return { type: 'ip', value: host, bytes };
  }
  let name = host.toLowerCase();
  if (name.endsWith('.')) name = name.slice(0, -1);
  const labels = name.split('.');
  const ok =
    name.length > 0 &&
    name.length <= 253 &&
    labels.every((label, i) => LABEL.test(label) || (i === 0 && label === '*' && labels.length > 1));
  if (!ok) throw new PkiError('InvalidHost', `invalid host ${JSON.stringify(host)}: want an IP address or a DNS name`);
  return { type: 'dns', value: name };
}

/** The SANs for the serving certificate: the defaults, then `extra`, without duplicates. */
export function servingSans(extra: readonly string[] = []): SubjectAltName[] {
  const seen = new Set<string>();
  const out: SubjectAltName[] = [];
  for (const host of [...DEFAULT_SERVING_HOSTS, ...extra]) {
    const san = parseHost(host);
    const key = sanKey(san);
    if (!seen.has(key)) {
      seen.add(key);
      out.push(san);
    }
  }
  return out;
}

/** A comparable key: `ip:<hex bytes>` (so `::1` equals `0:0:0:0:0:0:0:1`) or `dns:<name>`. */
export function sanKey(san: SubjectAltName): string {
  return san.type === 'ip' ? `ip:${san.bytes.toString('hex')}` : `dns:${san.value}`;
}

/** The entries of `want` that `have` lacks. An empty result means `have` covers `want`. */
export function missingSans(want: readonly SubjectAltName[], have: readonly SubjectAltName[]): SubjectAltName[] {
  const present = new Set(have.map(sanKey));
  return want.filter((san) => !present.has(sanKey(san)));
}

/**
 * Reads the text of node's `X509Certificate.subjectAltName` (`DNS:localhost, IP Address:127.0.0.1,
 * IP Address:0:0:0:0:0:0:0:1`). Entries of other kinds, or that do not parse, are left out: a
 * name that cannot be read back counts as absent, which at worst costs a regeneration.
 */
export function parseSanText(text: string | undefined): SubjectAltName[] {
  if (!text) return [];
  const out: SubjectAltName[] = [];
  for (const entry of text.split(', ')) {
    const colon = entry.indexOf(':');
    const kind = entry.slice(0, colon);
    const value = entry.slice(colon + 1);
    if (kind === 'DNS') {
      try {
        out.push(parseHost(value));
      } catch {
        // not a name kubito would have asked for
      }
    } else if (kind === 'IP Address') {
      const bytes = ipToBytes(value);
      if (bytes) out.push({ type: 'ip', value, bytes });
    }
  }
  return out;
}

/**
 * An IPv4 or IPv6 address in network byte order (4 or 16 bytes); undefined when `ip` is not one.
 * IPv6 may use `::` and an IPv4 tail (`::ffff:1.2.3.4`); zone ids (`%eth0`) are refused.
 */
export function ipToBytes(ip: string): Buffer | undefined {
  const family = isIP(ip);
  if (family === 4) return Buffer.from(ip.split('.').map(Number));
  if (family !== 6 || ip.includes('%')) return undefined;
  const [head, tail, ...rest] = ip.split('::');
  if (rest.length > 0) return undefined;
  const groups = (part: string | undefined): number[] => {
    if (!part) return [];
    const out: number[] = [];
    for (const g of part.split(':')) {
      if (g.includes('.')) {
        const v4 = ipToBytes(g);
        if (!v4 || v4.length !== 4) return [NaN];
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else {
        out.push(parseInt(g, 16));
      }
    }
    return out;
  };
  const left = groups(head);
  const right = groups(tail);
  const fill = tail === undefined ? 0 : 8 - left.length - right.length;
  const all = [...left, ...new Array<number>(fill).fill(0), ...right];
  if (all.length !== 8 || all.some((g) => !(g >= 0 && g <= 0xffff))) return undefined;
  const buf = Buffer.alloc(16);
  all.forEach((g, i) => buf.writeUInt16BE(g, i * 2));
  return buf;
}
