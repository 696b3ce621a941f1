/**
 * @module Reading the mappings back: the kernel's listing of the scenario table
 * (`testdata/scenario.listing.nft`, what `nft list table ip kubito-hostports` printed after
 * loading `scenario.nft`) and the iptables scenario, each read as the scenario's mappings;
 * missing entry jumps and unreachable pod chains; missing and stale mappings.
 */
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testdataPath } from '../testing/golden.js';
import { NODE, scenarioPods } from './fixtures.js';
import { compareMappings, mappingText, parseIptablesHostports, parseNftHostports } from './inspect.js';
import { renderIptables } from './iptables.js';
import { desiredMappings } from './mappings.js';
import { renderNftables } from './nftables.js';

const MAPPINGS = desiredMappings(scenarioPods(), NODE);
const WANT = MAPPINGS.map(mappingText);
const LISTING = readFileSync(testdataPath(import.meta.url, 'scenario.listing.nft'), 'utf8');

test("nftables: the kernel's listing reads as the scenario's mappings, with their pods", () => {
  const read = parseNftHostports(LISTING);
  assert.deepEqual(read.mappings.map(mappingText), WANT);
  assert.deepEqual(read.mappings.map((m) => m.owner), MAPPINGS.map((m) => m.pod));
  assert.deepEqual(read.missingEntries, []);
  // The script's own form reads the same.
  assert.deepEqual(parseNftHostports(renderNftables(MAPPINGS)).mappings.map(mappingText), WANT);
  assert.deepEqual(parseNftHostports(''), { mappings: [], missingEntries: [] });
});

test('nftables: a hook chain without its jump is reported', () => {
  const cut = LISTING.replace(/(chain output \{[^}]*?)\n\s*ip daddr [^\n]*jump hostports/, '$1');
  assert.notEqual(cut, LISTING);
  assert.deepEqual(parseNftHostports(cut).missingEntries, ['output -> hostports']);
});

test('iptables: the nat chains read as the scenario mappings; a pod chain no jump reaches counts for nothing', () => {
  const save = `*filter\n-A INPUT -j DNAT --to-destination 1.2.3.4:5\nCOMMIT\n${renderIptables(MAPPINGS, { podPrefix: 24 }).text}`;
  const read = parseIptablesHostports(save);
  assert.deepEqual(read.mappings.map(mappingText), WANT);
  assert.equal(read.mappings[1].owner, 'uid:uid-default-web');
  assert.deepEqual(read.missingEntries, ['PREROUTING -> CNI-HOSTPORT-DNAT', 'OUTPUT -> CNI-HOSTPORT-DNAT', 'POSTROUTING -> CNI-HOSTPORT-MASQ']);
  const hooked = `${save.replace('*nat\n', '*nat\n-A PREROUTING -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT\n-A OUTPUT -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT\n-A POSTROUTING -m comment --comment "CNI portfwd requiring masquerade" -j CNI-HOSTPORT-MASQ\n')}`;
  assert.deepEqual(parseIptablesHostports(hooked).missingEntries, []);
  // web's UDP jump gone: its UDP DNAT is unreachable.
  const noUdp = hooked.split('\n').filter((l) => !(l.startsWith('-A CNI-HOSTPORT-DNAT -p udp') && l.includes('uid-default-web'))).join('\n');
  assert.deepEqual(parseIptablesHostports(noUdp).mappings.map(mappingText), WANT.filter((t) => !t.startsWith('udp *:5353')));
});

test('compare: missing and stale mappings', () => {
  const kernel = parseNftHostports(LISTING).mappings;
  const { missing, stale } = compareMappings(MAPPINGS.slice(1), kernel.filter((m) => m.hostPort !== 8083));
  assert.deepEqual(missing.map(mappingText), ['tcp *:8083 -> 10.244.0.6:8080']);
  assert.deepEqual(stale.map((m) => `${mappingText(m)} ${m.owner}`), ['tcp *:9000 -> 10.244.0.7:9000 kube-system/sidecar']);
});
