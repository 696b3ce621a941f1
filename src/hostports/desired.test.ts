import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { hostListenersFor, isLoopbackIPv4, sourceAllowed, type HostPortService } from './desired.js';

const CONFIG = { nodeIP: '10.244.0.1', hostIP: '127.0.0.1' };

function makeService(name: string, edit: (svc: Required<Pick<HostPortService, 'spec' | 'status'>> & HostPortService) => void): HostPortService {
  const svc = { apiVersion: 'v1', kind: 'Service', metadata: { namespace: 'default', name }, spec: { type: 'ClusterIP', clusterIP: '10.96.5.5', ports: [{ port: 80, protocol: 'TCP' }] }, status: {} };
  edit(svc);
  return svc;
}

/** One line per socket: `TCP 127.0.0.1:30080 => 10.244.0.1:30080 (NodePort http)`. */
function lines(svc: HostPortService): string[] {
  return hostListenersFor(svc, CONFIG).map((l) => `${l.key} => ${l.target.ip}:${l.target.port} (${l.kind}${l.portName ? ` ${l.portName}` : ''})`);
}

describe('hostListenersFor', () => {
  test('ClusterIP and ExternalName get nothing', () => {
    assert.deepEqual(lines(makeService('c', () => undefined)), []);
    assert.deepEqual(lines(makeService('e', (s) => (s.spec = { type: 'ExternalName' }))), []);
  });

  test('NodePort: every TCP/UDP port on 127.0.0.1:<nodePort>; SCTP skipped', () => {
    const svc = makeService('np', (s) => {
      s.spec.type = 'NodePort';
      s.spec.ports = [
        { name: 'http', port: 80, protocol: 'TCP', nodePort: 30080 },
        { name: 'dns', port: 53, protocol: 'UDP', nodePort: 30053 },
        { name: 'sctp', port: 9, protocol: 'SCTP', nodePort: 30009 },
      ];
    });
    assert.deepEqual(lines(svc), ['TCP 127.0.0.1:30080 => 10.244.0.1:30080 (NodePort http)', 'UDP 127.0.0.1:30053 => 10.244.0.1:30053 (NodePort dns)']);
  });

  test('LoadBalancer: ingress IP:port to the NodePort; no nodePort → the cluster IP; non-loopback ingress ignored', () => {
    const svc = makeService('lb', (s) => {
      s.spec.type = 'LoadBalancer';
      s.spec.ports = [{ port: 80, protocol: 'TCP', nodePort: 31000 }];
      s.status = { loadBalancer: { ingress: [{ ip: '127.0.100.1', ipMode: 'VIP' }, { ip: '192.0.2.1' }] } };
    });
    assert.deepEqual(lines(svc), ['TCP 127.0.0.1:31000 => 10.244.0.1:31000 (NodePort)', 'TCP 127.0.100.1:80 => 10.244.0.1:31000 (LoadBalancer)']);
    const noNodePorts = makeService('lb2', (s) => {
      s.spec.type = 'LoadBalancer';
      s.status = { loadBalancer: { ingress: [{ ip: '127.0.100.2' }] } };
    });
    assert.deepEqual(lines(noNodePorts), ['TCP 127.0.100.2:80 => 10.96.5.5:80 (LoadBalancer)']);
  });

  test('a LoadBalancer without an address yet has only its NodePorts', () => {
    const svc = makeService('pending', (s) => {
      s.spec.type = 'LoadBalancer';
      s.spec.ports = [{ port: 80, nodePort: 31001 }];
    });
    assert.deepEqual(lines(svc), ['TCP 127.0.0.1:31001 => 10.244.0.1:31001 (NodePort)']);
  });

  test('externalTrafficPolicy Local: the health check node port on 127.0.0.1 too; source ranges ride on LB sockets only', () => {
    const svc = makeService('local', (s) => {
      s.spec = { ...s.spec, type: 'LoadBalancer', externalTrafficPolicy: 'Local', healthCheckNodePort: 32100, loadBalancerSourceRanges: [' 127.0.0.0/8', '10.0.0.0/8 '] };
      s.spec.ports = [{ port: 80, nodePort: 31002 }];
      s.status = { loadBalancer: { ingress: [{ ip: '127.0.100.3' }] } };
    });
    assert.deepEqual(lines(svc), [
      'TCP 127.0.0.1:31002 => 10.244.0.1:31002 (NodePort)',
      'TCP 127.0.0.1:32100 => 10.244.0.1:32100 (HealthCheck)',
      'TCP 127.0.100.3:80 => 10.244.0.1:31002 (LoadBalancer)',
    ]);
    assert.deepEqual(hostListenersFor(svc, CONFIG).map((l) => l.sourceRanges), [undefined, undefined, ['127.0.0.0/8', '10.0.0.0/8']]);
    // Cluster policy: no health check even if a stale port lingers in the object.
    const cluster = makeService('cluster', (s) => {
      s.spec = { ...s.spec, type: 'LoadBalancer', externalTrafficPolicy: 'Cluster', healthCheckNodePort: 32101 };
      s.spec.ports = [{ port: 80, nodePort: 31003 }];
    });
    assert.deepEqual(lines(cluster), ['TCP 127.0.0.1:31003 => 10.244.0.1:31003 (NodePort)']);
  });

  test('sourceAllowed: no ranges lets everyone in; else the client must be inside one', () => {
    assert.equal(sourceAllowed({}, '127.0.0.1'), true);
    assert.equal(sourceAllowed({ sourceRanges: ['127.0.0.0/8'] }, '127.1.2.3'), true);
    assert.equal(sourceAllowed({ sourceRanges: ['127.0.0.0/8'] }, '::ffff:127.0.0.1'), true);
    assert.equal(sourceAllowed({ sourceRanges: ['127.0.0.2/32'] }, '127.0.0.1'), false);
    assert.equal(sourceAllowed({ sourceRanges: ['10.0.0.0/8', '0.0.0.0/0'] }, '127.0.0.1'), true);
    assert.equal(sourceAllowed({ sourceRanges: ['fd00::/8'] }, '127.0.0.1'), false);
    assert.equal(sourceAllowed({ sourceRanges: ['127.0.0.0/8'] }, undefined), false);
  });

  test('isLoopbackIPv4', () => {
    assert.equal(isLoopbackIPv4('127.0.100.1'), true);
    assert.equal(isLoopbackIPv4('127.0.0.256'), false);
    assert.equal(isLoopbackIPv4('10.0.0.1'), false);
    assert.equal(isLoopbackIPv4('::1'), false);
  });
});
