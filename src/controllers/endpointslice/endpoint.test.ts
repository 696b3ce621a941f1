import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addressTypesForService, canonicalIP, endpointKey, endpointsEqualBeyondKey, portMapKey } from './endpoint.js';
import { makeService } from './fixtures.js';

describe('endpoint helpers', () => {
  it('canonicalises IPs as Go does', () => {
    assert.deepEqual(canonicalIP('010.244.000.001'), { ip: '10.244.0.1', family: 'IPv4' });
    assert.deepEqual(canonicalIP('FD00:0:0::0001'), { ip: 'fd00::1', family: 'IPv6' });
    assert.deepEqual(canonicalIP('::ffff:10.0.0.1'), { ip: '10.0.0.1', family: 'IPv4' });
    assert.equal(canonicalIP('300.1.1.1'), undefined);
    assert.equal(canonicalIP('example.com'), undefined);
  });

  it('address types come from ipFamilies, else the cluster IP, else both', () => {
    assert.deepEqual(addressTypesForService(makeService('d', 'a')), ['IPv4']);
    assert.deepEqual(addressTypesForService(makeService('d', 'a', (s) => (s.spec.ipFamilies = ['IPv6', 'IPv4']))), ['IPv4', 'IPv6']);
    assert.deepEqual(addressTypesForService(makeService('d', 'a', (s) => ((s.spec.ipFamilies = []), (s.spec.clusterIP = 'fd00::10')))), ['IPv6']);
    assert.deepEqual(addressTypesForService(makeService('d', 'a', (s) => ((s.spec.ipFamilies = []), (s.spec.clusterIP = 'None')))), ['IPv4', 'IPv6']);
  });

  it('port maps ignore order; endpoint keys ignore conditions', () => {
    const a = { name: 'a', protocol: 'TCP', port: 1 };
    const b = { name: 'b', protocol: 'UDP', port: 2 };
    assert.equal(portMapKey([a, b]), portMapKey([b, a]));
    assert.notEqual(portMapKey([a]), portMapKey([{ ...a, port: 3 }]));
    assert.equal(portMapKey(null), portMapKey([]));
    const e = { addresses: ['10.0.0.1'], conditions: { ready: true }, targetRef: { kind: 'Pod', namespace: 'd', name: 'p', uid: 'u' } };
    const f = { ...e, conditions: { ready: false } };
    assert.equal(endpointKey(e), endpointKey(f));
    assert.equal(endpointsEqualBeyondKey(e, f), false);
    assert.equal(endpointsEqualBeyondKey(e, { ...e, targetRef: { ...e.targetRef, resourceVersion: '7' } }), true);
    assert.equal(endpointsEqualBeyondKey(e, { ...e, zone: 'z' }), false);
  });
});
