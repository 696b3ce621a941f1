import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { desiredFromObjects } from './feed.js';
import { makeState } from './testing.js';

const NODE = makeState([]).node;

function slice(name: string, svc: string, endpoints: Array<{ ip: string; ready?: boolean; serving?: boolean; terminating?: boolean; node?: string }>, ports = [{ name: 'http', protocol: 'TCP', port: 8080 }]) {
  return {
    metadata: { namespace: 'default', name, labels: { 'kubernetes.io/service-name': svc } },
    addressType: 'IPv4',
    ports,
    endpoints: endpoints.map((e) => ({ addresses: [e.ip], conditions: { ready: e.ready ?? true, serving: e.serving ?? e.ready ?? true, terminating: e.terminating ?? false }, nodeName: e.node ?? 'kubito-node' })),
  };
}

const web = {
  metadata: { namespace: 'default', name: 'web' },
  spec: { type: 'NodePort', clusterIP: '10.96.1.1', ports: [{ name: 'http', protocol: 'TCP', port: 80, nodePort: 30080 }], sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } },
};

describe('desiredFromObjects (temporary feed)', () => {
  test('endpoints by port name, sorted; ready first, affinity carried', () => {
    const state = desiredFromObjects([web], [slice('web-1', 'web', [{ ip: '10.244.0.3' }, { ip: '10.244.0.2' }, { ip: '10.244.0.4', ready: false, serving: false }])], NODE);
    assert.equal(state.servicePorts.length, 1);
    const sp = state.servicePorts[0];
    assert.equal(sp.servicePortName, 'default/web:http');
    assert.equal(sp.nodePort, 30080);
    assert.equal(sp.stickyMaxAgeSeconds, 60);
    assert.deepEqual(sp.endpoints.map((e) => e.ip), ['10.244.0.2', '10.244.0.3', '10.244.0.4']);
    assert.deepEqual(sp.clusterEndpoints.map((e) => `${e.ip}:${e.port}`), ['10.244.0.2:8080', '10.244.0.3:8080']);
  });

  test('no ready endpoint: the serving and terminating ones', () => {
    const state = desiredFromObjects([web], [slice('web-1', 'web', [{ ip: '10.244.0.2', ready: false, serving: true, terminating: true }, { ip: '10.244.0.3', ready: false, serving: false, terminating: true }])], NODE);
    assert.deepEqual(state.servicePorts[0].clusterEndpoints.map((e) => e.ip), ['10.244.0.2']);
  });

  test('externalTrafficPolicy Local uses local endpoints only for external traffic', () => {
    const local = { ...web, spec: { ...web.spec, externalTrafficPolicy: 'Local' } };
    const state = desiredFromObjects([local], [slice('web-1', 'web', [{ ip: '10.244.0.2', node: 'other' }, { ip: '10.244.0.3' }])], NODE);
    assert.deepEqual(state.servicePorts[0].externalEndpoints.map((e) => e.ip), ['10.244.0.3']);
    assert.deepEqual(state.servicePorts[0].clusterEndpoints.map((e) => e.ip), ['10.244.0.2', '10.244.0.3']);
  });

  test('headless and ExternalName Services are not proxied', () => {
    const headless = { metadata: { namespace: 'default', name: 'h' }, spec: { clusterIP: 'None', ports: [{ port: 80 }] } };
    const ext = { metadata: { namespace: 'default', name: 'x' }, spec: { type: 'ExternalName' } };
    assert.deepEqual(desiredFromObjects([headless, ext], [], NODE).servicePorts, []);
  });
});
