/**
 * @module The iptables renderer: the scenario cluster as golden iptables-restore text (full and
 * partial), upstream's rule lines for ns1/svc1, probabilities, large-cluster mode.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readGolden } from '../../testing/golden.js';
import { computeDesiredState } from '../tracker/desired.js';
import { ep, makeService, makeSlice, TEST_NODE } from '../tracker/fixtures.js';
import { SCENARIO_SERVICES, SCENARIO_SLICES } from '../tracker/scenario.js';
import { formatTenDecimals, probability } from './probability.js';
import { IptablesRenderCache, renderIptables } from './render.js';

const STATE = computeDesiredState(SCENARIO_SERVICES, SCENARIO_SLICES, TEST_NODE);

test('full render of the scenario cluster', () => {
  const { text } = renderIptables(STATE);
  assert.equal(text, readGolden(import.meta.url, 'scenario-full.rules', text));
});

test('partial render: per-service chains only for changed keys; stale chains deleted', () => {
  const existing = ['KUBE-SERVICES', 'KUBE-SVC-XPGD46QRK7WJZT7O', 'KUBE-SEP-AAAAAAAAAAAAAAAA', 'KUBE-SVC-BBBBBBBBBBBBBBBB', 'OTHER-CHAIN'];
  const { text, deletedChains, activeNatChains } = renderIptables(STATE, { only: new Set(['default/nginx/TCP']), existingNatChains: existing });
  assert.equal(text, readGolden(import.meta.url, 'scenario-partial.rules', text));
  assert.deepEqual(deletedChains, ['KUBE-SEP-AAAAAAAAAAAAAAAA', 'KUBE-SVC-BBBBBBBBBBBBBBBB']);
  assert.ok(activeNatChains.has('KUBE-SVC-XPGD46QRK7WJZT7O'));
  assert.ok(!text.includes(':KUBE-SVC-XPGD46QRK7WJZT7O'), 'unchanged service chain not rewritten');
  assert.ok(text.includes(':KUBE-SVC-2CMXP7HKUVJN7L6M'), 'changed service chain rewritten');
});

test("ns1/svc1 reads as upstream's golden lines", () => {
  const svc = makeService('ns1', 'svc1', (s) => {
    s.spec.clusterIP = '172.30.0.41';
    s.spec.ports = [{ name: 'p80', protocol: 'TCP', port: 80 }];
  });
  const slice = makeSlice('ns1', 'svc1', 1, (s) => {
    s.ports = [{ name: 'p80', protocol: 'TCP', port: 80 }];
    s.endpoints = [ep('10.180.0.1'), ep('10.180.2.1')];
  });
  const { text } = renderIptables(computeDesiredState([svc], [slice], { ...TEST_NODE, clusterCIDR: '10.0.0.0/8' }));
  for (const line of [
    '-A KUBE-SERVICES -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 172.30.0.41 --dport 80 -j KUBE-SVC-XPGD46QRK7WJZT7O',
    '-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 172.30.0.41 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ',
    '-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 -> 10.180.0.1:80" -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-SXIVWICOYRO3J4NJ',
    '-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 -> 10.180.2.1:80" -j KUBE-SEP-ZX7GRIZKSNUQ3LAJ',
    '-A KUBE-SEP-SXIVWICOYRO3J4NJ -m comment --comment ns1/svc1:p80 -s 10.180.0.1 -j KUBE-MARK-MASQ',
    '-A KUBE-SEP-SXIVWICOYRO3J4NJ -m comment --comment ns1/svc1:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.1:80',
    '-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN',
    '-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000',
    '-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000',
    '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL ! -d 127.0.0.0/8 -j KUBE-NODEPORTS',
  ]) {
    assert.ok(text.split('\n').includes(line), `missing: ${line}`);
  }
});

test('probabilities have 10 decimals, rounded as Go rounds', () => {
  assert.equal(probability(3), '0.3333333333');
  assert.equal(probability(2), '0.5000000000');
  assert.equal(probability(7), '0.1428571429');
  assert.equal(probability(1000), '0.0010000000');
  // 1/2048 = 0.00048828125 exactly: a tie, to even.
  assert.equal(formatTenDecimals(1 / 2048), '0.0004882812');
  assert.equal(formatTenDecimals(3 / 2048), '0.0014648438');
});

test('large clusters leave out the per-endpoint comments', () => {
  const svc = makeService('ns', 'big', (s) => {
    s.spec.clusterIP = '10.96.1.1';
    s.spec.ports = [{ name: 'p', protocol: 'TCP', port: 80 }];
  });
  const slice = makeSlice('ns', 'big', 1, (s) => {
    s.ports = [{ name: 'p', protocol: 'TCP', port: 80 }];
    s.endpoints = Array.from({ length: 1001 }, (_, i) => ep(`10.1.${i >> 8}.${i & 255}`));
  });
  const { text } = renderIptables(computeDesiredState([svc], [slice], TEST_NODE));
  assert.ok(!/^-A KUBE-SEP-\S+ -m comment/m.test(text));
  assert.ok(/^-A KUBE-SVC-\S+ -m statistic --mode random --probability 0.0009990010 -j KUBE-SEP-/m.test(text));
  assert.ok(text.includes('-m comment --comment "ns/big:p cluster IP"'));
});

test('a cached render equals a fresh one; an unchanged top level is left out of a partial render', () => {
  const cache = new IptablesRenderCache();
  const first = renderIptables(STATE, { cache });
  assert.equal(renderIptables(STATE, { cache }).text, first.text);
  assert.equal(renderIptables(STATE).text, first.text);
  const partial = renderIptables(STATE, { only: new Set(['default/nginx/TCP']), unchangedTopLevel: first.topLevel, cache });
  assert.equal(partial.wroteTopLevel, false);
  assert.ok(!partial.text.includes('*filter') && !partial.text.includes('KUBE-SERVICES'));
  assert.ok(partial.text.startsWith('*nat\n:KUBE-SVC-2CMXP7HKUVJN7L6M - [0:0]\n'));
  const nothing = renderIptables(STATE, { only: new Set(), unchangedTopLevel: first.topLevel, cache });
  assert.equal(nothing.empty, true);
  // The cache follows the node facts: another cluster CIDR renders anew.
  const other = { ...STATE, node: { ...STATE.node, clusterCIDR: '10.99.0.0/16' } };
  assert.ok(renderIptables(other, { cache }).text.includes('! -s 10.99.0.0/16'));
});
