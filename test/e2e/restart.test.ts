/**
 * @module Crash safety through the API (issue 2's acceptance): kubito on the SQLite store takes a
 * stream of Service creates over HTTPS, is SIGKILLed mid-stream, and is started again on the
 * same data dir. Every acknowledged create must still be there with its ClusterIP, NodePort and
 * resourceVersion; new writes get higher resourceVersions; a watch from an old resourceVersion
 * replays what came after it; and the allocators, repaired from the store, hand new Services
 * ClusterIPs and NodePorts that no Service already has.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StatusError } from '../../src/api/errors.js';
import type { WatchEvent } from '../../src/api/types.js';
import { Client, HttpTransport, loadKubeconfigConnection, type ResourceClient, type WatchStream } from '../../src/client/index.js';
import { startCluster, type Cluster } from './harness.js';
import { ackOf, createStream, killStrayKubitos, nodePortService, SERVICES_REF, stopIfRunning, type Ack, type ServiceObject, type StreamResult } from './restart-stream.js';

const KILL_AFTER = 200;
const WORKERS = 8;
const NEW_SERVICES = 100;

function inServiceCIDR(ip: string): boolean {
  const m = /^10\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  return m !== null && Number(m[1]) >= 96 && Number(m[1]) <= 111 && Number(m[2]) <= 255 && Number(m[3]) <= 255;
}

function rv(value: string | undefined): bigint {
  assert.match(value ?? '', /^\d+$/, `resourceVersion ${value} is not a store revision`);
  return BigInt(value!);
}

function maxOf(values: bigint[]): bigint {
  return values.reduce((a, b) => (b > a ? b : a), 0n);
}

function connect(cluster: Cluster): { transport: HttpTransport; services: ResourceClient<ServiceObject> } {
  const transport = new HttpTransport(loadKubeconfigConnection(cluster.kubeconfig).transport);
  return { transport, services: new Client(transport).resource<ServiceObject>(SERVICES_REF) };
}

describe('crash safety: SIGKILL mid-stream, restart on the same SQLite data dir', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubito-restart-'));
  const clusters: Cluster[] = [];
  const transports: HttpTransport[] = [];
  const watches: WatchStream[] = [];
  let stream: StreamResult;
  let services: ResourceClient<ServiceObject>;
  /** The highest resourceVersion seen before any post-restart write (acks, then stored objects). */
  let highest: bigint;
  let second: Cluster;
  const afterRestart: Ack[] = [];

  async function start(): Promise<Cluster> {
    const cluster = await startCluster({ store: 'sqlite', dir });
    clusters.push(cluster);
    const c = connect(cluster);
    transports.push(c.transport);
    services = c.services;
    return cluster;
  }

  before(async () => {
    await start();
  });

  /** The later tests need the restarted kubito; say so plainly instead of ECONNREFUSED. */
  function needRestart(): void {
    assert.ok(second, 'kubito did not come back on the same data dir (see the restart test)');
  }

  after(async () => {
    for (const w of watches) w.stop();
    for (const t of transports) t.close();
    for (const c of clusters) await stopIfRunning(c);
    killStrayKubitos(dir);
    rmSync(dir, { recursive: true, force: true });
  });

  test('a stream of creates is cut by SIGKILL', async () => {
    const first = clusters[0];
    const exited = new Promise<NodeJS.Signals | null>((resolveExit) => first.process.once('exit', (_code, signal) => resolveExit(signal)));
    stream = await createStream(services, { workers: WORKERS, killAfter: KILL_AFTER, kill: () => first.process.kill('SIGKILL') });
    assert.equal(await exited, 'SIGKILL');
    assert.ok(stream.acked.length >= KILL_AFTER, `only ${stream.acked.length} creates acknowledged`);
    // Every worker was still sending when the server died, and ended on an unanswered create.
    assert.equal(stream.unknown.length, WORKERS, `workers that saw the server gone: ${stream.unknown.join(', ')}`);
    for (const a of stream.acked) {
      assert.ok(inServiceCIDR(a.clusterIP), `${a.name}: ClusterIP ${a.clusterIP}`);
      assert.ok(a.nodePort >= 30000 && a.nodePort <= 32767, `${a.name}: NodePort ${a.nodePort}`);
    }
    assert.equal(new Set(stream.acked.map((a) => a.clusterIP)).size, stream.acked.length, 'ClusterIPs repeat before the crash');
    assert.equal(new Set(stream.acked.map((a) => a.nodePort)).size, stream.acked.length, 'NodePorts repeat before the crash');
    highest = maxOf(stream.acked.map((a) => rv(a.resourceVersion)));
  });

  test('after a restart on the same dir, every acknowledged Service is there unchanged', async () => {
    second = await start();
    const list = await services.list({ namespace: 'default' });
    const byName = new Map(list.items.map((s) => [s.metadata.name!, s]));
    const missing = stream.acked.filter((a) => !byName.has(a.name)).map((a) => a.name);
    assert.deepEqual(missing, [], `acknowledged creates lost in the crash (of ${stream.acked.length})`);
    const changed = stream.acked.filter((a) => {
      const now = ackOf(byName.get(a.name)!);
      return now.clusterIP !== a.clusterIP || now.nodePort !== a.nodePort || now.resourceVersion !== a.resourceVersion;
    });
    assert.deepEqual(changed.map((a) => [a, ackOf(byName.get(a.name)!)]), [], 'acknowledged Services changed across the crash');
    // Unanswered creates may have committed or not; nothing else may have appeared.
    const attempted = new Set([...stream.acked.map((a) => a.name), ...stream.unknown]);
    const strays = list.items.map((s) => s.metadata.name!).filter((n) => n.startsWith('crash-') && !attempted.has(n));
    assert.deepEqual(strays, [], 'Services nobody created');
    assert.ok(rv(list.metadata.resourceVersion) >= highest, `list resourceVersion ${list.metadata.resourceVersion} is below acknowledged ${highest}`);
    const everything = await services.list({});
    highest = maxOf([highest, rv(everything.metadata.resourceVersion), ...everything.items.map((s) => rv(s.metadata.resourceVersion))]);
  });

  test('new writes get resourceVersions above every earlier one', async () => {
    needRestart();
    const created = await services.create(nodePortService('after-restart-1'));
    afterRestart.push(ackOf(created));
    assert.ok(rv(created.metadata.resourceVersion) > highest, `create after restart got ${created.metadata.resourceVersion}, not above ${highest}`);
    const target = stream.acked[0].name;
    const patched = await services.patch(target, { metadata: { labels: { restarted: 'yes' } } }, { namespace: 'default' });
    assert.ok(rv(patched.metadata.resourceVersion) > rv(created.metadata.resourceVersion), `patch got ${patched.metadata.resourceVersion} after create ${created.metadata.resourceVersion}`);
    assert.equal(patched.spec?.clusterIP, stream.acked[0].clusterIP);
    await services.delete(stream.acked[1].name, { namespace: 'default' });
    const relisted = await services.list({ namespace: 'default' });
    assert.ok(rv(relisted.metadata.resourceVersion) > rv(patched.metadata.resourceVersion), 'the delete did not move the list resourceVersion on');
  });

  test('a watch from an old resourceVersion replays what happened after it', async () => {
    needRestart();
    const byRV = [...stream.acked].sort((a, b) => (rv(a.resourceVersion) < rv(b.resourceVersion) ? -1 : 1));
    const from = byRV[Math.floor(byRV.length / 2)].resourceVersion;
    const events: WatchEvent[] = [];
    let closed: Error | undefined | null = null;
    let wake: () => void = () => {};
    const marker = 'watch-marker';
    const isMarker = (e: WatchEvent): boolean => e.type === 'ADDED' && e.object.metadata.name === marker;
    watches.push(
      await services.watch(
        { namespace: 'default', resourceVersion: from },
        {
          onEvent: (e) => {
            events.push(e);
            if (isMarker(e)) wake();
          },
          onClose: (err) => {
            closed = err;
            wake();
          },
        },
      ),
    );
    const done = new Promise<void>((resolveDone) => (wake = resolveDone));
    await services.create(nodePortService(marker));
    const timer = setTimeout(() => wake(), 15_000);
    await done;
    clearTimeout(timer);
    assert.ok(events.some(isMarker), `no ADDED ${marker} (closed: ${String(closed)}); got ${events.length} events`);

    const seen = events.map((e) => [e.type, e.object.metadata.name!, e.object.metadata.resourceVersion!] as const);
    for (let i = 0; i < seen.length; i++) {
      assert.ok(rv(seen[i][2]) > rv(from), `event ${seen[i].join(' ')} is not after ${from}`);
      if (i > 0) assert.ok(rv(seen[i][2]) > rv(seen[i - 1][2]), `events out of order: ${seen[i - 1].join(' ')} then ${seen[i].join(' ')}`);
    }
    const added = new Map(seen.filter(([type]) => type === 'ADDED').map(([, name, v]) => [name, v]));
    const expected = byRV.filter((a) => rv(a.resourceVersion) > rv(from));
    const notReplayed = expected.filter((a) => added.get(a.name) !== a.resourceVersion).map((a) => a.name);
    assert.deepEqual(notReplayed, [], `creates after ${from} missing from the replay (${expected.length} expected)`);
    const tooOld = byRV.filter((a) => rv(a.resourceVersion) <= rv(from) && added.has(a.name)).map((a) => a.name);
    assert.deepEqual(tooOld, [], `creates at or before ${from} replayed`);
    // What happened after the restart comes after the replay, in order.
    const tail = seen.filter(([, name]) => name === 'after-restart-1' || name === stream.acked[0].name || name === stream.acked[1].name || name === marker);
    const tailTypes = tail.map(([type, name]) => `${type} ${name}`);
    const wantTail = [`ADDED after-restart-1`, `MODIFIED ${stream.acked[0].name}`, `DELETED ${stream.acked[1].name}`, `ADDED ${marker}`];
    assert.deepEqual(tailTypes.slice(-4), wantTail);
  });

  test('asking for a ClusterIP or NodePort a crash survivor holds is refused', async () => {
    needRestart();
    const survivor = stream.acked[stream.acked.length - 1];
    const wantIP = nodePortService('wants-ip');
    wantIP.spec!.clusterIP = survivor.clusterIP;
    const ipErr = await services.create(wantIP).then(() => undefined, (e: unknown) => e);
    assert.ok(ipErr instanceof StatusError, `the create of a Service with ${survivor.name}'s ClusterIP ${survivor.clusterIP} succeeded`);
    assert.equal(ipErr.code, 422);
    assert.match(ipErr.message, new RegExp(`spec\\.clusterIPs: Invalid value: .*${survivor.clusterIP.replaceAll('.', '\\.')}.*provided IP is already allocated`));

    const wantPort = nodePortService('wants-port');
    wantPort.spec!.ports![0].nodePort = survivor.nodePort;
    const portErr = await services.create(wantPort).then(() => undefined, (e: unknown) => e);
    assert.ok(portErr instanceof StatusError, `the create of a Service with ${survivor.name}'s NodePort ${survivor.nodePort} succeeded`);
    assert.equal(portErr.code, 422);
    assert.match(portErr.message, new RegExp(`spec\\.ports\\[0\\]\\.nodePort: Invalid value: ${survivor.nodePort}: provided port is already allocated`));
  });

  test(`${NEW_SERVICES} new NodePort Services get ClusterIPs and NodePorts no Service has`, async () => {
    needRestart();
    const names = Array.from({ length: NEW_SERVICES }, (_, i) => `fresh-${i}`);
    for (let i = 0; i < names.length; i += 10) {
      const batch = await Promise.all(names.slice(i, i + 10).map((n) => services.create(nodePortService(n))));
      afterRestart.push(...batch.map(ackOf));
    }
    const fresh = afterRestart.filter((a) => a.name.startsWith('fresh-'));
    assert.equal(fresh.length, NEW_SERVICES);
    for (const a of fresh) {
      assert.ok(inServiceCIDR(a.clusterIP), `${a.name}: ClusterIP ${a.clusterIP}`);
      assert.ok(a.nodePort >= 30000 && a.nodePort <= 32767, `${a.name}: NodePort ${a.nodePort}`);
    }
    const all = (await services.list({})).items;
    const ipOwners = new Map<string, string[]>();
    const portOwners = new Map<number, string[]>();
    for (const s of all) {
      const id = `${s.metadata.namespace}/${s.metadata.name}`;
      for (const ip of s.spec?.clusterIPs ?? [s.spec?.clusterIP ?? '']) {
        if (ip && ip !== 'None') ipOwners.set(ip, [...(ipOwners.get(ip) ?? []), id]);
      }
      for (const p of s.spec?.ports ?? []) {
        if (p.nodePort) portOwners.set(p.nodePort, [...(portOwners.get(p.nodePort) ?? []), id]);
      }
    }
    const sharedIPs = [...ipOwners].filter(([, owners]) => owners.length > 1);
    const sharedPorts = [...portOwners].filter(([, owners]) => owners.length > 1);
    assert.deepEqual(sharedIPs, [], 'ClusterIPs given to two Services');
    assert.deepEqual(sharedPorts, [], 'NodePorts given to two Services');
    // The survivors of the crash are still listed, so the check above covered them.
    const listed = new Set(all.map((s) => s.metadata.name));
    assert.ok(stream.acked.slice(2).every((a) => listed.has(a.name)));
    assert.ok(second.process.exitCode === null, 'the restarted kubito exited');
  });
});
