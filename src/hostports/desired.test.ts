import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { hostListenersFor, isLoopbackIPv4, type HostPortService } from './desired.js';

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

  test('isLoopbackIPv4', () => {
    assert.equal(isLoopbackIPv4('127.0.100.1'), true);
    assert.equal(isLoopbackIPv4('127.0.0.256'), false);
    assert.equal(isLoopbackIPv4('10.0.0.1'), false);
    assert.equal(isLoopbackIPv4('::1'), false);
  });
});
