/**
 * @module The control plane's host exposure: a controller on Services and Pods (client-go
 * shape: the informers' handlers enqueue keys, `sync(key)` reconciles one object) that keeps,
 * for every Service, exactly the host sockets `hostListenersFor` names, and for every pod with
 * hostPorts those of `hostListenersForPod` (keys `pod:<ns>/<name>`), each relaying to the node
 * agent.
 *
 * A socket that cannot be bound (EADDRINUSE: something else holds the port; EACCES: a port
 * below 1024 without privilege) is reported once per distinct failure as a Warning event
 * `FailedToBindHostPort` on the Service or Pod and retried with backoff (0.5 s doubling to
 * 30 s) until it binds or is no longer wanted; the object's other sockets work meanwhile.
 */
import { findResource } from '../api/resources.js';
import { ItemExponentialRateLimiter, objectKey, realClock, runWorkers, splitKey, WorkQueue, type Clock, type Informer, type InformerFactory } from '../client/index.js';
import type { EventRecorder } from '../controllers/controller.js';
import { errnoCode } from '../proxy/userspace/errors.js';
import { hostListenersFor, type HostListenerSpec, type HostPortService, type HostPortsConfig } from './desired.js';
import { hostPortsOf, type PortMapPod } from '../portmap/mappings.js';
import { hostListenersForPod } from './pod-listeners.js';
import { AgentLink, type AgentChannel } from './agent-link.js';
import { HostTcpForwarder } from './tcp-forwarder.js';
import { HostUdpForwarder } from './udp-forwarder.js';

export const FAILED_TO_BIND = 'FailedToBindHostPort';

const SERVICES = findResource('', 'v1', 'services')!;
const PODS = findResource('', 'v1', 'pods')!;
/** Queue keys of pods: `pod:<namespace>/<name>` (a Service's key is `<namespace>/<name>`). */
const POD_KEY = 'pod:';

export interface HostPortsOptions {
  informers: InformerFactory;
  events: EventRecorder;
  /** The node agent's relay socket (`<data-dir>/run/proxy.sock`). */
  socketPath: string;
  config?: Partial<HostPortsConfig>;
  clock?: Clock;
  log?: (line: string) => void;
  /** Idle timeout of UDP flows. Default 30 s. */
  udpIdleTimeoutMs?: number;
  /** Retry backoff for failed binds. Default 500 ms doubling to 30 s. */
  retry?: { baseMs: number; maxMs: number };
}

type Forwarder = HostTcpForwarder | HostUdpForwarder;

/** A socket that could not be bound. */
export class HostBindError extends Error {
  readonly spec: HostListenerSpec;
  readonly code: string | undefined;

  constructor(spec: HostListenerSpec, cause: unknown) {
    const code = errnoCode(cause);
    const why =
      code === 'EADDRINUSE'
        ? 'address already in use'
        : code === 'EACCES'
          ? `permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE)`
          : cause instanceof Error
            ? cause.message
            : String(cause);
    const port = spec.kind === 'HostPort' ? ` of container "${spec.container}"${spec.portName ? ` port "${spec.portName}"` : ''}` : spec.portName ? ` of port "${spec.portName}"` : '';
    super(`Failed to bind ${spec.ip}:${spec.port}/${spec.protocol} for ${spec.kind}${port} (relays to ${spec.target.ip}:${spec.target.port}): ${why}; retrying`, { cause });
    this.name = 'HostBindError';
    this.spec = spec;
    this.code = code;
  }
}

export class HostPorts {
  readonly #o: HostPortsOptions;
  readonly #config: HostPortsConfig;
  readonly #services: Informer<HostPortService>;
  readonly #pods: Informer<PortMapPod>;
  readonly #queue: WorkQueue<string>;
  /** Service key (a pod's: `pod:<ns>/<name>`) → its sockets, by listener key. */
  readonly #held = new Map<string, Map<string, Forwarder>>();
  /** `service key|listener key` → the last failure reported, so each is told once. */
  readonly #reported = new Map<string, string>();
  #done: Promise<void> | undefined;
  /** The node agent's IPC link: TCP listeners are handed to it while it serves them. */
  readonly #link = new AgentLink({ onReady: () => this.#resyncAll(), onLost: () => this.#resyncAll() });

  constructor(options: HostPortsOptions) {
    this.#o = options;
    this.#config = { nodeIP: options.config?.nodeIP ?? '10.244.0.1', hostIP: options.config?.hostIP ?? '127.0.0.1' };
    const clock = options.clock ?? realClock;
    const retry = options.retry ?? { baseMs: 500, maxMs: 30_000 };
    this.#queue = new WorkQueue<string>({ clock, rateLimiter: new ItemExponentialRateLimiter({ baseMs: retry.baseMs, maxMs: retry.maxMs }) });
    this.#services = options.informers.informer<HostPortService>(SERVICES);
    this.#services.addHandlers({
      onAdd: (svc) => this.#queue.add(objectKey(svc)),
      onUpdate: (_old, svc) => this.#queue.add(objectKey(svc)),
      onDelete: (svc) => this.#queue.add(objectKey(svc)),
    });
    // Only pods with a hostPort: every other pod change costs a filter, not a sync.
    this.#pods = options.informers.informer<PortMapPod>(PODS);
    const podKey = (pod: PortMapPod | null): void => {
      if (pod && hostPortsOf(pod).length) this.#queue.add(POD_KEY + objectKey(pod));
    };
    this.#pods.addHandlers({ onAdd: podKey, onUpdate: (old, pod) => (podKey(old), podKey(pod)), onDelete: podKey });
  }

  #log(line: string): void {
    (this.#o.log ?? ((l: string) => process.stderr.write(`hostports: ${l}\n`)))(line);
  }

  /**
   * Follows a node agent spawned by this process with an IPC channel (and each restarted one):
   * once it says it serves hand-offs, TCP listeners are given to it (agent-link.ts); when it
   * goes, they are bound here again and relayed over proxy.sock until the next agent.
   */
  attachAgent(agent: AgentChannel): void {
    this.#link.attach(agent);
  }

  /** Listeners handed to the agent now. */
  handedCount(): number {
    let n = 0;
    for (const held of this.#held.values()) for (const f of held.values()) if (f.handed) n++;
    return n;
  }

  #resyncAll(): void {
    for (const key of this.#held.keys()) this.#queue.add(key);
  }

  /** Runs the workers; the informer factory must be started by the caller (or already be). */
  run(): void {
    this.#done ??= runWorkers(this.#queue, (key) => this.sync(key), {
      onError: (err) => this.#log(err instanceof Error ? err.message : String(err)),
    });
  }

  /** Makes the host sockets of one Service or Pod match it (none when it is gone). Throws to retry. */
  async sync(key: string): Promise<void> {
    const isPod = key.startsWith(POD_KEY);
    const { namespace, name } = splitKey(isPod ? key.slice(POD_KEY.length) : key);
    const pod = isPod ? this.#pods.cache.get(name, namespace) : undefined;
    const svc = isPod ? undefined : this.#services.cache.get(name, namespace);
    // The object the events name.
    const owner = pod ?? svc;
    const wanted = pod ? hostListenersForPod(pod, this.#config) : svc ? hostListenersFor(svc, this.#config) : [];
    const held = this.#held.get(key) ?? new Map<string, Forwarder>();
    const keep = new Set(wanted.map((w) => w.key));
    for (const [lkey, f] of held) {
      if (keep.has(lkey)) continue;
      // Listed until the port is free (a handed listener closes in the agent).
      await f.close();
      held.delete(lkey);
      this.#released(key, lkey);
    }
    const failures: HostBindError[] = [];
    for (const spec of wanted) {
      const cur = held.get(spec.key);
      if (cur) {
        cur.update(spec);
        // The agent it was handed to went away (the socket closed with it): bind it again.
        if (!cur.active) {
          try {
            await cur.listen();
          } catch (err) {
            held.delete(spec.key);
            failures.push(new HostBindError(spec, err));
          }
        } else await cur.handOff();
        continue;
      }
      const opts = { socketPath: this.#o.socketPath, log: (l: string) => this.#log(l), idleTimeoutMs: this.#o.udpIdleTimeoutMs, link: this.#link };
      const f = spec.protocol === 'TCP' ? new HostTcpForwarder(spec, opts) : new HostUdpForwarder(spec, opts);
      try {
        await f.listen();
        held.set(spec.key, f);
        this.#reported.delete(`${key}|${spec.key}`);
      } catch (err) {
        await f.close().catch(() => undefined);
        failures.push(new HostBindError(spec, err));
      }
    }
    for (const r of [...this.#reported.keys()]) if (r.startsWith(`${key}|`) && !keep.has(r.slice(key.length + 1))) this.#reported.delete(r);
    if (held.size) this.#held.set(key, held);
    else this.#held.delete(key);
    if (!failures.length) return;
    for (const f of failures) {
      const rkey = `${key}|${f.spec.key}`;
      if (owner && this.#reported.get(rkey) !== f.message) {
        this.#reported.set(rkey, f.message);
        this.#o.events.event(owner, 'Warning', FAILED_TO_BIND, f.message);
      }
    }
    throw new AggregateError(failures, failures.map((f) => `${key}: ${f.message}`).join('; '));
  }

  /**
   * A socket was closed: the other Services and pods that failed to bind that address (two pods
   * on one hostPort, a hostPort on a NodePort) try now rather than at their next backoff (up to
   * 30 s away).
   */
  #released(owner: string, lkey: string): void {
    for (const r of this.#reported.keys()) {
      const bar = r.indexOf('|');
      if (r.slice(bar + 1) === lkey && r.slice(0, bar) !== owner) this.#queue.add(r.slice(0, bar));
    }
  }

  /** Every host socket held, `TCP 127.0.0.1:30080 => 10.244.0.1:30080 default/web` (a pod's: `pod:default/web`), sorted. */
  listeners(): string[] {
    const out: string[] = [];
    for (const [key, held] of this.#held) for (const f of held.values()) out.push(`${f.key} => ${f.spec.target.ip}:${f.spec.target.port} ${key}`);
    return out.sort();
  }

  /** Stops the workers and closes every socket and relayed connection. */
  async stop(): Promise<void> {
    this.#queue.shutDown();
    await this.#done;
    const all = [...this.#held.values()].flatMap((m) => [...m.values()]);
    this.#held.clear();
    await Promise.all(all.map((f) => f.destroy()));
  }
}

/** Starts host exposure on a started or soon-started informer factory. */
export function startHostPorts(options: HostPortsOptions): HostPorts {
  const hp = new HostPorts(options);
  hp.run();
  options.informers.start();
  return hp;
}
