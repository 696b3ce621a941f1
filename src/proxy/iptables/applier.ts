/**
 * @module The iptables backend: renders the desired state (render.ts) and applies it with
 * `iptables-restore --noflush` through a CommandRunner, in whatever network namespace the runner's
 * commands run in (the node agent runs inside the node namespace; tests wrap commands in
 * `ip netns exec`).
 *
 * Which iptables: the host's own `iptables` (whichever flavour its alternatives point at) when
 * it works here, so that a plain `iptables-save` in the node namespace shows the rules, as the
 * chapter runs it; else `iptables-legacy`, else `iptables-nft` (see README). A full sync reads
 * `iptables-save` and rewrites everything in one restore, which also inserts whichever jump
 * rules from the built-in chains the save lacks (jump-rules.ts); a partial one only the changed services' chains, plus KUBE-SERVICES
 * & co. when their rules changed (a Service added, removed, or gaining or losing endpoints), and
 * no restore at all when nothing changed. Each port's rendered lines are cached
 * (`IptablesRenderCache`), so a sync renders only the ports that changed.
 * Stale service chains are found from what this backend applied before (each port's chains),
 * and on a full sync from that `iptables-save` (leftovers of an earlier run).
 */
import { existsSync } from 'node:fs';
import { builtPath } from '../../native/built.js';
import { ApplyError } from '../runner.js';
import type { CommandRunner, DesiredState, ProxyBackend, ServingCommand } from '../types.js';
import { JUMP_RULES, jumpTargets, missingJumpRules } from './jump-rules.js';
import { loadIptFactsAddon, type IptFactsAddon } from './ipt-facts-addon.js';
import { netnsOfWrap } from '../wrap-netns.js';
import { isServiceChainName } from './names.js';
import { IptablesRenderCache, renderIptables } from './render.js';
import { streamIptablesFull, type KernelFacts } from './render-stream.js';

export type IptablesVariant = 'legacy' | 'nft' | 'default';

/** What a full sync read of the kernel (iptables-save text), and with which command. */
type KernelRead = { code: number; stdout: string; stderr: string; argv: string[] };

export interface IptablesBackendOptions {
  runner: CommandRunner;
  /** argv prefix putting each command in the right namespace (e.g. `ip netns exec <ns>`); default none. */
  wrap?: string[];
  /** Which iptables; `'auto'` (default) probes legacy, then nft. */
  variant?: IptablesVariant | 'auto';
  /** Full syncs of at least this many ports stream their restore; default STREAM_MIN_PORTS. */
  streamMinPorts?: number;
  /**
   * The native reader of the legacy nat table (`kubito-ipt-facts`, ipt-facts.c); default
   * `build/kubito-ipt-facts` when it was built, null: always `iptables-save`.
   */
  factsProgram?: string | null;
  /**
   * The same reader as an addon of this process (ipt-facts-addon.ts), tried before the
   * program where the wrap names a namespace it can enter (netnsOfWrap); default the built
   * addon when `factsProgram` is left to its default too (an explicit program or null — always
   * `iptables-save` — leaves it out), null: never.
   */
  factsAddon?: IptFactsAddon | null;
}

/** Where scripts/build-native.js puts the legacy nat-table reader. */
export function iptFactsPath(): string {
  return builtPath('kubito-ipt-facts');
}

const BINARIES: Record<IptablesVariant, { iptables: string; restore: string; save: string }> = {
  legacy: { iptables: 'iptables-legacy', restore: 'iptables-legacy-restore', save: 'iptables-legacy-save' },
  nft: { iptables: 'iptables-nft', restore: 'iptables-nft-restore', save: 'iptables-nft-save' },
  default: { iptables: 'iptables', restore: 'iptables-restore', save: 'iptables-save' },
};

/** The binaries of a flavour: `iptables`, `iptables-legacy` or `iptables-nft` and their save/restore. */
export function iptablesBinaries(variant: IptablesVariant): { iptables: string; restore: string; save: string } {
  return BINARIES[variant];
}

/**
 * The first iptables flavour that lists the nat table where `run` runs commands (the node
 * namespace): the host's `iptables` (the one the chapter runs), else legacy, else nft.
 */
export async function probeIptablesVariant(run: (argv: string[]) => Promise<{ code: number }>): Promise<IptablesVariant | undefined> {
  for (const v of ['default', 'legacy', 'nft'] as const) {
    if ((await run([BINARIES[v].iptables, '-w', '-t', 'nat', '-S', 'POSTROUTING'])).code === 0) return v;
  }
  return undefined;
}

/** The chain names of one table in iptables-save output. */
export function chainsOfTable(save: string, table: string): string[] {
  const out: string[] = [];
  let inTable = false;
  // Line by line without splitting the whole text (a 10,000-Service save is ~9 MB).
  for (let i = 0; i < save.length; ) {
    let end = save.indexOf('\n', i);
    if (end < 0) end = save.length;
    const c = save.charCodeAt(i);
    if (c === 42 /* * */) inTable = save.slice(i, end).trimEnd() === `*${table}`;
    else if (inTable && c === 58 /* : */) {
      const space = save.indexOf(' ', i);
      out.push(save.slice(i + 1, space > 0 && space < end ? space : end));
    }
    i = end + 1;
  }
  return out;
}

/**
 * Full syncs of at least this many service ports stream their restore (render-stream.ts): the
 * `iptables-save` then runs beside the render and the restore's parse instead of before them.
 * 1,000 Services x 2 endpoints, iptables-legacy, 5 rounds interleaved, load ~4 on 2 cores:
 * full 72 -> 67 ms, resync (rules in place) 99 -> 76 ms (bare restore 47). At 10,000 a resync
 * took 1.0 s streamed vs 1.8 s plain. Smaller syncs keep one plain restore (a few ms either way).
 */
export const STREAM_MIN_PORTS = 1000;

export class IptablesBackend implements ProxyBackend {
  readonly mode = 'iptables' as const;
  readonly #runner: CommandRunner;
  readonly #wrap: string[];
  #variant: IptablesVariant | 'auto';
  readonly #streamMinPorts: number;
  readonly #factsProgram: string | null;
  readonly #factsAddon: IptFactsAddon | null;
  /** The namespace the addon reads (netnsOfWrap of the wrap): null this process's, undefined none it can. */
  readonly #factsNetns: string | null | undefined;
  /** `kubito-ipt-facts --serve`, started by the first full sync that reads with it (runner.serve). */
  #factsServer: ServingCommand | undefined;
  /** Closed (the proxy stopped): a sync still running starts no server nothing would close. */
  #closed = false;
  /** Whether the chosen binaries are iptables-legacy (the host's `iptables` may be either). */
  #legacy: boolean | undefined;
  /** Each port's service chains in the kernel after the last successful restore; undefined: unknown. */
  #portChains: Map<string, readonly string[]> | undefined;
  /** The top-level rules in the kernel after the last successful restore. */
  #topLevel: readonly string[] | undefined;
  readonly #cache = new IptablesRenderCache();
  /** What the last sync wrote (tests, logs). */
  lastSync: { kind: 'full' | 'partial' | 'none'; wroteTopLevel: boolean } = { kind: 'none', wroteTopLevel: false };

  constructor(options: IptablesBackendOptions) {
    this.#runner = options.runner;
    this.#wrap = options.wrap ?? [];
    this.#variant = options.variant ?? 'auto';
    this.#streamMinPorts = options.streamMinPorts ?? STREAM_MIN_PORTS;
    const facts = options.factsProgram === undefined ? iptFactsPath() : options.factsProgram;
    this.#factsProgram = facts !== null && existsSync(facts) ? facts : null;
    const addon = options.factsAddon !== undefined ? options.factsAddon : options.factsProgram === undefined ? loadIptFactsAddon() : null;
    this.#factsAddon = addon instanceof Error ? null : addon;
    this.#factsNetns = netnsOfWrap(this.#wrap);
  }

  /** The iptables flavour in use (probed on first use). */
  async variant(): Promise<IptablesVariant> {
    if (this.#variant !== 'auto') return this.#variant;
    const found = await probeIptablesVariant((argv) => this.#runner.run([...this.#wrap, ...argv]));
    if (found) return (this.#variant = found);
    const probe = [...this.#wrap, BINARIES.default.iptables, '-w', '-t', 'nat', '-S', 'POSTROUTING'];
    throw new ApplyError(probe, { code: 1, stderr: '' }, 'no working iptables in the node namespace (install the Debian package iptables)');
  }

  /**
   * What a full sync reads of the kernel, as iptables-save text: the nat table's chains (stale
   * chains) and both tables' built-in chains (missing jumps). With iptables-legacy and the
   * native reader built: the reader (ipt-facts.c: the kernel's tables walked in C, printing
   * only those; at 10,000 Services iptables-legacy-save formats ~60,000 nat rules, 8.9 MB, for
   * ~1.2 MB of chain names), as an addon of this process where it can enter the namespace,
   * else as a process; else, or when the reader fails, one `iptables-save`. Either reads the
   * same to chainsOfTable and missingJumpRules.
   */
  async #readKernel(bin: { save: string; iptables: string }): Promise<KernelRead> {
    if ((this.#factsAddon || this.#factsProgram) && (await this.#isLegacy(bin))) {
      if (this.#factsAddon && this.#factsNetns !== undefined) {
        const read = await this.#factsAddon.read('nat filter', this.#factsNetns);
        if (read.code === 0) return { ...read, argv: ['kubito-ipt-facts', 'nat', 'filter'] };
      }
      if (this.#factsProgram) {
        const argv = [this.#factsProgram, 'nat', 'filter'];
        const read = await this.#readFacts(this.#factsProgram);
        if (read.code === 0) return { ...read, argv };
      }
    }
    const argv = [bin.save];
    return { ...(await this.#run(argv)), argv };
  }

  /**
   * The reader's answer: from its server where the runner keeps one (forked on first use, where
   * a process per read cost each full sync a fork of this process), else from one run.
   */
  async #readFacts(program: string): Promise<{ code: number; stdout: string; stderr: string }> {
    const once = [program, 'nat', 'filter'];
    if (!this.#runner.serve || this.#closed) return this.#run(once);
    this.#factsServer ??= this.#runner.serve([...this.#wrap, program, '--serve']);
    const read = await this.#factsServer.ask('nat filter');
    if (read.code !== -1) return read;
    // Gone, wedged (killed at its timeout) or never started: this sync reads with one run, the
    // next starts another server.
    this.#factsServer.close();
    this.#factsServer = undefined;
    return this.#run(once);
  }

  async #isLegacy(bin: { iptables: string }): Promise<boolean> {
    if (this.#legacy === undefined) {
      const variant = await this.variant();
      if (variant !== 'default') this.#legacy = variant === 'legacy';
      else this.#legacy = /\(legacy\)/.test((await this.#run([bin.iptables, '--version'])).stdout);
    }
    return this.#legacy;
  }

  async #run(argv: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
    return this.#runner.run([...this.#wrap, ...argv], input === undefined ? undefined : { input });
  }

  async #must(argv: string[], input?: string): Promise<string> {
    const r = await this.#run(argv, input);
    if (r.code !== 0) throw new ApplyError([...this.#wrap, ...argv], r, input !== undefined ? failedLine(r.stderr, input) : '');
    return r.stdout;
  }

  async sync(state: DesiredState, changed: ReadonlySet<string> | 'all'): Promise<void> {
    const bin = BINARIES[await this.variant()];
    const full = changed === 'all' || this.#portChains === undefined;
    if (full && this.#runner.start && state.servicePorts.length >= this.#streamMinPorts) return this.#streamFull(state, bin);
    let rendered: ReturnType<typeof renderIptables>;
    if (full) {
      // What the kernel holds: leftover service chains to delete, and which jump rules from the
      // built-in chains are missing (inserted by the same restore, whose full text declares
      // every chain they jump to).
      const read = await this.#readKernel(bin);
      if (read.code !== 0) throw new ApplyError([...this.#wrap, ...read.argv], read);
      const save = read.stdout;
      rendered = renderIptables(state, { existingNatChains: chainsOfTable(save, 'nat'), insertJumps: missingJumpRules(save), cache: this.#cache });
    } else {
      rendered = renderIptables(state, { only: changed, previousPortChains: this.#portChains, unchangedTopLevel: this.#topLevel, cache: this.#cache });
    }
    if (rendered.empty) {
      this.lastSync = { kind: 'none', wroteTopLevel: false };
      return;
    }
    try {
      await this.#must([bin.restore, '-w', '--noflush'], rendered.text);
    } catch (err) {
      // The kernel now holds an unknown mix: the next sync must be a full one.
      this.#portChains = undefined;
      this.#topLevel = undefined;
      throw err;
    }
    if (full) {
      this.#portChains = rendered.portChains;
    } else {
      for (const key of changed as ReadonlySet<string>) {
        const chains = rendered.portChains.get(key);
        if (chains) this.#portChains!.set(key, chains);
        else this.#portChains!.delete(key);
      }
    }
    this.#topLevel = rendered.topLevel;
    this.lastSync = { kind: full ? 'full' : 'partial', wroteTopLevel: rendered.wroteTopLevel };
  }

  /**
   * A big full sync: the restore and the save start at once, the rules go to the restore as they
   * render (it parses them meanwhile), and the save's facts (leftover chains, missing jumps) go
   * in last, before the COMMITs; a failed save kills the restore before it committed anything.
   */
  async #streamFull(state: DesiredState, bin: { restore: string; save: string; iptables: string }): Promise<void> {
    this.#portChains = undefined;
    this.#topLevel = undefined;
    const argv = [...this.#wrap, bin.restore, '-w', '--noflush'];
    const restore = this.#runner.start!(argv);
    const stream = streamIptablesFull(state, { cache: this.#cache });
    let facts: KernelFacts;
    let finished: ReturnType<typeof stream.finish>;
    try {
      // The chunks are not kept (9 MB at 10,000 Services, which then outlived the young
      // generation): a failed restore's line is found in a second render of the same text.
      for (const chunk of stream.body()) await restore.write(chunk);
      // The kernel is read once the body is handed over, not beside the restore's start: legacy
      // tables are copied out under one mutex (10,000 Services: ~120 ms of kernel time), and
      // a restore that found the read holding it waited that long before it parsed a line;
      // now its own read comes first and this one overlaps its parse.
      const save = await this.#readKernel(bin);
      if (save.code !== 0) throw new ApplyError([...this.#wrap, ...save.argv], save);
      facts = { existingNatChains: chainsOfTable(save.stdout, 'nat'), insertJumps: missingJumpRules(save.stdout) };
      finished = stream.finish(facts);
    } catch (err) {
      restore.abort();
      await restore.end();
      throw err;
    }
    await restore.write(finished.text);
    const r = await restore.end();
    if (r.code !== 0) throw new ApplyError(argv, r, failedLine(r.stderr, streamedText(state, this.#cache, facts)));
    this.#portChains = finished.portChains;
    this.#topLevel = finished.topLevel;
    this.lastSync = { kind: 'full', wroteTopLevel: true };
  }

  close(): void {
    this.#closed = true;
    this.#factsServer?.close();
    this.#factsServer = undefined;
  }

  async currentRules(): Promise<string> {
    const bin = BINARIES[await this.variant()];
    return this.#must([bin.save]);
  }

  async cleanup(): Promise<void> {
    const bin = BINARIES[await this.variant()];
    for (const rule of JUMP_RULES) {
      // Delete every copy (a crashed earlier run may have inserted its own).
      for (let i = 0; i < 10; i++) {
        const r = await this.#run([bin.iptables, '-w', '-t', rule.table, '-D', rule.from, ...rule.args]);
        if (r.code !== 0) break;
      }
    }
    const save = await this.#must([bin.save]);
    const lines: string[] = [];
    for (const table of ['filter', 'nat']) {
      const ours = chainsOfTable(save, table).filter((c) => c.startsWith('KUBE-') && (isServiceChainName(c) || jumpTargets('filter').includes(c) || jumpTargets('nat').includes(c) || c === 'KUBE-MARK-MASQ'));
      if (!ours.length) continue;
      lines.push(`*${table}`, ...ours.map((c) => `:${c} - [0:0]`), ...ours.map((c) => `-X ${c}`), 'COMMIT');
    }
    if (lines.length) await this.#must([bin.restore, '-w', '--noflush'], `${lines.join('\n')}\n`);
    this.#portChains = undefined;
    this.#topLevel = undefined;
  }
}

/** The whole text a streamed full sync wrote (same state, cache and facts: the same text). */
function streamedText(state: DesiredState, cache: IptablesRenderCache, facts: KernelFacts): string {
  const stream = streamIptablesFull(state, { cache });
  let text = '';
  for (const chunk of stream.body()) text += chunk;
  return text + stream.finish(facts).text;
}

/** iptables-restore names the failing line (`line 12 failed`); quote it for the error. */
function failedLine(stderr: string, input: string): string {
  const m = /line:? (\d+) failed/i.exec(stderr);
  if (!m) return '';
  const n = Number(m[1]);
  return `line ${n}: ${input.split('\n')[n - 1] ?? ''}`;
}
