/**
 * @module The rules-sync cases sync.bench.ts and sync-large.bench.ts run (see sync.bench.ts for
 * what is measured and how): one (iptables flavour, number of Services) at a time.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { execCommandRunner } from '../src/proxy/runner.js';
import { chainsOfTable, IptablesBackend, STREAM_MIN_PORTS, type IptablesVariant } from '../src/proxy/iptables/applier.js';
import { missingJumpRules } from '../src/proxy/iptables/jump-rules.js';
import { renderIptables } from '../src/proxy/iptables/render.js';
import { streamIptablesFull } from '../src/proxy/iptables/render-stream.js';
import type { CommandRunner } from '../src/proxy/types.js';
import { inNetns, removeNetns, scratchNetns, timedCommand } from './netns-scratch.js';
import { computeDesiredState } from '../src/proxy/tracker/desired.js';
import type { DesiredState } from '../src/proxy/types.js';
import { BENCH_NODE, syntheticKey, syntheticService, syntheticSlice, syntheticState } from './proxy-state.js';
import { childrenOf, inTurn, median, report, round } from './support.js';
import { benchNftSize } from './sync-nft.js';

export type SyncVariant = 'default' | 'legacy' | 'nftables';

export const SYNC_SIZES = (process.env.KUBITO_BENCH_SYNC_SERVICES ?? '1000,10000').split(',').map(Number).filter((n) => n > 0);
export const SYNC_VARIANTS = (process.env.KUBITO_BENCH_SYNC_VARIANTS ?? 'default,legacy,nftables').split(',').filter(Boolean) as SyncVariant[];
const ENDPOINTS = 2;
const PARTIAL_SAMPLES = 5;
const GOAL = '>= 0.83x (time <= 1.2x bare)';

const RESTORE: Record<Exclude<SyncVariant, 'nftables'>, string> = { default: 'iptables-restore', legacy: 'iptables-legacy-restore' };
const SAVE: Record<Exclude<SyncVariant, 'nftables'>, string> = { default: 'iptables-save', legacy: 'iptables-legacy-save' };

/**
 * A runner that runs for real and keeps the stdin text of the last restore it ran or streamed
 * (a streamed one's pieces are joined when asked for, outside the timed sync: joining 870 KB
 * of rendered pieces took 4-15 ms, which the figures counted as the backend's before).
 */
function recordingRunner(): { runner: CommandRunner; last(): string } {
  const real = execCommandRunner();
  let text = '';
  let pieces: string[] | undefined;
  return {
    runner: {
      run(argv, options) {
        if (options?.input !== undefined) {
          text = options.input;
          pieces = undefined;
        }
        return real.run(argv, options);
      },
      start(argv) {
        const command = real.start!(argv);
        const chunks: string[] = [];
        pieces = chunks;
        return {
          write: (chunk) => (chunks.push(chunk), command.write(chunk)),
          end: () => command.end(),
          abort: () => command.abort(),
        };
      },
      serve: (argv) => real.serve!(argv),
    },
    last: () => {
      if (pieces) {
        text = pieces.join('');
        pieces = undefined;
      }
      return text;
    },
  };
}

/**
 * The text a full sync of the backend writes into a namespace whose \`iptables-save\` is \`save\`:
 * streamed (render-stream.ts) from STREAM_MIN_PORTS ports, else one render; stale chains and
 * missing jump rules from that save, as the backend finds them.
 */
function backendFullText(state: DesiredState, save: string): string {
  const facts = { existingNatChains: chainsOfTable(save, 'nat'), insertJumps: missingJumpRules(save) };
  if (state.servicePorts.length < STREAM_MIN_PORTS) return renderIptables(state, facts).text;
  const stream = streamIptablesFull(state);
  let text = '';
  for (const chunk of stream.body()) text += chunk;
  return text + stream.finish(facts).text;
}

/**
 * CPU time (ms) of this process's children: the reaped ones' (/proc/self/stat cutime + cstime;
 * 10 ms ticks) and the live ones' (their threads' run times, and what they reaped): the
 * backend's kernel reader and the runner's spawner, which starts the restores, live across
 * syncs (src/proxy/README.md), and no cutime of this process shows their CPU.
 */
function childrenCpuMs(): number {
  const ticks = (stat: string): number => {
    const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) * 10;
  };
  let ms = ticks(readFileSync('/proc/self/stat', 'utf8'));
  for (const pid of childrenOf(process.pid)) {
    try {
      let own = 0;
      for (const tid of readdirSync(`/proc/${pid}/task`)) own += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
      ms += own + ticks(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      // Gone meanwhile: reaped, its time now in cutime.
    }
  }
  return ms;
}

/** Wall and CPU (this process + its children) of one call. */
async function timedCpu(fn: () => Promise<unknown>): Promise<{ ms: number; cpuMs: number }> {
  const c0 = childrenCpuMs();
  const u0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const ms = performance.now() - t0;
  const u = process.cpuUsage(u0);
  return { ms, cpuMs: (u.user + u.system) / 1000 + childrenCpuMs() - c0 };
}

/** Wall and CPU of a bare command (its CPU only: the bench's own spawn and pipe work is left out, where the backend's count in its process's CPU). */
async function timedBare(argv: string[], input: string): Promise<{ ms: number; cpuMs: number }> {
  const c0 = childrenCpuMs();
  const ms = await timedCommand(argv, input);
  return { ms, cpuMs: childrenCpuMs() - c0 };
}

function cpuLine(what: string, kubito: number[], bare: number[]): string {
  return `sync: CPU ${what}: kubito ${kubito.map((v) => round(v, 0)).join(', ')} ms (median ${round(median(kubito), 0)}), bare ${bare.map((v) => round(v, 0)).join(', ')} ms (median ${round(median(bare), 0)}); ratio ${round(median(bare) / median(kubito))}`;
}

/** What the binaries are, for row names: the host's `iptables` says `(nf_tables)` or `(legacy)`. */
function flavour(variant: SyncVariant): string {
  if (variant === 'legacy') return 'iptables-legacy';
  const version = spawnSync('iptables', ['--version'], { encoding: 'utf8' }).stdout ?? '';
  return /nf_tables/.test(version) ? 'host iptables = iptables-nft' : /legacy/.test(version) ? 'host iptables = iptables-legacy' : 'host iptables';
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

/** Measures one (iptables flavour, size): full sync, full resync, partial sync; prints its rows. */
export async function benchSize(variant: SyncVariant, services: number, index: string): Promise<void> {
  if (variant === 'nftables') return benchNftSize(services, index, withNewEndpoints);
  const restore = RESTORE[variant];
  const state = syntheticState({ services, endpointsPerService: ENDPOINTS });
  // A 10,000-Service full restore through nf_tables takes minutes: once each.
  const fullSamples = isSlowCase(variant, services) ? 1 : 3;
  const label = `${fmt(services)} Services x ${ENDPOINTS} endpoints, ${flavour(variant)}`;

  const kubitoFull: number[] = [];
  const bareFull: number[] = [];
  const cpuFull = { kubito: [] as number[], bare: [] as number[] };
  let pair: { kubito: string; bare: string; backend: IptablesBackend; recorder: ReturnType<typeof recordingRunner> } | undefined;
  for (let s = 0; s < fullSamples; s++) {
    if (pair) {
      pair.backend.close();
      removeNetns(pair.kubito);
      removeNetns(pair.bare);
    }
    const kubitoNs = scratchNetns(`${index}k${s}`);
    const bareNs = scratchNetns(`${index}b${s}`);
    const recorder = recordingRunner();
    // KUBITO_BENCH_IPT_FACTS=0: full syncs read the kernel with iptables-save alone;
    // =program: with the reader as a process, not the addon (A/B).
    const facts = process.env.KUBITO_BENCH_IPT_FACTS === '0' ? { factsProgram: null } : process.env.KUBITO_BENCH_IPT_FACTS === 'program' ? { factsAddon: null } : {};
    const backend = new IptablesBackend({ runner: recorder.runner, wrap: inNetns(kubitoNs), variant: variant === 'legacy' ? 'legacy' : 'auto', ...facts });
    pair = { kubito: kubitoNs, bare: bareNs, backend, recorder };
    // Same starting state (two empty namespaces) and the same text: the bare restore gets what
    // the backend writes there — the rules, and the jumps from the built-in chains that an
    // empty namespace lacks (checked against what the backend wrote, below).
    await backend.variant();
    const expected = backendFullText(state, spawnSync(inNetns(bareNs)[0], [...inNetns(bareNs).slice(1), SAVE[variant]], { encoding: 'utf8' }).stdout ?? '');
    const runKubito = async () => {
      const r = await timedCpu(() => backend.sync(state, 'all'));
      kubitoFull.push(r.ms);
      cpuFull.kubito.push(r.cpuMs);
    };
    const runBare = async () => {
      const r = await timedBare([...inNetns(bareNs), restore, '-w', '--noflush'], expected);
      bareFull.push(r.ms);
      cpuFull.bare.push(r.cpuMs);
    };
    await inTurn(s, runBare, runKubito);
    if (recorder.last() !== expected) console.error(`sync: ${label}: the backend's full restore text differs from the bare one (${recorder.last().length} vs ${expected.length} bytes)`);
  }
  const used: IptablesVariant = await pair!.backend.variant();
  if (variant === 'default' && used !== 'default') console.error(`sync: the backend chose iptables ${used}, not the host default`);
  report({ name: `full rules sync, ${label}`, value: round(median(kubitoFull)), unit: 'ms', goal: GOAL, baseline: `bare ${restore} --noflush of the same rules`, baseline_value: round(median(bareFull)), ratio: round(median(bareFull) / median(kubitoFull)) });
  console.error(cpuLine(`full sync, ${label}`, cpuFull.kubito, cpuFull.bare));
  if (isSlowCase(variant, services)) report({ name: `CPU per full rules sync, ${label}`, value: round(median(cpuFull.kubito), 0), unit: 'ms', goal: GOAL, baseline: `bare ${restore} --noflush of the same rules`, baseline_value: round(median(cpuFull.bare), 0), ratio: round(median(cpuFull.bare) / median(cpuFull.kubito)) });

  // A full resync (the hourly one, or after a failure): the rules are there, the jumps too.
  if (isSlowCase(variant, services)) {
    console.error(`sync: no full resync row for ${label}: replacing that many chains through nf_tables takes minutes`);
  } else {
    const kubitoResync: number[] = [];
    const bareResync: number[] = [];
    const cpu = { kubito: [] as number[], bare: [] as number[] };
    // Both namespaces hold the same rules now; the bare side gets what the backend writes then.
    const resyncText = backendFullText(state, spawnSync(inNetns(pair!.bare)[0], [...inNetns(pair!.bare).slice(1), SAVE[variant]], { encoding: 'utf8', maxBuffer: 1 << 30 }).stdout ?? '');
    for (let s = 0; s < 3; s++) {
      const runKubito = async () => {
        const r = await timedCpu(() => pair!.backend.sync(state, 'all'));
        kubitoResync.push(r.ms);
        cpu.kubito.push(r.cpuMs);
      };
      const runBare = async () => {
        const r = await timedBare([...inNetns(pair!.bare), restore, '-w', '--noflush'], resyncText);
        bareResync.push(r.ms);
        cpu.bare.push(r.cpuMs);
      };
      await inTurn(s, runBare, runKubito);
      if (pair!.recorder.last() !== resyncText) console.error(`sync: ${label}: the backend's resync text differs from the bare one`);
    }
    console.error(cpuLine(`full resync, ${label}`, cpu.kubito, cpu.bare));
    report({ name: `full rules resync (rules in place), ${label}`, value: round(median(kubitoResync)), unit: 'ms', goal: GOAL, baseline: `bare ${restore} --noflush of the same rules`, baseline_value: round(median(bareResync)), ratio: round(median(bareResync) / median(kubitoResync)) });
  }

  // One Service changed among N: new endpoint addresses, a real change every sample. The bare
  // side restores the very text the backend writes: that Service's chains (and KUBE-SERVICES &
  // co. only when their rules change, which new addresses do not).
  let current = state;
  let bareLast = renderIptables(state);
  let barePortChains = bareLast.portChains;
  const kubitoPartial: number[] = [];
  const barePartial: number[] = [];
  const cpuPartial = { kubito: [] as number[], bare: [] as number[] };
  for (let p = 1; p <= PARTIAL_SAMPLES; p++) {
    const i = (p * 7919) % services;
    const next = withNewEndpoints(current, i, p);
    current = next;
    const changed = new Set([syntheticKey(i)]);
    const partial = renderIptables(next, { only: changed, previousPortChains: barePortChains, unchangedTopLevel: bareLast.topLevel });
    barePortChains = new Map([...barePortChains, ...partial.portChains]);
    bareLast = partial;
    const runKubito = async () => {
      const r = await timedCpu(() => pair!.backend.sync(next, changed));
      kubitoPartial.push(r.ms);
      cpuPartial.kubito.push(r.cpuMs);
    };
    const runBare = async () => {
      const r = await timedBare([...inNetns(pair!.bare), restore, '-w', '--noflush'], partial.text);
      barePartial.push(r.ms);
      cpuPartial.bare.push(r.cpuMs);
    };
    await inTurn(p, runBare, runKubito);
    if (pair!.recorder.last() !== partial.text) console.error(`sync: ${label}: the backend's partial text differs from the bare one`);
  }
  console.error(cpuLine(`partial sync, ${label}`, cpuPartial.kubito, cpuPartial.bare));
  report({ name: `partial rules sync, 1 Service changed among ${label}`, value: round(median(kubitoPartial)), unit: 'ms', goal: GOAL, baseline: `bare ${restore} --noflush of the same partial rules`, baseline_value: round(median(barePartial)), ratio: round(median(barePartial) / median(kubitoPartial)) });
  pair!.backend.close();
  removeNetns(pair!.kubito);
  removeNetns(pair!.bare);
}

/**
 * The state after Service i got endpoint addresses of `generation`, as the change tracker hands
 * it over: a new array holding the same objects for every other port (the backends' render
 * caches rely on that), Service i's port recomputed.
 */
export function withNewEndpoints(state: DesiredState, i: number, generation: number): DesiredState {
  const [fresh] = computeDesiredState([syntheticService(i)], [syntheticSlice(i, { services: 1, endpointsPerService: ENDPOINTS, generation })], BENCH_NODE).servicePorts;
  return { node: state.node, servicePorts: state.servicePorts.map((sp) => (sp.servicePortName === fresh.servicePortName && sp.protocol === fresh.protocol ? fresh : sp)) };
}

/** The cases that take minutes: full loads of more than 2,000 Services through nf_tables. */
export function isSlowCase(variant: SyncVariant, services: number): boolean {
  return variant === 'default' && services > 2000 && /nf_tables/.test(spawnSync('iptables', ['--version'], { encoding: 'utf8' }).stdout ?? '');
}

/** Runs the cases `which` selects, in order of size. */
export async function runSyncCases(which: (variant: SyncVariant, services: number) => boolean, tag: string): Promise<void> {
  let index = 0;
  for (const services of SYNC_SIZES) for (const variant of SYNC_VARIANTS) if (which(variant, services)) await benchSize(variant, services, `${tag}${index++}`);
}
