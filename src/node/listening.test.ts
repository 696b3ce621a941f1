/** @module listeningPorts over /proc/net/tcp text; waitListening against this process's own table. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { realClock } from '../client/index.js';
import { listeningPorts, waitListening } from './listening.js';

const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1234 1 0000000000000000 100 0 0 10 0
   1: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1235 1 0000000000000000 100 0 0 10 0
   2: 0200F40A:0050 0300F40A:C350 01 00000000:00000000 00:00000000 00000000     0        0 1236 1 0000000000000000 20 4 30 10 -1
`;

test('listening ports: state 0A only, the port in hex after the last colon', () => {
  assert.deepEqual([...listeningPorts(TCP)].sort((a, b) => a - b), [80, 8080]);
  assert.deepEqual([...listeningPorts('')], []);
  const tcp6 = `  sl  local_address                         remote_address                        st
   0: 00000000000000000000000000000000:1F91 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 99 1
`;
  assert.deepEqual([...listeningPorts(tcp6)], [8081]);
});

test('waitListening: true once the port listens, false on timeout or an unreadable table', { skip: process.platform !== 'linux' }, async () => {
  const server = createServer();
  const waiting = waitListening(process.pid, [0], { clock: realClock, timeoutMs: 50 });
  assert.equal(await waiting, false, 'port 0 never listens');
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  assert.equal(await waitListening(process.pid, [port], { clock: realClock, timeoutMs: 1000 }), true);
  server.close();
  assert.equal(await waitListening(2 ** 22 + 7, [port], { clock: realClock, timeoutMs: 1000 }), false);
});
