/** @module The nftables names against upstream's verified examples. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { affinitySet, endpointChain, externalChain, hashAndTruncate, isServiceChainName, serviceChain } from './names.js';

const svc1 = { namespace: 'ns1', name: 'svc1', portName: 'p80', protocol: 'TCP' };

test("upstream's examples: service-ULMVA6XW and endpoint-5OJB2KTY", () => {
  assert.equal(serviceChain(svc1), 'service-ULMVA6XW-ns1/svc1/tcp/p80');
  assert.equal(externalChain(svc1), 'external-ULMVA6XW-ns1/svc1/tcp/p80');
  assert.equal(endpointChain(svc1, { ip: '10.180.0.1', port: 80 }), 'endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80');
  assert.equal(affinitySet(svc1, { ip: '10.180.0.1', port: 80 }), 'affinity-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80');
  // From upstream's proxier_test.go dumps.
  assert.equal(serviceChain({ namespace: 'ns2', name: 'svc2', portName: 'p80', protocol: 'TCP' }), 'service-42NFTM6N-ns2/svc2/tcp/p80');
  assert.equal(endpointChain({ namespace: 'ns5', name: 'svc5', portName: 'p80', protocol: 'TCP' }, { ip: '10.180.0.3', port: 80 }), 'endpoint-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80');
  assert.equal(endpointChain(svc1, { ip: 'fd00:10:180::1', port: 80 }), 'endpoint-ZVRFLKHO-ns1/svc1/tcp/p80__fd00.10.180..1/80');
});

test('unnamed ports end in a slash; long names are cut to 240 with ...', () => {
  assert.equal(serviceChain({ namespace: 'default', name: 'nginx', portName: '', protocol: 'TCP' }), 'service-ECO34HEO-default/nginx/tcp/');
  const long = hashAndTruncate('x'.repeat(300));
  assert.equal(long.length, 240);
  assert.ok(long.endsWith('...'));
  assert.ok(isServiceChainName('service-ECO34HEO-default/nginx/tcp/'));
  assert.ok(!isServiceChainName('services'));
});
