/**
 * The native TCP forwarder (native/tcp-splice.c) for real on 127.0.0.1: echo targets, half-close,
 * a refused dial, target changes, close vs destroy, source ranges, the connection bound, many
 * connections at once. Fails (does not skip) when build/hostports-fwd.node was not built:
 * run `node scripts/build-native.js`.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { HANDOFF_TAG, type HandoffMessage } from './agent-link.js';
import { serveHandedListeners, type ParentChannel } from './handed-listeners.js';
import { forwardNatively, loadNativeForwarder, rangesToMasks, type NativeForwarderModule, type NativeListener } from './native-forwarder.js';

const loaded = loadNativeForwarder();
const servers: Server[] = [];
const listeners: NativeListener[] = [];

function mod(): NativeForwarderModule {
  if (loaded instanceof Error) throw new Error(`native forwarder not built (node scripts/build-native.js): ${loaded.message}`);
  return loaded;
}

async function listen(server: Server, port = 0): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  servers.push(server);
  return (server.address() as AddressInfo).port;
}

/** A target answering `name:` + what it read, once the client has half-closed. */
async function target(name: string): Promise<number> {
  return listen(
    createServer({ allowHalfOpen: true }, (s) => {
      const chunks: Buffer[] = [];
      s.on('data', (c: Buffer) => chunks.push(c));
      s.on('end', () => s.end(`${name}:${Buffer.concat(chunks).toString()}`));
      s.on('error', () => undefined);
    }),
  );
}

/** An echo target (bytes back as they come; FIN back after the client's). */
async function echo(): Promise<number> {
  return listen(
    createServer({ allowHalfOpen: true }, (s) => {
      s.on('error', () => undefined);
      s.pipe(s);
    }),
  );
}

/** A host listener on 127.0.0.1 served natively, forwarding to 127.0.0.1:port. */
async function forwarder(port: number, sourceRanges?: string[], io: 'copy' | 'splice' = 'copy'): Promise<{ port: number; fwd: NativeListener }> {
  const server = createServer();
  const own = await listen(server);
  const fwd = forwardNatively(mod(), server, { target: { ip: '127.0.0.1', port }, sourceRanges, io });
  listeners.push(fwd);
  return { port: own, fwd };
}

/** Sends `data`, half-closes, reads to EOF: the text, or `error:<code>`. */
function exchange(port: number, data: string | Buffer, localAddress?: string): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const s = connect({ host: '127.0.0.1', port, localAddress, allowHalfOpen: true });
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('end', () => {
      s.end();
      resolve(Buffer.concat(chunks).toString('latin1'));
    });
    s.on('error', (err: NodeJS.ErrnoException) => resolve(`error:${err.code}`));
    s.end(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  });
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port, allowHalfOpen: true }, () => resolve(s));
    s.once('error', reject);
  });
}

/** One round trip over an open connection to an echo target. */
function roundTrip(s: Socket, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    s.once('data', (c: Buffer) => resolve(c.toString()));
    s.once('error', reject);
    s.write(text);
  });
}

function closedWith(s: Socket): Promise<string> {
  return new Promise((resolve) => {
    if (s.destroyed) return resolve('destroyed');
    s.once('error', (err: NodeJS.ErrnoException) => resolve(`error:${err.code}`));
    s.once('end', () => resolve('end'));
  });
}

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(cond());
}

after(() => {
  for (const l of listeners) l.destroy();
  for (const s of servers) s.close();
});

describe('native host-port forwarder', () => {
  test('the module is built', () => {
    mod();
  });

  test('forwards both ways with half-close: data after the client FIN still comes back', async () => {
    const { port, fwd } = await forwarder(await target('a'));
    assert.equal(await exchange(port, 'hello'), 'a:hello');
    const spliced = await forwarder(await target('s'), undefined, 'splice');
    assert.equal(await exchange(spliced.port, 'hello'), 's:hello');
    await until(() => fwd.stats()?.active === 0);
    assert.deepEqual({ ...fwd.stats(), active: 0 }, { accepted: 1, active: 0, refusedSource: 0, overLimit: 0, connectFailed: 0, reset: 0, errors: 0 });
  });

  test('a target that speaks first is heard before the client says anything (copy and splice)', async () => {
    const banner = await listen(
      createServer((s) => {
        s.on('error', () => undefined);
        s.write('220 ready\n');
        s.on('data', (c: Buffer) => s.end(`got ${c.toString()}`));
      }),
    );
    for (const io of ['copy', 'splice'] as const) {
      const { port } = await forwarder(banner, undefined, io);
      const s = await open(port);
      const first = await new Promise<string>((resolve) => s.once('data', (c: Buffer) => resolve(c.toString())));
      assert.equal(first, '220 ready\n', io);
      const rest: Buffer[] = [];
      s.on('data', (c: Buffer) => rest.push(c));
      await new Promise((resolve) => {
        s.on('end', resolve);
        s.end('x');
      });
      assert.equal(Buffer.concat(rest).toString(), 'got x', io);
    }
  });

  test('a refused dial resets the client', async () => {
    const probe = createServer();
    const dead = await listen(probe);
    await new Promise((r) => probe.close(r));
    const { port, fwd } = await forwarder(dead);
    assert.equal(await exchange(port, 'x'), 'error:ECONNRESET');
    assert.equal(fwd.stats()?.connectFailed, 1);
  });

  test('a target change applies to new connections; open ones stay', async () => {
    const echoPort = await echo();
    const { port, fwd } = await forwarder(echoPort);
    const kept = await open(port);
    assert.equal(await roundTrip(kept, 'one'), 'one');
    fwd.update({ target: { ip: '127.0.0.1', port: await target('b') } });
    assert.equal(await exchange(port, 'new'), 'b:new');
    assert.equal(await roundTrip(kept, 'two'), 'two');
    kept.destroy();
  });

  test('close frees the port and keeps open connections; destroy resets them', async () => {
    const echoPort = await echo();
    const a = await forwarder(echoPort);
    const kept = await open(a.port);
    assert.equal(await roundTrip(kept, 'before'), 'before');
    a.fwd.close();
    assert.equal(await exchange(a.port, 'x'), 'error:ECONNREFUSED');
    const again = createServer();
    await listen(again, a.port); // the port is free at once
    again.close();
    assert.equal(await roundTrip(kept, 'after'), 'after');
    kept.destroy();

    const b = await forwarder(echoPort);
    const doomed = await open(b.port);
    assert.equal(await roundTrip(doomed, 'hi'), 'hi');
    const ended = closedWith(doomed);
    b.fwd.destroy();
    assert.equal(await ended, 'error:ECONNRESET');
    assert.equal(await exchange(b.port, 'x'), 'error:ECONNREFUSED');
  });

  test('clients outside the source ranges are reset', async () => {
    const { port, fwd } = await forwarder(await target('lb'), ['127.0.0.2/32', 'bogus']);
    assert.equal(await exchange(port, 'x'), 'error:ECONNRESET');
    assert.equal(await exchange(port, 'y', '127.0.0.2'), 'lb:y');
    assert.equal(fwd.stats()?.refusedSource, 1);
    fwd.update({ target: { ip: '127.0.0.1', port: await target('lb2') } }); // no ranges: everyone
    assert.equal(await exchange(port, 'z'), 'lb2:z');
    assert.deepEqual(rangesToMasks(['10.0.0.0/8', '1.2.3.4', 'x/3', '0.0.0.0/0']), [0x0a000000, 0xff000000, 0x01020304, 0xffffffff, 0, 0]);
    assert.equal(rangesToMasks([]), null);
  });

  test('the connection bound resets what is over it', async () => {
    const m = mod();
    const echoPort = await echo();
    const { port, fwd } = await forwarder(echoPort);
    const [active, max] = m.engine();
    m.engine(active! + 2);
    try {
      const held = [await open(port), await open(port)];
      for (const s of held) assert.equal(await roundTrip(s, 'ok'), 'ok');
      assert.equal(await exchange(port, 'x'), 'error:ECONNRESET');
      assert.equal(fwd.stats()?.overLimit, 1);
      for (const s of held) s.destroy();
    } finally {
      m.engine(max);
    }
  });

  for (const io of ['copy', 'splice'] as const) {
    test(`many connections at once, and a large transfer, arrive intact (${io})`, async () => {
      const { port, fwd } = await forwarder(await echo(), undefined, io);
      const payloads = Array.from({ length: 200 }, () => randomBytes(20_000).toString('latin1'));
      const got = await Promise.all(payloads.map((p) => exchange(port, p)));
      assert.ok(got.every((g, i) => g === payloads[i]));
      const big = randomBytes(8 << 20).toString('latin1');
      assert.ok((await exchange(port, big)) === big);
      await until(() => fwd.stats()?.active === 0);
      const s = fwd.stats()!;
      assert.equal(s.accepted, 201);
      assert.equal(s.errors + s.reset + s.connectFailed, 0);
    });
  }

  test('the agent end serves TCP hand-offs natively unless told js or given a userspace dial', async () => {
    const tport = await echo();
    for (const forwarder of ['auto', 'js', 'userspace'] as const) {
      const handlers: Array<(m: unknown, h: unknown) => void> = [];
      const sent: HandoffMessage[] = [];
      const channel: ParentChannel = {
        send: ((m: HandoffMessage) => sent.push(m) > 0) as unknown as ParentChannel['send'],
        on: ((ev: string, fn: (m: unknown, h: unknown) => void) => (ev === 'message' && handlers.push(fn), channel)) as unknown as ParentChannel['on'],
        removeListener: (() => channel) as unknown as ParentChannel['removeListener'],
      };
      const lines: string[] = [];
      const dialTcp = forwarder === 'userspace' ? () => undefined : undefined;
      const served = serveHandedListeners(channel, { forwarder: forwarder === 'userspace' ? 'auto' : forwarder, dialTcp, log: (l) => lines.push(l) })!;
      const server = createServer();
      const port = await listen(server);
      const spec = { key: `TCP 127.0.0.1:${port}`, protocol: 'TCP' as const, ip: '127.0.0.1', port, target: { ip: '127.0.0.1', port: tport }, kind: 'NodePort' as const, portName: '' };
      for (const h of handlers) h({ kubito: HANDOFF_TAG, op: 'listen', id: 1, spec }, server);
      assert.match(lines.join('\n'), forwarder === 'auto' ? /native forwarder/ : /forwarded by Node/);
      assert.equal(server.listening, forwarder !== 'auto', 'the native forwarder closes the JS server');
      // (No half-close here: Node's handed Server is not allowHalfOpen, so the JS path ends the
      // client with its FIN; the native one passes the FIN on.)
      const s = await open(port);
      assert.equal(await roundTrip(s, forwarder), forwarder);
      s.destroy();
      for (const h of handlers) h({ kubito: HANDOFF_TAG, op: 'close', id: 1 }, undefined);
      assert.deepEqual(sent.at(-1), { kubito: HANDOFF_TAG, op: 'closed', id: 1 });
      assert.equal(await exchange(port, 'x'), 'error:ECONNREFUSED');
      served.close();
    }
  });
});
