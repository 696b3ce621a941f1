/** @module Golden cases of the Service warnings (pkg/api/service/warnings.go and apimachinery's ip.go, 1.33). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServiceView } from './service-view.js';
import { cidrWarnings, ipWarnings } from './ip-warnings.js';
import { serviceWarnings } from './warnings.js';

function makeService(spec: ServiceView['spec'], annotations?: Record<string, string>): ServiceView {
  return { metadata: { name: 'svc1', namespace: 'ns1', ...(annotations && { annotations }) }, spec };
}

test('IP values: leading zeros, IPv4-mapped IPv6 and non-canonical IPv6 warn; standard forms and non-IPs do not', () => {
  const cases: Array<[string, string[]]> = [
    ['10.96.0.10', []],
    ['0.0.0.0', []],
    ['2001:db8::1', []],
    ['not-an-ip', []],
    ['10.96.100.010', ['f: non-standard IP address "10.96.100.010" will be considered invalid in a future Kubernetes release: use "10.96.100.10"']],
    ['::ffff:1.2.3.4', ['f: non-standard IP address "::ffff:1.2.3.4" will be considered invalid in a future Kubernetes release: use "1.2.3.4"']],
    // IPv4-mapped however written (netip's Is4In6).
    ['::ffff:102:304', ['f: non-standard IP address "::ffff:102:304" will be considered invalid in a future Kubernetes release: use "1.2.3.4"']],
    ['0:0:0:0:0:ffff:1.2.3.4', ['f: non-standard IP address "0:0:0:0:0:ffff:1.2.3.4" will be considered invalid in a future Kubernetes release: use "1.2.3.4"']],
    ['2001:DB8::1', ['f: IPv6 address "2001:DB8::1" should be in RFC 5952 canonical format ("2001:db8::1")']],
    ['2001:db8:0:0:1:0:0:1', ['f: IPv6 address "2001:db8:0:0:1:0:0:1" should be in RFC 5952 canonical format ("2001:db8::1:0:0:1")']],
    ['::1.2.3.4', ['f: IPv6 address "::1.2.3.4" should be in RFC 5952 canonical format ("::102:304")']],
    // What ParseIPSloppy reads but netip.ParseAddr does not: leading zeros in an IPv4 tail, IPv6
    // groups of more than four digits. The advice is net.IP.String().
    ['::ffff:010.096.000.020', ['f: non-standard IP address "::ffff:010.096.000.020" will be considered invalid in a future Kubernetes release: use "10.96.0.20"']],
    ['::010.0.0.1', ['f: non-standard IP address "::010.0.0.1" will be considered invalid in a future Kubernetes release: use "::a00:1"']],
    ['::000000001:2', ['f: non-standard IP address "::000000001:2" will be considered invalid in a future Kubernetes release: use "::1:2"']],
    ['fe80::1%eth0', []],
  ];
  for (const [value, want] of cases) assert.deepEqual(ipWarnings('f', value), want, value);
});

test('CIDR values: bits after the prefix, leading zeros, IPv4-mapped and non-canonical IPv6 warn', () => {
  const cases: Array<[string, string[]]> = [
    ['10.0.0.0/8', []],
    ['0.0.0.0/0', []],
    ['2001:db8::/32', []],
    ['10.0.0.0', []],
    ['10.0.0.1/8', ['f: CIDR value "10.0.0.1/8" is ambiguous in this context (should be "10.0.0.0/8" or "10.0.0.1/32"?)']],
    ['010.0.0.0/8', ['f: non-standard CIDR value "010.0.0.0/8" will be considered invalid in a future Kubernetes release: use "10.0.0.0/8"']],
    ['10.0.0.0/08', ['f: non-standard CIDR value "10.0.0.0/08" will be considered invalid in a future Kubernetes release: use "10.0.0.0/8"']],
    ['010.0.0.1/8', [
      'f: CIDR value "010.0.0.1/8" is ambiguous in this context (should be "10.0.0.0/8" or "10.0.0.1/32"?)',
      'f: non-standard CIDR value "010.0.0.1/8" will be considered invalid in a future Kubernetes release: use "10.0.0.0/8"',
    ]],
    ['2001:db8::1/64', ['f: CIDR value "2001:db8::1/64" is ambiguous in this context (should be "2001:db8::/64" or "2001:db8::1/128"?)']],
    ['2001:DB8::/32', ['f: IPv6 CIDR value "2001:DB8::/32" should be in RFC 5952 canonical format ("2001:db8::/32")']],
    ['::ffff:1.2.3.0/120', ['f: non-standard CIDR value "::ffff:1.2.3.0/120" will be considered invalid in a future Kubernetes release: use "1.2.3.0/24"']],
    ['::ffff:a00:0/104', ['f: non-standard CIDR value "::ffff:a00:0/104" will be considered invalid in a future Kubernetes release: use "10.0.0.0/8"']],
  ];
  for (const [value, want] of cases) assert.deepEqual(cidrWarnings('f', value), want, value);
});

test('Service warnings, in upstream order, with their field paths', () => {
  assert.deepEqual(serviceWarnings(makeService({ type: 'ClusterIP', clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'] })), []);
  // Headless Services get no warnings of their own before 1.34.
  assert.deepEqual(serviceWarnings(makeService({ type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'], sessionAffinity: 'ClientIP' })), []);
  assert.deepEqual(serviceWarnings(makeService({
    type: 'LoadBalancer', clusterIP: '10.96.100.010', clusterIPs: ['10.96.100.010'], externalIPs: ['::ffff:1.2.3.4'], loadBalancerIP: '127.0.100.01',
    loadBalancerSourceRanges: ['10.0.0.1/8'], externalName: 'db.example.com',
  }, { 'service.kubernetes.io/topology-aware-hints': 'auto' })), [
    'annotation service.kubernetes.io/topology-aware-hints is deprecated, please use service.kubernetes.io/topology-mode instead',
    'spec.clusterIPs[0]: non-standard IP address "10.96.100.010" will be considered invalid in a future Kubernetes release: use "10.96.100.10"',
    'spec.externalIPs[0]: non-standard IP address "::ffff:1.2.3.4" will be considered invalid in a future Kubernetes release: use "1.2.3.4"',
    'spec.loadBalancerIP: non-standard IP address "127.0.100.01" will be considered invalid in a future Kubernetes release: use "127.0.100.1"',
    'spec.loadBalancerSourceRanges[0]: CIDR value "10.0.0.1/8" is ambiguous in this context (should be "10.0.0.0/8" or "10.0.0.1/32"?)',
    'spec.externalName is ignored when spec.type is not "ExternalName"',
  ]);
  assert.deepEqual(serviceWarnings(makeService({ type: 'ExternalName', externalName: 'db.example.com', externalIPs: ['192.0.2.1'] })), [
    'spec.externalIPs is ignored when spec.type is "ExternalName"',
  ]);
});
