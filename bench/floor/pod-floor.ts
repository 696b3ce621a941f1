/**
 * @module The pod benchmark's floor: what starting a pod costs the kernel and the host tools
 * at the least, with no API, scheduler or kubelet — per pod, one shell that makes its network
 * namespace, a veth into a scratch "node" namespace's bridge, addresses, routes, and starts
 * `busybox sleep` inside it (what kubito's agent does before it reports Running). A burst of
 * `count` such shells at once; each pod's time is from the burst's start to its process running.
 * Everything lives in scratch namespaces (`kubito-tb<pid>-…`), removed by exact name.
 */
import { spawn } from 'node:child_process';
import { removeNetns, scratchNetns } from '../netns-scratch.js';

function podScript(options: { node: string; pod: string; veth: string; ip: string }): string {
  const { node, pod, veth, ip } = options;
  return [
    'set -e',
    `ip netns add ${pod}`,
    `ip -n ${node} link add ${veth} type veth peer name eth0 netns ${pod}`,
    `ip -n ${node} link set ${veth} master br0 up`,
    `ip -n ${pod} link set lo up`,
    `ip -n ${pod} addr add ${ip}/24 dev eth0`,
    `ip -n ${pod} link set eth0 up`,
    `ip -n ${pod} route add default via 10.250.0.1`,
    `ip netns exec ${pod} busybox sleep 30 </dev/null >/dev/null 2>&1 &`,
    'echo $!',
  ].join('\n');
}

function run(script: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, out }));
  });
}

/** Per-pod times (ms) of a burst of `count` bare pods; cleans up everything it made. */
export async function podFloorBurst(count: number): Promise<number[]> {
  const node = scratchNetns('floor-node');
  const pods = Array.from({ length: count }, (_, i) => ({ node, pod: `kubito-tb${process.pid}-fp${i}`, veth: `kvfl${process.pid % 10000}x${i}`.slice(0, 15), ip: `10.250.0.${i + 2}` }));
  const pids: number[] = [];
  try {
    const br = await run(`ip -n ${node} link add br0 type bridge && ip -n ${node} addr add 10.250.0.1/24 dev br0 && ip -n ${node} link set br0 up`);
    if (br.code !== 0) throw new Error('pod floor: cannot make the bridge');
    const t0 = performance.now();
    return await Promise.all(pods.map(async (p) => {
      const r = await run(podScript(p));
      if (r.code !== 0) throw new Error(`pod floor: ${p.pod} failed`);
      pids.push(Number(r.out.trim()));
      return performance.now() - t0;
    }));
  } finally {
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    for (const p of pods) removeNetns(p.pod);
    removeNetns(node);
  }
}
