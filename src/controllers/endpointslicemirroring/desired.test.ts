import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deepCopy } from '../../api/types.js';
import type { Endpoints } from '../endpoints/types.js';
import { deepFreeze } from '../endpointslice/fixtures.js';
import type { EndpointSlice } from '../endpointslice/types.js';
import { mirrorSlices, type MirrorChanges, type MirrorOptions } from './desired.js';
import { address, makeEndpoints } from './fixtures.js';
import { shouldMirror } from './slice.js';

let counter = 0;
/** What the API server would hold after the changes: names given, uids and versions set. */
function apply(existing: EndpointSlice[], changes: MirrorChanges): EndpointSlice[] {
  const gone = new Set(changes.delete.map((s) => s.metadata.name));
  const updated = new Map(changes.update.map((s) => [s.metadata.name, s]));
  const out = existing
    .filter((s) => !gone.has(s.metadata.name))
    .map((s) => {
      const next = updated.get(s.metadata.name);
      return next ? { ...deepCopy(next), metadata: { ...deepCopy(next.metadata), uid: s.metadata.uid } } : deepCopy(s);
    });
  for (const s of changes.create) {
    const c = deepCopy(s);
    c.metadata.name = `${c.metadata.generateName}${String(++counter).padStart(5, 'a')}`;
    delete c.metadata.generateName;
    c.metadata.uid = `uid-slice-${counter}`;
    out.push(c);
  }
  for (const s of out) s.metadata.resourceVersion = String(++counter);
  return out;
}

/** Runs the reconciler on frozen inputs (it must leave the informer cache alone). */
function mirror(endpoints: Endpoints, existing: EndpointSlice[] = [], options: MirrorOptions = {}): MirrorChanges {
  return mirrorSlices(deepFreeze(deepCopy(endpoints)), deepFreeze(deepCopy(existing)), options);
}

function converge(endpoints: Endpoints, existing: EndpointSlice[] = [], options: MirrorOptions = {}): EndpointSlice[] {
  return apply(existing, mirror(endpoints, existing, options));
}

/**
 * Slices as text: `name|generateName addressType ports`, then one line per endpoint
 * (`address [host=] [node=] [ref=kind/name] ready`).
 */
function render(slices: readonly EndpointSlice[]): string {
  const lines: string[] = [];
  for (const s of slices) {
    const ports = (s.ports ?? []).map((p) => `${p.name || '-'}:${p.protocol}:${p.port}${p.appProtocol ? `:${p.appProtocol}` : ''}`).join(',') || '<none>';
    lines.push(`${s.metadata.name ?? s.metadata.generateName} ${s.addressType} ${ports}`);
    for (const e of s.endpoints ?? []) {
      const extra = [e.hostname ? `host=${e.hostname}` : '', e.nodeName ? `node=${e.nodeName}` : '', e.targetRef ? `ref=${e.targetRef.kind}/${e.targetRef.name}` : ''].filter(Boolean);
      lines.push(`  ${[e.addresses.join(','), ...extra, e.conditions?.ready ? 'ready' : 'not-ready'].join(' ')}`);
    }
  }
  return lines.join('\n');
}

function counts(changes: MirrorChanges): string {
  return `create=${changes.create.length} update=${changes.update.length} delete=${changes.delete.length}`;
}

describe('mirrorSlices', () => {
  it('one subset: one slice, the whole object (labels and annotations copied, owned by the Endpoints)', () => {
    const ep = makeEndpoints('default', 'db', (e) => {
      e.metadata.labels = { app: 'db', 'kubernetes.io/service-name': 'other', 'endpointslice.kubernetes.io/managed-by': 'someone' };
      e.metadata.annotations = {
        team: 'storage',
        'endpoints.kubernetes.io/last-change-trigger-time': '2024-05-01T10:00:00Z',
        'kubectl.kubernetes.io/last-applied-configuration': '{}',
      };
      e.subsets[0].addresses = [
        address('10.244.0.6', { hostname: 'db-0', nodeName: 'node-1', targetRef: { kind: 'Pod', namespace: 'default', name: 'db-0', uid: 'uid-pod-db-0' } }),
        address('10.244.0.7'),
      ];
      e.subsets[0].ports = [{ name: 'pg', port: 5432, protocol: 'TCP', appProtocol: 'postgresql' }];
    });
    const changes = mirror(ep);
    assert.deepEqual(changes.update, []);
    assert.deepEqual(changes.delete, []);
    assert.deepEqual(changes.events, []);
    assert.deepEqual(changes.create, [
      {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: {
          generateName: 'db-',
          namespace: 'default',
          labels: { app: 'db', 'kubernetes.io/service-name': 'db', 'endpointslice.kubernetes.io/managed-by': 'endpointslicemirroring-controller.k8s.io' },
          annotations: { team: 'storage' },
          ownerReferences: [{ apiVersion: 'v1', kind: 'Endpoints', name: 'db', uid: 'uid-ep-db', controller: true, blockOwnerDeletion: true }],
        },
        addressType: 'IPv4',
        endpoints: [
          {
            addresses: ['10.244.0.6'],
            conditions: { ready: true },
            hostname: 'db-0',
            targetRef: { kind: 'Pod', namespace: 'default', name: 'db-0', uid: 'uid-pod-db-0' },
            nodeName: 'node-1',
          },
          { addresses: ['10.244.0.7'], conditions: { ready: true } },
          { addresses: ['10.244.0.8'], conditions: { ready: false } },
        ],
        ports: [{ name: 'pg', port: 5432, protocol: 'TCP', appProtocol: 'postgresql' }],
      },
    ]);
  });

  it('addresses are parsed and printed again; IPv6 ones get their own slice; invalid ones are skipped with an event', () => {
    const ep = makeEndpoints('default', 'db', (e) => {
      e.subsets[0].addresses = [address('010.244.000.009'), address('2001:DB8:0:0::1'), address('::ffff:10.244.0.10'), address('db.example.com')];
      e.subsets[0].notReadyAddresses = [address('300.1.1.1')];
      e.subsets[0].ports = [{ port: 5432 }];
    });
    const changes = mirror(ep);
    assert.equal(
      render(changes.create),
      [
        // An unnamed port without protocol: name "" and TCP, as upstream's defaulting stores it.
        // In the repacked order (the addresses as written, sorted).
        'db- IPv4 -:TCP:5432',
        '  10.244.0.9 ready',
        '  10.244.0.10 ready',
        'db- IPv6 -:TCP:5432',
        '  2001:db8::1 ready',
      ].join('\n'),
    );
    assert.deepEqual(changes.events, [{ reason: 'InvalidIPAddress', message: 'Skipped 2 invalid IP addresses when mirroring to EndpointSlices' }]);
  });

  it('one slice per subset (ports); subsets reaching the same addresses are merged first (RepackSubsets)', () => {
    const ep = makeEndpoints('default', 'db', (e) => {
      e.subsets = [
        { addresses: [address('10.244.0.6')], ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }] },
        { addresses: [address('10.244.0.6')], ports: [{ name: 'metrics', port: 9187, protocol: 'TCP' }] },
        { addresses: [address('10.244.0.7')], notReadyAddresses: [address('10.244.0.6')], ports: [{ name: 'repl', port: 5433, protocol: 'TCP' }] },
      ];
    });
    assert.equal(
      render(mirror(ep).create),
      ['db- IPv4 metrics:TCP:9187,pg:TCP:5432', '  10.244.0.6 ready', 'db- IPv4 repl:TCP:5433', '  10.244.0.7 ready', '  10.244.0.6 not-ready'].join('\n'),
    );
  });

  it('at most maxEndpointsPerSubset addresses per subset, ready ones first, and an event', () => {
    const ep = makeEndpoints('default', 'db', (e) => {
      e.subsets[0].addresses = [address('10.244.0.6'), address('10.244.0.7'), address('bad')];
      e.subsets[0].notReadyAddresses = [address('10.244.0.8'), address('10.244.0.9')];
    });
    const changes = mirror(ep, [], { maxEndpointsPerSubset: 3 });
    assert.equal(render(changes.create), ['db- IPv4 pg:TCP:5432', '  10.244.0.6 ready', '  10.244.0.7 ready', '  10.244.0.8 not-ready'].join('\n'));
    assert.deepEqual(changes.events, [
      { reason: 'InvalidIPAddress', message: 'Skipped 1 invalid IP addresses when mirroring to EndpointSlices' },
      // The count includes the invalid address, as upstream's does.
      { reason: 'TooManyAddressesToMirror', message: 'A max of 3 addresses can be mirrored to EndpointSlices per Endpoints subset. 2 addresses were skipped' },
    ]);
    const thousand = makeEndpoints('default', 'big', (e) => {
      e.subsets = [{ addresses: Array.from({ length: 1001 }, (_, i) => address(`10.244.${Math.floor(i / 250)}.${(i % 250) + 2}`)), ports: [{ port: 80, protocol: 'TCP' }] }];
    });
    const big = mirror(thousand);
    assert.deepEqual(big.create.map((s) => s.endpoints!.length), [1000]);
    assert.deepEqual(big.events.map((e) => e.message), ['A max of 1000 addresses can be mirrored to EndpointSlices per Endpoints subset. 1 addresses were skipped']);
  });

  it('a mirrored slice that matches is left alone; the trigger time and last-applied annotations do not count', () => {
    const ep = makeEndpoints('default', 'db', (e) => (e.metadata.labels = { app: 'db' }));
    const stored = converge(ep);
    assert.equal(counts(mirror(ep, stored)), 'create=0 update=0 delete=0');
    const touched = makeEndpoints('default', 'db', (e) => {
      e.metadata.labels = { app: 'db' };
      e.metadata.annotations = { 'endpoints.kubernetes.io/last-change-trigger-time': '2024-05-01T10:00:09Z', 'kubectl.kubernetes.io/last-applied-configuration': '{"x":1}' };
      // The same addresses in another order.
      e.subsets[0].addresses = [address('10.244.0.7'), address('10.244.0.6')];
    });
    assert.equal(counts(mirror(touched, stored)), 'create=0 update=0 delete=0');
  });

  it('a change of addresses, readiness, labels or annotations rewrites the slice in place', () => {
    const ep = makeEndpoints('default', 'db');
    const stored = converge(ep);
    const name = stored[0].metadata.name;
    const cases: Array<[string, (e: Endpoints & { subsets: NonNullable<Endpoints['subsets']> }) => void, string]> = [
      ['address added', (e) => e.subsets[0].addresses!.push(address('10.244.0.9')), '  10.244.0.9 ready'],
      ['address gone', (e) => e.subsets[0].addresses!.pop(), '  10.244.0.6 ready\n  10.244.0.8 not-ready'],
      ['now ready', (e) => (e.subsets[0].addresses!.push(address('10.244.0.8')), delete e.subsets[0].notReadyAddresses), '  10.244.0.8 ready'],
      ['node name', (e) => (e.subsets[0].addresses![0].nodeName = 'node-2'), '  10.244.0.6 node=node-2 ready'],
      ['label', (e) => (e.metadata.labels = { tier: 'data' }), ''],
      ['annotation', (e) => (e.metadata.annotations = { team: 'storage' }), ''],
    ];
    for (const [what, edit, line] of cases) {
      const changes = mirror(makeEndpoints('default', 'db', edit), stored);
      assert.equal(counts(changes), 'create=0 update=1 delete=0', what);
      assert.equal(changes.update[0].metadata.name, name, what);
      assert.equal(changes.update[0].metadata.generateName, undefined, what);
      assert.ok(render(changes.update).includes(line), `${what}: ${render(changes.update)}`);
    }
    const relabelled = mirror(makeEndpoints('default', 'db', (e) => (e.metadata.labels = { tier: 'data' })), stored).update[0];
    assert.deepEqual(relabelled.metadata.labels, { tier: 'data', 'kubernetes.io/service-name': 'db', 'endpointslice.kubernetes.io/managed-by': 'endpointslicemirroring-controller.k8s.io' });
  });

  it('new ports: the old slice is recycled (updated under its name) rather than deleted and created', () => {
    const stored = converge(makeEndpoints('default', 'db'));
    const changes = mirror(makeEndpoints('default', 'db', (e) => (e.subsets[0].ports = [{ name: 'pg', port: 6432, protocol: 'TCP' }])), stored);
    assert.equal(counts(changes), 'create=0 update=1 delete=0');
    assert.equal(render(changes.update), [`${stored[0].metadata.name} IPv4 pg:TCP:6432`, '  10.244.0.6 ready', '  10.244.0.7 ready', '  10.244.0.8 not-ready'].join('\n'));
    assert.equal(changes.update[0].metadata.generateName, undefined);
  });

  it('no addresses: no slice at all (no placeholder), existing ones deleted', () => {
    assert.equal(counts(mirror(makeEndpoints('default', 'db', (e) => (e.subsets = [])))), 'create=0 update=0 delete=0');
    assert.equal(counts(mirror(makeEndpoints('default', 'db', (e) => (e.subsets = [{ ports: [{ port: 80, protocol: 'TCP' }] }])))), 'create=0 update=0 delete=0');
    const stored = converge(makeEndpoints('default', 'db'));
    const changes = mirror(makeEndpoints('default', 'db', (e) => ((e as Endpoints).subsets = null)), stored);
    assert.deepEqual(changes.delete.map((s) => s.metadata.name), [stored[0].metadata.name]);
    assert.equal(counts(changes), 'create=0 update=0 delete=1');
  });

  it('several slices of one group: the first by name is kept, the others deleted', () => {
    const ep = makeEndpoints('default', 'db');
    const [slice] = converge(ep);
    const copy = (name: string) => ({ ...deepCopy(slice), metadata: { ...deepCopy(slice.metadata), name, uid: `uid-${name}` } });
    const changes = mirror(ep, [copy('db-zzzzz'), copy('db-aaaaa'), copy('db-mmmmm')]);
    assert.equal(counts(changes), 'create=0 update=0 delete=2');
    assert.deepEqual(changes.delete.map((s) => s.metadata.name), ['db-mmmmm', 'db-zzzzz']);
  });

  it('an Endpoints being deleted gets no new slices (updates and deletes still go)', () => {
    const deleting = makeEndpoints('default', 'db', (e) => (e.metadata.deletionTimestamp = '2024-05-01T10:01:00Z'));
    assert.equal(counts(mirror(deleting)), 'create=0 update=0 delete=0');
  });

  it('which Endpoints are mirrored: not skip-mirror, not a leader-election record', () => {
    assert.equal(shouldMirror(makeEndpoints('default', 'db')), true);
    assert.equal(shouldMirror(makeEndpoints('default', 'db', (e) => (e.metadata.labels = { 'endpointslice.kubernetes.io/skip-mirror': 'true' }))), false);
    assert.equal(shouldMirror(makeEndpoints('default', 'db', (e) => (e.metadata.labels = { 'endpointslice.kubernetes.io/skip-mirror': 'false' }))), true);
    assert.equal(shouldMirror(makeEndpoints('kube-system', 'old-lock', (e) => (e.metadata.annotations = { 'control-plane.alpha.kubernetes.io/leader': '{}' }))), false);
    assert.equal(shouldMirror(undefined), false);
  });
});
