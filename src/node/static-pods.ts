/**
 * @module The agent's static pods at run time: the cluster DNS and the proxy run inside the
 * agent process, and this keeps their mirror pods (mirror-pods.ts) in the API as upstream's
 * kubelet keeps a static pod's — created once the Node is registered, made again when deleted
 * or changed (deleted with grace 0 and the UID as precondition, then created), their status from
 * the components' real state (read again every `checkMs`, a readiness probe's period) — and
 * each component's log lines in a CRI log file of its own, one file per agent run
 * (`<data-dir>/static-pods/kube-system_<pod>_<static uid>/<container>/<run>.log`, the previous
 * run's kept for `--previous`; outside `<data-dir>/pods`, which every agent start clears), which
 * `kubectl logs` reads through the kubelet API like any pod's.
 * The agent's stop leaves the mirror pods as they are (a Node that stays keeps its pods).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { isAlreadyExists, isConflict, isNotFound } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import type { Client, Clock, Informer } from '../client/index.js';
import { NODES, PODS } from './api-refs.js';
import type { LogFile } from './container-logs.js';
import { CriLogWriter, nowNanos, parseCriLine, rfc3339Nano } from './cri-log.js';
import type { LogLookup } from './kubelet-server.js';
import { isMirrorOf, isMirrorPod, mirrorPod, staticPod, staticPodStatus, STATIC_COMPONENTS, type ComponentRun, type StaticComponent } from './mirror-pods.js';
import { PodAccessError, type ContainerRef } from './pod-access.js';
import type { Pod, PodStatus } from './pod-view.js';
import type { DesiredState } from '../proxy/types.js';
import { ContainerNotFoundError, ExecStartError, type ContainerAttacher, type PodDialer, type PodProcessSpawner } from './streams/types.js';

/** What a clean stop leaves beside a run's log: how the run ended (read as the next run's lastState). */
interface ExitMarker {
  finishedAt: string;
  exitCode: number;
  reason: string;
}

interface Entry {
  pod: Pod & { metadata: { uid: string } };
  run: ComponentRun;
  dir: string;
  index: number;
  writer: CriLogWriter;
  stopped: boolean;
  ready?: () => boolean;
  /** A pod of the name that is not a mirror pod is in the way (said once). */
  blocked?: boolean;
  /** The mirror pod someone deleted, and since when the agent has seen it Terminating. */
  terminating?: { uid: string; since: number };
  holdTimer?: ReturnType<Clock['setTimeout']>;
}

/** How long a mirror pod someone deleted stays Terminating before it is replaced (#holdTerminating). */
export const REPLACE_AFTER_MS = 1000;

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

/** The runs' log files in a container's directory, by index. */
function runIndexes(dir: string): number[] {
  try {
    return readdirSync(dir)
      .map((f) => /^(\d+)\.log$/.exec(f)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
  } catch {
    return [];
  }
}

/** How the run with this log ended: its marker, else lost (the agent died): 255, containerd's unknown exit. */
function previousRun(dir: string, index: number): ComponentRun['previous'] {
  const log = join(dir, `${index}.log`);
  let startedAt: string;
  let finishedMs: number;
  try {
    const first = readFileSync(log).subarray(0, 4096);
    const nl = first.indexOf(0x0a);
    const record = parseCriLine(nl < 0 ? first : first.subarray(0, nl));
    finishedMs = statSync(log).mtimeMs;
    startedAt = record ? isoSeconds(Number(record.nanos / 1_000_000n)) : isoSeconds(finishedMs);
  } catch {
    return undefined;
  }
  try {
    const marker = JSON.parse(readFileSync(join(dir, `${index}.exit`), 'utf8')) as ExitMarker;
    return { startedAt, finishedAt: marker.finishedAt, exitCode: marker.exitCode, reason: marker.reason };
  } catch {
    return { startedAt, finishedAt: isoSeconds(finishedMs), exitCode: 255, reason: 'Unknown' };
  }
}

/** Where the static pods' logs are: every agent start clears `<data-dir>/pods` (launch.ts cleanupCluster), these outlive it. */
export function staticPodsDir(dataDir: string): string {
  return join(dataDir, 'static-pods');
}

export interface StaticPodsOptions {
  client: Client;
  nodeName: string;
  /** The node's address: the pods' hostIP and, hostNetwork, their podIP. */
  hostIP: string;
  dataDir: string;
  clock: Clock;
  log(line: string): void;
  /** How often readiness is read again; default 10 s (CoreDNS's readiness probe period). */
  checkMs?: number;
}

export class StaticPods {
  readonly #o: StaticPodsOptions;
  readonly #entries = new Map<StaticComponent, Entry>();
  readonly #startTime: string;
  #pods: Informer<Pod> | undefined;
  /** The Node was missing when a mirror pod was to be made (said once). */
  #nodeMissing = false;
  #syncing: Promise<void> | undefined;
  #again = false;
  #timer: ReturnType<Clock['setTimeout']> | undefined;
  #stopped = false;

  /** Opens this run's log files (a new run index each agent start); nothing is sent to the API yet. */
  constructor(options: StaticPodsOptions) {
    this.#o = options;
    this.#startTime = isoSeconds(options.clock.now());
    const seen = rfc3339Nano(nowNanos());
    for (const component of STATIC_COMPONENTS) {
      const pod = staticPod(component, { nodeName: options.nodeName, seen });
      const container = pod.spec.containers[0].name;
      const dir = join(staticPodsDir(options.dataDir), `kube-system_${pod.metadata.name}_${pod.metadata.uid}`, container);
      mkdirSync(dir, { recursive: true });
      const runs = runIndexes(dir);
      const index = runs.length ? runs[runs.length - 1] + 1 : 0;
      // The run before this one is kept (--previous), older ones go, as the kubelet's container GC.
      for (const old of runs.filter((n) => n < index - 1)) {
        rmSync(join(dir, `${old}.log`), { force: true });
        rmSync(join(dir, `${old}.exit`), { force: true });
      }
      const previous = index > 0 ? previousRun(dir, index - 1) : undefined;
      const writer = new CriLogWriter(join(dir, `${index}.log`));
      this.#entries.set(component, { pod, run: { restartCount: index, ready: false, previous }, dir, index, writer, stopped: false });
    }
  }

  /**
   * A log function for the component: each line goes to `also` (the agent's log) and to the
   * component's own log (stdout, as CoreDNS; kube-proxy's klog writes stderr).
   */
  logger(component: StaticComponent, also: (line: string) => void = () => undefined): (line: string) => void {
    const entry = this.#entries.get(component)!;
    const stream = component === 'dns' ? 'stdout' : 'stderr';
    return (line) => {
      also(line);
      if (!entry.stopped) entry.writer.write(stream, Buffer.from(`${line}\n`));
    };
  }

  /** The component serves from now on while `ready()` says so. */
  started(component: StaticComponent, ready: () => boolean): void {
    const entry = this.#entries.get(component)!;
    entry.run.startedAt = isoSeconds(this.#o.clock.now());
    entry.ready = ready;
    entry.run.ready = ready();
    this.#kick();
  }

  /** The component could not start. */
  failed(component: StaticComponent, message: string): void {
    const entry = this.#entries.get(component)!;
    entry.run.failed = { message, at: isoSeconds(this.#o.clock.now()) };
    entry.run.ready = false;
    this.#kick();
  }

  /**
   * Keeps the mirror pods from now on (the pods informer: deletes and changes bring a sync);
   * resolves once both exist with the current status (the Node registered: their owner).
   */
  async start(pods: Informer<Pod>): Promise<void> {
    this.#pods = pods;
    const names = new Set([...this.#entries.values()].map((e) => e.pod.metadata.name));
    const mine = (pod: Pod): boolean => pod.metadata.namespace === 'kube-system' && names.has(pod.metadata.name);
    pods.addHandlers({
      onAdd: (pod) => mine(pod) && this.#kick(),
      onUpdate: (_old, pod) => mine(pod) && this.#kick(),
      onDelete: (pod) => mine(pod) && this.#kick(),
    });
    await this.#sync();
    this.#schedule();
  }

  /** The agent stops: each run's end is recorded and its log closed; the API objects stay. */
  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) this.#o.clock.clearTimeout(this.#timer);
    for (const entry of this.#entries.values()) if (entry.holdTimer !== undefined) this.#o.clock.clearTimeout(entry.holdTimer);
    const marker: ExitMarker = { finishedAt: isoSeconds(this.#o.clock.now()), exitCode: 0, reason: 'Completed' };
    for (const entry of this.#entries.values()) {
      if (entry.stopped) continue;
      entry.stopped = true;
      entry.writer.close();
      writeFileSync(join(entry.dir, `${entry.index}.exit`), JSON.stringify(marker));
    }
  }

  /** The entry of a static pod by namespace and name. */
  #find(namespace: string, name: string): Entry | undefined {
    if (namespace !== 'kube-system') return undefined;
    for (const entry of this.#entries.values()) if (entry.pod.metadata.name === name) return entry;
    return undefined;
  }

  /** The log of a static pod's container; undefined when the pod is not one of them. */
  containerLog(ref: ContainerRef, options: { previous: boolean }): LogFile | undefined {
    const entry = this.#find(ref.namespace, ref.name);
    if (!entry) return undefined;
    const container = entry.pod.spec.containers[0].name;
    if (ref.container !== container) throw new PodAccessError(404, `container ${JSON.stringify(ref.container)} not found in pod ${JSON.stringify(ref.name)}\n`);
    if (options.previous) {
      const path = join(entry.dir, `${entry.index - 1}.log`);
      if (entry.index === 0 || !existsSync(path)) throw new PodAccessError(400, `previous terminated container "${ref.container}" in pod "${ref.name}" not found`);
      return { path, running: () => false };
    }
    return { path: entry.writer.path, running: () => !entry.stopped };
  }

  /** Why nothing can be exec'd or attached in a static pod's container; undefined when not one of them. */
  refusal(namespace: string, name: string, container: string): Error | undefined {
    const entry = this.#find(namespace, name);
    if (!entry) return undefined;
    if (container !== entry.pod.spec.containers[0].name) return new ContainerNotFoundError(container);
    const what = entry.pod.metadata.name.startsWith('kube-dns') ? 'cluster DNS' : 'proxy';
    return new ExecStartError(`${name} is the mirror pod of kubito's ${what}, which runs inside the node agent process, not in a container: there is no container to run commands in or attach to (its logs: kubectl logs -n kube-system ${name})`);
  }

  /** Where a port-forward to a static pod dials (hostNetwork: the node's address) and its mirror pod's UID; undefined when not one of them. */
  address(namespace: string, name: string): { ip: string; podUID: string } | undefined {
    if (!this.#find(namespace, name)) return undefined;
    return { ip: this.#o.hostIP, podUID: this.#pods?.cache.get(name, namespace)?.metadata.uid ?? '' };
  }

  #kick(): void {
    if (this.#pods && !this.#stopped) void this.#sync();
  }

  /** One sync at a time; a change during one brings another after it. */
  #sync(): Promise<void> {
    if (this.#syncing) {
      this.#again = true;
      return this.#syncing;
    }
    this.#syncing = (async () => {
      try {
        do {
          this.#again = false;
          for (const component of STATIC_COMPONENTS) {
            try {
              await this.#syncOne(this.#entries.get(component)!);
            } catch (err) {
              this.#o.log(`mirror pod ${this.#entries.get(component)!.pod.metadata.name}: ${err instanceof Error ? err.message : String(err)}`);
            }
          }
        } while (this.#again && !this.#stopped);
      } finally {
        this.#syncing = undefined;
      }
    })();
    return this.#syncing;
  }

  async #syncOne(entry: Entry): Promise<void> {
    if (this.#stopped) return;
    const api = this.#o.client.resource<KubeObject>(PODS);
    const { name } = entry.pod.metadata;
    let current = this.#pods?.cache.get(name, 'kube-system') as (KubeObject & { status?: PodStatus }) | undefined;
    if (current && !isMirrorPod(current)) {
      // Someone's own pod of that name: the kubelet does not count it as a mirror pod, leaves it
      // alone and fails to create its own (AlreadyExists) until it goes.
      if (!entry.blocked) this.#o.log(`mirror pod ${name}: a pod of that name that is not a mirror pod exists; not replaced`);
      entry.blocked = true;
      return;
    }
    entry.blocked = false;
    if (current && !isMirrorOf(current, entry.pod)) {
      // Deleted by someone (a graceful delete): left Terminating a moment first (REPLACE_AFTER_MS).
      if (current.metadata.deletionTimestamp && this.#holdTerminating(entry, current.metadata.uid ?? '')) return;
      // Then, or the mirror of another spec at once: deleted for good, and made again.
      try {
        await api.delete(name, { namespace: 'kube-system', gracePeriodSeconds: 0, preconditions: { uid: current.metadata.uid } });
      } catch (err) {
        if (!isNotFound(err) && !isConflict(err)) throw err;
      }
      current = undefined;
    }
    if (!current) {
      // The owner as it is now (the kubelet's getNodeUID): with the Node deleted, no mirror pod
      // (the garbage collector would delete it at once, and the agent make it again, forever).
      const node = await this.#liveNode();
      if (!node) return;
      try {
        current = await api.create(mirrorPod(entry.pod, node), { namespace: 'kube-system' });
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
        // The cache is behind (the pod made by the last sync, or another being deleted): look again.
        current = await api.get(name, { namespace: 'kube-system' });
        if (!isMirrorOf(current, entry.pod)) {
          this.#again = true;
          return;
        }
      }
    }
    if (entry.ready) entry.run.ready = entry.ready();
    const status = staticPodStatus(entry.pod, entry.run, { hostIP: this.#o.hostIP, startTime: this.#startTime, now: isoSeconds(this.#o.clock.now()), previous: current.status });
    if (sameStatus(current.status, status)) return;
    try {
      await api.patch(name, { status }, { namespace: 'kube-system', subresource: 'status', type: 'merge', fieldValidation: 'Ignore' });
    } catch (err) {
      if (!isNotFound(err)) throw err;
      this.#again = true;
    }
  }

  /**
   * Whether a mirror pod someone deleted is still left Terminating (a kick comes when its time
   * is up). `kubectl delete --wait` lists the name, watches from the list and waits for a
   * DELETED event; a pod made again within ~100 ms of its list (before its informer's first
   * sync check) leaves it waiting for good (client-go UntilWithSync: the precondition finds the
   * new pod, whose DELETED never comes). Meanwhile the endpoint slices keep the pod as serving
   * and terminating, which kube-proxy falls back to: DNS through the VIP keeps answering.
   */
  #holdTerminating(entry: Entry, uid: string): boolean {
    const now = this.#o.clock.now();
    if (entry.terminating?.uid !== uid) entry.terminating = { uid, since: now };
    const left = entry.terminating.since + REPLACE_AFTER_MS - now;
    if (left <= 0) return false;
    entry.holdTimer ??= this.#o.clock.setTimeout(() => {
      entry.holdTimer = undefined;
      this.#kick();
    }, left);
    return true;
  }

  async #liveNode(): Promise<{ name: string; uid: string } | undefined> {
    try {
      const node = await this.#o.client.resource<KubeObject>(NODES).get(this.#o.nodeName);
      this.#nodeMissing = false;
      return { name: this.#o.nodeName, uid: node.metadata.uid ?? '' };
    } catch (err) {
      if (!isNotFound(err)) throw err;
      if (!this.#nodeMissing) this.#o.log(`mirror pods: Node ${this.#o.nodeName} not found; none made until it is back`);
      this.#nodeMissing = true;
      return undefined;
    }
  }

  /** Reads readiness again every `checkMs`, writing the status when it changed. */
  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = this.#o.clock.setTimeout(() => {
      let changed = false;
      for (const entry of this.#entries.values()) {
        const ready = entry.ready ? entry.ready() : false;
        if (ready !== entry.run.ready) {
          entry.run.ready = ready;
          changed = true;
        }
      }
      if (changed) this.#kick();
      this.#schedule();
    }, this.#o.checkMs ?? 10_000);
  }
}

/**
 * Whether the proxy's rules send the cluster IP `vip` to a ready endpoint on some port: kube-dns's
 * endpoints come from the DNS's mirror pod through the endpoint controllers, and the agent says
 * it is ready once its VIP leads somewhere, as it did when the control plane wrote them. Pure.
 */
export function vipHasReadyEndpoint(state: DesiredState, vip: string): boolean {
  return state.servicePorts.some((sp) => sp.clusterIP === vip && sp.endpoints.some((e) => e.ready));
}

/** The fields the agent writes, compared as written (the API adds qosClass). */
function sameStatus(a: PodStatus | undefined, b: PodStatus): boolean {
  if (!a) return false;
  const pick = (s: PodStatus): unknown[] => [s.phase, s.conditions, s.hostIP, s.hostIPs, s.podIP, s.podIPs, s.startTime, s.containerStatuses];
  return JSON.stringify(pick(a)) === JSON.stringify(pick(b));
}

/**
 * The kubelet API's pod access with the static pods in front: their logs from their files,
 * exec and attach refused with the reason, port-forward to the node's address (hostNetwork);
 * every other pod as `inner` serves it.
 */
export function withStaticPods<T extends PodProcessSpawner & ContainerAttacher & PodDialer & LogLookup>(inner: T, statics: StaticPods): PodProcessSpawner & ContainerAttacher & PodDialer & LogLookup {
  return {
    spawn(ref, options) {
      const refusal = statics.refusal(ref.namespace, ref.pod, ref.container);
      if (refusal) throw refusal;
      return inner.spawn(ref, options);
    },
    attach(ref) {
      const refusal = statics.refusal(ref.namespace, ref.pod, ref.container);
      if (refusal) throw refusal instanceof ExecStartError ? new Error(refusal.message) : refusal;
      return inner.attach(ref);
    },
    dial(ref, port) {
      const target = statics.address(ref.namespace, ref.pod);
      if (!target) return inner.dial(ref, port);
      const { ip, podUID } = target;
      return new Promise((resolve, reject) => {
        const socket = net.connect({ host: ip, port });
        socket.once('connect', () => resolve({ socket, podUID }));
        socket.once('error', (err: NodeJS.ErrnoException) => reject(new Error(`failed to connect to ${ip}:${port} (the node's address: the pod is hostNetwork): ${err.code === 'ECONNREFUSED' ? 'connect: connection refused' : err.message}`)));
      });
    },
    containerLog(ref, options) {
      return statics.containerLog(ref, options) ?? inner.containerLog(ref, options);
    },
  };
}
