/**
 * @module The node agent process: `node dist/src/node/main.js --cluster NAME --data-dir DIR
 * [--node-name N] [--pod-cidr 10.244.0.0/24] [--cluster-dns 10.96.0.10] [--cluster-domain
 * cluster.local] [--resolv-conf /etc/resolv.conf]`, run inside the node's network namespace
 * (launch.ts starts it). It reaches the API on `<data-dir>/run/api.sock`, prints
 * `node agent ready: <node>` on stdout once its Node is registered, and on SIGTERM or SIGINT
 * stops its pods and exits 0.
 */
import { Client, HttpTransport, realClock } from '../client/index.js';
import { NodeAgent } from './agent.js';
import { parseAgentFlags } from './flags.js';
import { apiSocket, READY_LINE, runDir } from './names.js';
import { findExecutable } from './host-tools.js';
import { ExecRunner } from './runner.js';
import { ShellRunner } from './shell-runner.js';
import { runnerDir } from './names.js';
import { join } from 'node:path';

/** Connections for the agent's API requests: `KUBITO_AGENT_API_CONNECTIONS` (A/B runs), default 8. */
function apiConnectionsFromEnv(env: NodeJS.ProcessEnv): number {
  const n = Number(env.KUBITO_AGENT_API_CONNECTIONS);
  return Number.isInteger(n) && n > 0 ? n : 8;
}

async function main(): Promise<void> {
  const flags = parseAgentFlags(process.argv.slice(2));
  const log = (line: string): void => {
    process.stderr.write(`node ${flags.nodeName}: ${line}\n`);
  };
  // A few connections for requests (watches hold their own): a burst of 50 pods' bindings and
  // status writes opened a connection per request in flight, and the API server paid for each.
  const connections = apiConnectionsFromEnv(process.env);
  // Watch events and list items without managedFields (client/trim.ts, as client-go's
  // TransformStripManagedFields): nothing in the agent reads them.
  const transport = new HttpTransport({ server: 'http://localhost', socketPath: apiSocket(flags.dataDir), userAgent: `kubelet/v1.33.0-kubito (linux) kubito`, maxConnections: connections, stripManagedFields: true });
  // Status writes before bindings before Events when requests wait for a connection (the
  // agent orders them: api-priority.ts); KUBITO_AGENT_API_ORDER=fifo: in the order they were
  // made, =events-last: only Events after the rest (A/B runs).
  const order = process.env.KUBITO_AGENT_API_ORDER;
  const apiOrder = order === 'fifo' ? undefined : { limit: connections, order: order === 'events-last' ? ('events-last' as const) : ('status-first' as const) };
  // Commands go through one bash helper (shell-runner.ts): spawning from the agent stalls it.
  // bash, not dash: bash reaps its finished background jobs. Native launchers go to their own
  // server (`kubito-launch --serve`; KUBITO_LAUNCH_SERVER=off: through bash as well).
  const bash = findExecutable('bash');
  // A helper that dies (killed, out of memory) may have lost commands written to it: the agent
  // exits and is started over (kubito up restarts it; the new one clears what this one left).
  const onHelperExit = (code: number | null, signal: NodeJS.Signals | null): void => {
    log(`the command helper exited (${signal ?? `code ${code}`}); exiting to start over`);
    process.exit(1);
  };
  const dir = runnerDir(flags.cluster, join(runDir(flags.dataDir), 'runner'));
  const runner = bash ? new ShellRunner({ sh: bash, dir, onHelperExit, launchServer: process.env.KUBITO_LAUNCH_SERVER !== 'off' }) : new ExecRunner();
  // The pods' generated /etc files go in the helper's directory (tmpfs: /dev/shm), which lives
  // as long as the agent: on a busy ext4 disk each file costs milliseconds of CPU.
  const helper = runner instanceof ShellRunner ? runner : undefined;
  const agent = new NodeAgent({ ...flags, client: new Client(transport), apiOrder, runner, starter: helper, scratchDir: helper ? join(dir, 'pods') : undefined, clock: realClock, log });
  let stopping: Promise<void> | undefined;
  const stop = (): void => {
    stopping ??= agent
      .stop()
      .catch((err: unknown) => log(`stopping: ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => {
        if (runner instanceof ShellRunner) runner.close();
        transport.close();
        process.exit(0);
      });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  await agent.start();
  process.stdout.write(`${READY_LINE} ${flags.nodeName}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`node agent: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
