/** @module The metrics and healthz endpoints on loopback. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startProxyServers } from './metrics-server.js';

test('serves /metrics and /healthz with upstream shapes', async () => {
  let healthy = false;
  const servers = await startProxyServers({ metricsText: () => 'kubeproxy_x 1\n', healthy: () => healthy, lastUpdatedMs: () => (healthy ? 0 : undefined) }, { host: '127.0.0.1', metricsPort: 0, healthzPort: 0 });
  try {
    const m = await fetch(`http://127.0.0.1:${servers.metricsAddress.port}/metrics`);
    assert.equal(m.status, 200);
    assert.match(m.headers.get('content-type') ?? '', /version=0.0.4/);
    assert.equal(await m.text(), 'kubeproxy_x 1\n');
    const sick = await fetch(`http://127.0.0.1:${servers.healthzAddress.port}/healthz`);
    assert.equal(sick.status, 503);
    healthy = true;
    const ok = await fetch(`http://127.0.0.1:${servers.healthzAddress.port}/healthz`);
    assert.equal(ok.status, 200);
    const body = (await ok.json()) as { lastUpdated: string; nodeEligible: boolean };
    assert.equal(body.lastUpdated, '1970-01-01T00:00:00.000Z');
    assert.equal(body.nodeEligible, true);
    assert.equal((await fetch(`http://127.0.0.1:${servers.metricsAddress.port}/nope`)).status, 404);
  } finally {
    await servers.close();
  }
});
