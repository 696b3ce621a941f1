import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiRelay, apiEndpointPort } from './api-relay.js';

const dir = mkdtempSync(join(tmpdir(), 'kubito-relay-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('apiEndpointPort: the https port of the subset with the address', () => {
  const ep = { subsets: [{ addresses: [{ ip: '10.244.0.1' }], ports: [{ name: 'https', port: 40123, protocol: 'TCP' }] }] };
  assert.equal(apiEndpointPort(ep, '10.244.0.1'), 40123);
  assert.equal(apiEndpointPort(ep, '10.244.0.9'), undefined);
  assert.equal(apiEndpointPort(undefined, '10.244.0.1'), undefined);
  assert.equal(apiEndpointPort({ subsets: [{ addresses: [{ ip: '10.244.0.1' }], ports: [{ port: 6443 }] }] }, '10.244.0.1'), 6443);
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function roundTrip(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = net.connect(port, '127.0.0.1');
    let got = '';
    c.on('data', (d) => (got += d.toString()));
    c.on('end', () => resolve(got));
    c.on('error', reject);
    c.end(text);
  });
}

test('relays bytes both ways to the Unix socket, follows the port, stops', async () => {
  const target = join(dir, 'api-tls.sock');
  const upstream = net.createServer((s) => {
    let got = '';
    s.on('data', (d) => (got += d.toString()));
    s.on('end', () => s.end(`echo:${got}`));
  });
  await new Promise<void>((r) => upstream.listen(target, r));
  const relay = new ApiRelay('127.0.0.1', { target, log: () => {} });
  const [p1, p2] = [await freePort(), await freePort()];
  await Promise.all([relay.listen(p1), relay.listen(p1)]);
  assert.equal(await roundTrip(p1, 'hello'), 'echo:hello');
  await relay.listen(p2);
  assert.equal(relay.port, p2);
  assert.equal(await roundTrip(p2, 'again'), 'echo:again');
  await assert.rejects(roundTrip(p1, 'x'), /ECONNREFUSED/);
  await relay.close();
  await assert.rejects(roundTrip(p2, 'x'), /ECONNREFUSED/);
  await new Promise<void>((r) => upstream.close(() => r()));
});
