/** @module loadbalance: addresses of one RRset leave in a random order, nothing else moves. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressSets, shuffleAddresses } from './loadbalance.js';
import { CLASS_IN, parseMessage, RCODE, serializeMessage, TYPE, type Message, type RR } from './wire.js';

function reply(qtype: number, answer: RR[], additional: RR[] = [], rcode: number = RCODE.NOERROR): Buffer {
  const m: Message = { header: { id: 1, qr: true, opcode: 0, aa: true, tc: false, rd: true, ra: false, ad: false, cd: false, rcode }, question: [{ name: 'hdls.ns.svc.cluster.local.', type: qtype, class: CLASS_IN }], answer, authority: [], additional };
  return serializeMessage(m);
}
const a = (name: string, address: string): RR => ({ name, type: TYPE.A, class: CLASS_IN, ttl: 30, data: { address } });

test('a headless Service\'s addresses come in every order, the same records each time', () => {
  const buf = reply(TYPE.A, ['10.0.0.1', '10.0.0.2', '10.0.0.3'].map((ip) => a('hdls.ns.svc.cluster.local.', ip)));
  const sets = addressSets(buf);
  assert.ok(sets);
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const out = Buffer.from(buf);
    shuffleAddresses(out, sets);
    const m = parseMessage(out);
    const order = m.answer.map((r) => ('address' in r.data ? r.data.address : ''));
    assert.deepEqual([...order].sort(), ['10.0.0.1', '10.0.0.2', '10.0.0.3']);
    assert.ok(m.answer.every((r) => r.name === 'hdls.ns.svc.cluster.local.' && r.ttl === 30));
    seen.add(order.join(','));
  }
  assert.equal(seen.size, 6, 'all 3! orders');
});

test('nothing to shuffle: one address, other owners\' glue, errors, a CNAME chain keeps its CNAME first', () => {
  assert.equal(addressSets(reply(TYPE.A, [a('hdls.ns.svc.cluster.local.', '10.0.0.1')])), undefined);
  const srv = (target: string): RR => ({ name: 'hdls.ns.svc.cluster.local.', type: TYPE.SRV, class: CLASS_IN, ttl: 30, data: { priority: 0, weight: 50, port: 80, target } });
  assert.equal(addressSets(reply(TYPE.SRV, [srv('a.hdls.ns.svc.cluster.local.'), srv('b.hdls.ns.svc.cluster.local.')], [a('a.hdls.ns.svc.cluster.local.', '10.0.0.1'), a('b.hdls.ns.svc.cluster.local.', '10.0.0.2')])), undefined);
  assert.equal(addressSets(reply(TYPE.A, [], [], RCODE.NXDOMAIN)), undefined);
  const cname: RR = { name: 'hdls.ns.svc.cluster.local.', type: TYPE.CNAME, class: CLASS_IN, ttl: 30, data: { target: 'web.example.' } };
  const buf = reply(TYPE.A, [cname, a('web.example.', '192.0.2.1'), a('web.example.', '192.0.2.2')]);
  const sets = addressSets(buf);
  assert.equal(sets?.length, 1);
  shuffleAddresses(buf, sets!, () => 0);
  const m = parseMessage(buf);
  assert.equal(m.answer[0].type, TYPE.CNAME);
  assert.deepEqual(m.answer.slice(1).map((r) => ('address' in r.data ? r.data.address : '')), ['192.0.2.2', '192.0.2.1']);
});
