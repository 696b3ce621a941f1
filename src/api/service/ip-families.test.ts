import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { initIPFamilyFields } from './ip-families.js';
import type { ServiceSpecView, ServiceView } from './service-view.js';

const V4 = ['IPv4'] as const;

function svc(spec: ServiceSpecView): ServiceView {
  return { metadata: { name: 'svc1' }, spec: { type: 'ClusterIP', ports: [{ port: 80 }], ...spec } };
}

function run(next: ServiceView, prev?: ServiceView): string[] {
  return initIPFamilyFields(next, { prev, configured: V4 }).map((e) => `${e.field}: ${e.detail}`);
}

describe('initIPFamilyFields on a single-stack IPv4 cluster', () => {
  test('defaults to SingleStack IPv4', () => {
    const s = svc({ selector: { app: 'x' } });
    assert.deepEqual(run(s), []);
    assert.equal(s.spec.ipFamilyPolicy, 'SingleStack');
    assert.deepEqual(s.spec.ipFamilies, ['IPv4']);
  });

  test('headless with a selector is SingleStack IPv4', () => {
    const s = svc({ clusterIP: 'None', clusterIPs: ['None'], selector: { app: 'x' } });
    assert.deepEqual(run(s), []);
    assert.equal(s.spec.ipFamilyPolicy, 'SingleStack');
    assert.deepEqual(s.spec.ipFamilies, ['IPv4']);
  });

  test('headless without a selector is RequireDualStack with both families, even here', () => {
    const s = svc({ clusterIP: 'None', clusterIPs: ['None'] });
    assert.deepEqual(run(s), []);
    assert.equal(s.spec.ipFamilyPolicy, 'RequireDualStack');
    assert.deepEqual(s.spec.ipFamilies, ['IPv4', 'IPv6']);
  });

  test('PreferDualStack stays single here', () => {
    const s = svc({ ipFamilyPolicy: 'PreferDualStack' });
    assert.deepEqual(run(s), []);
    assert.deepEqual(s.spec.ipFamilies, ['IPv4']);
  });

  test('RequireDualStack is refused', () => {
    assert.deepEqual(run(svc({ ipFamilyPolicy: 'RequireDualStack' })), [
      'spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not configured for dual-stack services',
    ]);
  });

  test('an IPv6 family is refused', () => {
    assert.deepEqual(run(svc({ ipFamilies: ['IPv6'] })), ['spec.ipFamilies[0]: Invalid value: "IPv6": not configured on this cluster']);
  });

  test('an IPv6 address is refused with the address list', () => {
    assert.deepEqual(run(svc({ clusterIP: 'fd00::5', clusterIPs: ['fd00::5'] })), [
      'spec.clusterIPs[0]: Invalid value: []string{"fd00::5"}: IPv6 is not configured on this cluster',
    ]);
  });

  test('SingleStack with two addresses or families', () => {
    assert.deepEqual(run(svc({ clusterIP: '10.96.0.5', clusterIPs: ['10.96.0.5', 'fd00::5'], ipFamilyPolicy: 'SingleStack' })), [
      'spec.ipFamilyPolicy: Invalid value: "SingleStack": must be \'RequireDualStack\' or \'PreferDualStack\' when multiple cluster IPs are specified',
      'spec.clusterIPs[1]: Invalid value: []string{"10.96.0.5", "fd00::5"}: IPv6 is not configured on this cluster',
    ]);
  });

  test('bad addresses are reported first, on their own', () => {
    assert.deepEqual(run(svc({ clusterIP: 'x', clusterIPs: ['x'], ipFamilies: ['IPv6'] })), [
      'spec.clusterIPs[0]: Invalid value: "x": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
    ]);
  });

  test('an update keeps the stored policy', () => {
    const prev = svc({ clusterIP: '10.96.0.5', clusterIPs: ['10.96.0.5'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'PreferDualStack' });
    const next = svc({ clusterIP: '10.96.0.5', clusterIPs: ['10.96.0.5'] });
    assert.deepEqual(run(next, prev), []);
    assert.equal(next.spec.ipFamilyPolicy, 'PreferDualStack');
  });

  test('ExternalName is left alone', () => {
    const s: ServiceView = { metadata: {}, spec: { type: 'ExternalName', externalName: 'a.b' } };
    assert.deepEqual(run(s), []);
    assert.equal(s.spec.ipFamilies, undefined);
  });
});
