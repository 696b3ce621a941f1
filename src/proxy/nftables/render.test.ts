/**
 * @module The nftables renderer: the scenario cluster as golden `nft -f` text (full, and a
 * partial update), upstream's rule lines for ns1/svc1, and what partial scripts touch.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readGolden } from '../../testing/golden.js';
import { computeDesiredState } from '../tracker/desired.js';
import { ep, makeService, makeSlice, TEST_NODE } from '../tracker/fixtures.js';
import { SCENARIO_SERVICES, SCENARIO_SLICES } from '../tracker/scenario.js';
import { serviceChain } from './names.js';
import { NftablesRenderCache, renderFull, renderPartial } from './render.js';

const STATE = computeDesiredState(SCENARIO_SERVICES, SCENARIO_SLICES, TEST_NODE);

/** The scenario after an update: nginx lost 10.244.0.9, ns2/empty gained an endpoint, ns3/np is gone. */
function updatedState() {
  const slices = SCENARIO_SLICES.map((s) => {
    if (s.metadata.name === 'nginx-1') return makeSlice('default', 'nginx', 1, (x) => {
      x.ports = [{ name: '', protocol: 'TCP', port: 8080 }];
      x.endpoints = [ep('10.244.0.4'), ep('10.244.0.10')];
    });
    return s;
  });
  slices.push(makeSlice('ns2', 'empty', 1, (x) => {
    x.ports = [{ name: 'http', protocol: 'TCP', port: 8080 }];
    x.endpoints = [ep('10.244.0.70')];
  }));
  const services = SCENARIO_SERVICES.filter((s) => s.metadata.name !== 'np');
  return computeDesiredState(services, slices, TEST_NODE);
}

const CHANGED = new Set(['default/nginx/TCP', 'ns2/empty:http/TCP', 'ns3/np:http/TCP']);

test('full render of the scenario cluster', () => {
  const { text } = renderFull(STATE);
  assert.equal(text, readGolden(import.meta.url, 'scenario-full.nft', text));
  assert.ok(text.startsWith('add table ip kube-proxy\ndelete table ip kube-proxy\n'), 'replaces the table atomically');
});

test('firewall-ips elements carry no comment (upstream 1.33 adds none; the no-endpoint maps do)', () => {
  const { text } = renderFull(STATE);
  assert.ok(text.includes('add element ip kube-proxy firewall-ips { 127.0.100.1 . tcp . 443 : goto firewall-AX7PDJR4-ns4/lb/tcp/https }'), text);
  assert.ok(text.includes('add element ip kube-proxy no-endpoint-services { 127.0.100.1 . tcp . 443 comment "ns4/lb:https" : drop }'));
});

test('nodeport-endpoints-check matches as upstream 1.33 writes it: no fib (it hangs off filter-input, the destination is local)', () => {
  const { text } = renderFull(STATE);
  assert.ok(text.includes('add rule ip kube-proxy nodeport-endpoints-check ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @no-endpoint-nodeports\n'), text);
  assert.ok(text.includes('add rule ip kube-proxy services fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @service-nodeports\n'));
});

test('partial render: only the changed ports, stale chains flushed and reported', () => {
  const before = renderFull(STATE).table;
  const after = updatedState();
  const { text, staleChains, table } = renderPartial(before, after, CHANGED);
  assert.equal(text, readGolden(import.meta.url, 'scenario-partial.nft', text));
  assert.ok(!text.includes('ns1/svc1'), 'an unchanged port is not touched');
  assert.deepEqual(staleChains.sort(), [
    'endpoint-5CPX3C6P-default/nginx/tcp/__10.244.0.9/8080',
    'endpoint-JNDVKI2J-ns3/np/tcp/http__10.244.0.30/8080',
    'endpoint-SAVU4YHZ-ns3/np/tcp/http__10.244.0.31/8080',
    'external-TK6E2NEE-ns3/np/tcp/http',
    'service-TK6E2NEE-ns3/np/tcp/http',
  ]);
  assert.ok(text.includes('delete set ip kube-proxy affinity-5CPX3C6P-default/nginx/tcp/__10.244.0.9/8080'));
  assert.ok(text.includes('delete element ip kube-proxy no-endpoint-services { 10.96.0.30 . tcp . 8080 }'));
  assert.ok(text.includes('delete element ip kube-proxy cluster-ips { 10.96.0.40 }'));
  // The partial result equals what a full render of the new state computes.
  const fresh = renderFull(after).table;
  assert.deepEqual([...table.ports.keys()].sort(), [...fresh.ports.keys()].sort());
  for (const [k, p] of fresh.ports) assert.deepEqual(table.ports.get(k), p, k);
  assert.deepEqual([...table.clusterIPs].sort(), [...fresh.clusterIPs].sort(), 'cluster IPs with their port counts');
});

test('a partial render of unchanged ports writes nothing', () => {
  const before = renderFull(STATE).table;
  const { text, staleChains } = renderPartial(before, STATE, new Set(['ns1/svc1:p80/TCP', 'no/such:port/TCP']));
  assert.equal(text, '');
  assert.deepEqual(staleChains, []);
});

test("ns1/svc1 and a no-endpoint service read as upstream's golden lines", () => {
  const svc = makeService('ns1', 'svc1', (s) => {
    s.spec.clusterIP = '172.30.0.41';
    s.spec.ports = [{ name: 'p80', protocol: 'TCP', port: 80 }];
  });
  const slice = makeSlice('ns1', 'svc1', 1, (s) => {
    s.ports = [{ name: 'p80', protocol: 'TCP', port: 80 }];
    s.endpoints = [ep('10.180.0.1')];
  });
  const svc6 = makeService('ns6', 'svc6', (s) => {
    s.spec.clusterIP = '172.30.0.46';
    s.spec.ports = [{ name: 'p80', protocol: 'TCP', port: 80 }];
  });
  const { text } = renderFull(computeDesiredState([svc, svc6], [slice], { ...TEST_NODE, clusterCIDR: '10.0.0.0/8' }));
  for (const line of [
    'add rule ip kube-proxy service-ULMVA6XW-ns1/svc1/tcp/p80 ip daddr 172.30.0.41 tcp dport 80 ip saddr != 10.0.0.0/8 jump mark-for-masquerade',
    'add rule ip kube-proxy service-ULMVA6XW-ns1/svc1/tcp/p80 numgen random mod 1 vmap { 0 : goto endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80 }',
    'add rule ip kube-proxy endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80 ip saddr 10.180.0.1 jump mark-for-masquerade',
    'add rule ip kube-proxy endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80 meta l4proto tcp dnat to 10.180.0.1:80',
    'add element ip kube-proxy service-ips { 172.30.0.41 . tcp . 80 : goto service-ULMVA6XW-ns1/svc1/tcp/p80 }',
    'add element ip kube-proxy no-endpoint-services { 172.30.0.46 . tcp . 80 comment "ns6/svc6:p80" : goto reject-chain }',
    'add rule ip kube-proxy services fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @service-nodeports',
    'add rule ip kube-proxy mark-for-masquerade mark set mark or 0x4000',
    'add rule ip kube-proxy masquerading mark and 0x4000 == 0 return',
    'add rule ip kube-proxy masquerading mark set mark xor 0x4000',
    'add rule ip kube-proxy masquerading masquerade fully-random',
    'add rule ip kube-proxy cluster-ips-check ip daddr @cluster-ips reject comment "Reject traffic to invalid ports of ClusterIPs"',
    'add rule ip kube-proxy cluster-ips-check ip daddr { 10.96.0.0/12 } drop comment "Drop traffic to unallocated ClusterIPs"',
    'add rule ip kube-proxy filter-output-post-dnat ct state new jump cluster-ips-check',
    'add element ip kube-proxy cluster-ips { 172.30.0.41, 172.30.0.46 }',
  ]) {
    assert.ok(text.split('\n').includes(line), `missing: ${line}`);
  }
});

test('above 1000 service ports, service chains dispatch by a numgen cascade, not one vmap each', () => {
  const services = Array.from({ length: 1001 }, (_, i) => makeService('big', `s${i}`, (s) => {
    s.spec.clusterIP = `10.97.${i >> 8}.${i & 255}`;
    s.spec.ports = [{ name: 'p', protocol: 'TCP', port: 80 }];
  }));
  const slices = [makeSlice('big', 's0', 1, (s) => {
    s.ports = [{ name: 'p', protocol: 'TCP', port: 8080 }];
    s.endpoints = [ep('10.244.1.1'), ep('10.244.1.2'), ep('10.244.1.3')];
  })];
  const { text } = renderFull(computeDesiredState(services, slices, TEST_NODE));
  const chain = serviceChain({ namespace: 'big', name: 's0', portName: 'p', protocol: 'TCP' });
  const lines = text.split('\n').filter((l) => l.startsWith(`add rule ip kube-proxy ${chain} `)).map((l) => l.slice(`add rule ip kube-proxy ${chain} `.length));
  assert.deepEqual(lines.slice(1).map((l) => l.replace(/endpoint-\S+__/, 'endpoint-…__')), [
    'numgen random mod 3 0 goto endpoint-…__10.244.1.1/8080',
    'numgen random mod 2 0 goto endpoint-…__10.244.1.2/8080',
    'goto endpoint-…__10.244.1.3/8080',
  ]);
  assert.ok(!text.includes(' vmap { 0 :'));
});

test('a cached render equals a fresh one, full and partial; the cache follows the node facts', () => {
  const cache = new NftablesRenderCache();
  const fresh = renderFull(STATE);
  const first = renderFull(STATE, { cache });
  assert.equal(first.text, fresh.text);
  assert.equal(renderFull(STATE, { cache }).text, fresh.text);
  const next = updatedState();
  assert.equal(renderPartial(first.table, next, CHANGED, { cache }).text, renderPartial(fresh.table, next, CHANGED).text);
  const other = { ...STATE, node: { ...STATE.node, clusterCIDR: '10.99.0.0/16' } };
  assert.ok(renderFull(other, { cache }).text.includes('ip saddr != 10.99.0.0/16'));
});

test('an in-place partial render writes the same script and leaves the same table as a copying one', () => {
  const next = updatedState();
  const copying = renderPartial(renderFull(STATE).table, next, CHANGED);
  const owned = renderFull(STATE).table;
  const inPlace = renderPartial(owned, next, CHANGED, { inPlace: true });
  assert.equal(inPlace.text, copying.text);
  assert.equal(inPlace.table.ports, owned.ports, 'the same map, updated');
  assert.deepEqual([...inPlace.table.ports.keys()].sort(), [...copying.table.ports.keys()].sort());
  assert.deepEqual([...inPlace.table.clusterIPs].sort(), [...copying.table.clusterIPs].sort());
});
