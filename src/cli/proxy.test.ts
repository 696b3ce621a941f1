/**
 * @module What `kubito proxy rules` prints after kube-proxy's rules (golden files
 * `testdata/hostports-section.{nft,iptables}.txt`, from src/portmap's scenario): the hostPort
 * table as the kernel lists it, or in iptables mode a summary of portmap's chains; every line
 * of its own a comment, so the whole stays valid `nft -f` / `iptables-restore` input.
 */
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NODE, scenarioPods } from '../portmap/fixtures.js';
import { IPTABLES_JUMPS, renderIptables } from '../portmap/iptables.js';
import { desiredMappings } from '../portmap/mappings.js';
import { readGolden, testdataPath } from '../testing/golden.js';
import { hostPortFamily, hostPortsSection } from './proxy.js';

const LISTING = readFileSync(testdataPath(new URL('../portmap/inspect.test.js', import.meta.url).href, 'scenario.listing.nft'), 'utf8');

test('nftables: the table as the kernel lists it, after a marked line', () => {
  const text = hostPortsSection('nftables', LISTING);
  assert.equal(text, readGolden(import.meta.url, 'hostports-section.nft.txt', text));
  assert.equal(text.split('\n')[1], 'table ip kubito-hostports {');
  assert.equal(hostPortsSection('nftables', ''), "# kubito hostPorts (src/portmap, the DNAT of pods' ports[].hostPort on the node): none mapped (no table ip kubito-hostports)\n");
});

test("iptables: a summary of portmap's chains in the save above, as comments", () => {
  const nat = renderIptables(desiredMappings(scenarioPods(), NODE), { podPrefix: 24 }).text;
  const jumps = IPTABLES_JUMPS.map((j) => `-A ${j.chain} ${j.args.map((a) => (a.includes(' ') ? `"${a}"` : a)).join(' ')}`).join('\n');
  const save = `*filter\nCOMMIT\n${nat.replace('*nat\n', `*nat\n${jumps}\n`)}`;
  const text = hostPortsSection('iptables', save);
  assert.equal(text, readGolden(import.meta.url, 'hostports-section.iptables.txt', text));
  assert.ok(text.split('\n').filter(Boolean).every((l) => l.startsWith('#')), 'comments only');
  assert.equal(hostPortsSection('iptables', '*nat\nCOMMIT\n'), "# kubito hostPorts (src/portmap, the DNAT of pods' ports[].hostPort on the node): none mapped\n");
});

test('unreadable: one comment line says why', () => {
  assert.equal(hostPortsSection('nftables', new Error('nsenter: Operation not permitted\nmore')), "# kubito hostPorts (src/portmap, the DNAT of pods' ports[].hostPort on the node): could not read them: nsenter: Operation not permitted\n");
});

test('the family follows the proxy mode', () => {
  assert.deepEqual(['nftables', 'iptables', 'userspace'].map(hostPortFamily), ['nftables', 'iptables', 'nftables']);
});
