import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { computeDesiredState } from '../tracker/desired.js';
import { ep as sliceEp, makeService, makeSlice, TEST_NODE } from '../tracker/fixtures.js';
import { diffAddresses, diffListeners, inLocalSources, planFromState, type ListenerSpec } from './plan.js';
import { ep, makeServicePort, makeState, withEndpoints } from './testing.js';

/** A plan in one line per socket: `TCP 10.96.0.10:80 -> ns/svc (cluster) 10.244.0.2:80`. */
function lines(listeners: ListenerSpec[]): string[] {
  return listeners.map((l) => `${l.key} -> ${l.servicePort} (${l.scope}) ${l.endpoints.map((e) => `${e.ip}:${e.port}`).join(' ')}`);
}

describe('planFromState', () => {
  test('ClusterIP, NodePort on every node IP, externalIPs and LoadBalancer IPs', () => {
    const web = makeServicePort('default', 'nginx', (sp) => {
      sp.portName = 'service-http';
      sp.clusterIP = '10.96.12.34';
      sp.nodePort = 30080;
      sp.externalIPs = ['192.0.2.10'];
      sp.loadBalancerIPs = ['127.0.100.1'];
      sp.clusterEndpoints = [ep('10.244.0.2', 80), ep('10.244.0.3', 80)];
      sp.externalEndpoints = [ep('10.244.0.3', 80)];
      sp.endpoints = sp.clusterEndpoints;
    });
    const dns = makeServicePort('kube-system', 'kube-dns', (sp) => {
      sp.portName = 'dns';
      sp.protocol = 'UDP';
      sp.port = 53;
      withEndpoints(sp, [ep('10.244.0.5', 53)]);
    });
    const plan = planFromState(makeState([dns, web], ['10.244.0.1', '10.1.0.1']));
    assert.deepEqual(plan.addresses, ['10.96.0.10', '10.96.12.34', '192.0.2.10']);
    assert.deepEqual(lines(plan.listeners), [
      'TCP 10.1.0.1:30080 -> default/nginx:service-http/TCP (external) 10.244.0.3:80',
      'TCP 10.244.0.1:30080 -> default/nginx:service-http/TCP (external) 10.244.0.3:80',
      'TCP 10.96.12.34:80 -> default/nginx:service-http/TCP (cluster) 10.244.0.2:80 10.244.0.3:80',
      'TCP 127.0.100.1:80 -> default/nginx:service-http/TCP (external) 10.244.0.3:80',
      'TCP 192.0.2.10:80 -> default/nginx:service-http/TCP (external) 10.244.0.3:80',
      'UDP 10.96.0.10:53 -> kube-system/kube-dns:dns/UDP (cluster) 10.244.0.5:53',
    ]);
    assert.deepEqual(plan.conflicts, []);
  });

  test('no endpoints: the address stays, nothing listens (the kernel refuses)', () => {
    const sp = makeServicePort('ns1', 'empty', (s) => {
      s.nodePort = 30001;
    });
    const plan = planFromState(makeState([sp]));
    assert.deepEqual(plan.addresses, ['10.96.0.10']);
    assert.deepEqual(plan.listeners, []);
  });

  test('Local external policy without local endpoints: the NodePort listens for local sources only (none for others)', () => {
    const sp = makeServicePort('ns1', 'local', (s) => {
      s.nodePort = 30002;
      s.externalPolicyLocal = true;
      s.clusterEndpoints = [ep('10.244.0.2', 8080, { isLocal: false })];
      s.externalEndpoints = [];
    });
    const listeners = planFromState(makeState([sp])).listeners;
    assert.deepEqual(lines(listeners), ['TCP 10.244.0.1:30002 -> ns1/local/TCP (external) ', 'TCP 10.96.0.10:80 -> ns1/local/TCP (cluster) 10.244.0.2:8080']);
    assert.deepEqual(listeners[0].shortCircuitEndpoints?.map((e) => e.ip), ['10.244.0.2']);
  });

  test('headless and SCTP ports are skipped; affinity is carried', () => {
    const headless = makeServicePort('ns1', 'h', (s) => {
      s.clusterIP = 'None';
      withEndpoints(s, [ep('10.244.0.2', 80)]);
    });
    const sctp = makeServicePort('ns1', 's', (s) => {
      s.protocol = 'SCTP';
      s.clusterIP = '10.96.0.20';
      withEndpoints(s, [ep('10.244.0.2', 80)]);
    });
    const sticky = makeServicePort('ns1', 'sticky', (s) => {
      s.clusterIP = '10.96.0.30';
      s.stickyMaxAgeSeconds = 10800;
      withEndpoints(s, [ep('10.244.0.2', 80)]);
    });
    const plan = planFromState(makeState([headless, sctp, sticky]));
    assert.deepEqual(plan.addresses, ['10.96.0.30']);
    assert.equal(plan.listeners.length, 1);
    assert.equal(plan.listeners[0].stickyMaxAgeSeconds, 10800);
  });

  test('two service ports asking for one socket: the first keeps it and the clash is reported', () => {
    const a = makeServicePort('ns1', 'a', (s) => {
      s.clusterIP = '10.96.0.21';
      s.externalIPs = ['192.0.2.1'];
      withEndpoints(s, [ep('10.244.0.2', 80)]);
    });
    const b = makeServicePort('ns1', 'b', (s) => {
      s.clusterIP = '10.96.0.22';
      s.externalIPs = ['192.0.2.1'];
      withEndpoints(s, [ep('10.244.0.3', 80)]);
    });
    const plan = planFromState(makeState([a, b]));
    assert.equal(plan.listeners.find((l) => l.key === 'TCP 192.0.2.1:80')?.servicePort, 'ns1/a/TCP');
    assert.deepEqual(plan.conflicts, [{ key: 'TCP 192.0.2.1:80', servicePorts: ['ns1/a/TCP', 'ns1/b/TCP'] }]);
  });
});

describe('diffs', () => {
  const spec = (key: string, endpoints = [ep('10.244.0.2', 80)], extra: Partial<ListenerSpec> = {}): ListenerSpec => ({
    key,
    protocol: 'TCP',
    ip: key.split(' ')[1].split(':')[0],
    port: Number(key.split(':')[1]),
    servicePort: 'ns/a/TCP',
    scope: 'cluster',
    endpoints,
    stickyMaxAgeSeconds: 0,
    ...extra,
  });

  test('open new, update changed in place, close the rest, leave equal ones alone', () => {
    const held = new Map([
      ['TCP 10.96.0.1:80', spec('TCP 10.96.0.1:80')],
      ['TCP 10.96.0.2:80', spec('TCP 10.96.0.2:80')],
      ['TCP 10.96.0.3:80', spec('TCP 10.96.0.3:80')],
      ['TCP 10.96.0.4:80', spec('TCP 10.96.0.4:80')],
    ]);
    const diff = diffListeners(held, [
      spec('TCP 10.96.0.1:80'),
      spec('TCP 10.96.0.2:80', [ep('10.244.0.9', 80)]),
      spec('TCP 10.96.0.3:80', undefined, { stickyMaxAgeSeconds: 5 }),
      spec('TCP 10.96.0.5:80'),
    ]);
    assert.deepEqual(diff.open.map((s) => s.key), ['TCP 10.96.0.5:80']);
    assert.deepEqual(diff.update.map((s) => s.key), ['TCP 10.96.0.2:80', 'TCP 10.96.0.3:80']);
    assert.deepEqual(diff.close, ['TCP 10.96.0.4:80']);
  });

  test('addresses: add the missing, remove the unused', () => {
    assert.deepEqual(diffAddresses(new Set(['10.96.0.1', '10.96.0.9']), ['10.96.0.1', '10.96.0.2']), { add: ['10.96.0.2'], remove: ['10.96.0.9'] });
  });
});

test('externalTrafficPolicy Local: external listeners carry the Cluster endpoints for local sources (upstream\'s short-circuit)', () => {
  const svc = makeService('t', 'xremote', (s) => {
    s.spec.type = 'NodePort';
    s.spec.clusterIP = '10.96.0.105';
    s.spec.ports = [{ name: 'http', protocol: 'TCP', port: 80, nodePort: 30082 }];
    s.spec.externalTrafficPolicy = 'Local';
  });
  // The only endpoint is on another node: outside clients have none, pods and the node do.
  const slice = makeSlice('t', 'xremote', 1, (s) => {
    s.ports = [{ name: 'http', protocol: 'TCP', port: 8080 }];
    s.endpoints = [sliceEp('10.244.0.11', { nodeName: 'node2' })];
  });
  const plan = planFromState(computeDesiredState([svc], [slice], TEST_NODE));
  const nodePort = plan.listeners.find((l) => l.key === 'TCP 10.244.0.1:30082')!;
  assert.deepEqual(nodePort.endpoints, []);
  assert.deepEqual(nodePort.shortCircuitEndpoints?.map((e) => e.ip), ['10.244.0.11']);
  assert.deepEqual(nodePort.localSources, ['10.244.0.0/16', '10.244.0.1/32', '127.0.0.0/8']);
  assert.ok(inLocalSources('10.244.0.12', nodePort.localSources!) && !inLocalSources('10.99.0.2', nodePort.localSources!));
  // The cluster IP listener is the Cluster policy's as before, with no short-circuit.
  const clusterIP = plan.listeners.find((l) => l.key === 'TCP 10.96.0.105:80')!;
  assert.equal(clusterIP.shortCircuitEndpoints, undefined);
  // A change of the short-circuit endpoints alone updates the listener.
  const moved = { ...nodePort, shortCircuitEndpoints: [] };
  assert.deepEqual(diffListeners(new Map([[nodePort.key, moved]]), [nodePort]).update.map((l) => l.key), [nodePort.key]);
});
