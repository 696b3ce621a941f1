import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { KubeObject } from '../../api/types.js';
import type { HealthCheck } from './plan.js';
import { ServiceHealthServer } from './server.js';
import { freePort } from '../../testing/ports.js';

function check(name: string, port: number, localEndpoints: number): [string, HealthCheck] {
  return [`ns1/${name}`, { namespace: 'ns1', name, port, localEndpoints }];
}

async function get(port: number, path = '/'): Promise<{ status: number; type: string | null; nosniff: string | null; weight: string | null; body: unknown }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  const h = res.headers;
  return { status: res.status, type: h.get('content-type'), nosniff: h.get('x-content-type-options'), weight: h.get('x-load-balancing-endpoint-weight'), body: JSON.parse(await res.text()) };
}

test('opens one listener per check, answers any path with the count, follows count and port changes, closes the gone', async () => {
  let healthy = true;
  const events: string[] = [];
  const server = new ServiceHealthServer({
    nodeName: 'node1',
    addresses: ['127.0.0.1'],
    proxyHealthy: () => healthy,
    log: () => undefined,
    events: { event: (o: KubeObject, type, reason, message) => void events.push(`${type} ${reason} ${o.metadata.namespace}/${o.metadata.name}: ${message}`) },
  });
  const [a, b, c] = [await freePort(), await freePort(), await freePort()];
  try {
    await server.sync(new Map([check('web', a, 2), check('empty', b, 0)]));
    assert.deepEqual(await get(a, '/healthz'), { status: 200, type: 'application/json', nosniff: 'nosniff', weight: '2', body: { service: { namespace: 'ns1', name: 'web' }, localEndpoints: 2, serviceProxyHealthy: true } });
    // Upstream's handler (pkg/proxy/healthcheck/service_health.go) sets X-Load-Balancing-Endpoint-Weight to the count, 0 too.
    assert.deepEqual(await get(b, '/'), { status: 503, type: 'application/json', nosniff: 'nosniff', weight: '0', body: { service: { namespace: 'ns1', name: 'empty' }, localEndpoints: 0, serviceProxyHealthy: true } });
    healthy = false;
    assert.equal((await get(a)).status, 503, 'a sick proxy fails every check');
    healthy = true;
    // The count moves without reopening; the empty Service's port moves to c.
    await server.sync(new Map([check('web', a, 0), check('empty', c, 1)]));
    assert.equal((await get(a)).status, 503);
    assert.equal((await get(c)).status, 200);
    await assert.rejects(fetch(`http://127.0.0.1:${b}/`), 'the old port is closed');
    await server.sync(new Map());
    assert.deepEqual(server.ports(), new Map());
    await assert.rejects(fetch(`http://127.0.0.1:${a}/`));
    assert.deepEqual(events, []);
  } finally {
    await server.close();
  }
});

test('a port that cannot be opened: a Warning event as upstream\'s, and another try at the next sync', async () => {
  const events: string[] = [];
  const squatter = createServer();
  const port = await new Promise<number>((resolve) => squatter.listen(0, '127.0.0.1', () => resolve((squatter.address() as { port: number }).port)));
  const server = new ServiceHealthServer({ nodeName: 'node1', addresses: ['127.0.0.1'], proxyHealthy: () => true, log: () => undefined, events: { event: (o, type, reason, message) => void events.push(`${type} ${reason} ${o.metadata.name}: ${message}`) } });
  try {
    await server.sync(new Map([check('web', port, 1)]));
    assert.equal(events.length, 1);
    assert.match(events[0], new RegExp(`^Warning FailedToStartServiceHealthcheck web: node node1 failed to start healthcheck "ns1/web" on port ${port}: .*EADDRINUSE`));
    assert.deepEqual(server.ports(), new Map());
    await new Promise<void>((r) => squatter.close(() => r()));
    await server.sync(new Map([check('web', port, 1)]));
    assert.deepEqual(server.ports(), new Map([['ns1/web', port]]));
    assert.equal((await get(port)).status, 200);
  } finally {
    await server.close();
    squatter.close();
  }
});
