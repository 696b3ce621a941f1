/**
 * @module The create stream of the crash-safety test: concurrent workers POST NodePort Services
 * through the project's own client over HTTPS and record every acknowledged create; once
 * `killAfter` creates are acknowledged, `kill()` runs and the workers keep sending until each
 * gets no answer, so the server dies with requests in flight. Also the small helpers around it (the Service projection, stopping a
 * harness cluster that may already be dead).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeObject } from '../../src/api/types.js';
import { StatusError } from '../../src/api/errors.js';
import type { ResourceClient } from '../../src/client/index.js';
import type { Cluster } from './harness.js';

/** The Service fields these tests read. */
export interface ServiceObject extends KubeObject {
  spec?: {
    type?: string;
    clusterIP?: string;
    clusterIPs?: string[];
    ports?: Array<{ name?: string; port: number; targetPort?: number | string; nodePort?: number }>;
    selector?: Record<string, string>;
  };
}

/** One create the server answered 201 for: what it promised to keep. */
export interface Ack {
  name: string;
  resourceVersion: string;
  clusterIP: string;
  nodePort: number;
}

export const SERVICES_REF = { group: '', version: 'v1', resource: 'services', namespaced: true, kind: 'Service' };

export function nodePortService(name: string): ServiceObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default', labels: { stream: 'crash' } },
    spec: { type: 'NodePort', selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
  };
}

export function ackOf(created: ServiceObject): Ack {
  return {
    name: created.metadata.name ?? '',
    resourceVersion: created.metadata.resourceVersion ?? '',
    clusterIP: created.spec?.clusterIP ?? '',
    nodePort: created.spec?.ports?.[0]?.nodePort ?? 0,
  };
}

export interface StreamResult {
  acked: Ack[];
  /** Creates that got no answer because the server died: they may or may not have committed. */
  unknown: string[];
  /** How many creates were sent. */
  sent: number;
}

/**
 * Runs `workers` loops of `create crash-N`; the kill does not stop them, the dead server does:
 * each worker ends on its first unanswered create (its name goes to `unknown`). Rejects if a
 * create fails before the kill (the stream itself must be clean), or fails after it with
 * anything but "no answer". Resolves when every worker has seen the server gone.
 */
export async function createStream(
  services: ResourceClient<ServiceObject>,
  options: { workers: number; killAfter: number; kill: () => void },
): Promise<StreamResult> {
  const acked: Ack[] = [];
  const unknown: string[] = [];
  let sent = 0;
  let killed = false;
  let failed = false;
  async function worker(): Promise<void> {
    while (!failed) {
      const name = `crash-${sent++}`;
      try {
        acked.push(ackOf(await services.create(nodePortService(name))));
      } catch (err) {
        if (!killed) {
          failed = true; // the other workers stop too, or they would run on against a live server
          throw new Error(`create ${name} failed before the kill: ${String(err)}`, { cause: err });
        }
        // No answer from a dead server is a 503 from HttpTransport; anything else is a real error.
        if (!(err instanceof StatusError) || err.code !== 503) throw new Error(`create ${name} failed oddly after the kill: ${String(err)}`, { cause: err });
        unknown.push(name);
        return;
      }
      if (!killed && acked.length >= options.killAfter) {
        killed = true;
        options.kill();
      }
    }
  }
  await Promise.all(Array.from({ length: options.workers }, worker));
  return { acked, unknown, sent };
}

/**
 * Stops a harness cluster unless its process is already gone. harness.ts's stop() waits for an
 * 'exit' event when `exitCode` is null, which after SIGKILL (exitCode null, signalCode set) never
 * comes again; stop() also cleans up after a killed one.
 */
export async function stopIfRunning(cluster: Cluster | undefined): Promise<void> {
  if (!cluster) return;
  await cluster.stop();
}

/**
 * Kills (SIGKILL, by PID) every kubito this process started on `dir` that is still alive. The
 * harness leaves its child running when startCluster() gives up waiting for readiness (it rejects
 * without the process handle), and kubito stays up after a failed start, so a failed restart
 * would otherwise leak a process. Only direct children whose command line names `dir` qualify.
 */
export function killStrayKubitos(dir: string): number[] {
  const killed: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    let cmdline: string[];
    try {
      stat = readFileSync(join('/proc', entry, 'stat'), 'utf8');
      cmdline = readFileSync(join('/proc', entry, 'cmdline'), 'utf8').split('\0');
    } catch {
      continue; // gone meanwhile
    }
    // Fields after the parenthesised command: state, then the parent's PID.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid !== process.pid || !cmdline.includes('up') || !cmdline.includes(join(dir, 'data'))) continue;
    process.kill(Number(entry), 'SIGKILL');
    killed.push(Number(entry));
  }
  return killed;
}
