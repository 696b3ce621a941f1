/**
 * HostPorts with a fake API (FakeTransport) and real sockets: host listeners on 127.0.0.1 and
 * 127.0.100.x, the agent's relay on a Unix socket in a temp dir, and "node" targets on
 * 127.0.0.2 (standing in for 10.244.0.1, so the relay does not loop back to the host listener).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findResource } from '../api/resources.js';
import { Client, InformerFactory } from '../client/index.js';
import { FakeClock } from '../client/testing/fake-clock.js';
import { FakeTransport } from '../client/testing/fake-transport.js';
import type { EventRecorder } from '../controllers/controller.js';
import { startRelayServer, type RelayServer } from '../proxy/relay/server.js';
import { FAILED_TO_BIND, HostPorts } from './host-ports.js';

const SERVICES = findResource('', 'v1', 'services')!;
const PODS = findResource('', 'v1', 'pods')!;
const NODE_IP = '127.0.0.2';

let dir: string;
let relay: RelayServer;
/** TCP connections the relay (proxy.sock) carried. */
let relayed = 0;
const targets: Server[] = [];

/** A TCP port free on both 127.0.0.1 and NODE_IP, with a server on NODE_IP answering `name`. */
async function nodeTarget(name: string): Promise<number> {
  for (;;) {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const server = createServer((s) => s.end(name));
    const ok = await new Promise<boolean>((r) => {
      server.once('error', () => r(false));
      server.listen(port, NODE_IP, () => r(true));
    });
    if (ok) {
      targets.push(server);
      return port;
    }
  }
}

function get(ip: string, port: number, localAddress?: string): Promise<string> {
  return new Promise((resolve) => {
    let data = '';
    const s = connect({ host: ip, port, localAddress });
    s.on('data', (c: Buffer) => (data += c.toString()));
    s.on('end', () => resolve(data));
    s.on('error', (err: NodeJS.ErrnoException) => resolve(`error:${err.code}`));
  });
}

async function until(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.fail(`timed out waiting for ${what}`);
}

function harness() {
  const fake = new FakeTransport();
  const clock = new FakeClock(Date.parse('2025-01-01T00:00:00Z'));
  const client = new Client(fake);
  const informers = new InformerFactory(client, { clock, random: () => 0 });
  const events: string[] = [];
  const recorder: EventRecorder = { event: (obj, type, reason, message) => events.push(`${obj.metadata.name} ${type} ${reason}: ${message}`) };
  const hp = new HostPorts({ informers, events: recorder, socketPath: relay.socketPath, config: { nodeIP: NODE_IP }, clock, log: () => undefined, retry: { baseMs: 1000, maxMs: 1000 } });
  hp.run();
  informers.start();
  const api = client.resource(SERVICES);
  return {
    hp,
    pods: client.resource(PODS),
    clock,
    events,
    api,
    async stop() {
      informers.stop();
      await hp.stop();
    },
  };
}

function nodePortService(name: string, nodePort: number, protocol = 'TCP'): Record<string, unknown> & { metadata: { name: string; namespace: string } } {
  return { apiVersion: 'v1', kind: 'Service', metadata: { namespace: 'default', name }, spec: { type: 'NodePort', clusterIP: '10.96.0.5', ports: [{ port: 80, protocol, nodePort }] } };
}

/** A relay server (the agent's proxy.sock side) for one describe block, and its clean-up. */
function relayAround(): void {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kubito-hostports-'));
    relay = await startRelayServer({ socketPath: join(dir, 'proxy.sock'), log: () => undefined, dialTcp: () => void relayed++ });
  });
  after(async () => {
    await relay.close();
    for (const t of targets) t.close();
    rmSync(dir, { recursive: true, force: true });
  });
}

describe('HostPorts', () => {
  relayAround();

  test('a NodePort answers on 127.0.0.1 as soon as the Service exists, and closes when it goes', async () => {
    const h = harness();
    const port = await nodeTarget('web');
    await h.api.create(nodePortService('web', port), { namespace: 'default' });
    await until('the host port', () => h.hp.listeners().length === 1);
    assert.deepEqual(h.hp.listeners(), [`TCP 127.0.0.1:${port} => ${NODE_IP}:${port} default/web`]);
    assert.equal(await get('127.0.0.1', port), 'web');
    await h.api.delete('web', { namespace: 'default' });
    await until('the close', () => h.hp.listeners().length === 0);
    assert.equal(await get('127.0.0.1', port), 'error:ECONNREFUSED');
    await h.stop();
  });

  test('a LoadBalancer answers on its ingress IP and port; a status change moves it', async () => {
    const h = harness();
    const nodePort = await nodeTarget('lb');
    const port = await nodeTarget('unused');
    const svc = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { namespace: 'default', name: 'lb' },
      spec: { type: 'LoadBalancer', clusterIP: '10.96.0.6', ports: [{ port, protocol: 'TCP', nodePort }] },
      status: { loadBalancer: { ingress: [{ ip: '127.0.100.201', ipMode: 'VIP' }] } },
    };
    await h.api.create(svc, { namespace: 'default' });
    await until('the LB port', () => h.hp.listeners().length === 2);
    assert.equal(await get('127.0.100.201', port), 'lb');
    svc.status.loadBalancer.ingress = [{ ip: '127.0.100.202', ipMode: 'VIP' }];
    await h.api.update(svc, { namespace: 'default' });
    await until('the move', () => h.hp.listeners().some((l) => l.startsWith(`TCP 127.0.100.202:${port}`)));
    assert.equal(await get('127.0.100.201', port), 'error:ECONNREFUSED');
    assert.equal(await get('127.0.100.202', port), 'lb');
    await h.stop();
  });

  test('a port in use becomes a Warning event (once) and binds on a retry once it is free', async () => {
    const h = harness();
    const port = await nodeTarget('late');
    const squatter = createServer();
    await new Promise<void>((r) => squatter.listen(port, '127.0.0.1', () => r()));
    await h.api.create(nodePortService('late', port), { namespace: 'default' });
    await until('the event', () => h.events.length === 1);
    assert.match(h.events[0], new RegExp(`^late Warning ${FAILED_TO_BIND}: Failed to bind 127\\.0\\.0\\.1:${port}/TCP for NodePort \\(relays to 127\\.0\\.0\\.2:${port}\\): address already in use; retrying$`));
    await h.clock.advance(1000);
    await until('a second attempt', () => h.clock.pending().length > 0);
    assert.equal(h.events.length, 1, 'the same failure is told once');
    await new Promise((r) => squatter.close(r));
    await h.clock.advance(1000);
    await until('the bind', () => h.hp.listeners().length === 1);
    assert.equal(await get('127.0.0.1', port), 'late');
    await h.stop();
  });

  test("a running pod's hostPort answers on 127.0.0.1 (dialing the node address); a second pod on it gets FailedToBindHostPort", async () => {
    const h = harness();
    const port = await nodeTarget('pod-web');
    const pod = (name: string, phase: string, podIP?: string) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { namespace: 'default', name },
      spec: { nodeName: 'node-1', containers: [{ name: 'nginx', ports: [{ name: 'http', containerPort: 80, hostPort: port }] }] },
      status: { phase, ...(podIP ? { podIP } : {}) },
    });
    await h.pods.create(pod('web', 'Pending'), { namespace: 'default' });
    await new Promise((r) => setTimeout(r, 30));
    assert.deepEqual(h.hp.listeners(), [], 'nothing before the pod has its IP');
    await h.pods.update(pod('web', 'Running', '10.244.0.5'), { namespace: 'default' });
    await until('the pod port', () => h.hp.listeners().length === 1);
    assert.deepEqual(h.hp.listeners(), [`TCP 127.0.0.1:${port} => ${NODE_IP}:${port} pod:default/web`]);
    assert.equal(await get('127.0.0.1', port), 'pod-web');
    await h.pods.create(pod('web2', 'Running', '10.244.0.6'), { namespace: 'default' });
    await until('the event', () => h.events.length === 1);
    assert.match(h.events[0], new RegExp(`^web2 Warning ${FAILED_TO_BIND}: Failed to bind 127\\.0\\.0\\.1:${port}/TCP for HostPort of container "nginx" port "http" \\(relays to 127\\.0\\.0\\.2:${port}\\): address already in use; retrying$`));
    // The holder goes: the pod that lost the port takes it at once, not at its next backoff
    // (the fake clock never moves here; in a cluster the backoff reaches 30 s).
    await h.pods.delete('web', { namespace: 'default' });
    await until('web2 to take the port', () => h.hp.listeners().join() === `TCP 127.0.0.1:${port} => ${NODE_IP}:${port} pod:default/web2`);
    await h.pods.delete('web2', { namespace: 'default' });
    await until('the close', () => h.hp.listeners().length === 0);
    assert.equal(await get('127.0.0.1', port), 'error:ECONNREFUSED');
    await h.stop();
  });

  test('UDP NodePorts relay datagrams per client flow', async () => {
    const h = harness();
    const udp = createSocket('udp4');
    udp.on('message', (m, r) => udp.send(`re:${m}`, r.port, r.address));
    let port = 0;
    for (;;) {
      const ok = await new Promise<boolean>((r) => {
        udp.once('error', () => r(false));
        udp.bind(0, NODE_IP, () => r(true));
      });
      if (ok) {
        port = udp.address().port;
        break;
      }
    }
    await h.api.create(nodePortService('dns', port, 'UDP'), { namespace: 'default' });
    await until('the UDP port', () => h.hp.listeners().length === 1);
    const client = createSocket('udp4');
    const answers: string[] = [];
    client.on('message', (m) => answers.push(m.toString()));
    client.send('a', port, '127.0.0.1');
    client.send('b', port, '127.0.0.1');
    await until('two answers', () => answers.length === 2);
    assert.deepEqual(answers.sort(), ['re:a', 're:b']);
    client.close();
    udp.close();
    await h.stop();
  });
});

/** A forked stand-in agent serving hand-offs (compiled fixture, or the source under tsx). */
function forkAgent(): ChildProcess {
  const js = fileURLToPath(new URL('./handoff-child.fixture.js', import.meta.url));
  const entry = existsSync(js) ? js : js.replace(/\.js$/, '.ts');
  return fork(entry, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

describe('HostPorts with the node agent serving hand-offs', () => {
  relayAround();

  test('TCP listeners go to the agent (no relay hop), close on delete, and come back here when the agent goes', async () => {
    const h = harness();
    const agent = forkAgent();
    h.hp.attachAgent(agent);
    const port = await nodeTarget('web');
    await h.api.create(nodePortService('web', port), { namespace: 'default' });
    await until('the hand-off', () => h.hp.handedCount() === 1);
    const before = relayed;
    assert.equal(await get('127.0.0.1', port), 'web');
    assert.equal(await get('127.0.0.1', port), 'web');
    assert.equal(relayed, before, 'the agent dialled itself; proxy.sock carried nothing');
    await h.api.delete('web', { namespace: 'default' });
    await until('the close', () => h.hp.listeners().length === 0);
    assert.equal(await get('127.0.0.1', port), 'error:ECONNREFUSED', 'closed in the agent once the sync is done');

    await h.api.create(nodePortService('web', port), { namespace: 'default' });
    await until('the hand-off again', () => h.hp.handedCount() === 1);
    const gone = new Promise((r) => agent.once('exit', r));
    agent.kill('SIGKILL');
    await gone;
    await until('the listener bound here again', () => h.hp.handedCount() === 0 && h.hp.listeners().length === 1 && get('127.0.0.1', port).then((r) => r === 'web'));
    assert.ok(relayed > before, 'relayed over proxy.sock without an agent to hand to');
    await h.stop();
  });

  test('an agent attached after its first hello went unheard is asked again', async () => {
    const h = harness();
    const agent = forkAgent();
    // Its hello at start, read and dropped before the link listens (as when `up` attaches a
    // restarted agent once it is ready).
    await once(agent, 'message');
    h.hp.attachAgent(agent);
    const port = await nodeTarget('late-hello');
    await h.api.create(nodePortService('late-hello', port), { namespace: 'default' });
    await until('the hand-off', () => h.hp.handedCount() === 1);
    assert.equal(await get('127.0.0.1', port), 'late-hello');
    const gone = new Promise((r) => agent.once('exit', r));
    agent.kill('SIGKILL');
    await gone;
    await h.stop();
  });

  test('UDP sockets go to the agent too: datagrams per client flow, no relay, closed on delete', async () => {
    const h = harness();
    const agent = forkAgent();
    h.hp.attachAgent(agent);
    const udp = createSocket('udp4');
    udp.on('message', (m, r) => udp.send(`re:${m}`, r.port, r.address));
    let port = 0;
    for (;;) {
      const ok = await new Promise<boolean>((r) => {
        udp.once('error', () => r(false));
        udp.bind(0, NODE_IP, () => r(true));
      });
      if (ok) {
        port = udp.address().port;
        break;
      }
    }
    await h.api.create(nodePortService('dns', port, 'UDP'), { namespace: 'default' });
    await until('the hand-off', () => h.hp.handedCount() === 1);
    const before = relay.connections();
    const client = createSocket('udp4');
    const answers: string[] = [];
    client.on('message', (m) => answers.push(m.toString()));
    client.send('a', port, '127.0.0.1');
    client.send('b', port, '127.0.0.1');
    await until('two answers', () => answers.length === 2);
    assert.deepEqual(answers.sort(), ['re:a', 're:b']);
    assert.equal(relay.connections(), before, 'no relay flow');
    await h.api.delete('dns', { namespace: 'default' });
    await until('the close', () => h.hp.listeners().length === 0);
    const rebind = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      rebind.once('error', reject);
      rebind.bind({ port, address: '127.0.0.1', exclusive: true }, () => resolve());
    });
    rebind.close();
    client.close();
    udp.close();
    const gone = new Promise((r) => agent.once('exit', r));
    agent.kill('SIGKILL');
    await gone;
    await h.stop();
  });

  test('a handed LoadBalancer listener keeps loadBalancerSourceRanges and follows target changes', async () => {
    const h = harness();
    const agent = forkAgent();
    h.hp.attachAgent(agent);
    const nodePort = await nodeTarget('one');
    const other = await nodeTarget('two');
    const port = await nodeTarget('unused');
    const svc = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { namespace: 'default', name: 'fw' },
      spec: { type: 'LoadBalancer', clusterIP: '10.96.0.7', loadBalancerSourceRanges: ['127.0.0.3/32'], ports: [{ port, protocol: 'TCP', nodePort }] },
      status: { loadBalancer: { ingress: [{ ip: '127.0.100.211', ipMode: 'VIP' }] } },
    };
    await h.api.create(svc, { namespace: 'default' });
    await until('both hand-offs', () => h.hp.handedCount() === 2);
    assert.equal(await get('127.0.100.211', port, '127.0.0.3'), 'one');
    assert.equal(await get('127.0.100.211', port, '127.0.0.4'), 'error:ECONNRESET', 'outside the ranges: reset');
    // A new nodePort: the handed listener keeps its socket and dials the new target.
    svc.spec.ports = [{ port, protocol: 'TCP', nodePort: other }];
    await h.api.update(svc, { namespace: 'default' });
    await until('the new target', () => get('127.0.100.211', port, '127.0.0.3').then((r) => r === 'two'));
    const gone = new Promise((r) => agent.once('exit', r));
    agent.kill('SIGKILL');
    await gone;
    await h.stop();
  });
});
