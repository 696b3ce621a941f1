/**
 * @module The node agent's flags (`node dist/src/node/main.js --cluster NAME --data-dir DIR
 * ...`), parsed and defaulted. Pure.
 */
export interface AgentFlags {
  cluster: string;
  dataDir: string;
  nodeName: string;
  podCIDR: string;
  clusterDNS: string[];
  clusterDomain: string;
  resolvConf: string;
  /** The data plane (`--proxy-mode`): nftables (default), iptables or userspace. */
  proxyMode: 'nftables' | 'iptables' | 'userspace';
  /** The cluster's pod CIDR (the proxy masquerades traffic to Services from outside it). */
  clusterCIDR: string;
  /**
   * `--min-sync-period` (a Go duration, e.g. `250ms`, `1s`, `0`): while Service changes keep
   * coming, the proxy starts at most one rules sync per period; a lone change syncs at once.
   * Undefined: the proxy's default.
   */
  burstSyncPeriodMs?: number;
  /** Network sandboxes kept made ahead for pods to take (`--sandbox-pool`; 0: none). */
  sandboxPool: number;
}

const KNOWN = new Set(['cluster', 'data-dir', 'node-name', 'pod-cidr', 'cluster-dns', 'cluster-domain', 'resolv-conf', 'proxy-mode', 'cluster-cidr', 'sandbox-pool', 'min-sync-period']);

/**
 * Sandboxes kept ready by default: a burst of up to that many pods skips making namespaces
 * (the rest make theirs as before). Each idle one holds an address of the /24 (253, with the
 * kubelet's default of 110 pods) and a namespace with a veth pair: about 350 KiB of kernel
 * memory (slab and per-CPU, measured here), some 22 MiB for 64.
 */
export const DEFAULT_SANDBOX_POOL = 64;

export function parseAgentFlags(argv: string[]): AgentFlags {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m || !KNOWN.has(m[1])) throw new Error(`unknown argument ${JSON.stringify(argv[i])}; flags: ${[...KNOWN].map((k) => `--${k}`).join(' ')}`);
    const value = m[2] ?? argv[++i];
    if (value === undefined) throw new Error(`flag --${m[1]} needs a value`);
    values.set(m[1], value);
  }
  const cluster = values.get('cluster');
  const dataDir = values.get('data-dir');
  if (!cluster) throw new Error('--cluster is required');
  if (!dataDir) throw new Error('--data-dir is required');
  const dns = values.get('cluster-dns') ?? '10.96.0.10';
  const proxyMode = values.get('proxy-mode') ?? 'nftables';
  if (proxyMode !== 'nftables' && proxyMode !== 'iptables' && proxyMode !== 'userspace') throw new Error(`--proxy-mode must be nftables, iptables or userspace, not ${JSON.stringify(proxyMode)}`);
  const pool = values.get('sandbox-pool') ?? String(DEFAULT_SANDBOX_POOL);
  if (!/^\d+$/.test(pool) || Number(pool) > 128) throw new Error(`--sandbox-pool must be a number from 0 to 128, not ${JSON.stringify(pool)}`);
  const minSync = values.get('min-sync-period');
  const minSyncMatch = minSync === undefined ? undefined : /^(\d+(?:\.\d+)?)(ms|s|m)$|^0$/.exec(minSync);
  if (minSync !== undefined && !minSyncMatch) throw new Error(`--min-sync-period must be a duration such as 250ms or 1s, not ${JSON.stringify(minSync)}`);
  return {
    cluster,
    dataDir,
    nodeName: values.get('node-name') ?? `${cluster}-node`,
    podCIDR: values.get('pod-cidr') ?? '10.244.0.0/24',
    clusterDNS: dns ? dns.split(',').filter(Boolean) : [],
    clusterDomain: values.get('cluster-domain') ?? 'cluster.local',
    resolvConf: values.get('resolv-conf') ?? '/etc/resolv.conf',
    proxyMode,
    clusterCIDR: values.get('cluster-cidr') ?? '10.244.0.0/16',
    sandboxPool: Number(pool),
    ...(minSyncMatch ? { burstSyncPeriodMs: minSyncMatch[1] === undefined ? 0 : Number(minSyncMatch[1]) * { ms: 1, s: 1000, m: 60_000 }[minSyncMatch[2] as 'ms' | 's' | 'm'] } : {}),
  };
}
