/**
 * UserspaceBackend against the real kernel: the scenario (backend-scenario.ts) runs inside a
 * network namespace this test makes and removes (`kubito-tus<pid>`). Needs root (CI runs as root).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const NS = `kubito-tus${process.pid % 100000}`;
const isRoot = process.getuid?.() === 0;

function scenarioArgv(): string[] {
  const js = fileURLToPath(new URL('./backend-scenario.js', import.meta.url));
  if (existsSync(js)) return [js];
  return ['--import', import.meta.resolve('tsx'), fileURLToPath(new URL('./backend-scenario.ts', import.meta.url))];
}

describe('UserspaceBackend in a network namespace', { skip: isRoot ? false : 'needs root for network namespaces' }, () => {
  let out: Record<string, unknown>;

  before(() => {
    execFileSync('ip', ['netns', 'add', NS]);
    execFileSync('ip', ['-n', NS, 'link', 'set', 'lo', 'up']);
    const r = spawnSync('ip', ['netns', 'exec', NS, process.execPath, ...scenarioArgv()], { encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) throw new Error(`scenario failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
    out = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
  });

  after(() => {
    spawnSync('ip', ['netns', 'del', NS]);
  });

  test('round-robin over three endpoints through the ClusterIP', () => {
    assert.deepEqual(out.roundRobin, { '127.0.0.2': 10, '127.0.0.3': 10, '127.0.0.4': 10 });
  });

  test('the NodePort answers on the node address', () => {
    assert.match(String(out.nodePort), /^127\.0\.0\.[234]$/);
  });

  test('a Service without endpoints refuses connections', () => {
    assert.equal(out.empty, 'error:ECONNREFUSED');
  });

  test('ClientIP affinity sends every connection of a client to one endpoint', () => {
    assert.equal(Object.keys(out.sticky as object).length, 1);
    assert.equal(Object.values(out.sticky as object)[0], 10);
  });

  test('UDP: per-client flows keep their endpoint, clients spread, idle flows end', () => {
    const clients = out.udpClients as string[][];
    for (const answers of clients) {
      assert.equal(new Set(answers).size, 1, `one endpoint per flow: ${answers}`);
      assert.match(answers[0], /^127\.0\.0\.[23]$/);
    }
    assert.equal(new Set(clients.map((a) => a[0])).size, 2);
    assert.equal(out.udpFlows, 4);
    assert.equal(out.udpFlowsAfterIdle, 0);
  });

  test('a refusing endpoint is retried on another: no connection fails', () => {
    const counts = out.withDead as Record<string, number>;
    assert.equal(Object.values(counts).reduce((a, b) => a + b, 0), 20);
    assert.equal(Object.keys(counts).filter((k) => k.startsWith('error')).length, 0, JSON.stringify(counts));
  });

  test('endpoints gone: refused; rules list what is held', () => {
    assert.equal(out.noEndpoints, 'error:ECONNREFUSED');
    const rules = String(out.rules);
    assert.match(rules, /^10\.96\.0\.50\/32$/m);
    assert.match(rules, /^UDP 10\.96\.0\.53:53 -> ns1\/dns\/UDP \(cluster\) 127\.0\.0\.2:5353 127\.0\.0\.3:5353$/m);
    assert.match(rules, /^TCP 10\.96\.0\.70:80 -> ns1\/sticky\/TCP \(cluster affinity=ClientIP\/60s\)/m);
    assert.doesNotMatch(rules, /10\.96\.0\.50:80/);
  });

  test('service removed: its address leaves the interface, its NodePort closes; cleanup deletes the interface', () => {
    const addrs = String(out.addressesAfterRemoval);
    assert.doesNotMatch(addrs, /10\.96\.0\.50\//);
    assert.match(addrs, /10\.96\.0\.53\//);
    assert.equal(out.removedNodePort, 'error:ECONNREFUSED');
    assert.notEqual(out.linkAfterCleanup, 0);
  });
});
