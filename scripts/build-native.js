#!/usr/bin/env node
// Builds kubito's native parts (the list below) into build/ with the machine's C compiler ($CC,
// else cc); N-API addons against Node's own headers (<node prefix>/include/node). Run by `npm
// run build` and `prepare`. It never fails the build: a part that can't be built (no compiler,
// no headers, not Linux) prints one line, its stale output is removed, and the code that loads
// it falls back to its pure-Node path (each part's README says which).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, realpathSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const include = join(dirname(dirname(realpathSync(process.execPath))), 'include', 'node');

/**
 * One entry a native part. kind 'addon': a shared object loaded with process.dlopen / require;
 * kind 'program': an executable. fallback: what runs without it, for the one-line message.
 */
const PARTS = [
  {
    name: 'native DNS UDP transport',
    source: 'src/dns/native/udp-mmsg.c',
    out: 'build/dns-udp.node',
    kind: 'addon',
    fallback: 'the DNS server will use dgram',
  },
  {
    name: 'native host-port TCP forwarder',
    source: 'src/hostports/native/tcp-splice.c',
    out: 'build/hostports-fwd.node',
    kind: 'addon',
    flags: ['-pthread'],
    fallback: 'the node agent will forward handed host ports with Node sockets',
  },
  {
    name: 'native container launcher',
    source: 'src/node/native/launch.c',
    out: 'build/kubito-launch',
    kind: 'program',
    // Linked statically where the C library allows (else as any other program): every launch is two
    // forks of it and an exec from its copy, and a static program's smaller memory map made a
    // launch ≈ 3 ms of CPU cheaper here (src/node/README.md, "A burst of pods").
    preferredFlags: ['-static'],
    fallback: 'containers start through ip netns exec, unshare and sh',
  },
  {
    name: "native node agent helpers (port-forward's localhost dial, terminal resizes)",
    source: 'src/node/native/agent-addon.c',
    out: 'build/node-agent.node',
    kind: 'addon',
    fallback: "kubectl port-forward will dial the pod's IP from the node namespace, and terminal resizes run stty",
  },
  {
    name: 'native iptables-legacy nat table reader',
    source: 'src/proxy/iptables/native/ipt-facts.c',
    out: 'build/kubito-ipt-facts',
    kind: 'program',
    fallback: 'full iptables-legacy syncs read the nat table with iptables-save',
  },
  {
    name: 'native iptables-legacy table reader addon',
    source: 'src/proxy/iptables/native/ipt-facts-addon.c',
    out: 'build/ipt-facts.node',
    kind: 'addon',
    fallback: 'full iptables-legacy syncs read the nat table with build/kubito-ipt-facts (a process)',
  },
  {
    name: "native process starter of the proxy (posix_spawn)",
    source: 'src/proxy/native/spawn-addon.c',
    out: 'build/proxy-spawn.node',
    kind: 'addon',
    fallback: "the proxy's streamed restores are started by its spawner (build/kubito-spawner)",
  },
  {
    name: 'libnftables in the proxy (nft -f without a process)',
    source: 'src/proxy/nftables/native/nft-addon.c',
    out: 'build/proxy-nft.node',
    kind: 'addon',
    flags: ['-pthread'],
    libs: ['-ldl'],
    fallback: "the nftables proxy applies its rules with the nft command",
  },
  {
    name: 'native command spawner of the proxy',
    source: 'src/proxy/native/spawner.c',
    out: 'build/kubito-spawner',
    kind: 'program',
    fallback: "the proxy's streamed restores are spawned by Node",
  },
];

/** Builds one part; returns a reason it was not built, or undefined. */
function build(part) {
  const source = join(root, part.source);
  const out = join(root, part.out);
  if (process.platform !== 'linux') return `it is Linux-only, this is ${process.platform}`;
  if (!existsSync(source)) return `no ${source}`;
  // A function the C library does not declare must fail the build (and the part fall back),
  // not link: an addon's missing symbol surfaces only when first called, and ends the process.
  const flags = ['-O2', '-Wall', '-Werror=implicit-function-declaration', ...(part.flags ?? [])];
  if (part.kind === 'addon') {
    if (!existsSync(join(include, 'node_api.h')) || !existsSync(join(include, 'uv.h'))) return `no Node headers in ${include}`;
    flags.push('-shared', '-fPIC', '-fvisibility=hidden', `-I${include}`);
  }
  mkdirSync(dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  const cc = process.env.CC || 'cc';
  const compile = (extra) => spawnSync(cc, [...flags, ...extra, '-o', tmp, source, ...(part.libs ?? [])], { encoding: 'utf8' });
  let r = compile(part.preferredFlags ?? []);
  if ((r.error || r.status !== 0) && part.preferredFlags) r = compile([]);
  if (r.error || r.status !== 0) {
    rmSync(tmp, { force: true });
    const first = (r.error?.message ?? r.stderr ?? '').split('\n').find((l) => l.trim() !== '') ?? `exit ${r.status}`;
    return `${cc}: ${first.trim()}`;
  }
  renameSync(tmp, out);
  return undefined;
}

for (const part of PARTS) {
  const why = build(part);
  if (why === undefined) continue;
  rmSync(join(root, part.out), { force: true }); // an output from an earlier build may not match this Node
  console.log(`kubito: ${part.name} not built (${why}); ${part.fallback}`);
}
