/**
 * @module What the data-plane benchmarks need to know per proxy mode, in one table, so a mode
 * is one parameter (`KUBITO_BENCH_PROXY_MODES=iptables,nftables`): how to copy the rules a
 * kubito node namespace holds into another namespace by hand (the "same rules loaded by hand"
 * baseline), and which mode a running node agent actually uses (it falls back to iptables while
 * a backend is not built, and the rows must not carry the wrong label).
 */
import { spawnSync } from 'node:child_process';
import { request } from 'node:http';
import type { ProxyMode } from '../src/proxy/backends.js';
import { proxySocketPath } from '../src/proxy/rules-socket.js';

export interface HandLoader {
  /** How the copy is made, for the row's baseline text. */
  describe: string;
  /** The node namespace's rules as text. */
  snapshot(netns: string): string;
  /** Loads a snapshot into a fresh namespace. */
  load(netns: string, text: string): void;
}

function inNetns(netns: string, argv: string[], input?: string): string {
  const r = spawnSync('ip', ['netns', 'exec', netns, ...argv], { encoding: 'utf8', input, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} in ${netns}: exit ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/**
 * Per mode: the hand copy of its kernel rules. iptables uses the host's default binaries, as
 * the backend does (`iptables` → iptables-nft on Debian 12). The userspace proxy has no kernel
 * rules to copy: its rows compare with the pod IPs only.
 */
export const HAND_LOADERS: Readonly<Partial<Record<ProxyMode, HandLoader>>> = {
  iptables: {
    describe: 'iptables-save of the node namespace, iptables-restore into a copy of its namespaces',
    snapshot: (netns) => inNetns(netns, ['iptables-save']),
    load: (netns, text) => void inNetns(netns, ['iptables-restore'], text),
  },
  nftables: {
    describe: 'nft list ruleset of the node namespace, nft -f into a copy of its namespaces',
    snapshot: (netns) => inNetns(netns, ['nft', 'list', 'ruleset']),
    load: (netns, text) => void inNetns(netns, ['nft', '-f', '-'], text),
  },
};

/** The mode the node agent runs now (`GET /mode` on `<data-dir>/run/proxy.sock`). */
export function proxyModeInEffect(dataDir: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: proxySocketPath(dataDir), path: '/mode', method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => (res.statusCode === 200 ? resolve(body.trim()) : reject(new Error(`GET /mode: ${res.statusCode} ${body}`))));
    });
    req.once('error', reject);
    req.end();
  });
}

/** `KUBITO_BENCH_PROXY_MODES` (comma list), default iptables. */
export function benchModes(): ProxyMode[] {
  const text = process.env.KUBITO_BENCH_PROXY_MODES ?? 'iptables';
  return text.split(',').map((m) => m.trim()).filter(Boolean) as ProxyMode[];
}
