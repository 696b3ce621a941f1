import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matches, selectorFromSet } from '../../api/selectors/index.js';
import { IndexedCache } from '../../client/cache.js';
import { makePod, makeService } from './fixtures.js';
import { servicesSelecting } from './pods.js';
import { POD_LABEL_INDEX, podLabelIndex, podsSelectedBy, SERVICE_SELECTOR_INDEX, serviceSelectorIndex, selectsLabels, servicesFromIndex } from './selection.js';
import type { PodView, ServiceView } from './types.js';

function withLabels(ns: string, name: string, labels: Record<string, string>): PodView {
  return makePod(ns, name, {}, (p) => (p.metadata.labels = { ...labels }));
}

// A small deterministic mix: overlapping selectors, two namespaces, pods with and without labels.
function world(): { services: ServiceView[]; pods: PodView[] } {
  const services: ServiceView[] = [];
  const pods: PodView[] = [];
  const selectors: Array<Record<string, string> | undefined> = [
    { app: 'a' },
    { app: 'a', tier: 'db' },
    { tier: 'db' },
    { app: 'b', tier: 'web', 'example.com/x': '' },
    { app: 'c' },
    undefined,
    {},
  ];
  for (const ns of ['d', 'e']) {
    selectors.forEach((sel, i) => services.push(makeService(ns, `s${i}`, (s) => (s.spec.selector = sel))));
  }
  const labelSets: Array<Record<string, string>> = [
    {},
    { app: 'a' },
    { app: 'a', tier: 'db' },
    { app: 'a', tier: 'web' },
    { tier: 'db', other: '1' },
    { app: 'b', tier: 'web', 'example.com/x': '' },
    { app: 'b', tier: 'web' },
  ];
  for (const ns of ['d', 'e']) {
    labelSets.forEach((labels, i) => pods.push(withLabels(ns, `p${i}`, labels)));
  }
  return { services, pods };
}

describe('selection indexes', () => {
  const { services, pods } = world();
  const podCache = new IndexedCache<PodView>({ [POD_LABEL_INDEX]: podLabelIndex });
  const svcCache = new IndexedCache<ServiceView>({ [SERVICE_SELECTOR_INDEX]: serviceSelectorIndex });
  for (const p of pods) podCache.upsert(p);
  for (const s of services) svcCache.upsert(s);

  it('finds the pods a Service selects as a namespace scan with the selector does', () => {
    for (const svc of services) {
      const expected = Object.keys(svc.spec?.selector ?? {}).length === 0
        ? []
        : pods.filter((p) => p.metadata.namespace === svc.metadata.namespace && matches(selectorFromSet(svc.spec!.selector), p.metadata.labels ?? {}));
      const got = podsSelectedBy(podCache, svc);
      assert.deepEqual(got.map((p) => p.metadata.name).sort(), expected.map((p) => p.metadata.name).sort(), `${svc.metadata.namespace}/${svc.metadata.name}`);
    }
  });

  it('finds the Services selecting a pod as a scan of every Service does', () => {
    const servicesFor = servicesFromIndex(svcCache);
    for (const pod of pods) {
      const ns = pod.metadata.namespace ?? '';
      assert.deepEqual([...servicesFor(ns, pod.metadata.labels)].sort(), [...servicesSelecting(services, ns, pod.metadata.labels)].sort(), `${ns}/${pod.metadata.name}`);
    }
    assert.deepEqual([...servicesFor('d', { app: 'a', tier: 'db' })].sort(), ['d/s0', 'd/s1', 'd/s2']);
  });

  it('follows label and selector changes', () => {
    const moved = withLabels('d', 'p1', { app: 'c' });
    podCache.upsert(moved);
    assert.deepEqual(podsSelectedBy(podCache, services[4]).map((p) => p.metadata.name), ['p1']);
    assert.deepEqual(podsSelectedBy(podCache, services[0]).map((p) => p.metadata.name).sort(), ['p2', 'p3']);
    svcCache.upsert(makeService('d', 's4', (s) => (s.spec.selector = { app: 'a' })));
    assert.deepEqual([...servicesFromIndex(svcCache)('d', { app: 'c' })], []);
    assert.deepEqual([...servicesFromIndex(svcCache)('d', { app: 'a' })].sort(), ['d/s0', 'd/s4']);
  });

  it('matches set selectors as labels.SelectorFromSet does', () => {
    assert.equal(selectsLabels({ a: '' }, {}), false);
    assert.equal(selectsLabels({ a: '' }, { a: '' }), true);
    assert.equal(selectsLabels({ a: '1', b: '2' }, { a: '1', b: '2', c: '3' }), true);
    assert.equal(selectsLabels({ a: '1', b: '2' }, { a: '1' }), false);
    assert.equal(selectsLabels({ toString: 'x' }, {}), false);
  });
});
