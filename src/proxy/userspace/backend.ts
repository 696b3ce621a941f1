/**
 * @module The userspace proxy backend: renders a DesiredState as addresses on a dummy interface
 * (`kube-ipvs0`) in the node namespace and TCP/UDP listeners of this process on them (see
 * plan.ts for which, and why a port without endpoints has no listener).
 *
 * A sync applies the whole plan in an order that never leaves a listener without its address:
 * add addresses, bind new listeners, update changed ones in place, close unwanted ones, remove
 * unused addresses. A bind or `ip` failure does not stop the rest; the sync then throws a
 * UserspaceSyncError and the next sync retries what is missing.
 */
import type { CommandRunner, DesiredState, ProxyBackend } from '../types.js';
import { DummyInterface } from './dummy-interface.js';
import { ListenError, UserspaceSyncError } from './errors.js';
import type { Socket } from 'node:net';
import { diffAddresses, diffListeners, listenerKey, planFromState, type ListenerSpec } from './plan.js';
import { TcpProxyListener, type ProxyListenerOptions } from './tcp-listener.js';
import { UdpProxyListener } from './udp-listener.js';

export interface UserspaceBackendOptions {
  /** Runs `ip` in the node namespace (this process's namespace). */
  runner: CommandRunner;
  /** The dummy interface's name. Default `kube-ipvs0`. */
  interfaceName?: string;
  /** Per-attempt connect timeouts; their count is the number of attempts. Default 250, 500, 1000, 2000 ms. */
  connectTimeoutsMs?: number[];
  /** UDP flow idle timeout. Default 30 s. */
  udpIdleTimeoutMs?: number;
  /** Milliseconds since the epoch (affinity ages, UDP idleness). Default Date.now. */
  now?: () => number;
  log?: (line: string) => void;
}

type Listener = TcpProxyListener | UdpProxyListener;

export class UserspaceBackend implements ProxyBackend {
  readonly mode = 'userspace' as const;
  readonly #iface: DummyInterface;
  readonly #listeners = new Map<string, Listener>();
  readonly #o: ProxyListenerOptions & { idleTimeoutMs?: number };
  #syncing: Promise<void> = Promise.resolve();

  constructor(options: UserspaceBackendOptions) {
    this.#iface = new DummyInterface(options.runner, { name: options.interfaceName });
    this.#o = {
      now: options.now ?? Date.now,
      log: options.log ?? ((line) => process.stderr.write(`userspace proxy: ${line}\n`)),
      connectTimeoutsMs: options.connectTimeoutsMs,
      idleTimeoutMs: options.udpIdleTimeoutMs,
    };
  }

  /**
   * Makes the node hold exactly what `state` asks for. `changed` is not needed: the plan is
   * diffed against the listeners held, which is cheap. Syncs never overlap.
   */
  sync(state: DesiredState, _changed: ReadonlySet<string> | 'all'): Promise<void> {
    const run = this.#syncing.catch(() => undefined).then(() => this.#sync(state));
    this.#syncing = run;
    return run;
  }

  async #sync(state: DesiredState): Promise<void> {
    const failures: Error[] = [];
    const plan = planFromState(state);
    const held = await this.#iface.ensure();
    const addrs = diffAddresses(held, plan.addresses);
    for (const ip of addrs.add) await this.#iface.add(ip).catch((err: Error) => failures.push(err));
    const specs = new Map<string, ListenerSpec>([...this.#listeners].map(([k, l]) => [k, l.spec]));
    const diff = diffListeners(specs, plan.listeners);
    await Promise.all(
      diff.open.map(async (spec) => {
        const listener = spec.protocol === 'TCP' ? new TcpProxyListener(spec, this.#o) : new UdpProxyListener(spec, this.#o);
        try {
          await listener.listen();
          this.#listeners.set(spec.key, listener);
        } catch (err) {
          await listener.close().catch(() => undefined);
          failures.push(new ListenError(spec.key, err));
        }
      }),
    );
    for (const spec of diff.update) this.#listeners.get(spec.key)!.update(spec);
    for (const key of diff.close) {
      const l = this.#listeners.get(key)!;
      this.#listeners.delete(key);
      await l.close();
    }
    for (const ip of addrs.remove) await this.#iface.remove(ip).catch((err: Error) => failures.push(err));
    for (const c of plan.conflicts) this.#o.log(`${c.key} is asked for by ${c.servicePorts[0]} and ${c.servicePorts[1]}; ${c.servicePorts[0]} has it`);
    if (failures.length) throw new UserspaceSyncError(failures);
  }

  /** The listeners held, one line each, after the interface's addresses. */
  async currentRules(): Promise<string> {
    const lines = [`# userspace proxy: addresses on ${this.#iface.name}`];
    for (const ip of [...this.#iface.addresses].sort()) lines.push(`${ip}/32`);
    lines.push('# listeners: protocol address:port -> service port (endpoints) endpoint ...');
    for (const key of [...this.#listeners.keys()].sort()) {
      const l = this.#listeners.get(key)!;
      const s = l.spec;
      const affinity = s.stickyMaxAgeSeconds ? ` affinity=ClientIP/${s.stickyMaxAgeSeconds}s` : '';
      lines.push(`${key} -> ${s.servicePort} (${s.scope}${affinity}) ${s.endpoints.map((e) => `${e.ip}:${e.port}`).join(' ')}`);
    }
    return `${lines.join('\n')}\n`;
  }

  /**
   * For the relay: a connection to an endpoint of the TCP listener on `ip:port`, chosen as for
   * a client of it, or undefined when nothing listens there (the relay then dials for real and
   * meets the kernel's refusal). Saves the relay's hop through the listener.
   */
  dialTcp(ip: string, port: number, clientIP: string): Promise<Socket | undefined> | undefined {
    const l = this.#listeners.get(listenerKey('TCP', ip, port));
    return l instanceof TcpProxyListener ? l.connectUpstream(clientIP) : undefined;
  }

  /** The listener for a key (`TCP 10.96.0.10:53`), for tests. */
  listener(key: string): Listener | undefined {
    return this.#listeners.get(key);
  }

  /** Closes every listener and connection and deletes the interface. Idempotent. */
  async cleanup(): Promise<void> {
    await this.#syncing.catch(() => undefined);
    const all = [...this.#listeners.values()];
    this.#listeners.clear();
    await Promise.all(all.map((l) => l.destroy()));
    await this.#iface.delete();
  }
}
