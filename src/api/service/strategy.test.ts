import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../errors.js';
import { RESOURCES } from '../resources.js';
import type { KubeObject } from '../types.js';
import { validateMetadata } from '../../apiserver/registry/meta-validation.js';
import { RestStorage } from '../../apiserver/registry/rest-storage.js';
import { openMemoryStore } from '../../storage/memory/memory-store.js';
import { ServiceAllocators, formatIPv4, parseIPv4 } from './allocators.js';
import type { ServiceSpecView } from './service-view.js';
import { repairAllocations, serviceStrategy, type ServiceStrategy } from './strategy.js';

const IP17 = parseIPv4('10.0.0.17')!;
const SERVICES = RESOURCES.find((r) => r.group === '' && r.resource === 'services')!;
const NS = 'default';

interface Fixture {
  alloc: ServiceAllocators;
  strategy: ServiceStrategy;
  storage: RestStorage;
}

/** A registry for Services on a /24 (static band .1-.16) and ports 30000-30099 (static 30000-30015). */
async function fixture(): Promise<Fixture> {
  const alloc = new ServiceAllocators({ serviceCIDR: '10.0.0.0/24', nodePortRange: { first: 30000, last: 30099 }, random: () => 0 });
  const strategy = serviceStrategy(alloc);
  const storage = new RestStorage(SERVICES, await openMemoryStore(), { strategy, validateMeta: validateMetadata });
  return { alloc, strategy, storage };
}

function makeService(name: string, spec: ServiceSpecView): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { ports: [{ port: 80 }], ...spec } };
}

function spec(obj: KubeObject): ServiceSpecView {
  return obj.spec as ServiceSpecView;
}

async function failure(p: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof StatusError, String(err));
    return { code: err.code, message: err.status.message ?? '' };
  }
  assert.fail('expected the write to fail');
}

/** Sets a label: a write that changes nothing the allocator cares about. */
function touch(f: Fixture, name: string, value: string): Promise<KubeObject> {
  return f.storage.guaranteedUpdate(NS, name, (cur) => ({ ...cur!, metadata: { ...cur!.metadata, labels: { touched: value } } }));
}

function setSpec(f: Fixture, name: string, patch: ServiceSpecView): Promise<KubeObject> {
  return f.storage.guaranteedUpdate(NS, name, (cur) => ({ ...cur!, spec: { ...(cur!.spec as object), ...patch } }));
}

function used(f: Fixture): { ips: number; ports: number } {
  return { ips: f.alloc.ips.used, ports: f.alloc.ports.used };
}

describe('Service create', () => {
  test('a ClusterIP Service gets the first free address of the upper band, IPv4 SingleStack', async () => {
    const f = await fixture();
    const svc = await f.storage.create(NS, makeService('a', { selector: { app: 'a' } }));
    assert.deepEqual(
      { clusterIP: spec(svc).clusterIP, clusterIPs: spec(svc).clusterIPs, ipFamilies: spec(svc).ipFamilies, ipFamilyPolicy: spec(svc).ipFamilyPolicy },
      { clusterIP: '10.0.0.17', clusterIPs: ['10.0.0.17'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack' },
    );
    assert.deepEqual(svc.status, { loadBalancer: {} });
    assert.equal(spec(svc).internalTrafficPolicy, 'Cluster');
    assert.deepEqual(spec(svc).ports, [{ port: 80, protocol: 'TCP', targetPort: 80 }]);
  });

  test('the upper band is used up before the static band', async () => {
    const f = await fixture();
    for (let i = 17; i <= 254; i++) f.alloc.ips.allocate(parseIPv4(`10.0.0.${i}`)!, 'filler');
    const svc = await f.storage.create(NS, makeService('a', {}));
    assert.equal(spec(svc).clusterIP, '10.0.0.1');
  });

  test('a requested address is honoured, or refused with kube-apiserver\'s words', async () => {
    const f = await fixture();
    const a = await f.storage.create(NS, makeService('a', { clusterIP: '10.0.0.5' }));
    assert.equal(spec(a).clusterIP, '10.0.0.5');
    const cases: Array<[string, string]> = [
      ['10.0.0.5', 'failed to allocate IP 10.0.0.5: provided IP is already allocated'],
      ['10.0.0.0', 'failed to allocate IP 10.0.0.0: the provided IP (10.0.0.0) is not in the valid range. The range of valid IPs is 10.0.0.0/24'],
      ['10.0.0.255', 'failed to allocate IP 10.0.0.255: the provided IP (10.0.0.255) is not in the valid range. The range of valid IPs is 10.0.0.0/24'],
      ['10.96.0.5', 'failed to allocate IP 10.96.0.5: the provided network does not match the current range'],
    ];
    for (const [ip, why] of cases) {
      const err = await failure(f.storage.create(NS, makeService('b', { clusterIP: ip })));
      assert.deepEqual(err, { code: 422, message: `Service "b" is invalid: spec.clusterIPs: Invalid value: []string{"${ip}"}: ${why}` });
    }
    assert.deepEqual(used(f), { ips: 1, ports: 0 });
  });

  test('a full range is a 500', async () => {
    const f = await fixture();
    for (let i = 1; i <= 254; i++) f.alloc.ips.allocate(parseIPv4(`10.0.0.${i}`)!, 'filler');
    assert.deepEqual(await failure(f.storage.create(NS, makeService('a', {}))), {
      code: 500,
      message: 'Internal error occurred: failed to allocate a serviceIP: range is full',
    });
  });

  test('NodePort: dynamic ports from the upper band, shared across protocols of one port number', async () => {
    const f = await fixture();
    const svc = await f.storage.create(
      NS,
      makeService('dns', { type: 'NodePort', ports: [{ name: 'udp', port: 53, protocol: 'UDP' }, { name: 'tcp', port: 53 }, { name: 'm', port: 9153 }] }),
    );
    assert.deepEqual(spec(svc).ports!.map((p) => p.nodePort), [30016, 30016, 30017]);
    assert.equal(spec(svc).externalTrafficPolicy, 'Cluster');
    assert.deepEqual(used(f), { ips: 1, ports: 2 });
  });

  test('NodePort: a requested port is honoured or refused', async () => {
    const f = await fixture();
    const a = await f.storage.create(NS, makeService('a', { type: 'NodePort', ports: [{ port: 80, nodePort: 30005 }] }));
    assert.equal(spec(a).ports![0].nodePort, 30005);
    assert.equal(
      (await failure(f.storage.create(NS, makeService('b', { type: 'NodePort', ports: [{ port: 80, nodePort: 30005 }] })))).message,
      'Service "b" is invalid: spec.ports[0].nodePort: Invalid value: 30005: provided port is already allocated',
    );
    assert.equal(
      (await failure(f.storage.create(NS, makeService('b', { type: 'NodePort', ports: [{ port: 80, nodePort: 8080 }] })))).message,
      'Service "b" is invalid: spec.ports[0].nodePort: Invalid value: 8080: provided port is not in the valid range. The range of valid ports is 30000-30099',
    );
    assert.deepEqual(used(f), { ips: 1, ports: 1 });
  });

  test('LoadBalancer with externalTrafficPolicy Local gets a health check node port', async () => {
    const f = await fixture();
    const svc = await f.storage.create(NS, makeService('lb', { type: 'LoadBalancer', externalTrafficPolicy: 'Local' }));
    assert.equal(spec(svc).allocateLoadBalancerNodePorts, true);
    assert.equal(spec(svc).ports![0].nodePort, 30016);
    assert.equal(spec(svc).healthCheckNodePort, 30017);
  });

  test('LoadBalancer with allocateLoadBalancerNodePorts false gets no node ports', async () => {
    const f = await fixture();
    const svc = await f.storage.create(NS, makeService('lb', { type: 'LoadBalancer', allocateLoadBalancerNodePorts: false }));
    assert.equal(spec(svc).ports![0].nodePort, undefined);
    assert.deepEqual(used(f), { ips: 1, ports: 0 });
  });

  test('a create that fails validation, already exists, or is a dry run keeps nothing', async () => {
    const f = await fixture();
    const err = await failure(f.storage.create(NS, makeService('bad', { type: 'NodePort', ports: [{ port: 80, name: 'Web' }] })));
    assert.match(err.message, /^Service "bad" is invalid: spec\.ports\[0\]\.name: Invalid value: "Web"/);
    assert.deepEqual(used(f), { ips: 0, ports: 0 });
    await f.storage.create(NS, makeService('a', { type: 'NodePort' }));
    assert.deepEqual(await failure(f.storage.create(NS, makeService('a', { type: 'NodePort' }))), { code: 409, message: 'services "a" already exists' });
    assert.deepEqual(used(f), { ips: 1, ports: 1 });
    const dry = await f.storage.create(NS, makeService('d', { type: 'NodePort' }), { dryRun: true });
    assert.ok(spec(dry).clusterIP && spec(dry).ports![0].nodePort);
    assert.deepEqual(used(f), { ips: 1, ports: 1 });
  });

  test('headless and ExternalName Services take no address', async () => {
    const f = await fixture();
    const h = await f.storage.create(NS, makeService('h', { clusterIP: 'None', selector: { app: 'h' } }));
    assert.deepEqual(spec(h).clusterIPs, ['None']);
    const e = await f.storage.create(NS, makeService('e', { type: 'ExternalName', externalName: 'example.com' }));
    assert.deepEqual([spec(e).clusterIP, spec(e).ipFamilies, spec(e).internalTrafficPolicy], [undefined, undefined, undefined]);
    assert.deepEqual(used(f), { ips: 0, ports: 0 });
  });

  test('kubernetes and kube-dns, as bootstrapped, are accepted at their addresses', async () => {
    const f = await fixture();
    await f.storage.create(NS, makeService('kubernetes', { type: 'ClusterIP', clusterIP: '10.0.0.1', ports: [{ name: 'https', protocol: 'TCP', port: 443, targetPort: 6443 }], sessionAffinity: 'None' }));
    const dns = await f.storage.create('kube-system', makeService('kube-dns', {
      clusterIP: '10.0.0.10',
      selector: { 'k8s-app': 'kube-dns' },
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
        { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
        { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
      ],
    }));
    assert.equal(spec(dns).clusterIP, '10.0.0.10');
  });
});

describe('Service type changes', () => {
  test('ClusterIP → NodePort → LoadBalancer(Local) → ClusterIP, node ports freed once stored', async () => {
    const f = await fixture();
    await f.storage.create(NS, makeService('a', {}));
    const np = await setSpec(f, 'a', { type: 'NodePort' });
    assert.equal(spec(np).ports![0].nodePort, 30016);
    assert.equal(spec(np).clusterIP, '10.0.0.17');
    const lb = await setSpec(f, 'a', { type: 'LoadBalancer', externalTrafficPolicy: 'Local' });
    assert.deepEqual([spec(lb).ports![0].nodePort, spec(lb).healthCheckNodePort, spec(lb).allocateLoadBalancerNodePorts], [30016, 30017, true]);
    const back = await setSpec(f, 'a', { type: 'ClusterIP' });
    assert.deepEqual(
      [spec(back).ports![0].nodePort, spec(back).healthCheckNodePort, spec(back).externalTrafficPolicy, spec(back).allocateLoadBalancerNodePorts],
      [undefined, undefined, undefined, undefined],
    );
    assert.equal(spec(back).clusterIP, '10.0.0.17');
    // Without the registry's finishUpdate call the dropped ports are freed at the next write.
    await touch(f, 'a', '1');
    assert.deepEqual(used(f), { ips: 1, ports: 0 });
  });

  test('ClusterIP → ExternalName clears the IP fields; the address is freed; ExternalName → ClusterIP allocates anew', async () => {
    const f = await fixture();
    await f.storage.create(NS, makeService('a', { clusterIP: '10.0.0.5' }));
    const ext = await setSpec(f, 'a', { type: 'ExternalName', externalName: 'example.com' });
    assert.deepEqual(
      [spec(ext).clusterIP, spec(ext).clusterIPs, spec(ext).ipFamilies, spec(ext).ipFamilyPolicy, spec(ext).internalTrafficPolicy],
      [undefined, undefined, undefined, undefined, undefined],
    );
    await touch(f, 'a', '1');
    assert.deepEqual(used(f), { ips: 0, ports: 0 });
    const again = await setSpec(f, 'a', { type: 'ClusterIP' });
    assert.deepEqual([spec(again).clusterIP, spec(again).ipFamilies, spec(again).ipFamilyPolicy], ['10.0.0.17', ['IPv4'], 'SingleStack']);
    assert.deepEqual(used(f), { ips: 1, ports: 0 });
  });

  test('externalIPs removed from a ClusterIP Service, or NodePort → ClusterIP with externalIPs: the traffic policy follows', async () => {
    const f = await fixture();
    await f.storage.create(NS, makeService('x', { externalIPs: ['192.0.2.1'] }));
    const plain = await f.storage.guaranteedUpdate(NS, 'x', (cur) => ({ ...cur!, spec: { ...(cur!.spec as object), externalIPs: undefined } }));
    assert.equal(spec(plain).externalTrafficPolicy, undefined);
    await f.storage.create(NS, makeService('y', { type: 'NodePort', externalIPs: ['192.0.2.1'], externalTrafficPolicy: 'Local' }));
    const cip = await setSpec(f, 'y', { type: 'ClusterIP' });
    assert.deepEqual([spec(cip).externalTrafficPolicy, spec(cip).ports![0].nodePort], ['Local', undefined]);
  });

  test('a dropped node port is not freed while the write that drops it failed', async () => {
    const f = await fixture();
    await f.storage.create(NS, makeService('a', { type: 'NodePort', ports: [{ port: 80, nodePort: 30005 }] }));
    // The type change passes the strategy but the registry refuses the metadata.
    const err = await failure(
      f.storage.guaranteedUpdate(NS, 'a', (cur) => ({ ...cur!, metadata: { ...cur!.metadata, labels: { 'bad key!': 'x' } }, spec: { ...(cur!.spec as object), type: 'ClusterIP' } })),
    );
    assert.equal(err.code, 422);
    await touch(f, 'a', '1');
    assert.equal(
      (await failure(f.storage.create(NS, makeService('b', { type: 'NodePort', ports: [{ port: 80, nodePort: 30005 }] })))).message,
      'Service "b" is invalid: spec.ports[0].nodePort: Invalid value: 30005: provided port is already allocated',
    );
  });

  test('an invalid update gives back what it allocated at once', async () => {
    const f = await fixture();
    await f.storage.create(NS, makeService('a', {}));
    await failure(setSpec(f, 'a', { type: 'NodePort', ports: [{ port: 80, name: 'Bad' }] }));
    assert.deepEqual(used(f), { ips: 1, ports: 0 });
  });

  test('clusterIP may not change; the refusal keeps the old address', async () => {
    const f = await fixture();
    await f.storage.create(NS, makeService('a', {}));
    const err = await failure(setSpec(f, 'a', { clusterIP: '10.0.0.99' }));
    assert.equal(err.message, 'Service "a" is invalid: spec.clusterIPs[0]: Invalid value: []string{"10.0.0.99"}: may not change once set');
    assert.deepEqual(used(f), { ips: 1, ports: 0 });
  });

  test('a conflict retried by the registry leaks nothing', async () => {
    const f = await fixture();
    await f.storage.create(NS, makeService('a', {}));
    let attempts = 0;
    const out = await f.storage.guaranteedUpdate(NS, 'a', async (cur) => {
      attempts++;
      // The first attempt loses the race against another writer.
      if (attempts === 1) await touch(f, 'a', 'other');
      return { ...cur!, spec: { ...(cur!.spec as object), type: 'NodePort' } };
    });
    assert.equal(attempts, 2);
    const uid = out.metadata.uid!;
    assert.deepEqual(f.alloc.ownedBy(uid), { ips: [IP17], ports: [spec(out).ports![0].nodePort!] });
    assert.deepEqual(used(f), { ips: 1, ports: 1 });
  });

  test('a dry-run update keeps nothing', async () => {
    const f = await fixture();
    await f.storage.create(NS, makeService('a', {}));
    const dry = await f.storage.guaranteedUpdate(NS, 'a', (cur) => ({ ...cur!, spec: { ...(cur!.spec as object), type: 'NodePort' } }), { dryRun: true });
    assert.equal(spec(dry).ports![0].nodePort, 30016);
    assert.deepEqual(used(f), { ips: 1, ports: 0 });
  });

  test('delete frees everything the Service held', async () => {
    const f = await fixture();
    await f.storage.create(NS, makeService('a', { type: 'LoadBalancer', externalTrafficPolicy: 'Local' }));
    assert.deepEqual(used(f), { ips: 1, ports: 2 });
    await f.storage.delete(NS, 'a');
    assert.deepEqual(used(f), { ips: 0, ports: 0 });
  });
});

describe('finishUpdate (the hook the registry should call after each update)', () => {
  const ctx = { now: '2024-01-01T00:00:00Z', operation: 'update' as const, dryRun: false };
  const stored = (): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'a', namespace: NS, uid: 'u1', resourceVersion: '5' },
    spec: { type: 'NodePort', clusterIP: '10.0.0.17', clusterIPs: ['10.0.0.17'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack', sessionAffinity: 'None', externalTrafficPolicy: 'Cluster', internalTrafficPolicy: 'Cluster', ports: [{ port: 80, protocol: 'TCP', targetPort: 80, nodePort: 30016 }] },
  });

  function setup(): { alloc: ServiceAllocators; strategy: ServiceStrategy } {
    const alloc = new ServiceAllocators({ serviceCIDR: '10.0.0.0/24', nodePortRange: { first: 30000, last: 30099 }, random: () => 0 });
    repairAllocations(alloc, [stored()]);
    return { alloc, strategy: serviceStrategy(alloc) };
  }

  test('committed: what the old object held and the new does not is freed at once', () => {
    const { alloc, strategy } = setup();
    const prev = stored();
    const next = structuredClone(prev);
    (next.spec as ServiceSpecView).type = 'ClusterIP';
    strategy.prepareForUpdate!(next, prev, ctx);
    assert.deepEqual(strategy.validateUpdate!(next, prev), []);
    assert.equal((next.spec as ServiceSpecView).ports![0].nodePort, undefined);
    assert.equal(alloc.ports.used, 1);
    strategy.finishUpdate(next, prev, true);
    assert.equal(alloc.ports.used, 0);
    assert.equal(alloc.ips.used, 1);
  });

  test('not committed: the attempt\'s reservations are freed, the stored values kept', () => {
    const { alloc, strategy } = setup();
    const prev = stored();
    const next = structuredClone(prev);
    (next.spec as ServiceSpecView).ports!.push({ name: 'b', port: 81 });
    (next.spec as ServiceSpecView).ports![0].name = 'a';
    strategy.prepareForUpdate!(next, prev, ctx);
    assert.equal((next.spec as ServiceSpecView).ports![1].nodePort, 30017);
    assert.equal(alloc.ports.used, 2);
    strategy.finishUpdate(next, prev, false);
    assert.deepEqual(alloc.ownedBy('u1'), { ips: [IP17], ports: [30016] });
    // A second call is a no-op.
    strategy.finishUpdate(next, prev, false);
    assert.deepEqual(alloc.ownedBy('u1'), { ips: [IP17], ports: [30016] });
  });
});

describe('repairAllocations', () => {
  test('a restarted server knows every stored address and port, by owner', async () => {
    const f = await fixture();
    await f.storage.create(NS, makeService('a', { type: 'NodePort' }));
    await f.storage.create(NS, makeService('b', { type: 'LoadBalancer', externalTrafficPolicy: 'Local', clusterIP: '10.0.0.3' }));
    const items = (await f.storage.list('')).items;
    const fresh = new ServiceAllocators({ serviceCIDR: '10.0.0.0/24', nodePortRange: { first: 30000, last: 30099 }, random: () => 0 });
    assert.deepEqual(repairAllocations(fresh, items), []);
    assert.deepEqual({ ips: fresh.ips.used, ports: fresh.ports.used }, used(f));
    for (const svc of items) assert.deepEqual(fresh.ownedBy(svc.metadata.uid!), f.alloc.ownedBy(svc.metadata.uid!));
    assert.equal(formatIPv4(fresh.ips.peekNext()!), '10.0.0.18');
  });

  test('two stored Services claiming one address are reported', () => {
    const alloc = new ServiceAllocators({ serviceCIDR: '10.0.0.0/24', nodePortRange: { first: 30000, last: 30099 } });
    const svc = (name: string): KubeObject => ({ metadata: { name, namespace: NS, uid: name }, spec: { type: 'ClusterIP', clusterIP: '10.0.0.5', clusterIPs: ['10.0.0.5'] } });
    assert.deepEqual(repairAllocations(alloc, [svc('a'), svc('b')]), ['default/b']);
  });
});
