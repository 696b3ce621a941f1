/**
 * @module The nftables rows of the rules-sync benchmark (sync.bench.ts says what is measured):
 * the real `NftablesBackend` (default proxy mode) against a bare `nft -f -` of the very script it
 * sends, each in a namespace of its own. Full sync into an empty namespace, full resync with the
 * table in place (the hourly one: its ports come from the render cache), and one Service
 * changed among N. The backend applies as in the node agent: libnftables in this process where
 * the addon was built (`KUBITO_PROXY_NFT=command`: the nft command). The bare partial runs the
 * script the backend just committed (captured from its applier), so both sides commit the same
 * transaction into the same table; the backend runs first in each pair for that reason.
 */
import { execCommandRunner } from '../src/proxy/runner.js';
import { NftablesBackend } from '../src/proxy/nftables/applier.js';
import { renderFull } from '../src/proxy/nftables/render.js';
import { loadNftAddon, type NftAddon } from '../src/proxy/nftables/libnft.js';
import type { CommandRunner } from '../src/proxy/types.js';
import { inNetns, removeNetns, scratchNetns, timedCommand } from './netns-scratch.js';
import { syntheticKey, syntheticState } from './proxy-state.js';
import { inTurn, median, report, round } from './support.js';

const ENDPOINTS = 2;
const FULL_SAMPLES = 3;
const PARTIAL_SAMPLES = 5;
const GOAL = '>= 0.83x (time <= 1.2x bare)';

/**
 * The backend's appliers, run for real, keeping the last script applied: libnftables in this
 * process where the addon was built (the product's path, `KUBITO_PROXY_NFT=command`: the nft
 * command), else `nft -f -` through the runner.
 */
function capturingAppliers(): { runner: CommandRunner; addon: NftAddon | null; last(): string } {
  const real = execCommandRunner();
  const lib = loadNftAddon();
  let script = '';
  return {
    runner: {
      run(argv, options) {
        if (argv.at(-1) === '-' && options?.input !== undefined) script = options.input;
        return real.run(argv, options);
      },
    },
    addon: lib instanceof Error ? null : {
      run(text, netns) {
        script = text;
        return lib.run(text, netns);
      },
    },
    last: () => script,
  };
}

/** Full, resync and partial rows for N Services through the nftables backend. */
export async function benchNftSize(services: number, index: string, withNewEndpoints: (state: ReturnType<typeof syntheticState>, i: number, generation: number) => ReturnType<typeof syntheticState>): Promise<void> {
  const state = syntheticState({ services, endpointsPerService: ENDPOINTS });
  const fullText = renderFull(state).text;
  const label = `${services.toLocaleString('en-US')} Services x ${ENDPOINTS} endpoints, nftables`;
  const baseline = 'bare nft -f - of the same script';
  const kubitoFull: number[] = [];
  const bareFull: number[] = [];
  let pair: { kubito: string; bare: string; backend: NftablesBackend; capture: ReturnType<typeof capturingAppliers> } | undefined;
  for (let s = 0; s < FULL_SAMPLES; s++) {
    if (pair) {
      removeNetns(pair.kubito);
      removeNetns(pair.bare);
    }
    const kubitoNs = scratchNetns(`${index}k${s}`);
    const bareNs = scratchNetns(`${index}b${s}`);
    const capture = capturingAppliers();
    const backend = new NftablesBackend({ runner: capture.runner, wrap: inNetns(kubitoNs), addon: capture.addon });
    pair = { kubito: kubitoNs, bare: bareNs, backend, capture };
    const runKubito = async () => {
      const t0 = performance.now();
      await backend.sync(state, 'all');
      kubitoFull.push(performance.now() - t0);
    };
    const runBare = async () => bareFull.push(await timedCommand([...inNetns(bareNs), 'nft', '-f', '-'], fullText));
    await inTurn(s, runBare, runKubito);
  }
  const p = pair!;
  report({ name: `full rules sync, ${label}`, value: round(median(kubitoFull)), unit: 'ms', goal: GOAL, baseline, baseline_value: round(median(bareFull)), ratio: round(median(bareFull) / median(kubitoFull)) });

  const kubitoResync: number[] = [];
  const bareResync: number[] = [];
  for (let s = 0; s < FULL_SAMPLES; s++) {
    const runKubito = async () => {
      const t0 = performance.now();
      await p.backend.sync(state, 'all');
      kubitoResync.push(performance.now() - t0);
    };
    const runBare = async () => bareResync.push(await timedCommand([...inNetns(p.bare), 'nft', '-f', '-'], fullText));
    await inTurn(s, runBare, runKubito);
  }
  report({ name: `full rules resync (rules in place), ${label}`, value: round(median(kubitoResync)), unit: 'ms', goal: GOAL, baseline, baseline_value: round(median(bareResync)), ratio: round(median(bareResync) / median(kubitoResync)) });

  // The kernel frees a replaced table after the commit (RCU), for a while at 10,000 Services:
  // let the last resync's cleanup finish, so that it does not fall on one side's first sample.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  let current = state;
  const kubitoPartial: number[] = [];
  const barePartial: number[] = [];
  for (let k = 1; k <= PARTIAL_SAMPLES; k++) {
    const i = (k * 7919) % services;
    current = withNewEndpoints(current, i, k);
    const t0 = performance.now();
    await p.backend.sync(current, new Set([syntheticKey(i)]));
    kubitoPartial.push(performance.now() - t0);
    barePartial.push(await timedCommand([...inNetns(p.bare), 'nft', '-f', '-'], p.capture.last()));
  }
  report({ name: `partial rules sync, 1 Service changed among ${label}`, value: round(median(kubitoPartial)), unit: 'ms', goal: GOAL, baseline: `${baseline} (the backend's partial script)`, baseline_value: round(median(barePartial)), ratio: round(median(barePartial) / median(kubitoPartial)) });
  removeNetns(p.kubito);
  removeNetns(p.bare);
}
