/** @module The metrics and healthz endpoints on loopback, in the shapes of kube-proxy 1.33. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startProxyServers } from './metrics-server.js';

test('serves /metrics and /healthz with upstream shapes', async () => {
  let healthy = false;
  const servers = await startProxyServers({ metricsText: () => 'kubeproxy_x 1\n', healthy: () => healthy, lastUpdatedMs: () => (healthy ? 0 : undefined), mode: () => 'nftables' }, { host: '127.0.0.1', metricsPort: 0, healthzPort: 0 });
  const metrics = (path: string) => fetch(`http://127.0.0.1:${servers.metricsAddress.port}${path}`);
  const health = (path: string) => fetch(`http://127.0.0.1:${servers.healthzAddress.port}${path}`);
  try {
    const m = await metrics('/metrics');
    assert.equal(m.status, 200);
    assert.match(m.headers.get('content-type') ?? '', /version=0.0.4/);
    assert.equal(await m.text(), 'kubeproxy_x 1\n');
    const sick = await health('/healthz');
    assert.equal(sick.status, 503);
    // pkg/proxy/healthcheck/proxy_health.go: ProxyHealth marshalled (lastUpdated, currentTime,
    // nodeEligible, healthy, status per IP family); a sick proxy keeps its last update time.
    const sickBody = (await sick.json()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(sickBody), ['lastUpdated', 'currentTime', 'nodeEligible', 'healthy', 'status']);
    assert.equal(sickBody.healthy, false);
    assert.equal(sickBody.nodeEligible, true);
    healthy = true;
    const ok = await health('/healthz');
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('x-content-type-options'), 'nosniff');
    const body = (await ok.json()) as { lastUpdated: string; currentTime: string; healthy: boolean; status: Record<string, { lastUpdated: string; healthy: boolean }> };
    assert.equal(body.healthy, true);
    // Healthy: lastUpdated is "now" (upstream keeps the old semantics of a recent time).
    assert.ok(Date.parse(body.lastUpdated) > Date.now() - 60_000, body.lastUpdated);
    assert.deepEqual(body.status, { IPv4: { lastUpdated: '1970-01-01T00:00:00Z', healthy: true } });
    // /livez: the same without nodeEligible; other paths 404 as Go's ServeMux.
    const live = await health('/livez');
    assert.equal(live.status, 200);
    assert.deepEqual(Object.keys((await live.json()) as object), ['lastUpdated', 'currentTime', 'healthy', 'status']);
    assert.equal((await health('/nope')).status, 404);
    // The metrics port: healthz.InstallHandler's plain "ok", and /proxyMode (the docs' way to see the mode).
    const mh = await metrics('/healthz');
    assert.equal(mh.status, 200);
    assert.equal(await mh.text(), 'ok');
    assert.equal(await (await metrics('/proxyMode')).text(), 'nftables');
    assert.equal((await metrics('/nope')).status, 404);
  } finally {
    await servers.close();
  }
});
