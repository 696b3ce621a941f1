/**
 * @module The port mapper with a fake API and a recording applier: a pod's mappings are applied
 * once it has an IP, changes coalesce, pods without hostPorts or of another node cause no
 * apply, the pod's deletion empties the rules, and a failed apply is retried after its backoff.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findResource } from '../api/resources.js';
import { Client, InformerFactory } from '../client/index.js';
import { FakeClock } from '../client/testing/fake-clock.js';
import { FakeTransport } from '../client/testing/fake-transport.js';
import type { PortMapApplier } from './applier.js';
import { PortMap } from './controller.js';
import { makePod, NODE } from './fixtures.js';
import type { PortMapping } from './mappings.js';

const PODS = findResource('', 'v1', 'pods')!;

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.fail(`timed out waiting for ${what}`);
}

function harness(failures = 0) {
  const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
  const client = new Client(new FakeTransport());
  const informers = new InformerFactory(client, { clock, random: () => 0 });
  const applied: string[][] = [];
  const logs: string[] = [];
  let fail = failures;
  const applier: PortMapApplier = {
    family: 'nftables',
    apply: async (m: readonly PortMapping[]) => {
      if (fail-- > 0) throw new Error('nft said no');
      applied.push(m.map((x) => `${x.pod} ${x.hostPort}->${x.podIP}:${x.containerPort}`));
    },
    lastApplied: () => undefined,
  };
  const pm = new PortMap({ informers, nodeName: NODE, applier, clock, log: (l) => logs.push(l) });
  informers.start();
  return { pm, clock, applied, logs, api: client.resource(PODS), informers };
}

const web = () =>
  makePod('default', 'web', (p) => {
    delete p.status.podIP;
    p.status.phase = 'Pending';
    p.spec.containers = [{ name: 'nginx', ports: [{ containerPort: 80, hostPort: 8081 }] }];
  });

test('mappings follow the pod: none without an IP, then its rule, then none once it is gone', async () => {
  const h = harness();
  await h.informers.waitForSync();
  const created = (await h.api.create(web(), { namespace: 'default' })) as ReturnType<typeof web>;
  await until('the first apply', () => h.applied.length === 1);
  assert.deepEqual(h.applied[0], []);
  await h.api.update({ ...created, status: { phase: 'Running', podIP: '10.244.0.5' } }, { namespace: 'default' });
  await until('the rule', () => h.applied.length === 2);
  assert.deepEqual(h.applied[1], ['default/web 8081->10.244.0.5:80']);
  // No hostPort, another node: nothing to do.
  await h.api.create(makePod('default', 'plain'), { namespace: 'default' });
  await h.api.create(makePod('default', 'far', (p) => { p.spec.nodeName = 'node-2'; p.spec.containers = [{ name: 'c', ports: [{ containerPort: 1, hostPort: 1 }] }]; }), { namespace: 'default' });
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(h.applied.length, 2);
  await h.api.delete('web', { namespace: 'default' });
  await until('the removal', () => h.applied.length === 3);
  assert.deepEqual(h.applied[2], []);
  await h.pm.stop();
  h.informers.stop();
});

test('a failed apply is logged and retried after 1 s', async () => {
  const h = harness(1);
  await h.informers.waitForSync();
  h.pm.kick();
  await until('the failure', () => h.logs.length === 1);
  assert.match(h.logs[0], /nftables apply failed, retrying in 1000 ms: nft said no/);
  assert.equal(h.applied.length, 0);
  h.clock.advance(1000);
  await until('the retry', () => h.applied.length === 1);
  await h.pm.stop();
  h.informers.stop();
});
