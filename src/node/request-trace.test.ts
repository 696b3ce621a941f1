import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ApiRequest, Transport, WatchStream } from '../client/transport.js';
import { requestKind, TracedTransport } from './request-trace.js';

test('requestKind: method, resource and subresource from the path', () => {
  assert.equal(requestKind({ method: 'POST', path: '/api/v1/namespaces/default/pods/a/binding' }), 'POST:pods/binding');
  assert.equal(requestKind({ method: 'PATCH', path: '/api/v1/namespaces/default/pods/a/status' }), 'PATCH:pods/status');
  assert.equal(requestKind({ method: 'POST', path: '/api/v1/namespaces/default/events' }), 'POST:events');
  assert.equal(requestKind({ method: 'PUT', path: '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/n1' }), 'PUT:leases');
  assert.equal(requestKind({ method: 'PATCH', path: '/api/v1/nodes/n1/status' }), 'PATCH:nodes/status');
  assert.equal(requestKind({ method: 'GET', path: '/api/v1/namespaces' }), 'GET:namespaces');
});

test('TracedTransport marks each request sent and answered (or failed) under ~api', async () => {
  const marks: string[] = [];
  const inner: Transport = {
    request: <T>(req: ApiRequest) => (req.method === 'DELETE' ? Promise.reject(new Error('no')) : Promise.resolve({ ok: true } as T)),
    watch: () => Promise.resolve<WatchStream>({ stop: () => undefined }),
  };
  const t = new TracedTransport(inner, { mark: (pod, phase) => marks.push(`${pod.metadata.namespace}/${pod.metadata.name} ${phase}`), flush: async () => undefined });
  assert.deepEqual(await t.request({ method: 'POST', path: '/api/v1/namespaces/default/pods/a/binding' }), { ok: true });
  await assert.rejects(t.request({ method: 'DELETE', path: '/api/v1/namespaces/default/pods/a' }), /no/);
  await t.watch({ method: 'GET', path: '/api/v1/pods' }, { onEvent: () => undefined, onClose: () => undefined });
  assert.deepEqual(marks, ['~api/POST:pods/binding sent', '~api/POST:pods/binding answered', '~api/DELETE:pods sent', '~api/DELETE:pods failed', '~api/WATCH:pods sent']);
});
