/**
 * @module A warm pool of pod sandboxes made ahead: network namespaces `kubito-<cluster>-w<8 hex>`
 * with `lo` up and `eth0` (the pod end of a veth `kw<8 hex>` on the bridge) holding an address
 * of the node's /24 and the default route — everything of a sandbox that does not depend on the
 * pod. A pod arriving takes one (`take`, first made first); `adopt` hands its address to the pod
 * in the address table at once (owner `pool:<hex>` → the pod's uid) and names the namespace
 * for the pod too, `kubito-<cluster>-p<8 hex of its uid>` (a bind mount of it under the new
 * name — for every pod adopting in the same turn, one `mount -a -T <fstab>` process). The pod
 * need not wait for that: its first container can start in the pool's name, which its owner
 * removes (`forget`, batched: one `ip -batch`) once nothing is about to enter by it. Making a namespace and a
 * veth is the kernel's costliest step of a pod start (≈ 8 ms each on this machine, half a second
 * for a burst of 50); the pool does it while nothing starts.
 *
 * Refills run when no pod is being started (the start slots idle for `quietMs`), in batches: one
 * `sh` running one `ip -force -batch` for the node side of all of them and one `ip -n <ns>
 * -batch` per namespace, reporting the names it completed (an incomplete one is removed). The
 * addresses stay unique (the table owns each), a pod keeps the one it took until it ends.
 * `close()` (agent shutdown) removes the idle ones; what an agent that died left is reaped with
 * the pod sandboxes (`isClusterNetns` matches both names; the table is emptied on start).
 */
import { randomBytes } from 'node:crypto';
import { statSync, type Stats } from 'node:fs';
import { rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../client/index.js';
import { shellQuote } from './shell-quote.js';
import type { Ipam } from './ipam.js';
import { poolHostVeth, poolNetns } from './names.js';
import type { Runner } from './runner.js';
import { nodeSideLines } from './sandbox-plan.js';
import { bindLine } from './sandbox.js';

/** An idle sandbox of the pool. */
export interface PoolEntry {
  id: string;
  netns: string;
  hostVeth: string;
  ip: string;
}

/** The address table's owner of a pool entry's address. */
export function poolOwner(id: string): string {
  return `pool:${id}`;
}

/**
 * The script that makes these entries (pure): node side for all in one `ip -force -batch`, then
 * per entry its pod side, printing `ok <id>` for each entry made whole.
 */
export function fillScript(entries: PoolEntry[], net: { prefix: number; gateway: string }): string {
  const node = entries.flatMap((e) => nodeSideLines(e));
  const out = [`ip -force -batch - >/dev/null <<'KUBITO_NODE'`, ...node, 'KUBITO_NODE'];
  for (const e of entries) {
    out.push(
      `ip -n ${shellQuote(e.netns)} -batch - <<'KUBITO_POD' && echo ok ${e.id}`,
      'link set lo up',
      `addr add ${e.ip}/${net.prefix} dev eth0`,
      'link set eth0 up',
      `route add default via ${net.gateway} dev eth0`,
      'KUBITO_POD',
    );
  }
  return `${out.join('\n')}\n`;
}

/** Whether `target` is now the same namespace file as `source` (the bind mount took). */
async function sameFile(source: string, target: string): Promise<boolean> {
  try {
    const [a, b] = await Promise.all([stat(source), stat(target)]);
    return a.dev === b.dev && a.ino === b.ino;
  } catch {
    return false;
  }
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** The ids a fill reported made (pure). */
export function madeIds(stdout: string): Set<string> {
  return new Set([...stdout.matchAll(/^ok ([0-9a-f]{8})$/gm)].map((m) => m[1]));
}

export interface SandboxPoolOptions {
  cluster: string;
  runner: Runner;
  ipam: Ipam;
  /** The /24's prefix length and the bridge address (the pods' default route). */
  net: { prefix: number; gateway: string };
  /** Idle sandboxes to keep. */
  size: number;
  /** Refills wait for the start slots to be idle this long (ms). */
  quietMs?: number;
  /** At most this many made per refill. */
  batch?: number;
  /** Pods being started (starts-in-flight.ts): refills wait until none is. */
  slots?: { readonly busy: number; readonly waiting: number; idle(): Promise<void> };
  clock: Clock;
  /** Program for the bind mount of `adopt` (busybox's is cheaper to start); default `mount`. */
  mount?: string[];
  /** Where named namespaces live; default /run/netns. */
  netnsDir?: string;
  /** Where the adopt batches' fstab files are written; default the temp dir. */
  scratchDir?: string;
  /** Whether the bind of source on target took (tests); default: same device and inode. */
  isBound?: (source: string, target: string) => Promise<boolean>;
  log?: (line: string) => void;
  /** Random hex ids (tests). */
  newId?: () => string;
}

export class SandboxPool {
  readonly #o: SandboxPoolOptions;
  #idle: PoolEntry[] = [];
  #closed = false;
  #filling: Promise<void> | undefined;
  #timer: ReturnType<Clock['setTimeout']> | undefined;
  #forget: string[] = [];
  #forgetting: Promise<void> | undefined;
  #retryMs = 0;
  #adopting: Array<{ source: string; netns: string; resolve: (bound: string | undefined) => void }> = [];
  #adoptRunning = false;
  #adoptBatches = 0;

  constructor(options: SandboxPoolOptions) {
    this.#o = options;
  }

  /** Idle sandboxes now. */
  get size(): number {
    return this.#idle.length;
  }

  /** Starts keeping the pool full (call after stale sandboxes were reaped). */
  start(): void {
    this.#schedule();
  }

  /** The oldest idle sandbox, now; none when the pool is empty (the caller makes one). */
  take(): PoolEntry | undefined {
    const entry = this.#idle.shift();
    this.#schedule();
    return entry;
  }

  /** Gives the entry's address to `owner` now (its namespace keeps the pool's name). */
  handOver(entry: PoolEntry, owner: string): void {
    this.#o.ipam.transfer(poolOwner(entry.id), owner);
  }

  /**
   * Gives the entry to `owner`: its address now; its namespace also named `netns` once the
   * promise resolves with undefined (or, failing that, with why not: the pool's name then stays
   * the sandbox's only name). The pool's name is the owner's to `forget` when it is done with it.
   */
  adopt(entry: PoolEntry, options: { netns: string; owner: string }): Promise<string | undefined> {
    this.handOver(entry, options.owner);
    return this.bindName(entry.netns, options.netns);
  }

  /**
   * Names the namespace `poolNetns` also `netns` (a bind mount; batched with the others asked
   * for in the same turn: one `mount -a`): undefined once it is, else why not.
   */
  bindName(poolNetns: string, netns: string): Promise<string | undefined> {
    return new Promise((resolve) => {
      this.#adopting.push({ source: poolNetns, netns, resolve });
      if (!this.#adoptRunning) {
        this.#adoptRunning = true;
        setImmediate(() => void this.#drainAdopts());
      }
    });
  }

  /**
   * Which names a pool sandbox handed to the native launcher (which binds `netns` and removes
   * the pool's name: launch.c `--adopt-netns`) has now: 'moved' (the pod's alone), 'both' (the
   * pod's bound, the pool's left), or 'pool' (not named for the pod: no launcher ran, or its
   * naming failed).
   */
  async names(poolNetns: string, netns: string): Promise<'moved' | 'both' | 'pool'> {
    const dir = this.#o.netnsDir ?? '/run/netns';
    // At once: two stats on a tmpfs are microseconds, where the thread pool is busy in a burst.
    const pool = statOrUndefined(`${dir}/${poolNetns}`);
    const pod = statOrUndefined(`${dir}/${netns}`);
    if (!pod) return 'pool';
    if (!pool) return 'moved';
    const bound = this.#o.isBound ? await this.#o.isBound(`${dir}/${poolNetns}`, `${dir}/${netns}`) : pool.dev === pod.dev && pool.ino === pod.ino;
    return bound ? 'both' : 'pool';
  }

  /** The adopts asked for meanwhile: one `mount -a` for all of them, each checked after. */
  async #drainAdopts(): Promise<void> {
    const dir = this.#o.netnsDir ?? '/run/netns';
    const isBound = this.#o.isBound ?? sameFile;
    while (this.#adopting.length) {
      const batch = this.#adopting.splice(0);
      const fail = (a: (typeof batch)[number], err: unknown): void => a.resolve(err instanceof Error ? err.message : String(err));
      // The mount points; an existing name is refused (a stale one is reaped at start).
      const made = await Promise.allSettled(batch.map((a) => writeFile(`${dir}/${a.netns}`, '', { flag: 'wx' })));
      const ready = batch.filter((a, i) => {
        const r = made[i];
        if (r.status === 'rejected') fail(a, r.reason);
        return r.status === 'fulfilled';
      });
      if (!ready.length) continue;
      const fstab = join(this.#o.scratchDir ?? tmpdir(), `kubito-pool-adopt-${process.pid}-${++this.#adoptBatches}.fstab`);
      let said = '';
      try {
        await writeFile(fstab, ready.map((a) => `${bindLine(`${dir}/${a.source}`, `${dir}/${a.netns}`)}\n`).join(''));
        said = (await this.#o.runner.run([...(this.#o.mount ?? ['mount']), '-a', '-T', fstab], { allowFailure: true })).stderr.trim();
      } catch (err) {
        said = err instanceof Error ? err.message : String(err);
      } finally {
        await rm(fstab, { force: true }).catch(() => undefined);
      }
      const bound = await Promise.all(ready.map((a) => isBound(`${dir}/${a.source}`, `${dir}/${a.netns}`)));
      ready.forEach((a, i) => {
        if (bound[i]) {
          a.resolve(undefined);
        } else {
          void rm(`${dir}/${a.netns}`, { force: true }).catch(() => undefined);
          fail(a, new Error(`bind mount of ${a.source} as ${a.netns} failed${said ? `: ${said}` : ''}`));
        }
      });
    }
    this.#adoptRunning = false;
  }

  /** Stops refilling; removes the idle sandboxes and frees their addresses. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) this.#o.clock.clearTimeout(this.#timer);
    await this.#filling;
    for (const e of this.#idle.splice(0)) {
      this.#o.ipam.release(poolOwner(e.id));
      this.#forget.push(e.netns);
    }
    await this.#flushForget();
  }

  #schedule(): void {
    if (this.#closed || this.#filling || this.#timer || this.#idle.length >= this.#o.size) return;
    this.#timer = this.#o.clock.setTimeout(() => {
      this.#timer = undefined;
      if (this.#closed || this.#filling) return;
      // Pods being started come first: a refill waits until none is.
      if (this.#o.slots && (this.#o.slots.busy > 0 || this.#o.slots.waiting > 0)) {
        void this.#o.slots.idle().then(() => this.#schedule());
        return;
      }
      this.#filling = this.#fill().finally(() => {
        this.#filling = undefined;
        this.#schedule();
      });
    }, Math.max(this.#retryMs, this.#o.quietMs ?? 100));
  }

  async #fill(): Promise<void> {
    const o = this.#o;
    const count = Math.min(o.batch ?? 16, o.size - this.#idle.length);
    if (count <= 0) return;
    const entries: PoolEntry[] = [];
    try {
      for (let i = 0; i < count; i++) {
        const id = o.newId?.() ?? randomBytes(4).toString('hex');
        entries.push({ id, netns: poolNetns(o.cluster, id), hostVeth: poolHostVeth(id), ip: o.ipam.allocate(poolOwner(id)) });
      }
    } catch (err) {
      // The table is full: fewer (or none) this time.
      o.log?.(`sandbox pool: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (!entries.length) return;
    let made = new Set<string>();
    try {
      const result = await o.runner.run(['sh', '-c', fillScript(entries, o.net)], { allowFailure: true });
      made = madeIds(result.stdout);
      if (made.size < entries.length) o.log?.(`sandbox pool: ${entries.length - made.size} of ${entries.length} not made: ${result.stderr.trim().split('\n').slice(0, 3).join('; ')}`);
    } catch (err) {
      o.log?.(`sandbox pool: ${err instanceof Error ? err.message : String(err)}`);
    }
    for (const e of entries) {
      if (made.has(e.id) && !this.#closed) {
        this.#idle.push(e);
      } else {
        o.ipam.release(poolOwner(e.id));
        this.#forget.push(e.netns);
      }
    }
    await this.#flushForget();
    // Without a made entry, the next try waits (a full table, a kernel refusing).
    this.#retryMs = made.size ? 0 : 5000;
  }

  /**
   * Removes a pool name no longer used, once no pod is being started (deferrable: an unmount
   * waits out an RCU grace period), batched with the others asked for meanwhile; `close()`
   * removes what is still waiting.
   */
  forget(netns: string): void {
    this.#forget.push(netns);
    this.#forgetting ??= (async () => {
      await new Promise<void>((resolve) => setImmediate(resolve));
      const slots = this.#o.slots;
      while (slots && !this.#closed && (slots.busy > 0 || slots.waiting > 0)) await slots.idle();
      await this.#flushForget();
    })();
  }

  /** Removes the pool names no longer used (and the namespaces nobody else names), one `ip`. */
  async #flushForget(): Promise<void> {
    try {
      while (this.#forget.length) {
        const names = this.#forget.splice(0);
        await this.#o.runner.run(['ip', '-force', '-batch', '-'], { input: names.map((n) => `netns delete ${n}\n`).join(''), allowFailure: true });
      }
    } finally {
      this.#forgetting = undefined;
    }
  }
}
