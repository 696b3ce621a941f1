import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ApiRequest, Transport, WatchStream } from '../client/transport.js';
import { PriorityTransport, requestPriority } from './api-priority.js';

/** A transport whose requests end when the test says: `sent` in the order they reached it. */
class HeldTransport implements Transport {
  sent: string[] = [];
  #pending = new Map<string, { resolve(v: unknown): void; reject(e: Error): void }>();

  request<T>(req: ApiRequest): Promise<T> {
    const id = `${req.method} ${req.path}`;
    this.sent.push(id);
    return new Promise<T>((resolve, reject) => this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject }));
  }

  watch(): Promise<WatchStream> {
    return Promise.resolve({ stop: () => undefined });
  }

  end(id: string, err?: Error): void {
    const p = this.#pending.get(id)!;
    this.#pending.delete(id);
    if (err) p.reject(err);
    else p.resolve({ id });
  }
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

const binding = (name: string): ApiRequest => ({ method: 'POST', path: `/api/v1/namespaces/default/pods/${name}/binding` });
const status = (name: string): ApiRequest => ({ method: 'PATCH', path: `/api/v1/namespaces/default/pods/${name}/status` });
const event: ApiRequest = { method: 'POST', path: '/api/v1/namespaces/default/events' };

test('requestPriority: status writes and heartbeats first, Events last, the rest between', () => {
  assert.equal(requestPriority(status('a')), 0);
  assert.equal(requestPriority({ method: 'PUT', path: '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/n1' }), 0);
  assert.equal(requestPriority({ method: 'GET', path: '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/n1' }), 0, "the renewal's read too");
  assert.equal(requestPriority({ method: 'PATCH', path: '/api/v1/nodes/n1/status' }), 0);
  assert.equal(requestPriority(binding('a')), 1);
  assert.equal(requestPriority({ method: 'DELETE', path: '/api/v1/namespaces/default/pods/a' }), 1);
  assert.equal(requestPriority({ method: 'GET', path: '/api/v1/namespaces/default/pods/a/status' }), 1);
  assert.equal(requestPriority({ method: 'GET', path: '/api/v1/namespaces/default/configmaps/c' }), 1);
  assert.equal(requestPriority(event), 2);
  assert.equal(requestPriority({ method: 'PATCH', path: '/api/v1/namespaces/default/events/a.1' }), 2);
});

test('at most limit in flight; of those waiting, status writes go first, Events last, FIFO within a class', async () => {
  const inner = new HeldTransport();
  const t = new PriorityTransport(inner, { limit: 2 });
  const answers = [binding('a'), binding('b'), event, binding('c'), status('x'), status('y')].map((r) => t.request(r));
  await tick();
  assert.deepEqual(inner.sent, ['POST /api/v1/namespaces/default/pods/a/binding', 'POST /api/v1/namespaces/default/pods/b/binding']);
  assert.deepEqual(t.counts, { inFlight: 2, waiting: 4 });
  inner.end(inner.sent[0]);
  await tick();
  assert.equal(inner.sent[2], 'PATCH /api/v1/namespaces/default/pods/x/status');
  // A failed request frees its place as well.
  inner.end(inner.sent[1], new Error('refused'));
  await assert.rejects(answers[1], /refused/);
  await tick();
  assert.equal(inner.sent[3], 'PATCH /api/v1/namespaces/default/pods/y/status');
  for (let i = 2; i < 6; i++) {
    inner.end(inner.sent[i]);
    await tick();
  }
  assert.deepEqual(inner.sent.slice(4), ['POST /api/v1/namespaces/default/pods/c/binding', 'POST /api/v1/namespaces/default/events']);
  assert.deepEqual(t.counts, { inFlight: 0, waiting: 0 });
  assert.deepEqual(await answers[0], { id: 'POST /api/v1/namespaces/default/pods/a/binding' });
});

test('below the limit a request is sent at once', async () => {
  const inner = new HeldTransport();
  const t = new PriorityTransport(inner, { limit: 8 });
  void t.request(event);
  void t.request(binding('a'));
  assert.equal(inner.sent.length, 2);
  assert.deepEqual(t.counts, { inFlight: 2, waiting: 0 });
});

test('urgent puts a request with the status writes: bindings while the starts need pods', async () => {
  const inner = new HeldTransport();
  let needPods = true;
  const t = new PriorityTransport(inner, { limit: 1, urgent: (req) => req.path.endsWith('/binding') && needPods });
  void t.request(binding('first'));
  void t.request(status('x'));
  void t.request(binding('a'));
  needPods = false;
  void t.request(binding('b'));
  void t.request(status('y'));
  for (let i = 0; i < 4; i++) {
    inner.end(inner.sent[i]);
    await tick();
  }
  assert.deepEqual(inner.sent.map((s) => s.split('/').slice(-2).join('/')), ['first/binding', 'x/status', 'a/binding', 'y/status', 'b/binding']);
});
