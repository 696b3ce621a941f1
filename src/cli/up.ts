/**
 * @module `kubito up`: starts a cluster in the foreground (Ctrl-C stops it) or, with
 * --detach, in the background, returning once it is ready. Prints one line per component and
 * one ready line with the time it took.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bearerTokenChecker } from '../pki/token.js';
import { ensureClusterCredentials } from '../pki/credentials.js';
import { apiSocketPath, startControlPlane, type ControlPlane } from '../controlplane/control-plane.js';
import type { UpFlags } from './flags.js';
import { parseUpstreamFlag } from '../dns/upstreams.js';
import { isAlive, readState, removeState, runningState, writeState } from './state.js';

import { loadBalancerPoolFor } from '../controllers/loadbalancer/pool.js';
import { findExecutable } from '../node/host-tools.js';
import { kubitoCommand, missingImageWarnings, nameFlag } from './hints.js';

const DEFAULT_API_PORT = 6443;

function elapsed(since: bigint): string {
  return `${Number((process.hrtime.bigint() - since) / 1_000_000n)} ms`;
}

export async function up(flags: UpFlags, out: (line: string) => void): Promise<void> {
  const running = runningState(flags.dataDir);
  if (running) throw new Error(`cluster "${flags.name}" is already running (pid ${running.pid}, ${running.server}); stop it with: ${kubitoCommand()} down${nameFlag(flags.name)}`);
  if (flags.detach) return upDetached(flags, out);
  await upForeground(flags, out);
}

async function startOnPort(flags: UpFlags, base: Omit<Parameters<typeof startControlPlane>[0], 'port'>, out: (line: string) => void): Promise<ControlPlane> {
  if (flags.apiPort !== undefined) {
    try {
      return await startControlPlane({ ...base, port: flags.apiPort });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
      throw new Error(`port ${flags.apiPort} on 127.0.0.1 is in use (see who holds it: ss -ltnp 'sport = :${flags.apiPort}'); start with another --api-port, or --api-port 0 for a free one`, { cause: err });
    }
  }
  // Asked before the start: a start that fails to listen leaves its SQLite store open (locked),
  // so a second start in this process could not open it.
  if (!(await portFree(DEFAULT_API_PORT))) {
    out(`  port ${DEFAULT_API_PORT} is in use; picking a free port`);
    return startControlPlane({ ...base, port: 0 });
  }
  return startControlPlane({ ...base, port: DEFAULT_API_PORT });
}

/** Whether a TCP listener could take 127.0.0.1:port now. */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ host: '127.0.0.1', port, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

async function upForeground(flags: UpFlags, out: (line: string) => void): Promise<void> {
  const t0 = process.hrtime.bigint();
  mkdirSync(flags.dataDir, { recursive: true, mode: 0o700 });
  let t = process.hrtime.bigint();
  const creds = await ensureClusterCredentials(join(flags.dataDir, 'pki'));
  out(`• credentials   ${creds.generated.length ? 'created' : 'reused'} in ${join(flags.dataDir, 'pki')} (${elapsed(t)})`);
  t = process.hrtime.bigint();
  const tokenMatches = bearerTokenChecker(creds.adminToken);
  const cp = await startOnPort(flags, {
    dataDir: flags.dataDir,
    store: flags.store,
    host: '127.0.0.1',
    certPem: creds.serverCertPem,
    keyPem: creds.serverKeyPem,
    caCertPem: creds.caCertPem,
    authenticate: (headers) => tokenMatches(headers.authorization),
    serviceAccountKeyPem: creds.serviceAccountKeyPem,
    loadBalancerPool: loadBalancerPoolFor(flags.name),
    dnsUpstreams: flags.dnsUpstream !== undefined ? parseUpstreamFlag(flags.dnsUpstream) : undefined,
  }, out);
  out(`• store         ${flags.store}${flags.store === 'sqlite' ? ` (${join(flags.dataDir, 'state.db')})` : ''}, opened with the apiserver`);
  // The API serves from here on; the ready line below also waits for the node agent (DNS, proxy).
  out(`• apiserver     ${cp.url} (${elapsed(t)}, API ready at ${elapsed(t0)})`);
  let agent: Awaited<ReturnType<typeof launchNodeAgent>> | undefined;
  // Loaded after the API serves: nothing before it needs the node agent's code.
  const { cleanupCluster, launchNodeAgent, launchProblem } = await import('../node/launch.js');
  try {
    // The agent's DNS server forwards through the control plane's relay.
    await cp.relayStarted;
  } catch (err) {
    await cp.stop();
    throw err;
  }
  const problem = launchProblem();
  if (problem) out(`! node agent    not started: ${problem}; pods stay Pending`);
  else {
    t = process.hrtime.bigint();
    // A crashed earlier run may have left namespaces and processes behind.
    await cleanupCluster(flags.name, { dataDir: flags.dataDir });
    // restart: a node agent that dies is started again, after a back-off (launch.ts).
    agent = await launchNodeAgent({ cluster: flags.name, dataDir: flags.dataDir, apiSocket: apiSocketPath(flags.dataDir), proxyMode: flags.proxyMode, restart: true, log: (line) => out(`  ${line}`), onAgent: (child) => cp.attachAgent(child) });
    out(`• node agent    ${flags.name}-node (kubelet, ${flags.proxyMode} proxy, cluster DNS), pid ${agent.pid} (${elapsed(t)})`);
    // The images nginx and busybox run host programs: say now, with the apt-get line, if one is missing.
    for (const line of missingImageWarnings((program) => findExecutable(program))) out(line);
  }
  // The controllers start in the background once the API serves (control-plane.ts); the cluster
  // is ready when they run.
  try {
    await cp.controllersStarted;
  } catch (err) {
    await agent?.stop().catch(() => undefined);
    await cleanupCluster(flags.name, { dataDir: flags.dataDir }).catch(() => undefined);
    await cp.stop();
    throw err;
  }
  // Loaded here, after the API serves: the YAML library takes ~80 ms to load.
  t = process.hrtime.bigint();
  const { defaultKubeconfigPath, mergeKubeconfig, renderKubeconfig } = await import('../kubeconfig/index.js');
  const kubeconfigText = renderKubeconfig({ name: flags.name, server: cp.url, caCertPem: creds.caCertPem, token: creds.adminToken });
  const kubeconfigPath = flags.kubeconfig ?? defaultKubeconfigPath(process.env);
  await mergeKubeconfig(kubeconfigPath, kubeconfigText, ownerFromSudo(process.env));
  out(`• kubeconfig    context kubito-${flags.name} in ${kubeconfigPath} (${elapsed(t)})`);
  const readyMs = Number((process.hrtime.bigint() - t0) / 1_000_000n);
  writeState({
    name: flags.name,
    pid: process.pid,
    server: cp.url,
    port: cp.server.port,
    dataDir: flags.dataDir,
    store: flags.store,
    proxyMode: flags.proxyMode,
    kubeconfig: kubeconfigPath,
    mergedKubeconfig: flags.kubeconfig === undefined,
    startedAt: new Date().toISOString(),
    readyMs,
  });
  // The next command to try, as it works here: a kubeconfig of its own (--kubeconfig) must be named.
  const tryNext = flags.kubeconfig === undefined ? `kubectl --context kubito-${flags.name} get svc` : `kubectl --kubeconfig ${kubeconfigPath} get svc`;
  out(`✓ kubito "${flags.name}" ready in ${readyMs} ms — ${tryNext}`);

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (): void => {
      if (stopping) return;
      stopping = true;
      out('stopping…');
      void (async () => {
        await agent?.stop().catch((err: unknown) => out(`node agent: ${String(err)}`));
        await cleanupCluster(flags.name, { dataDir: flags.dataDir }).catch((err: unknown) => out(`cleanup: ${String(err)}`));
        await cp.stop();
      })().finally(() => {
        removeState(flags.dataDir, process.pid);
        resolve();
      });
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

/** Re-runs `up` in a detached child with its output in `<data-dir>/kubito.log`; waits for its state file. */
async function upDetached(flags: UpFlags, out: (line: string) => void): Promise<void> {
  mkdirSync(flags.dataDir, { recursive: true, mode: 0o700 });
  const logPath = join(flags.dataDir, 'kubito.log');
  const log = openSync(logPath, 'w', 0o600);
  const args = process.argv.slice(1).filter((a) => a !== '--detach' && a !== '--detach=true');
  const child = spawn(process.execPath, [...process.execArgv, ...args], { detached: true, stdio: ['ignore', log, log], env: process.env });
  closeSync(log);
  child.unref();
  const pid = child.pid!;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const state = readState(flags.dataDir);
    if (state && state.pid === pid) {
      for (const line of readFileSync(logPath, 'utf8').trimEnd().split('\n')) out(line);
      out(`  running in the background (pid ${pid}); log: ${logPath}; stop with: ${kubitoCommand()} down${nameFlag(flags.name)}`);
      return;
    }
    if (!isAlive(pid)) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  if (isAlive(pid)) process.kill(pid, 'SIGTERM');
  throw new Error(`kubito did not become ready; its log (${logPath}) says:\n${readFileSync(logPath, 'utf8').trimEnd()}`);
}

/** For `down`: forget the kubeconfig entries `up` merged. */
export async function forgetKubeconfig(path: string, name: string): Promise<void> {
  const { removeFromKubeconfig } = await import('../kubeconfig/index.js');
  await removeFromKubeconfig(path, name);
}

/** Under `sudo kubito up`, a new kubeconfig belongs to the user who ran sudo, not to root. */
function ownerFromSudo(env: NodeJS.ProcessEnv): { owner?: { uid: number; gid: number } } {
  const uid = Number(env.SUDO_UID);
  const gid = Number(env.SUDO_GID);
  return Number.isInteger(uid) && Number.isInteger(gid) && env.SUDO_UID ? { owner: { uid, gid } } : {};
}
