/**
 * @module The real-kernel scenario of backend.test.ts, run by it inside a network namespace it
 * made (`ip netns exec <ns> node backend-scenario.js`): backends on 127.0.0.x of that namespace,
 * a UserspaceBackend with the real `ip`, and clients; prints one JSON object of observations.
 */
import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { connect, createServer, type Server } from 'node:net';
import type { CommandRunner, ServicePortState } from '../types.js';
import { createUserspaceBackend } from './index.js';
import { ep, makeServicePort, makeState, withEndpoints } from './testing.js';

const runner: CommandRunner = {
  run: (argv) =>
    new Promise((resolve) => {
      execFile(argv[0], argv.slice(1), { encoding: 'utf8' }, (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      });
    }),
};

function tcpServer(ip: string, port: number): Promise<Server> {
  const server = createServer((s) => {
    s.end(ip);
  });
  return new Promise((resolve) => server.listen({ host: ip, port }, () => resolve(server)));
}

function udpServer(ip: string, port: number): Promise<ReturnType<typeof createSocket>> {
  const s = createSocket('udp4');
  s.on('message', (_m, r) => s.send(ip, r.port, r.address));
  return new Promise((resolve) => s.bind(port, ip, () => resolve(s)));
}

/** What a TCP client gets: the text the backend sent, or the error code. */
function tcpGet(ip: string, port: number, localAddress?: string): Promise<string> {
  return new Promise((resolve) => {
    let data = '';
    const s = connect({ host: ip, port, localAddress });
    s.on('data', (c) => (data += c.toString()));
    s.on('end', () => resolve(data));
    s.on('error', (err: NodeJS.ErrnoException) => resolve(`error:${err.code}`));
  });
}

/** Sends `n` datagrams from one client socket; the answers in order (or `timeout`). */
async function udpAsk(ip: string, port: number, n: number): Promise<string[]> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const answers: string[] = [];
  for (let i = 0; i < n; i++) {
    answers.push(
      await new Promise<string>((resolve) => {
        const t = setTimeout(() => resolve('timeout'), 1000);
        s.once('message', (m) => {
          clearTimeout(t);
          resolve(m.toString());
        });
        s.send('hi', port, ip);
      }),
    );
  }
  s.close();
  return answers;
}

function count(values: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}

async function main(): Promise<void> {
  const out: Record<string, unknown> = {};
  const servers = await Promise.all(['127.0.0.2', '127.0.0.3', '127.0.0.4'].map((ip) => tcpServer(ip, 8080)));
  const udps = await Promise.all(['127.0.0.2', '127.0.0.3'].map((ip) => udpServer(ip, 5353)));
  const three = [ep('127.0.0.2', 8080), ep('127.0.0.3', 8080), ep('127.0.0.4', 8080)];
  const web = (endpoints = three): ServicePortState =>
    makeServicePort('ns1', 'web', (s) => {
      s.clusterIP = '10.96.0.50';
      s.nodePort = 30080;
      withEndpoints(s, endpoints);
    });
  const dns = makeServicePort('ns1', 'dns', (s) => {
    s.clusterIP = '10.96.0.53';
    s.protocol = 'UDP';
    s.port = 53;
    withEndpoints(s, [ep('127.0.0.2', 5353), ep('127.0.0.3', 5353)]);
  });
  const empty = makeServicePort('ns1', 'empty', (s) => {
    s.clusterIP = '10.96.0.60';
  });
  const sticky = makeServicePort('ns1', 'sticky', (s) => {
    s.clusterIP = '10.96.0.70';
    s.stickyMaxAgeSeconds = 60;
    withEndpoints(s, three);
  });
  const logs: string[] = [];
  const backend = createUserspaceBackend({ runner, interfaceName: 'kube-ipvs0', udpIdleTimeoutMs: 300, log: (l) => logs.push(l) });
  await backend.sync(makeState([dns, empty, sticky, web()], ['127.0.0.1']), 'all');

  out.roundRobin = count(await Promise.all(Array.from({ length: 30 }, () => tcpGet('10.96.0.50', 80))));
  out.nodePort = await tcpGet('127.0.0.1', 30080);
  out.empty = await tcpGet('10.96.0.60', 80);
  const stickyAnswers: string[] = [];
  for (let i = 0; i < 10; i++) stickyAnswers.push(await tcpGet('10.96.0.70', 80));
  out.sticky = count(stickyAnswers);
  const udpClients = await Promise.all(Array.from({ length: 4 }, () => udpAsk('10.96.0.53', 53, 3)));
  out.udpClients = udpClients;
  out.udpFlows = backend.listener('UDP 10.96.0.53:53') && 'flows' in backend.listener('UDP 10.96.0.53:53')! ? (backend.listener('UDP 10.96.0.53:53') as { flows(): Map<string, string> }).flows().size : -1;
  await new Promise((r) => setTimeout(r, 800));
  out.udpFlowsAfterIdle = (backend.listener('UDP 10.96.0.53:53') as { flows(): Map<string, string> }).flows().size;

  // A dead endpoint (nothing listens on 127.0.0.9:8080): every connection still succeeds.
  await backend.sync(makeState([dns, empty, sticky, web([...three, ep('127.0.0.9', 8080)])], ['127.0.0.1']), 'all');
  out.withDead = count(await Promise.all(Array.from({ length: 20 }, () => tcpGet('10.96.0.50', 80))));

  // Endpoints go: the listener closes, the address stays, connections are refused.
  await backend.sync(makeState([dns, empty, sticky, web([])], ['127.0.0.1']), 'all');
  out.noEndpoints = await tcpGet('10.96.0.50', 80);
  out.rules = await backend.currentRules();

  // The service goes: its address leaves the interface.
  await backend.sync(makeState([dns, empty, sticky], ['127.0.0.1']), 'all');
  out.addressesAfterRemoval = await runner.run(['ip', '-o', '-4', 'addr', 'show', 'dev', 'kube-ipvs0']).then((r) => r.stdout);
  out.removedNodePort = await tcpGet('127.0.0.1', 30080);

  await backend.cleanup();
  out.linkAfterCleanup = (await runner.run(['ip', 'link', 'show', 'kube-ipvs0'])).code;
  out.logs = logs;
  for (const s of servers) s.close();
  for (const u of udps) u.close();
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
