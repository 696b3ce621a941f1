/**
 * @module kubito's built-in agnhost (registry.k8s.io/e2e-test-images/agnhost): the
 * subcommands upstream's Service tests run — `netexec`, `serve-hostname` — and `pause`.
 * Usage: `node agnhost/main.js <subcommand> [flags]`.
 */
import http from 'node:http';
import net from 'node:net';
import dgram from 'node:dgram';
import os from 'node:os';
import { log } from './go-log.js';
import { netexec, parseNetexecFlags } from './netexec.js';

function flag(args: string[], name: string, fallback: string): string {
  for (let i = 0; i < args.length; i++) {
    const m = /^--?([a-z-]+)(?:=(.*))?$/.exec(args[i]);
    if (m && m[1] === name) return m[2] ?? (args[i + 1] && !args[i + 1].startsWith('-') ? args[i + 1] : 'true');
  }
  return fallback;
}

/** `serve-hostname`: answers every request with the hostname (HTTP by default, port 9376). */
function serveHostname(args: string[]): void {
  const port = Number(flag(args, 'port', '9376'));
  const useHttp = flag(args, 'http', 'true') !== 'false';
  const useTcp = flag(args, 'tcp', 'false') === 'true';
  const useUdp = flag(args, 'udp', 'false') === 'true';
  const close = flag(args, 'close', 'false') === 'true';
  const hostname = os.hostname();
  if (useHttp) {
    http
      .createServer((req, res) => {
        log(`Served HTTP request from ${req.socket.remoteAddress}`);
        res.writeHead(200, close ? { Connection: 'close' } : {});
        res.end(hostname);
      })
      .listen(port);
  }
  if (useTcp) net.createServer((s) => s.end(hostname)).listen(port);
  if (useUdp) {
    const u = dgram.createSocket('udp4');
    u.on('message', (_m, r) => u.send(hostname, r.port, r.address));
    u.bind(port);
  }
  log(`Serving on port ${port}.`);
}

function pause(): void {
  const stop = (): void => process.exit(0);
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  setInterval(() => undefined, 1 << 30);
}

const [sub, ...rest] = process.argv.slice(2);
switch (sub) {
  case 'netexec':
    netexec(parseNetexecFlags(rest));
    break;
  case 'serve-hostname':
    serveHostname(rest);
    break;
  case 'pause':
  case undefined:
    pause();
    break;
  default:
    process.stderr.write(`Error: unknown command "${sub}" for "agnhost"\nkubito's agnhost implements: netexec, serve-hostname, pause\n`);
    process.exit(1);
}
