import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MINUTE, NOW, SECOND, ago, makeEndpointSlice, makeEndpoints, makeService } from './testing/builders.js';
import { kubectlGet, lines } from './testing/kubectl-print.js';

const get = (objects: Parameters<typeof kubectlGet>[2], opts: { wide?: boolean } = {}) => kubectlGet('v1', 'Service', objects, { now: NOW, ...opts });

test('the chapter: kubectl get svc nginx', () => {
  const nginx = makeService('default', 'nginx', (s) => {
    s.metadata.creationTimestamp = ago(3 * MINUTE + 36 * SECOND);
    s.spec.clusterIP = '10.43.1.37';
    s.spec.clusterIPs = ['10.43.1.37'];
  });
  assert.equal(
    get([nginx]),
    lines(
      'NAME    TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE',
      'nginx   ClusterIP   10.43.1.37   <none>        80/TCP    3m36s',
    ),
  );
});

test('every Service type, with -o wide', () => {
  const services = [
    makeService('default', 'kubernetes', (s) => {
      s.metadata.creationTimestamp = ago(2 * 24 * 3600 + 3 * 3600);
      s.spec.clusterIP = '10.96.0.1';
      s.spec.clusterIPs = ['10.96.0.1'];
      s.spec.ports = [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }];
      delete s.spec.selector;
    }),
    makeService('default', 'web', (s) => {
      s.metadata.creationTimestamp = ago(5);
      s.spec.type = 'NodePort';
      s.spec.ports = [
        { port: 80, nodePort: 30080, protocol: 'TCP' },
        { port: 443, nodePort: 30443, protocol: 'TCP' },
      ];
      s.spec.selector = { tier: 'web', app: 'web' };
    }),
    makeService('default', 'lb-pending', (s) => {
      s.spec.type = 'LoadBalancer';
      s.spec.ports = [{ port: 80, nodePort: 31000, protocol: 'TCP' }];
    }),
    makeService('default', 'lb', (s) => {
      s.spec.type = 'LoadBalancer';
      s.spec.ports = [{ port: 80, nodePort: 31001, protocol: 'TCP' }];
      s.status.loadBalancer = { ingress: [{ ip: '127.0.0.3' }, { hostname: 'lb.example.com' }, { ip: '127.0.0.2' }] };
    }),
    makeService('default', 'lb-extip', (s) => {
      s.spec.type = 'LoadBalancer';
      s.spec.ports = [{ port: 53, nodePort: 31002, protocol: 'UDP' }];
      s.spec.externalIPs = ['192.0.2.10'];
      s.status.loadBalancer = { ingress: [{ ip: '127.0.0.4' }] };
    }),
    makeService('default', 'headless', (s) => {
      s.spec.clusterIP = 'None';
      s.spec.clusterIPs = ['None'];
      s.spec.ports = [];
    }),
    makeService('default', 'extip', (s) => {
      s.spec.externalIPs = ['192.0.2.1', '192.0.2.2'];
    }),
    makeService('default', 'db', (s) => {
      s.spec = { type: 'ExternalName', externalName: 'db.example.com' };
    }),
  ];
  assert.equal(
    get(services, { wide: true }),
    lines(
      'NAME         TYPE           CLUSTER-IP   EXTERNAL-IP                          PORT(S)                      AGE    SELECTOR',
      'kubernetes   ClusterIP      10.96.0.1    <none>                               443/TCP                      2d3h   <none>',
      'web          NodePort       10.96.0.10   <none>                               80:30080/TCP,443:30443/TCP   5s     app=web,tier=web',
      'lb-pending   LoadBalancer   10.96.0.10   <pending>                            80:31000/TCP                 0s     app=lb-pending',
      'lb           LoadBalancer   10.96.0.10   127.0.0.2,127.0.0.3,lb.example.com   80:31001/TCP                 0s     app=lb',
      'lb-extip     LoadBalancer   10.96.0.10   127.0.0.4,192.0.2.10                 53:31002/UDP                 0s     app=lb-extip',
      'headless     ClusterIP      None         <none>                               <none>                       0s     app=headless',
      'extip        ClusterIP      10.96.0.10   192.0.2.1,192.0.2.2                  80/TCP                       0s     app=extip',
      'db           ExternalName   <none>       db.example.com                       <none>                       0s     <none>',
    ),
  );
});

test('defaults a v1 Service would get before printing: type ClusterIP, protocol TCP, clusterIP from clusterIPs', () => {
  const bare = makeService('default', 'bare', (s) => {
    s.spec = { clusterIPs: ['10.96.5.5'], ports: [{ port: 8080 }, { port: 53, protocol: 'UDP' }] };
  });
  assert.equal(
    get([bare]),
    lines(
      'NAME   TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)           AGE',
      'bare   ClusterIP   10.96.5.5    <none>        8080/TCP,53/UDP   0s',
    ),
  );
});

test('kubectl get endpoints: ip:port pairs, headless IPs, <none>, + N more...', () => {
  const objects = [
    makeEndpoints('default', 'nginx', (e) => {
      e.metadata.creationTimestamp = ago(3 * MINUTE + 36 * SECOND);
      e.subsets = [{ addresses: [{ ip: '10.244.0.6' }, { ip: '10.244.0.7' }], ports: [{ port: 80, protocol: 'TCP' }] }];
    }),
    makeEndpoints('default', 'empty'),
    makeEndpoints('default', 'many', (e) => {
      e.subsets = [
        { addresses: [{ ip: '10.244.0.6' }, { ip: '10.244.0.7' }], ports: [{ name: 'http', port: 80 }, { name: 'https', port: 443 }] },
        { addresses: [{ ip: 'fd00::1' }], ports: [{ port: 80 }] },
      ];
    }),
    makeEndpoints('default', 'headless', (e) => {
      e.subsets = [{ addresses: [{ ip: '10.244.1.2' }, { ip: '10.244.1.3' }] }];
    }),
    makeEndpoints('default', 'ipv6', (e) => {
      e.subsets = [{ addresses: [{ ip: 'fd00::1' }], ports: [{ port: 80 }] }];
    }),
  ];
  assert.equal(
    kubectlGet('v1', 'Endpoints', objects, { now: NOW }),
    lines(
      'NAME       ENDPOINTS                                                AGE',
      'nginx      10.244.0.6:80,10.244.0.7:80                              3m36s',
      'empty      <none>                                                   0s',
      'many       10.244.0.6:80,10.244.0.7:80,10.244.0.6:443 + 2 more...   0s',
      'headless   10.244.1.2,10.244.1.3                                    0s',
      'ipv6       [fd00::1]:80                                             0s',
    ),
  );
});

test('kubectl get endpointslices: address type, ports, addresses, <unset>, + N more...', () => {
  const objects = [
    makeEndpointSlice('default', 'nginx-abcde', (e) => {
      e.ports = [{ name: 'http', port: 80, protocol: 'TCP' }];
      e.endpoints = [
        { addresses: ['10.244.0.6'], conditions: { ready: true } },
        { addresses: ['10.244.0.7'], conditions: { ready: true } },
      ];
    }),
    makeEndpointSlice('default', 'empty-xyz'),
    makeEndpointSlice('default', 'wide-12345', (e) => {
      e.ports = [{ port: 80 }, { name: 'named' }, {}, { port: 8443 }];
      e.endpoints = [{ addresses: ['10.0.0.1', '10.0.0.2'] }, { addresses: ['10.0.0.3'] }, { addresses: ['10.0.0.4'] }, { addresses: ['10.0.0.5'] }];
    }),
  ];
  assert.equal(
    kubectlGet('discovery.k8s.io/v1', 'EndpointSlice', objects, { now: NOW }),
    lines(
      'NAME          ADDRESSTYPE   PORTS                    ENDPOINTS                                AGE',
      'nginx-abcde   IPv4          80                       10.244.0.6,10.244.0.7                    0s',
      'empty-xyz     IPv4          <unset>                  <unset>                                  0s',
      'wide-12345    IPv4          80,named,* + 1 more...   10.0.0.1,10.0.0.2,10.0.0.3 + 2 more...   0s',
    ),
  );
});
