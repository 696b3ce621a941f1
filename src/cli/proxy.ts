/**
 * @module `kubito proxy rules [--name N] [--data-dir D]`: prints the ruleset the node's proxy
 * holds now. Asks the node agent (`<data-dir>/run/proxy-rules.sock`, the backend's own
 * `currentRules()`); when the agent does not answer, reads the kernel directly inside the node
 * namespace (`nsenter --net=/run/netns/kubito-<name>-node nft list table ip kube-proxy` or
 * `iptables-save`, the mode `up` recorded first).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { nodeNetns } from '../node/names.js';
import { proxySocketPath } from '../proxy/rules-socket.js';
import { parseCommonFlags, UsageError, type CommonFlags } from './flags.js';
import { readState } from './state.js';

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
  return 0;
}
