/**
 * @module A data-plane backend in its own process, for tests that run it inside a network
 * namespace (`ip netns exec <node> node backend-host.js <mode>`): the userspace backend's
 * listeners must live in the node namespace, and the kernel backends' commands then run there
 * too. Reads one JSON line per sync (`{"state": DesiredState}`) on stdin, answers `ok` or
 * `error: <message>` per line; at the end of stdin removes what it installed and exits.
 */
import { createInterface } from 'node:readline';
import { createBackend, isProxyMode } from '../backends.js';
import { execCommandRunner } from '../runner.js';
import type { DesiredState, ProxyBackend } from '../types.js';

const mode = process.argv[2] ?? '';
if (!isProxyMode(mode)) {
  process.stderr.write(`usage: backend-host.js nftables|iptables|userspace\n`);
  process.exit(2);
}
let backend: ProxyBackend | undefined;
const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (!line.trim()) continue;
  try {
    const { state } = JSON.parse(line) as { state: DesiredState };
    backend ??= createBackend(mode, { runner: execCommandRunner(), node: state.node, cluster: 'test', dataDir: '/nonexistent', log: (l) => process.stderr.write(`${l}\n`) });
    await backend.sync(state, 'all');
    process.stdout.write('ok\n');
  } catch (err) {
    process.stdout.write(`error: ${err instanceof Error ? err.message.replace(/\n/g, ' ') : String(err)}\n`);
  }
}
await backend?.cleanup();
process.exit(0);
