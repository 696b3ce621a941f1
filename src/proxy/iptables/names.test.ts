/** @module Chain names against the test vectors of dataplane.md §1.2 (upstream's golden strings). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { endpointChain, firewallChain, isServiceChainName, portProtoHash, serviceChain } from './names.js';

test('upstream test vectors', () => {
  assert.equal(serviceChain('ns1/svc1:p80', 'TCP'), 'KUBE-SVC-XPGD46QRK7WJZT7O');
  assert.equal(endpointChain('ns1/svc1:p80', 'TCP', '10.180.0.1:80'), 'KUBE-SEP-SXIVWICOYRO3J4NJ');
  assert.equal(endpointChain('ns1/svc1:p80', 'tcp', '10.180.2.1:80'), 'KUBE-SEP-ZX7GRIZKSNUQ3LAJ');
  assert.equal(serviceChain('ns4/svc4:p80', 'TCP'), 'KUBE-SVC-4SW47YFZTEDKD3PK');
  assert.equal(portProtoHash('ns2/svc2:p80', 'TCP'), 'GNZBNJ2PO5MGZ6GT');
  assert.equal(firewallChain('ns5/svc5:p80', 'TCP'), 'KUBE-FW-NUKIZ6OKUXPJNT4C');
  assert.equal(serviceChain('default/kubernetes:https', 'TCP'), 'KUBE-SVC-NPX46M4PTMTKRN6Y');
  assert.equal(portProtoHash('kube-system/kube-dns:dns', 'UDP'), 'TCOU7JCQXEZGVUNU');
  assert.equal(portProtoHash('kube-system/kube-dns:dns-tcp', 'TCP'), 'ERIFXISQEP7F7OF4');
  assert.equal(portProtoHash('kube-system/kube-dns:metrics', 'TCP'), 'JD5MR3NA4I4DYORP');
  // The chapter's nginx Service (unnamed port) and an IPv6 endpoint, computed.
  assert.equal(serviceChain('default/nginx', 'TCP'), 'KUBE-SVC-2CMXP7HKUVJN7L6M');
  assert.equal(endpointChain('ns1/svc1:p80', 'TCP', '[fd00::1]:80'), 'KUBE-SEP-T5UNFIPVCZXM3U7X');
});

test('service chains are recognised by prefix', () => {
  assert.ok(isServiceChainName('KUBE-SEP-SXIVWICOYRO3J4NJ'));
  assert.ok(!isServiceChainName('KUBE-SERVICES'));
  assert.ok(!isServiceChainName('KUBE-MARK-MASQ'));
});
