/** @module Stale UDP conntrack entries: parsing `conntrack -L` and upstream's choice of what to delete. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanStaleUdpEntries, conntrackDeleteArgv, UdpConntrackCleaner, parseConntrackList, staleConntrackFilters } from './conntrack.js';
import { computeDesiredState } from './tracker/desired.js';
import { ep, makeService, makeSlice, TEST_NODE } from './tracker/fixtures.js';
import type { CommandRunner } from './types.js';

// What conntrack-tools 1.4.7 prints (one TCP line, which is ignored).
const LISTED = `udp      17 29 src=10.244.0.9 dst=10.96.0.20 sport=40000 dport=53 src=10.244.0.5 dst=10.244.0.9 sport=53 dport=40000 mark=0 use=1
udp      17 25 src=10.244.0.9 dst=10.96.0.20 sport=40001 dport=53 src=10.244.0.6 dst=10.244.0.9 sport=53 dport=40001 mark=0 use=1
udp      17 20 src=10.244.0.9 dst=10.244.0.1 sport=40002 dport=30053 [UNREPLIED] src=10.244.0.6 dst=10.244.0.1 sport=53 dport=40002 mark=0 use=1
udp      17 20 src=10.244.0.9 dst=10.96.0.30 sport=40003 dport=53 src=10.244.0.7 dst=10.244.0.9 sport=53 dport=40003 mark=0 use=1
tcp      6 431999 ESTABLISHED src=10.244.0.9 dst=10.96.0.20 sport=50000 dport=53 src=10.244.0.6 dst=10.244.0.9 sport=53 dport=50000 [ASSURED] mark=0 use=1
conntrack v1.4.7 (conntrack-tools): 5 flow entries have been shown.
`;

/** The dns Service of `state()` alone, served by one endpoint on `port`. */
function dnsServedBy(ip: string, port: number) {
  return computeDesiredState(
    [makeService('ns', 'dns', (s) => {
      s.spec.type = 'NodePort';
      s.spec.clusterIP = '10.96.0.20';
      s.spec.ports = [{ name: 'dns', port: 53, protocol: 'UDP', nodePort: 30053 }];
    })],
    [makeSlice('ns', 'dns', 1, (s) => {
      s.ports = [{ name: 'dns', port, protocol: 'UDP' }];
      s.endpoints = [ep(ip)];
    })],
    TEST_NODE,
  );
}

function state() {
  // dns-like: 10.96.0.20:53/UDP with NodePort 30053, only 10.244.0.5 left serving.
  const dns = makeService('ns', 'dns', (s) => {
    s.spec.type = 'NodePort';
    s.spec.clusterIP = '10.96.0.20';
    s.spec.ports = [{ name: 'dns', port: 53, protocol: 'UDP', nodePort: 30053 }];
  });
  const dnsSlice = makeSlice('ns', 'dns', 1, (s) => {
    s.ports = [{ name: 'dns', port: 53, protocol: 'UDP' }];
    s.endpoints = [ep('10.244.0.5')];
  });
  // no endpoints at all: left alone.
  const empty = makeService('ns', 'empty', (s) => {
    s.spec.clusterIP = '10.96.0.30';
    s.spec.ports = [{ name: 'dns', port: 53, protocol: 'UDP' }];
  });
  return computeDesiredState([dns, empty], [dnsSlice], TEST_NODE);
}

test('conntrack -L lines: original destination and port, reply source; TCP and the summary are skipped', () => {
  assert.deepEqual(parseConntrackList(LISTED), [
    { origDst: '10.96.0.20', origDport: 53, replySrc: '10.244.0.5', replySport: 53 },
    { origDst: '10.96.0.20', origDport: 53, replySrc: '10.244.0.6', replySport: 53 },
    { origDst: '10.244.0.1', origDport: 30053, replySrc: '10.244.0.6', replySport: 53 },
    { origDst: '10.96.0.30', origDport: 53, replySrc: '10.244.0.7', replySport: 53 },
  ]);
});

test('flows to a Service answered by a gone endpoint are deleted, by frontend and by NodePort', () => {
  const filters = staleConntrackFilters(parseConntrackList(LISTED), state());
  assert.deepEqual(filters.map(conntrackDeleteArgv), [
    ['conntrack', '-D', '-p', 'udp', '--orig-dst', '10.96.0.20', '--orig-port-dst', '53', '--reply-src', '10.244.0.6', '--reply-port-src', '53'],
    ['conntrack', '-D', '-p', 'udp', '--orig-port-dst', '30053', '--reply-src', '10.244.0.6', '--reply-port-src', '53'],
  ]);
});

test('a flow answered by a serving endpoint IP from another port (the targetPort changed) is stale, as upstream matches ip:port', () => {
  // Upstream (pkg/proxy/conntrack/cleanup.go) keeps a flow only when its reply source ip:port is a
  // serving endpoint: the pod that answered from 5353 no longer backs the Service on that port.
  const moved = `udp      17 29 src=10.244.0.9 dst=10.96.0.20 sport=40010 dport=53 src=10.244.0.5 dst=10.244.0.9 sport=5353 dport=40010 mark=0 use=1
udp      17 29 src=10.244.0.9 dst=10.244.0.1 sport=40011 dport=30053 src=10.244.0.5 dst=10.244.0.9 sport=5353 dport=40011 mark=0 use=1
`;
  assert.deepEqual(staleConntrackFilters(parseConntrackList(moved), state()).map(conntrackDeleteArgv), [
    ['conntrack', '-D', '-p', 'udp', '--orig-dst', '10.96.0.20', '--orig-port-dst', '53', '--reply-src', '10.244.0.5', '--reply-port-src', '5353'],
    ['conntrack', '-D', '-p', 'udp', '--orig-port-dst', '30053', '--reply-src', '10.244.0.5', '--reply-port-src', '5353'],
  ]);
});

test('cleanStaleUdpEntries lists once and deletes each stale flow; no UDP Service, no process', async () => {
  const calls: string[][] = [];
  const runner: CommandRunner = {
    async run(argv) {
      calls.push(argv);
      return { code: 0, stdout: argv[1] === '-L' ? LISTED : '', stderr: '' };
    },
  };
  assert.equal(await cleanStaleUdpEntries(runner, state()), 2);
  assert.deepEqual(calls.map((c) => c.slice(0, 2).join(' ')), ['conntrack -L', 'conntrack -D', 'conntrack -D']);
  calls.length = 0;
  assert.equal(await cleanStaleUdpEntries(runner, { node: TEST_NODE, servicePorts: [] }), 0);
  assert.deepEqual(calls, []);
});

test('the cleaner runs again only when the UDP frontends or their serving endpoints changed', async () => {
  const calls: string[] = [];
  const runner: CommandRunner = {
    async run(argv) {
      calls.push(argv.slice(0, 2).join(' '));
      return { code: 0, stdout: argv[1] === '-L' ? LISTED : '', stderr: '' };
    },
  };
  const cleaner = new UdpConntrackCleaner(runner);
  const first = state();
  assert.equal(await cleaner.afterSync(first), 2);
  assert.equal(await cleaner.afterSync(first), undefined, 'same UDP state: skipped');
  const tcp = makeService('ns', 'web', (s) => {
    s.spec.clusterIP = '10.96.0.40';
    s.spec.ports = [{ name: 'http', port: 80, protocol: 'TCP' }];
  });
  const withTcp = { ...first, servicePorts: [...first.servicePorts, ...computeDesiredState([tcp], [makeSlice('ns', 'web', 1, (s) => { s.ports = [{ name: 'http', port: 80, protocol: 'TCP' }]; s.endpoints = [ep('10.244.0.8')]; })], TEST_NODE).servicePorts] };
  assert.equal(await cleaner.afterSync(withTcp), undefined, 'a TCP change: skipped');
  const moved = dnsServedBy('10.244.0.6', 53);
  calls.length = 0;
  assert.equal(await cleaner.afterSync(moved), 1, 'the UDP endpoint moved: runs');
  assert.deepEqual(calls, ['conntrack -L', 'conntrack -D']);
  const renumbered = dnsServedBy('10.244.0.6', 5353);
  calls.length = 0;
  assert.equal(await cleaner.afterSync(renumbered), 3, 'the same endpoint IP on another port: runs, every flow answered from port 53 is stale');
});
