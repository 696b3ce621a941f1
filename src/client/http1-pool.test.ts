/** @module Keep-alive connections against a local server: reuse, the connection limit, closes, timeouts. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { Http1ConnectionError, Http1Pool, connector } from './http1-pool.js';

/** A server that answers each request line with `handler`'s bytes (or holds it); counts connections. */
async function serve(handler: (line: string, socket: net.Socket) => string | undefined): Promise<{ url: URL; connections: () => number; close: () => Promise<void> }> {
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let buffered = '';
    socket.on('data', (d) => {
      buffered += d.toString('latin1');
      for (let end = buffered.indexOf('\r\n\r\n'); end >= 0; end = buffered.indexOf('\r\n\r\n')) {
        const head = buffered.slice(0, end);
        const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
        if (buffered.length < end + 4 + length) return;
        buffered = buffered.slice(end + 4 + length);
        const answer = handler(head.split('\r\n')[0], socket);
        if (answer !== undefined) socket.write(answer);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: new URL(`http://127.0.0.1:${port}`),
    connections: () => connections,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

function get(path: string): Buffer {
  return Buffer.from(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`);
}

function ok(body: string): string {
  return `HTTP/1.1 200 OK\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

test('sequential requests share one connection; concurrent ones open more, up to maxConnections, the rest wait in order', async () => {
  const held: Array<() => void> = [];
  const server = await serve((line, socket) => {
    const path = line.split(' ')[1];
    if (path.startsWith('/hold')) {
      held.push(() => socket.write(ok(path)));
      return undefined;
    }
    return ok(path);
  });
  const pool = new Http1Pool(connector(server.url, {}), { maxConnections: 2 });
  try {
    for (let i = 0; i < 5; i++) assert.equal((await pool.request({ bytes: get(`/s${i}`) })).body.toString(), `/s${i}`);
    assert.equal(server.connections(), 1);
    const answers: string[] = [];
    const all = ['/hold1', '/hold2', '/after1', '/after2'].map((p) => pool.request({ bytes: get(p) }).then((r) => answers.push(r.body.toString())));
    while (held.length < 2) await new Promise((r) => setTimeout(r, 5));
    assert.equal(pool.size, 2);
    assert.deepEqual(answers, [], 'the last two wait for a free connection');
    for (const release of held) release();
    await Promise.all(all);
    assert.deepEqual(answers.slice(0, 2).sort(), ['/hold1', '/hold2']);
    assert.deepEqual(answers.slice(2), ['/after1', '/after2']);
    assert.equal(server.connections(), 2);
  } finally {
    pool.close();
    await server.close();
  }
});

test('a connection the server closes while idle is dropped; one that says Connection: close is not reused', async () => {
  const server = await serve((line, socket) => {
    const path = line.split(' ')[1];
    if (path === '/bye') return `HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 3\r\n\r\nbye`;
    if (path === '/hangup') setImmediate(() => socket.end());
    if (path === '/short') return `HTTP/1.1 200 OK\r\nKeep-Alive: timeout=1\r\nContent-Length: 2\r\n\r\nok`;
    return ok(path);
  });
  const pool = new Http1Pool(connector(server.url, {}));
  try {
    await pool.request({ bytes: get('/hangup') });
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(pool.size, 0, 'the closed idle connection left the pool');
    assert.equal((await pool.request({ bytes: get('/next') })).body.toString(), '/next');
    assert.equal((await pool.request({ bytes: get('/bye') })).reusable, false);
    assert.equal((await pool.request({ bytes: get('/last') })).body.toString(), '/last');
    assert.equal(server.connections(), 3);
    // Keep-Alive: timeout=1 leaves no time to reuse the connection safely.
    await pool.request({ bytes: get('/short') });
    await pool.request({ bytes: get('/after-short') });
    assert.equal(server.connections(), 4);
  } finally {
    pool.close();
    await server.close();
  }
});

test('a connection dropped in the middle of an answer fails that request; a timeout fails it with its own error and frees the slot', async () => {
  const server = await serve((line, socket) => {
    const path = line.split(' ')[1];
    if (path === '/cut') {
      socket.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial');
      return undefined;
    }
    if (path === '/slow') return undefined;
    return ok(path);
  });
  const pool = new Http1Pool(connector(server.url, {}), { maxConnections: 1 });
  try {
    await assert.rejects(pool.request({ bytes: get('/cut') }), Http1ConnectionError);
    class Late extends Error {}
    await assert.rejects(pool.request({ bytes: get('/slow'), timeoutMs: 30, onTimeout: () => new Late('late') }), Late);
    assert.equal((await pool.request({ bytes: get('/fine') })).body.toString(), '/fine');
  } finally {
    pool.close();
    await server.close();
  }
});

test('a refused connection fails the request with Http1ConnectionError', async () => {
  const server = await serve(() => ok(''));
  const url = server.url;
  await server.close();
  const pool = new Http1Pool(connector(url, {}));
  await assert.rejects(pool.request({ bytes: get('/') }), (err: unknown) => err instanceof Http1ConnectionError && /ECONNREFUSED/.test(err.message));
});

test('an answer read until the close frees its connection slot; one cut by a reset fails', async () => {
  const server = await serve((line, socket) => {
    const path = line.split(' ')[1];
    if (path === '/reset') {
      socket.write('HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n{"items":[1,2');
      setTimeout(() => socket.resetAndDestroy(), 20);
      return undefined;
    }
    socket.end(`HTTP/1.1 200 OK\r\n\r\nuntil-close ${path}`);
    return undefined;
  });
  const pool = new Http1Pool(connector(server.url, {}), { maxConnections: 1 });
  try {
    assert.equal((await pool.request({ bytes: get('/a') })).body.toString(), 'until-close /a');
    assert.equal(pool.size, 0);
    assert.equal((await pool.request({ bytes: get('/b') })).body.toString(), 'until-close /b', 'the slot was freed');
    await assert.rejects(pool.request({ bytes: get('/reset') }), Http1ConnectionError);
  } finally {
    pool.close();
    await server.close();
  }
});

test('a connection that cannot even be opened fails its request alone: the request is never sent later', async () => {
  const paths: string[] = [];
  const server = await serve((line) => {
    paths.push(line.split(' ')[1]);
    return ok('');
  });
  let calls = 0;
  const working = connector(server.url, {});
  const pool = new Http1Pool(() => {
    if (calls++ === 0) throw new Error('bad key');
    return working();
  }, { maxConnections: 1 });
  try {
    await assert.rejects(pool.request({ bytes: get('/first') }), /bad key/);
    await pool.request({ bytes: get('/second') });
    assert.deepEqual(paths, ['/second']);
  } finally {
    pool.close();
    await server.close();
  }
});

test('a header named like an Object.prototype member is a header like any other', async () => {
  const server = await serve(() => 'HTTP/1.1 200 OK\r\nConstructor: x\r\nContent-Length: 2\r\n\r\n{}');
  const pool = new Http1Pool(connector(server.url, {}));
  try {
    assert.equal((await pool.request({ bytes: get('/') })).headers.constructor, 'x');
  } finally {
    pool.close();
    await server.close();
  }
});

test('a kept connection the server closes as a request goes out: a replayable request is sent again on a new connection, others fail (Go\'s rule)', async () => {
  // The server hangs up on the second request of each connection without answering it, as
  // when its idle close crosses the request on the wire.
  const seen: string[] = [];
  const server = await serve((line, socket) => {
    const s = socket as net.Socket & { served?: number };
    seen.push(line);
    s.served = (s.served ?? 0) + 1;
    if (s.served === 2 || line.includes('/hangup')) {
      socket.destroy();
      return undefined;
    }
    return ok(line.split(' ')[1]);
  });
  const post = (path: string) => Buffer.from(`POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}`);
  const pool = new Http1Pool(connector(server.url, {}));
  try {
    await pool.request({ bytes: get('/one'), replayable: true });
    assert.equal((await pool.request({ bytes: get('/two'), replayable: true })).body.toString(), '/two');
    assert.equal(server.connections(), 2, 'sent again on a new connection');
    assert.deepEqual(seen.slice(-2), ['GET /two HTTP/1.1', 'GET /two HTTP/1.1']);
    // A request that is not replayable (a POST: the server may have acted on it) fails.
    await assert.rejects(pool.request({ bytes: post('/create') }), Http1ConnectionError);
    assert.equal(seen.filter((l) => l.startsWith('POST')).length, 1, 'never sent twice');
    // On a fresh connection there is no stale keep-alive to blame: no retry.
    pool.close();
    const fresh = new Http1Pool(connector(server.url, {}));
    await assert.rejects(fresh.request({ bytes: get('/hangup'), replayable: true }), Http1ConnectionError);
    assert.equal(seen.filter((l) => l.includes('/hangup')).length, 1);
    fresh.close();
  } finally {
    pool.close();
    await server.close();
  }
});

test('a replayable request is not sent again once some of its answer has arrived', async () => {
  let n = 0;
  const server = await serve((line, socket) => {
    n++;
    if (line.includes('/cut')) {
      socket.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial');
      return undefined;
    }
    return ok(line.split(' ')[1]);
  });
  const pool = new Http1Pool(connector(server.url, {}));
  try {
    await pool.request({ bytes: get('/warm'), replayable: true });
    await assert.rejects(pool.request({ bytes: get('/cut'), replayable: true }), Http1ConnectionError);
    assert.equal(n, 2);
  } finally {
    pool.close();
    await server.close();
  }
});
