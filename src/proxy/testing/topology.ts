/**
 * @module A node as the proxy sees it, made of network namespaces for the real-kernel tests
 * (imported by tests only): `<prefix>node` holds the rules (bridge kbr0 10.244.0.1/24, ip_forward,
 * a route for the Service CIDR, icmp_ratelimit=0, as kubito's node namespace has), `<prefix>cli`
 * is a client outside the cluster (10.99.0.2, routed through the node at 10.99.0.1), and
 * `<prefix>p1`, `<prefix>p2` are pods 10.244.0.11 and .12 on the bridge (hairpin on), each with a
 * TCP server on 8080 answering `pod-<ip>`. `close()` kills the servers and deletes the
 * namespaces by their exact names.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

export interface Topology {
  node: string;
  client: string;
  pods: string[];
  podIPs: string[];
  /** Runs a command in a namespace; throws with its stderr when it fails. */
  inNs(ns: string, ...argv: string[]): string;
  /** Connects from a namespace with socat; resolves with what the server said or the error text. */
  connect(ns: string, ip: string, port: number): Promise<string>;
  /** The set of answers of `n` connections. */
  answers(ns: string, ip: string, port: number, n: number): Promise<Set<string>>;
  close(): void;
}

export const topologyAvailable = process.platform === 'linux' && process.getuid?.() === 0 && spawnSync('ip', ['netns', 'list']).status === 0 && spawnSync('socat', ['-V']).status === 0;

function sh(...argv: string[]): string {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${argv.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** Runs a command in a namespace; throws with its stderr when it fails. */
export function inNs(ns: string, ...argv: string[]): string {
  return sh('ip', 'netns', 'exec', ns, ...argv);
}

/**
 * Connects from a namespace with socat; resolves with what the server said or the error text.
 * The server answers and closes (socat then exits at once); the 10 s idle timeout only bounds a
 * silent one: with 2 s, a server's fork and exec on a loaded machine read as an empty answer.
 */
export function connect(ns: string, ip: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const p = spawn('ip', ['netns', 'exec', ns, 'socat', '-T', '10', '-', `TCP:${ip}:${port},connect-timeout=2`], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (c: Buffer) => (out += c.toString()));
    p.stderr.on('data', (c: Buffer) => (out += c.toString()));
    p.stdin.end();
    p.on('close', () => resolve(out.trim()));
  });
}

/** The set of answers of `n` connections. */
export async function answers(ns: string, ip: string, port: number, n: number): Promise<Set<string>> {
  const seen = new Set<string>();
  for (let i = 0; i < n; i++) seen.add(await connect(ns, ip, port));
  return seen;
}

export function makeTopology(prefix: string): Topology {
  const node = `${prefix}node`;
  const client = `${prefix}cli`;
  const pods = [`${prefix}p1`, `${prefix}p2`];
  const podIPs = ['10.244.0.11', '10.244.0.12'];
  const servers: ChildProcess[] = [];
  const all = [node, client, ...pods];
  const close = (): void => {
    for (const s of servers) s.kill('SIGKILL');
    for (const ns of all) spawnSync('ip', ['netns', 'delete', ns]);
  };
  try {
    for (const ns of all) {
      spawnSync('ip', ['netns', 'delete', ns]);
      sh('ip', 'netns', 'add', ns);
      inNs(ns, 'ip', 'link', 'set', 'lo', 'up');
    }
    inNs(node, 'sysctl', '-qw', 'net.ipv4.ip_forward=1');
    inNs(node, 'sysctl', '-qw', 'net.ipv4.icmp_ratelimit=0');
    inNs(node, 'ip', 'link', 'add', 'kbr0', 'type', 'bridge');
    inNs(node, 'ip', 'addr', 'add', '10.244.0.1/24', 'dev', 'kbr0');
    inNs(node, 'ip', 'link', 'set', 'kbr0', 'up');
    inNs(node, 'ip', 'route', 'add', '10.96.0.0/12', 'dev', 'kbr0');
    inNs(node, 'ip', 'link', 'add', 'tc0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', client);
    inNs(node, 'ip', 'addr', 'add', '10.99.0.1/24', 'dev', 'tc0');
    inNs(node, 'ip', 'link', 'set', 'tc0', 'up');
    inNs(client, 'ip', 'addr', 'add', '10.99.0.2/24', 'dev', 'eth0');
    inNs(client, 'ip', 'link', 'set', 'eth0', 'up');
    inNs(client, 'ip', 'route', 'add', 'default', 'via', '10.99.0.1');
    pods.forEach((ns, i) => {
      const host = `tp${i}`;
      inNs(node, 'ip', 'link', 'add', host, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
      inNs(node, 'ip', 'link', 'set', host, 'master', 'kbr0');
      inNs(node, 'ip', 'link', 'set', host, 'up');
      // A pod reaching itself through a Service comes back out of the port it went in.
      inNs(node, 'bridge', 'link', 'set', 'dev', host, 'hairpin', 'on');
      inNs(ns, 'ip', 'addr', 'add', `${podIPs[i]}/24`, 'dev', 'eth0');
      inNs(ns, 'ip', 'link', 'set', 'eth0', 'up');
      inNs(ns, 'ip', 'route', 'add', 'default', 'via', '10.244.0.1');
      servers.push(spawn('ip', ['netns', 'exec', ns, 'socat', 'TCP-LISTEN:8080,fork,reuseaddr', `SYSTEM:echo pod-${podIPs[i]}`], { stdio: 'ignore' }));
    });
  } catch (err) {
    close();
    throw err;
  }
  return { node, client, pods, podIPs, inNs, connect, answers, close };
}
