/** @module kube-proxy's sloppy reading of a Service's addresses (ParseIPSloppy / ParseCIDRSloppy, then String()). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ipv4Of, servicePortsOf } from './service-ports.js';
import type { ProxyService } from './views.js';

test('IPv4 text: leading zeros read as decimal and written without them; anything else is not IPv4', () => {
  assert.equal(ipv4Of('10.96.100.010'), '10.96.100.10');
  assert.equal(ipv4Of('10.96.0.1'), '10.96.0.1');
  for (const bad of ['10.96.0', '10.96.0.256', '::1', 'a.b.c.d', '10.96.0.1/32', '']) assert.equal(ipv4Of(bad), undefined, bad);
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
