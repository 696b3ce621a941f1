import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KUBERNETES_ENDPOINT_ADDRESS, kubernetesEndpointSlice, kubernetesEndpoints } from './kubernetes.js';

describe('default/kubernetes endpoints', () => {
  it('Endpoints: one subset with the API address and port https, not mirrored', () => {
    assert.deepEqual(kubernetesEndpoints(KUBERNETES_ENDPOINT_ADDRESS, 6443), {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
      subsets: [{ addresses: [{ ip: '10.244.0.1' }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] }],
    });
  });
  it('EndpointSlice: named kubernetes, one ready endpoint, no managed-by label', () => {
    assert.deepEqual(kubernetesEndpointSlice('10.244.0.1', 6443), {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'kubernetes', namespace: 'default', labels: { 'kubernetes.io/service-name': 'kubernetes' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['10.244.0.1'], conditions: { ready: true } }],
      ports: [{ name: 'https', protocol: 'TCP', port: 6443 }],
    });
    assert.equal(kubernetesEndpointSlice('fd00::1', 6443).addressType, 'IPv6');
  });
});
