/** @module kube-proxy's sloppy reading of a Service's addresses (ParseIPSloppy / ParseCIDRSloppy, then String()). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ipv4CIDROf, ipv4Of, servicePortsOf } from './service-ports.js';
import type { ProxyService } from './views.js';

test('IPv4 text: leading zeros read as decimal and written without them; anything else is not IPv4', () => {
  assert.equal(ipv4Of('10.96.100.010'), '10.96.100.10');
  assert.equal(ipv4Of('10.96.0.1'), '10.96.0.1');
  assert.equal(ipv4Of('10.0.0.0010'), '10.0.0.10', 'any number of digits, as Go\'s dtoi');
  assert.equal(ipv4Of('::ffff:10.1.2.3'), '10.1.2.3', 'IPv4-mapped: IPv4 to kube-proxy');
  assert.equal(ipv4Of('::ffff:a01:203'), '10.1.2.3');
  assert.equal(ipv4Of('::1'), undefined);
  for (const bad of ['10.96.0', '10.96.0.256', '::1', 'a.b.c.d', '10.96.0.1/32', '']) assert.equal(ipv4Of(bad), undefined, bad);
});

test('IPv4 ranges: every form the API accepts is read (a dropped source range would open a LoadBalancer to all)', () => {
  const cases: Array<[string, string | undefined]> = [
    ['10.0.0.0/8', '10.0.0.0/8'],
    ['10.0.0.1/8', '10.0.0.0/8'],
    ['10.0.0.0/008', '10.0.0.0/8'],
    ['10.0.0.0010/32', '10.0.0.10/32'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['::ffff:10.0.0.0/104', '10.0.0.0/8'],
    ['::ffff:a00:0/104', '10.0.0.0/8'],
    ['::ffff:10.0.0.0/64', undefined],
    ['2001:db8::/32', undefined],
    ['10.0.0.0/33', undefined],
    ['10.0.0.0', undefined],
  ];
  for (const [text, want] of cases) assert.equal(ipv4CIDROf(text), want, text);
});

test('a Service with non-standard addresses (accepted by the API with warnings) is proxied on their standard forms', () => {
  const svc = {
    metadata: { namespace: 'ns1', name: 'svc1' },
    spec: {
      type: 'LoadBalancer', clusterIP: '10.96.100.010', clusterIPs: ['10.96.100.010'], externalIPs: ['192.0.2.010', '192.0.2.10'],
      loadBalancerSourceRanges: ['10.0.0.1/8', ' 192.168.000.0/16 ', '2001:db8::/32'],
      ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 80, nodePort: 30080 }],
    },
    status: { loadBalancer: { ingress: [{ ip: '127.0.100.01', ipMode: 'VIP' }] } },
  } as unknown as ProxyService;
  const [port] = servicePortsOf(svc);
  assert.equal(port.clusterIP, '10.96.100.10');
  assert.deepEqual(port.externalIPs, ['192.0.2.10']);
  assert.deepEqual(port.loadBalancerIPs, ['127.0.100.1']);
  assert.deepEqual(port.loadBalancerSourceRanges, ['10.0.0.0/8', '192.168.0.0/16']);
});
