/** @module The scenario's rules as golden `nft -f` and `iptables-restore` text. */
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readGolden } from '../testing/golden.js';
import { NODE, scenarioPods } from './fixtures.js';
import { dnatChainName, podSubnet, renderIptables } from './iptables.js';
import { desiredMappings } from './mappings.js';
import { renderNftables } from './nftables.js';

const MAPPINGS = desiredMappings(scenarioPods(), NODE);

test('nftables: the scenario table', () => {
  const text = renderNftables(MAPPINGS);
  assert.equal(text, readGolden(import.meta.url, 'scenario.nft', text));
  assert.ok(text.startsWith('add table ip kubito-hostports\ndelete table ip kubito-hostports\n'), 'replaces its own table atomically');
  assert.ok(!text.includes('kube-proxy'), "kube-proxy's table is not named");
});

test('nftables: no mappings removes the table', () => {
  assert.equal(renderNftables([]), 'add table ip kubito-hostports\ndelete table ip kubito-hostports\n');
});

test('iptables: the scenario chains, a stale pod chain deleted', () => {
  const stale = dnatChainName('uid-gone');
  const { text, chains } = renderIptables(MAPPINGS, { podPrefix: 24, stale: [stale, dnatChainName('uid-default-web')] });
  assert.equal(text, readGolden(import.meta.url, 'scenario.rules', text));
  assert.equal(chains.length, 4);
  assert.ok(text.includes(`:${stale} - [0:0]\n`) && text.includes(`-X ${stale}\n`), 'declared (flushed), then deleted');
  assert.ok(!text.includes(`-X ${dnatChainName('uid-default-web')}`), 'a wanted chain is not deleted');
});

test('chain names as upstream: CNI-DN- + sha512(network + id), 28 characters', () => {
  // utils.MustFormatChainNameWithPrefix("kubito", "abc", "DN-"), the digest by coreutils.
  const digest = execFileSync('sha512sum', { input: 'kubitoabc', encoding: 'utf8' }).split(' ')[0];
  assert.equal(dnatChainName('abc'), `CNI-DN-${digest}`.slice(0, 28));
  assert.equal(dnatChainName('abc'), 'CNI-DN-0d81105d3459ddcf4d888');
  assert.equal(dnatChainName('abc').length, 28);
});

test('podSubnet', () => {
  assert.equal(podSubnet('10.244.0.5', 24), '10.244.0.0/24');
  assert.equal(podSubnet('10.244.3.200', 16), '10.244.0.0/16');
});
