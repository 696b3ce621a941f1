/**
 * @module Rules sync cost of the iptables backend (issue 5, "Benchmarks"; issue 8's sync rows):
 * N ClusterIP Services x 2 endpoints (bench/proxy-state.ts, through the real change-tracker
 * code), synced by the real `IptablesBackend` into an empty network namespace, against a bare
 * `iptables-restore --noflush` of the very text the backend renders, into another empty one;
 * then one Service changed among N (new endpoints), the backend's partial sync against a bare
 * `iptables-restore --noflush` of the same partial text, on the two namespaces now holding the
 * same rules. No cluster.
 *
 * What the backend's time includes and the bare one does not: rendering (the Node code), on a
 * first sync the probe and the jump rules (`-N`, `-C`, `-I`: about 15 commands) and an
 * `iptables-save -t nat` to find leftovers. The bare namespace gets the same jump rules
 * beforehand, untimed, so that both restores commit into the same kernel state. Both run their commands with
 * `nsenter --net=<ns>` (the node agent runs inside its namespace; this adds one exec to each).
 *
 * Which iptables: the backend's choice, the host's default `iptables` (Debian 12: iptables-nft,
 * `KUBITO_BENCH_SYNC_VARIANTS=default`), and iptables-legacy as extra rows (`legacy`). The
 * ratio is bare time / kubito time (higher is better); the goal "<= 1.2x the bare time" is a
 * ratio >= 0.83. Full syncs of 10,000 Services with iptables-nft take minutes each (issue 5:
 * "over 60 s"), so they run once; everything else is the median of 3 (full) and 5 (partial).
 * `KUBITO_BENCH_SYNC_SERVICES` (default `1000,10000`) picks the sizes.
 */
import { spawnSync } from 'node:child_process';
import { execCommandRunner } from '../src/proxy/runner.js';
import { IptablesBackend, type IptablesVariant } from '../src/proxy/iptables/applier.js';
import { renderIptables } from '../src/proxy/iptables/render.js';
import { inNetns, removeNetns, scratchNetns, timedCommand } from './netns-scratch.js';
import { syntheticKey, syntheticState } from './proxy-state.js';
import { median, report, round } from './support.js';

const SIZES = (process.env.KUBITO_BENCH_SYNC_SERVICES ?? '1000,10000').split(',').map(Number).filter((n) => n > 0);
const VARIANTS = (process.env.KUBITO_BENCH_SYNC_VARIANTS ?? 'default,legacy').split(',').filter(Boolean) as Array<'default' | 'legacy'>;
const ENDPOINTS = 2;
const PARTIAL_SAMPLES = 5;
const GOAL = '>= 0.83x (time <= 1.2x bare)';

const RESTORE: Record<'default' | 'legacy', string> = { default: 'iptables-restore', legacy: 'iptables-legacy-restore' };

/** What the binaries are, for row names: the host's `iptables` says `(nf_tables)` or `(legacy)`. */
function flavour(variant: 'default' | 'legacy'): string {
  if (variant === 'legacy') return 'iptables-legacy';
  const version = spawnSync('iptables', ['--version'], { encoding: 'utf8' }).stdout ?? '';
  return /nf_tables/.test(version) ? 'host iptables = iptables-nft' : /legacy/.test(version) ? 'host iptables = iptables-legacy' : 'host iptables';
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

async function benchSize(variant: 'default' | 'legacy', services: number, index: number): Promise<void> {
  const restore = RESTORE[variant];
  const state = syntheticState({ services, endpointsPerService: ENDPOINTS });
  const fullText = renderIptables(state).text;
  // A 10,000-Service full restore through nf_tables takes minutes: once each.
  const fullSamples = variant === 'default' && services > 2000 ? 1 : 3;
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
    if (s % 2 === 0) {
      await runBare();
      await runKubito();
    } else {
      await runKubito();
      await runBare();
    }
  }
  const used: IptablesVariant = await pair!.backend.variant();
  if (variant === 'default' && used !== 'default') console.error(`sync: the backend chose iptables ${used}, not the host default`);
  report({ name: `full rules sync, ${label}`, value: round(median(kubitoFull)), unit: 'ms', goal: GOAL, baseline: `bare ${restore} --noflush of the same rules`, baseline_value: round(median(bareFull)), ratio: round(median(bareFull) / median(kubitoFull)) });

  // One Service changed among N: new endpoint addresses, a real change every sample.
  const generations = new Map<number, number>();
  let bareChains = renderIptables(state).activeNatChains;
  const kubitoPartial: number[] = [];
  const barePartial: number[] = [];
  for (let p = 1; p <= PARTIAL_SAMPLES; p++) {
    const i = (p * 7919) % services;
    generations.set(i, p);
    const next = syntheticState({ services, endpointsPerService: ENDPOINTS, generations });
    const changed = new Set([syntheticKey(i)]);
    const partial = renderIptables(next, { only: changed, existingNatChains: bareChains });
    bareChains = partial.activeNatChains;
    const runKubito = async () => {
      const t0 = performance.now();
      await pair!.backend.sync(next, changed);
      kubitoPartial.push(performance.now() - t0);
    };
    const runBare = async () => barePartial.push(await timedCommand([...inNetns(pair!.bare), restore, '-w', '--noflush'], partial.text));
    if (p % 2 === 0) {
      await runBare();
      await runKubito();
    } else {
      await runKubito();
      await runBare();
    }
  }
  report({ name: `partial rules sync, 1 Service changed among ${label}`, value: round(median(kubitoPartial)), unit: 'ms', goal: GOAL, baseline: `bare ${restore} --noflush of the same partial rules`, baseline_value: round(median(barePartial)), ratio: round(median(barePartial) / median(kubitoPartial)) });
  removeNetns(pair!.kubito);
  removeNetns(pair!.bare);
}

async function main(): Promise<void> {
  // Cheap figures first, the 10,000-Service nf_tables full loads last.
  const plan: Array<{ variant: 'default' | 'legacy'; services: number }> = [];
  for (const services of SIZES) for (const variant of VARIANTS) plan.push({ variant, services });
  plan.sort((a, b) => Number(a.variant === 'default' && a.services > 2000) - Number(b.variant === 'default' && b.services > 2000));
  for (const [index, step] of plan.entries()) await benchSize(step.variant, step.services, index);
}

await main();
