/**
 * @module `kubito status`: what runs, where, and how healthy (asks the API's /readyz), then
 * nodes, pods and Services at a glance. Exits non-zero when the cluster is not running or not ready.
 */
import { request } from 'node:https';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CREDENTIAL_FILES } from '../pki/credentials.js';
import type { CommonFlags } from './flags.js';
import { findResource } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import type { Client } from '../client/index.js';
import { connectToCluster } from './cluster-client.js';
import { runningState } from './state.js';
import { agentPidFile } from '../node/launch.js';
import { kubitoCommand, nameFlag } from './hints.js';

const NODES = findResource('', 'v1', 'nodes')!;
const PODS = findResource('', 'v1', 'pods')!;
const SERVICES = findResource('', 'v1', 'services')!;

function readyz(server: string, ca: string): Promise<string> {
  return new Promise((resolve) => {
    const req = request(`${server}/readyz`, { ca, timeout: 2000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve(res.statusCode === 200 ? 'ready' : `not ready (${res.statusCode}: ${body.trim()})`));
    });
    req.on('error', (err) => resolve(`unreachable (${err.message})`));
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}

export async function status(flags: CommonFlags, out: (line: string) => void): Promise<boolean> {
  const state = runningState(flags.dataDir);
  if (!state) {
    out(`cluster "${flags.name}": not running (data dir ${flags.dataDir})`);
    out(`  start it with: ${kubitoCommand()} up --detach${nameFlag(flags.name)}`);
    return false;
  }
  const ca = readFileSync(join(flags.dataDir, 'pki', CREDENTIAL_FILES.caCert), 'utf8');
  const health = await readyz(state.server, ca);
  out(`cluster "${state.name}": running (pid ${state.pid}) since ${state.startedAt}, ready in ${state.readyMs} ms`);
  out(`  apiserver   ${state.server}: ${health}`);
  out(`  store       ${state.store}`);
  out(`  data dir    ${state.dataDir}`);
  out(`  kubeconfig  ${state.kubeconfig} (context kubito-${state.name})`);
  out(`  proxy mode  ${state.proxyMode}`);
  out(`  node agent  ${agentLine(state.dataDir)}`);
  if (health === 'ready') {
    const conn = connectToCluster(flags, 'kubito-status');
    try {
      for (const line of await glance(conn!.client)) out(line);
    } catch (err) {
      out(`  (could not list the cluster's objects: ${err instanceof Error ? err.message : String(err)})`);
    } finally {
      conn?.close();
    }
  }
  return health === 'ready';
}

/** The node agent's pid from `run/agent.pid` (written by the supervisor), and whether it lives. */
function agentLine(dataDir: string): string {
  let pid: number;
  try {
    pid = Number(readFileSync(agentPidFile(dataDir), 'utf8').trim());
  } catch {
    return 'not running (no run/agent.pid)';
  }
  try {
    process.kill(pid, 0);
    return `pid ${pid}`;
  } catch {
    return `pid ${pid}, not running (kubito up restarts it)`;
  }
}

interface Conditioned extends KubeObject {
  status?: { phase?: string; conditions?: Array<{ type: string; status: string }>; loadBalancer?: { ingress?: Array<{ ip?: string }> } };
  spec?: { type?: string; clusterIP?: string; ports?: Array<{ port: number; nodePort?: number; protocol?: string }> };
}

function countBy(values: string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]).map(([v, n]) => `${n} ${v}`).join(', ');
}

/** Nodes, pods and Services at a glance, as `kubectl get` would summarize them. */
async function glance(client: Client): Promise<string[]> {
  const lines: string[] = [];
  const nodes = (await client.resource<Conditioned>(NODES).list()).items;
  const nodeText = nodes.map((n) => `${n.metadata.name} ${n.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True' ? 'Ready' : 'NotReady'}`);
  lines.push(`  nodes       ${nodeText.length ? nodeText.join(', ') : 'none (pods stay Pending: the node agent is not running)'}`);
  const pods = (await client.resource<Conditioned>(PODS).list()).items;
  lines.push(`  pods        ${pods.length}${pods.length ? ` (${countBy(pods.map((p) => (p.metadata.deletionTimestamp ? 'Terminating' : (p.status?.phase ?? 'Pending'))))})` : ''}`);
  const services = (await client.resource<Conditioned>(SERVICES).list()).items;
  lines.push(`  services    ${services.length}`);
  for (const s of services) {
    const ports = (s.spec?.ports ?? []).map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',');
    const external = (s.status?.loadBalancer?.ingress ?? []).map((i) => i.ip).filter(Boolean).join(',');
    lines.push(`    ${`${s.metadata.namespace}/${s.metadata.name}`.padEnd(32)} ${(s.spec?.type ?? 'ClusterIP').padEnd(12)} ${(s.spec?.clusterIP ?? '').padEnd(15)} ${external ? `${external} ` : ''}${ports}`);
  }
  return lines;
}
