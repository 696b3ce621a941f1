/**
 * @module The node's port mapper (the CNI portmap plugin's job, done from the API): watches the
 * pods, and after every change to a pod of this node that has a hostPort, makes the node
 * namespace's rules exactly `desiredMappings` of the cached pods (one apply at a time; changes
 * arriving meanwhile make one more). A failed apply is logged and tried again after 1 s,
 * doubling to 30 s. Rules appear once the pod's status carries its IP and go when the pod
 * leaves the API (its sandbox is gone by then) or turns Succeeded/Failed.
 */
import { findResource } from '../api/resources.js';
import type { Clock, Informer, InformerFactory } from '../client/index.js';
import type { TimerHandle } from '../client/clock.js';
import type { PortMapApplier } from './applier.js';
import { hostPortsOf, planMappings, type PortMapPod, type PortMapping } from './mappings.js';

const PODS = findResource('', 'v1', 'pods')!;

export interface PortMapOptions {
  informers: InformerFactory;
  nodeName: string;
  applier: PortMapApplier;
  clock: Clock;
  log(line: string): void;
}

export class PortMap {
  readonly #o: PortMapOptions;
  readonly #pods: Informer<PortMapPod>;
  /** The retry after a failure (the injected clock). */
  #timer: TimerHandle | undefined;
  #soon: ReturnType<typeof setImmediate> | undefined;
  #running: Promise<void> | undefined;
  #dirty = false;
  #stopped = false;
  #backoffMs = 0;
  #current: PortMapping[] = [];
  /** The mappings last left out (a mirror pod holds their port), as logged. */
  #refused = '';
  #waiters: Array<(ok: boolean) => void> = [];

  constructor(options: PortMapOptions) {
    this.#o = options;
    this.#pods = options.informers.informer<PortMapPod>(PODS);
    const mine = (p: PortMapPod | null): boolean => !!p && p.spec?.nodeName === options.nodeName && hostPortsOf(p).length > 0;
    this.#pods.addHandlers({
      onAdd: (p) => mine(p) && this.kick(),
      onUpdate: (old, p) => (mine(old) || mine(p)) && this.kick(),
      onDelete: (p) => mine(p) && this.kick(),
    });
  }

  /** The mappings last applied. */
  mappings(): readonly PortMapping[] {
    return this.#current;
  }

  /** Asks for a sync (coalesced: one runs at a time, one more follows if asked meanwhile). */
  kick(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#dirty = true;
      return;
    }
    if (this.#soon !== undefined || this.#timer !== undefined) return;
    // The next turn of the loop: the informer's events of one batch make one sync.
    this.#soon = setImmediate(() => {
      this.#soon = undefined;
      this.#running = this.#sync().finally(() => {
        this.#running = undefined;
        if (this.#dirty) {
          this.#dirty = false;
          this.kick();
        }
      });
    });
  }

  /** Resolves after the next sync that starts from now: true when it applied, false when it failed. */
  synced(): Promise<boolean> {
    return new Promise((resolve) => {
      this.#waiters.push(resolve);
      this.kick();
    });
  }

  async #sync(): Promise<void> {
    const waiters = this.#waiters;
    this.#waiters = [];
    const plan = planMappings(this.#pods.cache.list(), this.#o.nodeName);
    const wanted = plan.mappings;
    const refused = plan.refused.map((r) => `${r.mapping.hostPort}/${r.mapping.protocol.toUpperCase()} of ${r.mapping.pod} (held by ${r.heldBy})`).join(', ');
    if (refused !== this.#refused) {
      this.#refused = refused;
      if (refused) this.#o.log(`portmap: not mapped, kubito's own pods hold these host ports on the node: ${refused}`);
    }
    try {
      await this.#o.applier.apply(wanted);
      this.#current = wanted;
      this.#backoffMs = 0;
      for (const w of waiters) w(true);
    } catch (err) {
      for (const w of waiters) w(false);
      this.#backoffMs = Math.min(30_000, this.#backoffMs ? this.#backoffMs * 2 : 1_000);
      this.#o.log(`portmap: ${this.#o.applier.family} apply failed, retrying in ${this.#backoffMs} ms: ${err instanceof Error ? err.message : String(err)}`);
      if (!this.#stopped) this.#timer = this.#o.clock.setTimeout(() => {
        this.#timer = undefined;
        this.kick();
      }, this.#backoffMs);
    }
  }

  /** No more syncs; the rules stay (as the proxy's do: a restarted agent takes them over). */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) this.#o.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#soon !== undefined) clearImmediate(this.#soon);
    this.#soon = undefined;
    await this.#running;
  }
}
