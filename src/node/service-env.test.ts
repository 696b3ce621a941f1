import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serviceEnv, serviceEnvMap } from './service-env.js';
import type { ServiceView } from './pod-view.js';

function svc(namespace: string, name: string, clusterIP: string, ports: Array<{ name?: string; port: number; protocol?: string }>): ServiceView {
  return { apiVersion: 'v1', kind: 'Service', metadata: { namespace, name }, spec: { clusterIP, ports } };
}

test('the variables of a Service, in the kubelet\'s order', () => {
  const env = serviceEnv(svc('default', 'nginx-web', '10.96.152.46', [{ name: 'http', port: 80, protocol: 'TCP' }, { name: 'dns', port: 53, protocol: 'UDP' }]));
  assert.deepEqual(env, [
    ['NGINX_WEB_SERVICE_HOST', '10.96.152.46'],
    ['NGINX_WEB_SERVICE_PORT', '80'],
    ['NGINX_WEB_SERVICE_PORT_HTTP', '80'],
    ['NGINX_WEB_SERVICE_PORT_DNS', '53'],
    ['NGINX_WEB_PORT', 'tcp://10.96.152.46:80'],
    ['NGINX_WEB_PORT_80_TCP', 'tcp://10.96.152.46:80'],
    ['NGINX_WEB_PORT_80_TCP_PROTO', 'tcp'],
    ['NGINX_WEB_PORT_80_TCP_PORT', '80'],
    ['NGINX_WEB_PORT_80_TCP_ADDR', '10.96.152.46'],
    ['NGINX_WEB_PORT_53_UDP', 'udp://10.96.152.46:53'],
    ['NGINX_WEB_PORT_53_UDP_PROTO', 'udp'],
    ['NGINX_WEB_PORT_53_UDP_PORT', '53'],
    ['NGINX_WEB_PORT_53_UDP_ADDR', '10.96.152.46'],
  ]);
});

test('the pod namespace\'s Services with a cluster IP, plus default/kubernetes always', () => {
  const all = [
    svc('default', 'kubernetes', '10.96.0.1', [{ name: 'https', port: 443 }]),
    svc('shop', 'nginx', '10.96.0.20', [{ port: 80 }]),
    svc('shop', 'headless', 'None', [{ port: 80 }]),
    svc('other', 'db', '10.96.0.30', [{ port: 5432 }]),
  ];
  const env = serviceEnvMap(all, { namespace: 'shop', enableServiceLinks: true });
  assert.equal(env.get('NGINX_SERVICE_HOST'), '10.96.0.20');
  assert.equal(env.get('KUBERNETES_SERVICE_HOST'), '10.96.0.1');
  assert.equal(env.get('KUBERNETES_SERVICE_PORT_HTTPS'), '443');
  assert.equal(env.has('HEADLESS_SERVICE_HOST'), false);
  assert.equal(env.has('DB_SERVICE_HOST'), false);
  const noLinks = serviceEnvMap(all, { namespace: 'shop', enableServiceLinks: false });
  assert.deepEqual([...noLinks.keys()].filter((k) => k.endsWith('_SERVICE_HOST')), ['KUBERNETES_SERVICE_HOST']);
});
