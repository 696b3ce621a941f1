/**
 * @module `kubito proxy rules [--name N] [--data-dir D]`: prints the ruleset the node's proxy
 * holds now. Asks the node agent (`<data-dir>/run/proxy-rules.sock`, the backend's own
 * `currentRules()`); when the agent does not answer, reads the kernel directly inside the node
 * namespace (`nsenter --net=/run/netns/kubito-<name>-node nft list table ip kube-proxy` or
 * `iptables-save`, the mode `up` recorded first). That text is printed as it is (what scripts
 * grep); after it, marked by `# kubito hostPorts` comment lines, the hostPort DNAT rules of
 * src/portmap: the `ip kubito-hostports` table read in the node namespace (nftables and
 * userspace modes), or in iptables mode a summary of portmap's CNI-HOSTPORT chains, which
 * `iptables-save` above already holds. Comments keep the whole valid `nft -f` /
 * `iptables-restore` input.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { nodeNetns } from '../node/names.js';
import { mappingText, parseIptablesHostports, parseNftHostports } from '../portmap/inspect.js';
import { NFT_TABLE } from '../portmap/nftables.js';
import { proxySocketPath } from '../proxy/rules-socket.js';
import { parseCommonFlags, UsageError, type CommonFlags } from './flags.js';
import { nodeExecArgv, nodeHandle } from './node-exec.js';
import { readState } from './state.js';

/** The hostPort rules' family: iptables in iptables mode, nftables otherwise (src/portmap/start.ts). */
export type HostPortFamily = 'nftables' | 'iptables';

function askAgent(socketPath: string, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`the node proxy answered ${res.statusCode}: ${body.trim()}`))));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('the node proxy did not answer in 10 s')));
    req.end();
  });
}

/**
 * The ruleset read from the kernel in the node namespace (the agent is not answering): the mode
 * `up` recorded first, then the others; an error when no kube-proxy rules are there at all.
 */
function readKernel(flags: CommonFlags): string {
  const netns = `/run/netns/${nodeNetns(flags.name)}`;
  if (!existsSync(netns)) throw new Error(`cluster "${flags.name}" has no node namespace (${netns}); is it running? (kubito up --name ${flags.name})`);
  const inNode = (argv: string[]): string | undefined => {
    try {
      return execFileSync('nsenter', [`--net=${netns}`, '--', ...argv], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch {
      return undefined;
    }
  };
  const readers: Record<string, () => string | undefined> = {
    nftables: () => inNode(['nft', 'list', 'table', 'ip', 'kube-proxy']),
    iptables: () => ['iptables-save', 'iptables-legacy-save', 'iptables-nft-save'].map((save) => inNode([save])).find((text) => text?.includes('KUBE-')),
  };
  const recorded = readState(flags.dataDir)?.proxyMode;
  const order = recorded === 'iptables' ? ['iptables', 'nftables'] : ['nftables', 'iptables'];
  for (const mode of order) {
    const text = readers[mode]();
    if (text) return text;
  }
  throw new Error(`no kube-proxy rules in ${netns} (userspace mode keeps none; is the agent of cluster "${flags.name}" running, with --data-dir ${flags.dataDir}?)`);
}

/** The proxy mode in effect: the agent's answer, else the one `up` recorded, else nftables. */
export async function proxyModeOf(flags: CommonFlags): Promise<string> {
  try {
    return (await askAgent(proxySocketPath(flags.dataDir), '/mode')).trim();
  } catch {
    return readState(flags.dataDir)?.proxyMode ?? 'nftables';
  }
}

export function hostPortFamily(mode: string): HostPortFamily {
  return mode === 'iptables' ? 'iptables' : 'nftables';
}

/** Runs a command in the node namespace (as root, or rootless in the agent's namespaces). */
function inNode(flags: CommonFlags, argv: string[]): { code: number; stdout: string; stderr: string } | Error {
  const full = nodeExecArgv(flags.name, nodeHandle(flags), argv);
  if (full instanceof Error) return full;
  const r = spawnSync(full[0], full.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });
  if (r.error) return r.error;
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * The hostPort rules as the node's kernel lists them: `nft list table ip kubito-hostports` (''
 * when there is no table: nothing mapped), or `iptables-save -t nat` of the first variant that
 * holds kubito's chains; an Error saying why they could not be read.
 */
export function readHostPortRules(flags: CommonFlags, family: HostPortFamily): string | Error {
  if (family === 'nftables') {
    const r = inNode(flags, ['nft', 'list', 'table', 'ip', NFT_TABLE]);
    if (r instanceof Error) return r;
    if (r.code === 0) return r.stdout;
    if (/No such file or directory/.test(r.stderr)) return '';
    return new Error(r.stderr.trim() || `nft exited ${r.code}`);
  }
  let first: string | Error = new Error('no iptables-save in the node namespace');
  for (const save of ['iptables-save', 'iptables-legacy-save', 'iptables-nft-save']) {
    const r = inNode(flags, [save, '-t', 'nat']);
    if (r instanceof Error) return r;
    if (r.code !== 0) continue;
    if (/CNI-HOSTPORT|KUBE-/.test(r.stdout)) return r.stdout;
    if (first instanceof Error) first = r.stdout;
  }
  return first;
}

/**
 * What `kubito proxy rules` prints after kube-proxy's rules: the hostPort rules, every line of
 * its own a comment except the nft table itself. Pure. `rules`: readHostPortRules' answer
 * (nftables), or kube-proxy's own `iptables-save` text, which holds portmap's chains (iptables).
 */
export function hostPortsSection(family: HostPortFamily, rules: string | Error): string {
  const head = '# kubito hostPorts (src/portmap, the DNAT of pods\' ports[].hostPort on the node)';
  if (rules instanceof Error) return `${head}: could not read them: ${rules.message.split('\n')[0]}\n`;
  if (family === 'nftables') {
    const n = parseNftHostports(rules).mappings.length;
    if (!rules.trim()) return `${head}: none mapped (no table ip ${NFT_TABLE})\n`;
    return `${head}: table ip ${NFT_TABLE}, ${n} mapping(s)\n${rules.endsWith('\n') ? rules : `${rules}\n`}`;
  }
  const { mappings, missingEntries } = parseIptablesHostports(rules);
  if (!mappings.length) return `${head}: none mapped\n`;
  const lines = [`${head}: ${mappings.length} mapping(s), in *nat above: CNI-HOSTPORT-DNAT (from PREROUTING and OUTPUT), a CNI-DN-<hash> chain per pod, CNI-HOSTPORT-SETMARK, CNI-HOSTPORT-MASQ`];
  for (const m of mappings) lines.push(`#   ${mappingText(m)}${m.owner ? ` (${m.owner})` : ''}`);
  if (missingEntries.length) lines.push(`#   not hooked in: ${missingEntries.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

/** `kubito proxy <subcommand> ...`; returns the exit code. */
export async function proxyCommand(args: string[], write: (text: string) => void): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'rules') throw new UsageError(sub ? `unknown proxy subcommand "${sub}" (try: kubito proxy rules)` : 'kubito proxy needs a subcommand: rules');
  const flags = parseCommonFlags(rest);
  let text: string;
  try {
    text = await askAgent(proxySocketPath(flags.dataDir), '/rules');
  } catch {
    text = readKernel(flags);
  }
  write(text.endsWith('\n') || text === '' ? text : `${text}\n`);
  const family = hostPortFamily(await proxyModeOf(flags));
  write(`\n${hostPortsSection(family, family === 'iptables' ? text : readHostPortRules(flags, family))}`);
  return 0;
}
