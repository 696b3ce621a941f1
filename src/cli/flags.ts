/**
 * @module Flag parsing for the kubito commands: `--flag value`, `--flag=value` and boolean
 * `--flag`, with the flags and defaults of DESIGN.md's contract. Unknown flags are errors.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseUpstreamFlag } from '../dns/upstreams.js';

export interface CommonFlags {
  name: string;
  dataDir: string;
}

export interface UpFlags extends CommonFlags {
  kubeconfig?: string;
  apiPort?: number;
  store: 'sqlite' | 'memory';
  proxyMode: 'nftables' | 'iptables' | 'userspace';
  detach: boolean;
  /** `--dns-upstream ADDR[:PORT][,...]|none`; undefined: the host's /etc/resolv.conf. */
  dnsUpstream?: string;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Where a cluster keeps its state when --data-dir is not given. */
export function defaultDataDir(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_DATA_HOME || join(env.HOME || homedir(), '.local', 'share');
  return join(base, 'kubito', name);
}

function parseRaw(args: string[], booleans: Set<string>, valued: Set<string>): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument "${arg}"`);
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    if (booleans.has(flag)) {
      const value = eq > 0 ? arg.slice(eq + 1) : 'true';
      if (value !== 'true' && value !== 'false') throw new UsageError(`--${flag} takes true or false, not "${value}"`);
      out.set(flag, value);
    } else if (valued.has(flag)) {
      const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
      if (value === undefined) throw new UsageError(`--${flag} needs a value`);
      out.set(flag, value);
    } else {
      throw new UsageError(`unknown flag --${flag}`);
    }
  }
  return out;
}

function common(raw: Map<string, string>): CommonFlags {
  const name = raw.get('name') ?? 'kubito';
  if (!NAME.test(name) || name.length > 40) throw new UsageError(`--name "${name}": use lower-case letters, digits and '-' (at most 40)`);
  // Absolute: the node agent and its launchers work from other directories (a launcher changes
  // into its pod's), where a relative data dir would name something else.
  return { name, dataDir: resolve(raw.get('data-dir') ?? defaultDataDir(name)) };
}

export function parseCommonFlags(args: string[]): CommonFlags {
  return common(parseRaw(args, new Set(), new Set(['name', 'data-dir'])));
}

export function parseUpFlags(args: string[]): UpFlags {
  const raw = parseRaw(args, new Set(['detach']), new Set(['name', 'data-dir', 'kubeconfig', 'api-port', 'store', 'proxy-mode', 'dns-upstream']));
  const store = raw.get('store') ?? 'sqlite';
  if (store === 'etcd') throw new UsageError('--store etcd is not available yet in this build of kubito; use sqlite (default) or memory');
  if (store !== 'sqlite' && store !== 'memory') throw new UsageError(`--store must be sqlite, memory or etcd, not "${store}"`);
  const proxyMode = raw.get('proxy-mode') ?? 'nftables';
  if (proxyMode !== 'nftables' && proxyMode !== 'iptables' && proxyMode !== 'userspace') {
    throw new UsageError(`--proxy-mode must be nftables, iptables or userspace, not "${proxyMode}"`);
  }
  let apiPort: number | undefined;
  if (raw.has('api-port')) {
    apiPort = Number(raw.get('api-port'));
    if (!Number.isInteger(apiPort) || apiPort < 0 || apiPort > 65535) throw new UsageError(`--api-port must be a port number (0 picks a free one), not "${raw.get('api-port')}"`);
  }
  const dnsUpstream = raw.get('dns-upstream');
  if (dnsUpstream !== undefined) {
    try {
      parseUpstreamFlag(dnsUpstream);
    } catch (err) {
      throw new UsageError(`--dns-upstream: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return { ...common(raw), kubeconfig: raw.get('kubeconfig'), apiPort, store, proxyMode, detach: raw.get('detach') === 'true', dnsUpstream };
}
