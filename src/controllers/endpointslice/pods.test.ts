import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makePod, makeService } from './fixtures.js';
import { IndexedCache } from '../../client/cache.js';
import { findPort, managesEndpoints, podIPs, servicesForPodUpdate, shouldPodBeInEndpoints, shouldSetHostname } from './pods.js';
import { SERVICE_SELECTOR_INDEX, serviceSelectorIndex, servicesFromIndex } from './selection.js';
import type { PodView } from './types.js';

describe('findPort', () => {
  const pod = makePod('default', 'p', { ports: [{ name: 'http', containerPort: 8080 }, { name: 'dns', containerPort: 5353, protocol: 'UDP' }] }, (p) => {
    p.spec!.initContainers = [
      { name: 'once', ports: [{ name: 'metrics', containerPort: 9000 }] },
      { name: 'sidecar', restartPolicy: 'Always', ports: [{ name: 'admin', containerPort: 9901 }] },
    ];
  });
  it('uses numbers as they are and looks names up with the protocol', () => {
    assert.equal(findPort(pod, { port: 80, targetPort: 81 }), 81);
    assert.equal(findPort(pod, { port: 80 }), 80);
    assert.equal(findPort(pod, { port: 80, targetPort: 'http' }), 8080);
    assert.equal(findPort(pod, { port: 53, targetPort: 'dns' }), undefined);
    assert.equal(findPort(pod, { port: 53, protocol: 'UDP', targetPort: 'dns' }), 5353);
  });
  it('finds ports of sidecars but not of plain init containers', () => {
    assert.equal(findPort(pod, { port: 1, targetPort: 'admin' }), 9901);
    assert.equal(findPort(pod, { port: 1, targetPort: 'metrics' }), undefined);
  });
});

describe('pods in endpoints', () => {
  it('needs an IP and a phase that is not terminal; terminating only when asked', () => {
    assert.equal(shouldPodBeInEndpoints(makePod('d', 'a'), false), true);
    assert.equal(shouldPodBeInEndpoints(makePod('d', 'a', { ip: null }), true), false);
    assert.equal(shouldPodBeInEndpoints(makePod('d', 'a', { phase: 'Failed' }), true), false);
    assert.equal(shouldPodBeInEndpoints(makePod('d', 'a', { terminating: true }), false), false);
    assert.equal(shouldPodBeInEndpoints(makePod('d', 'a', { terminating: true }), true), true);
  });
  it('reads podIPs, or podIP alone', () => {
    assert.deepEqual(podIPs(makePod('d', 'a', {}, (p) => (p.status!.podIPs = null))), ['10.244.0.5']);
    assert.deepEqual(podIPs(makePod('d', 'a', { ip: null })), []);
  });
  it('sets hostnames only inside the Service subdomain and namespace', () => {
    const svc = makeService('d', 'web');
    const pod = (edit: (p: PodView) => void) => makePod('d', 'a', {}, edit);
    assert.equal(shouldSetHostname(pod((p) => Object.assign(p.spec!, { hostname: 'h', subdomain: 'web' })), svc), true);
    assert.equal(shouldSetHostname(pod((p) => Object.assign(p.spec!, { hostname: '', subdomain: 'web' })), svc), false);
    assert.equal(shouldSetHostname(pod((p) => Object.assign(p.spec!, { hostname: 'h', subdomain: 'db' })), svc), false);
    assert.equal(shouldSetHostname(makePod('e', 'a', {}, (p) => Object.assign(p.spec!, { hostname: 'h', subdomain: 'web' })), svc), false);
  });
  it('manages Services with a selector, except ExternalName ones', () => {
    assert.equal(managesEndpoints(makeService('d', 'web')), true);
    assert.equal(managesEndpoints(makeService('d', 'web', (s) => (s.spec.selector = undefined))), false);
    assert.equal(managesEndpoints(makeService('d', 'web', (s) => (s.spec.type = 'ExternalName'))), false);
  });
});

describe('servicesForPodUpdate', () => {
  const services = [makeService('d', 'web'), makeService('d', 'api', (s) => (s.spec.selector = { tier: 'api' })), makeService('e', 'web')];
  const cache = new IndexedCache<(typeof services)[number]>({ [SERVICE_SELECTOR_INDEX]: serviceSelectorIndex });
  for (const s of services) cache.upsert(s);
  const servicesFor = servicesFromIndex(cache);
  const base = makePod('d', 'a', { app: 'web' });
  const next = (edit: (p: PodView) => void) => {
    const p = makePod('d', 'a', { app: 'web' }, edit);
    p.metadata.resourceVersion = '2';
    return p;
  };
  it('ignores resyncs and changes endpoints do not show', () => {
    assert.deepEqual([...servicesForPodUpdate(servicesFor, base, base)], []);
    assert.deepEqual([...servicesForPodUpdate(servicesFor, base, next((p) => (p.metadata.annotations = { x: 'y' })))], []);
  });
  it('readiness or IP changes concern the selecting Services', () => {
    assert.deepEqual([...servicesForPodUpdate(servicesFor, base, next((p) => (p.status!.conditions![0].status = 'False')))], ['d/web']);
    assert.deepEqual([...servicesForPodUpdate(servicesFor, base, next((p) => (p.status!.podIPs = [{ ip: '10.244.0.9' }])))], ['d/web']);
  });
  it('label changes concern the Services gained or lost, or all of them if the pod changed too', () => {
    assert.deepEqual([...servicesForPodUpdate(servicesFor, base, next((p) => (p.metadata.labels = { app: 'web', tier: 'api' })))], ['d/api']);
    assert.deepEqual([...servicesForPodUpdate(servicesFor, base, next((p) => (p.metadata.labels = { tier: 'api' })))].sort(), ['d/api', 'd/web']);
    assert.deepEqual(
      [...servicesForPodUpdate(servicesFor, base, next((p) => {
        p.metadata.labels = { app: 'web', tier: 'api' };
        p.status!.conditions![0].status = 'False';
      }))].sort(),
      ['d/api', 'd/web'],
    );
  });
});
