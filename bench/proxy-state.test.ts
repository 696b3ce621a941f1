/**
 * @module The synthetic proxy inputs: the change tracker turns them into N service ports with E
 * ready endpoints each, deterministically; a generation moves only that Service's endpoints, and
 * a partial render for its key rewrites its chains and deletes its old endpoint chains.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { endpointChain } from '../src/proxy/iptables/names.js';
import { renderIptables } from '../src/proxy/iptables/render.js';
import { diffDesiredStates } from '../src/proxy/tracker/desired.js';
import { servicePortKey } from '../src/proxy/types.js';
import { syntheticEndpoint, syntheticKey, syntheticState, syntheticVip } from './proxy-state.js';

describe('synthetic proxy state', () => {
  test('N service ports with E ready endpoints, distinct VIPs and endpoints', () => {
    const state = syntheticState({ services: 50, endpointsPerService: 2 });
    assert.equal(state.servicePorts.length, 50);
    assert.ok(state.servicePorts.every((sp) => sp.clusterEndpoints.length === 2 && sp.endpoints.every((e) => e.ready)));
    assert.equal(new Set(state.servicePorts.map((sp) => sp.clusterIP)).size, 50);
    assert.equal(new Set(state.servicePorts.flatMap((sp) => sp.endpoints.map((e) => e.ip))).size, 100);
    const sp7 = state.servicePorts.find((sp) => servicePortKey(sp) === syntheticKey(7))!;
    assert.equal(sp7.clusterIP, syntheticVip(7));
    assert.deepEqual(sp7.endpoints.map((e) => `${e.ip}:${e.port}`).sort(), [0, 1].map((j) => `${syntheticEndpoint(7, j, { endpointsPerService: 2 })}:8080`).sort());
  });

  test('a generation changes exactly that Service', () => {
    const a = syntheticState({ services: 50, endpointsPerService: 2 });
    const b = syntheticState({ services: 50, endpointsPerService: 2, generations: new Map([[7, 1]]) });
    assert.deepEqual([...diffDesiredStates(a, b)], [syntheticKey(7)]);
  });

  test('the partial render for that key writes the new endpoint chains and deletes the old ones', () => {
    const a = syntheticState({ services: 50, endpointsPerService: 2 });
    const b = syntheticState({ services: 50, endpointsPerService: 2, generations: new Map([[7, 1]]) });
    const full = renderIptables(a);
    const partial = renderIptables(b, { only: new Set([syntheticKey(7)]), existingNatChains: full.activeNatChains });
    const name = 'bench/svc-7:http';
    const oldChain = endpointChain(name, 'TCP', `${syntheticEndpoint(7, 0, { endpointsPerService: 2 })}:8080`);
    const newChain = endpointChain(name, 'TCP', `${syntheticEndpoint(7, 0, { endpointsPerService: 2, generation: 1 })}:8080`);
    assert.ok(partial.deletedChains.includes(oldChain));
    assert.match(partial.text, new RegExp(`^:${newChain} - \\[0:0\\]$`, 'm'));
    // Another Service's endpoint chains are left alone.
    const other = endpointChain('bench/svc-8:http', 'TCP', `${syntheticEndpoint(8, 0, { endpointsPerService: 2 })}:8080`);
    assert.doesNotMatch(partial.text, new RegExp(other));
  });
});
