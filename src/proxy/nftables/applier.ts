/**
 * @module The nftables backend: renders the desired state (render.ts) and applies it with
 * `nft -f -` (the script on stdin, one atomic transaction) through a CommandRunner, in whatever
 * network namespace the runner's commands run in (the node agent runs inside the node
 * namespace; tests wrap commands in `ip netns exec`).
 *
 * It keeps what the kernel holds after each successful sync (every port's chains, rules and map
 * elements), so a partial sync rewrites only the changed ports. A full sync (`'all'`, the first
 * one, any after a failure) replaces the whole table. Chains a partial sync left unused are
 * flushed by it and deleted by the first sync at least `STALE_CHAIN_DELAY_MS` later, inside that
 * sync's own transaction (upstream does the same: older kernels refuse to delete a chain right
 * after the map element that named it went away). A full sync keeps the clients of the ClientIP
 * affinity sets (affinity.ts: listed first, re-added by the same transaction). One `nft -f` per sync: each costs nft a dump
 * of every chain in the namespace (nft 1.0.6 needs its chain cache for any `add rule` or
 * element with a verdict), so a second transaction would double a partial sync.
 */
import { ApplyError } from '../runner.js';
import type { CommandRunner, DesiredState, ProxyBackend, ProxyNodeConfig } from '../types.js';
import { TABLE_REF } from './names.js';
import { affinityCarryOver, hasAffinitySets, parseAffinityClients } from './affinity.js';
import { NftablesRenderCache, renderFull, renderPartial, type TableState } from './render.js';
import { loadNftAddon, type NftAddon } from './libnft.js';
import { netnsOfWrap } from '../wrap-netns.js';

/** `nft` is not installed where the backend runs. */
export class NftNotFoundError extends Error {
  override name = 'NftNotFoundError';
  constructor(detail: string) {
    super(`nft not found (${detail.trim() || 'exit -1'}): the nftables proxy mode needs the nft command; install the Debian package nftables, or use --proxy-mode iptables`);
  }
}

/** How long a flushed chain waits before it is deleted (upstream: one second). */
export const STALE_CHAIN_DELAY_MS = 1000;

export interface NftablesBackendOptions {
  runner: CommandRunner;
  /** Monotonic ms (stale-chain ages); default `performance.now`. */
  now?: () => number;
  /** argv prefix putting each command in the right namespace (e.g. `ip netns exec <ns>`); default none. */
  wrap?: string[];
  log?(line: string): void;
  /**
   * libnftables in this process (libnft.ts), which then applies the syncs' scripts where the
   * wrap names a namespace it can enter (netnsOfWrap), instead of the runner's nft; default
   * none (every command through the runner). The factory below passes the built addon.
   * Listing the rules (`kubito proxy rules`, the affinity sets) stays with the nft command.
   */
  addon?: NftAddon | Error | null;
}

export interface SyncReport {
  kind: 'full' | 'partial' | 'none';
  /** Lines of the main script. */
  lines: number;
  staleDeleted: number;
  /** Partial syncs: ms rendering, ms in `nft -f` (the trace of bench/netprog.bench.ts). */
  renderMs?: number;
  applyMs?: number;
}

export class NftablesBackend implements ProxyBackend {
  readonly mode = 'nftables' as const;
  readonly #runner: CommandRunner;
  readonly #wrap: string[];
  readonly #log: (line: string) => void;
  readonly #now: () => number;
  readonly #cache = new NftablesRenderCache();
  /** The table as the last successful sync left it; undefined: unknown, the next sync is full. */
  #table: TableState | undefined;
  #node: ProxyNodeConfig | undefined;
  /** Chains flushed by an earlier partial sync → when; deleted once STALE_CHAIN_DELAY_MS old. */
  #stale = new Map<string, number>();
  /** The addon and the namespace it applies in, while it can; undefined: the nft command. */
  #addon: { addon: NftAddon; netns: string | null } | undefined;
  /** What the last sync did (for tests and logs). */
  lastSync: SyncReport = { kind: 'none', lines: 0, staleDeleted: 0 };

  constructor(options: NftablesBackendOptions) {
    this.#runner = options.runner;
    this.#wrap = options.wrap ?? [];
    this.#log = options.log ?? (() => undefined);
    this.#now = options.now ?? (() => performance.now());
    const addon = options.addon;
    const netns = netnsOfWrap(this.#wrap);
    if (addon && !(addon instanceof Error) && netns !== undefined) this.#addon = { addon, netns };
  }

  /** How syncs are applied now: `libnftables` (in this process) or `nft` (the command). */
  get applier(): 'libnftables' | 'nft' {
    return this.#addon ? 'libnftables' : 'nft';
  }

  async #nft(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
    const argv = [...this.#wrap, 'nft', ...args];
    const r = await this.#runner.run(argv, input === undefined ? undefined : { input });
    if (r.code === -1 || (r.code !== 0 && /ENOENT|nft: (command )?not found|No such file or directory.*nft/i.test(r.stderr) && !/Error:/.test(r.stderr))) throw new NftNotFoundError(r.stderr);
    return r;
  }

  async #apply(script: string): Promise<void> {
    if (this.#addon) {
      const r = await this.#addon.addon.run(script, this.#addon.netns);
      if (r.code === 0) return;
      if (r.code > 0) throw new ApplyError(['nft', '-f', '-', '(libnftables, in process)'], r, failedLine(r.stderr, script));
      if (r.code === -1) {
        // The library can never be used here (missing, no netlink socket): the command from now on.
        this.#log(`proxy: libnftables unavailable, applying rules with the nft command: ${r.stderr.trim()}`);
        this.#addon = undefined;
      } else this.#log(`proxy: libnftables could not run this sync, applying it with the nft command: ${r.stderr.trim()}`);
    }
    const r = await this.#nft(['-f', '-'], script);
    if (r.code !== 0) throw new ApplyError([...this.#wrap, 'nft', '-f', '-'], r, failedLine(r.stderr, script));
  }

  async sync(state: DesiredState, changed: ReadonlySet<string> | 'all'): Promise<void> {
    const full = changed === 'all' || this.#table === undefined || JSON.stringify(state.node) !== JSON.stringify(this.#node);
    try {
      if (full) {
        const rendered = renderFull(state, { cache: this.#cache });
        this.#table = undefined;
        const carried = hasAffinitySets(rendered.table) ? affinityCarryOver(await this.#affinityClients(), rendered.table) : [];
        if (!carried.length) await this.#apply(rendered.text);
        else {
          try {
            await this.#apply(`${rendered.text}${carried.join('\n')}\n`);
          } catch (err) {
            // Never let the clients block the table: without them, they move once.
            this.#log(`proxy: a full sync re-adding ${carried.length} affinity sets' clients failed; syncing without them: ${err instanceof Error ? err.message : String(err)}`);
            await this.#apply(rendered.text);
          }
        }
        this.#table = rendered.table;
        this.#node = state.node;
        this.#stale.clear();
        this.lastSync = { kind: 'full', lines: countLines(rendered.text), staleDeleted: 0 };
        return;
      }
      const t0 = this.#now();
      const rendered = renderPartial(this.#table!, state, changed as ReadonlySet<string>, { cache: this.#cache, inPlace: true });
      const doomed = this.#dueStale(rendered.declaredChains);
      const script = doomed.map((c) => `delete chain ${TABLE_REF} ${c}\n`).join('') + rendered.text;
      const t1 = this.#now();
      if (script) await this.#apply(script);
      const t2 = this.#now();
      this.#table = rendered.table;
      for (const c of doomed) this.#stale.delete(c);
      const now = this.#now();
      for (const c of rendered.staleChains) this.#stale.set(c, now);
      this.lastSync = { kind: rendered.text ? 'partial' : 'none', lines: countLines(rendered.text), staleDeleted: doomed.length, renderMs: t1 - t0, applyMs: t2 - t1 };
    } catch (err) {
      // The kernel now holds an unknown mix: the next sync must be a full one.
      this.#table = undefined;
      throw err;
    }
  }

  /**
   * The flushed chains old enough to delete now. Ones the changed ports declare again are
   * forgotten (the partial script re-adds and flushes them); no other port can have taken one
   * up, since only a changed port's chains change.
   */
  #dueStale(declared: readonly string[]): string[] {
    if (!this.#stale.size) return [];
    for (const c of declared) this.#stale.delete(c);
    const due = this.#now() - STALE_CHAIN_DELAY_MS;
    const out: string[] = [];
    for (const [chain, at] of this.#stale) if (at <= due) out.push(chain);
    return out;
  }

  /**
   * The clients the affinity sets hold now (none when the table or `nft -j` fails: a full sync
   * must not fail for want of them; those clients then move once).
   */
  async #affinityClients(): Promise<ReturnType<typeof parseAffinityClients>> {
    const r = await this.#nft(['-j', 'list', 'sets', 'ip']);
    return r.code === 0 ? parseAffinityClients(r.stdout) : new Map();
  }

  async currentRules(): Promise<string> {
    const r = await this.#nft(['list', 'table', ...TABLE_REF.split(' ')]);
    if (r.code !== 0) {
      if (/No such file or directory/i.test(r.stderr)) return '';
      throw new ApplyError([...this.#wrap, 'nft', 'list', 'table', ...TABLE_REF.split(' ')], r);
    }
    return r.stdout;
  }

  async cleanup(): Promise<void> {
    this.#table = undefined;
    this.#stale.clear();
    const r = await this.#nft(['-f', '-'], `add table ${TABLE_REF}\ndelete table ${TABLE_REF}\n`);
    if (r.code !== 0) throw new ApplyError([...this.#wrap, 'nft', '-f', '-'], r);
  }
}

function countLines(text: string): number {
  return text ? text.split('\n').length - 1 : 0;
}

/**
 * nft names the failing line (`/dev/stdin:12:5-9: Error: ...`, `/proc/self/fd/N:12:...` from
 * libnftables); quote it for the error.
 */
function failedLine(stderr: string, input: string): string {
  const m = /:(\d+):\d+(?:-\d+)?: Error/.exec(stderr);
  if (!m) return '';
  const n = Number(m[1]);
  return `line ${n}: ${input.split('\n')[n - 1] ?? ''}`;
}

/**
 * The factory backends.ts lists for `--proxy-mode nftables`: libnftables in process where the
 * addon was built (else, or with KUBITO_PROXY_NFT=command, the nft command).
 */
export function createNftablesBackend(context: { runner: CommandRunner; log(line: string): void }): NftablesBackend {
  return new NftablesBackend({ runner: context.runner, log: context.log, addon: loadNftAddon() });
}
