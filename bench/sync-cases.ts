/**
 * @module The rules-sync cases sync.bench.ts and sync-large.bench.ts run (see sync.bench.ts for
 * what is measured and how): one (iptables flavour, number of Services) at a time.
 */
import { spawnSync } from 'node:child_process';
import { execCommandRunner } from '../src/proxy/runner.js';
import { IptablesBackend, type IptablesVariant } from '../src/proxy/iptables/applier.js';
import { renderIptables } from '../src/proxy/iptables/render.js';
import { inNetns, removeNetns, scratchNetns, timedCommand } from './netns-scratch.js';
import { computeDesiredState } from '../src/proxy/tracker/desired.js';
import type { DesiredState } from '../src/proxy/types.js';
import { BENCH_NODE, syntheticKey, syntheticService, syntheticSlice, syntheticState } from './proxy-state.js';
import { inTurn, median, report, round } from './support.js';
import { benchNftSize } from './sync-nft.js';

export type SyncVariant = 'default' | 'legacy' | 'nftables';

export const SYNC_SIZES = (process.env.KUBITO_BENCH_SYNC_SERVICES ?? '1000,10000').split(',').map(Number).filter((n) => n > 0);
export const SYNC_VARIANTS = (process.env.KUBITO_BENCH_SYNC_VARIANTS ?? 'default,legacy,nftables').split(',').filter(Boolean) as SyncVariant[];
const ENDPOINTS = 2;
const PARTIAL_SAMPLES = 5;
const GOAL = '>= 0.83x (time <= 1.2x bare)';

const RESTORE: Record<Exclude<SyncVariant, 'nftables'>, string> = { default: 'iptables-restore', legacy: 'iptables-legacy-restore' };

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
  const fullText = renderIptables(state).text;
  // A 10,000-Service full restore through nf_tables takes minutes: once each.
  const fullSamples = isSlowCase(variant, services) ? 1 : 3;
  const label = `${fmt(services)} Services x ${ENDPOINTS} endpoints, ${flavour(variant)}`;

  const kubitoFull: number[] = [];
  const bareFull: number[] = [];
  let pair: { kubito: string; bare: string; backend: IptablesBackend } | undefined;
  for (let s = 0; s < fullSamples; s++) {
    if (pair) {
      removeNetns(pair.kubito);
      removeNetns(pair.bare);
    }
    const kubitoNs = scratchNetns(`${index}k${s}`);
    const bareNs = scratchNetns(`${index}b${s}`);
    const backend = new IptablesBackend({ runner: execCommandRunner(), wrap: inNetns(kubitoNs), variant: variant === 'legacy' ? 'legacy' : 'auto' });
    pair = { kubito: kubitoNs, bare: bareNs, backend };
    // The bare namespace starts where the backend's restore starts: kube-proxy's chains and the
    // jumps into them from the built-in chains (installed here untimed, by a backend with no
    // Services), so both restores commit into the same kernel state.
    await new IptablesBackend({ runner: execCommandRunner(), wrap: inNetns(bareNs), variant: variant === 'legacy' ? 'legacy' : 'auto' }).sync(syntheticState({ services: 0, endpointsPerService: ENDPOINTS }), 'all');
    const runKubito = async () => {
      const t0 = performance.now();
      await backend.sync(state, 'all');
      kubitoFull.push(performance.now() - t0);
    };
    const runBare = async () => bareFull.push(await timedCommand([...inNetns(bareNs), restore, '-w', '--noflush'], fullText));
    await inTurn(s, runBare, runKubito);
  }
  const used: IptablesVariant = await pair!.backend.variant();
  if (variant === 'default' && used !== 'default') console.error(`sync: the backend chose iptables ${used}, not the host default`);
  report({ name: `full rules sync, ${label}`, value: round(median(kubitoFull)), unit: 'ms', goal: GOAL, baseline: `bare ${restore} --noflush of the same rules`, baseline_value: round(median(bareFull)), ratio: round(median(bareFull) / median(kubitoFull)) });

  // A full resync (the hourly one, or after a failure): the rules are there, the jumps too.
  if (isSlowCase(variant, services)) {
    console.error(`sync: no full resync row for ${label}: replacing that many chains through nf_tables takes minutes`);
  } else {
    const kubitoResync: number[] = [];
    const bareResync: number[] = [];
    for (let s = 0; s < 3; s++) {
      const runKubito = async () => {
        const t0 = performance.now();
        await pair!.backend.sync(state, 'all');
        kubitoResync.push(performance.now() - t0);
      };
      const runBare = async () => bareResync.push(await timedCommand([...inNetns(pair!.bare), restore, '-w', '--noflush'], fullText));
      await inTurn(s, runBare, runKubito);
    }
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
  for (let p = 1; p <= PARTIAL_SAMPLES; p++) {
    const i = (p * 7919) % services;
    const next = withNewEndpoints(current, i, p);
    current = next;
    const changed = new Set([syntheticKey(i)]);
    const partial = renderIptables(next, { only: changed, previousPortChains: barePortChains, unchangedTopLevel: bareLast.topLevel });
    barePortChains = new Map([...barePortChains, ...partial.portChains]);
    bareLast = partial;
    const runKubito = async () => {
      const t0 = performance.now();
      await pair!.backend.sync(next, changed);
      kubitoPartial.push(performance.now() - t0);
    };
    const runBare = async () => barePartial.push(await timedCommand([...inNetns(pair!.bare), restore, '-w', '--noflush'], partial.text));
    await inTurn(p, runBare, runKubito);
  }
  report({ name: `partial rules sync, 1 Service changed among ${label}`, value: round(median(kubitoPartial)), unit: 'ms', goal: GOAL, baseline: `bare ${restore} --noflush of the same partial rules`, baseline_value: round(median(barePartial)), ratio: round(median(barePartial) / median(kubitoPartial)) });
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
