import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ContainerConfigError, containerEnv, expandArgs, parseQuantity, type EnvContext } from './container-env.js';
import type { Pod } from './pod-view.js';

const pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'shop', uid: 'u1', labels: { app: 'web' } }, spec: { nodeName: 'n1', containers: [] } };

function ctx(extra: Partial<EnvContext> = {}): EnvContext {
  return {
    pod,
    podIP: '10.244.0.9',
    hostIP: '10.244.0.1',
    serviceEnv: new Map([['NGINX_SERVICE_HOST', '10.96.0.20'], ['GREETING', 'from-service']]),
    allocatable: { cpu: 4, memory: 8 * 2 ** 30 },
    sources: {
      configMap: async (_ns, name) => (name === 'cfg' ? { MODE: 'prod', 'bad key': 'x' } : undefined),
      secret: async (_ns, name) => (name === 'creds' ? { PASSWORD: 's3cret' } : undefined),
    },
    ...extra,
  };
}

test('envFrom, then env with $(VAR) and valueFrom, then the Service variables not already set', async () => {
  const env = await containerEnv(
    {
      name: 'c',
      envFrom: [{ configMapRef: { name: 'cfg' }, prefix: 'CFG_' }, { secretRef: { name: 'missing', optional: true } }],
      env: [
        { name: 'GREETING', value: 'hello' },
        { name: 'MSG', value: '$(GREETING) at $(NGINX_SERVICE_HOST) $(NOPE)' },
        { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
        { name: 'PASS', valueFrom: { secretKeyRef: { name: 'creds', key: 'PASSWORD' } } },
        { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
      ],
    },
    ctx(),
  );
  assert.deepEqual(Object.fromEntries(env), {
    CFG_MODE: 'prod',
    GREETING: 'hello',
    MSG: 'hello at 10.96.0.20 $(NOPE)',
    POD_IP: '10.244.0.9',
    APP: 'web',
    PASS: 's3cret',
    MEM: '8192',
    NGINX_SERVICE_HOST: '10.96.0.20',
  });
  assert.deepEqual(expandArgs(['echo', '$(MSG)', '$$(MSG)'], env), ['echo', 'hello at 10.96.0.20 $(NOPE)', '$(MSG)']);
});

test('missing sources are CreateContainerConfigError with the kubelet\'s words', async () => {
  await assert.rejects(containerEnv({ name: 'c', envFrom: [{ configMapRef: { name: 'nope' } }] }, ctx()), (e: unknown) => e instanceof ContainerConfigError && e.message === 'configmap "nope" not found');
  await assert.rejects(containerEnv({ name: 'c', env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'K' } } }] }, ctx()), /couldn't find key K in ConfigMap shop\/cfg/);
  assert.equal(parseQuantity('500m'), 0.5);
  assert.equal(parseQuantity('128Mi'), 128 * 2 ** 20);
});
