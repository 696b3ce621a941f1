/**
 * @module agnhost `netexec`: the HTTP endpoints upstream's network and Service tests use
 * (`/`, `/clientip`, `/echo?msg=&code=`, `/hostname`, `/hostName`, `/healthz`, `/dial`,
 * `/shell?cmd=`, `/exit?code=`, `/shutdown`, `/redirect`), and the UDP server answering
 * `hostname`, `echo <msg>` and `clientip`.
 */
import { execFile } from 'node:child_process';
import dgram from 'node:dgram';
import http from 'node:http';
import os from 'node:os';
import { log } from './go-log.js';

export interface NetexecOptions {
  httpPort: number;
  udpPort: number;
  shellPath: string;
}

/** Parses netexec's flags (`--http-port=8080`, `--udp-port 8081`). */
export function parseNetexecFlags(args: string[]): NetexecOptions {
  const out: NetexecOptions = { httpPort: 8080, udpPort: 8081, shellPath: '/bin/sh' };
  for (let i = 0; i < args.length; i++) {
    const m = /^--?([a-z-]+)(?:=(.*))?$/.exec(args[i]);
    if (!m) continue;
    const value = m[2] ?? args[++i];
    if (m[1] === 'http-port') out.httpPort = Number(value);
    else if (m[1] === 'udp-port') out.udpPort = Number(value);
  }
  return out;
}

function remoteAddr(req: http.IncomingMessage): string {
  const a = req.socket.remoteAddress ?? '';
  const ip = a.startsWith('::ffff:') ? a.slice(7) : a;
  return ip.includes(':') ? `[${ip}]:${req.socket.remotePort}` : `${ip}:${req.socket.remotePort}`;
}

function goTime(d: Date): string {
  // Go's time.Time String(): 2006-01-02 15:04:05.999999999 -0700 MST (zone as UTC here).
  return `${d.toISOString().replace('T', ' ').replace('Z', '')} +0000 UTC`;
}

async function dial(host: string, port: string, request: string, protocol: string): Promise<string> {
  if (protocol === 'udp') {
    return new Promise((resolve, reject) => {
      const sock = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
      const timer = setTimeout(() => {
        sock.close();
        reject(new Error(`reading from udp connection failed. err:'read udp: i/o timeout'`));
      }, 5000);
      sock.on('message', (msg) => {
        clearTimeout(timer);
        sock.close();
        resolve(msg.toString());
      });
      sock.send(request, Number(port), host);
    });
  }
  return new Promise((resolve, reject) => {
    const req = http.get({ host, port: Number(port), path: `/${request}`, timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy(new Error('Client.Timeout exceeded while awaiting headers')));
    req.on('error', (err) => reject(new Error(`Get "http://${host}:${port}/${request}": ${err.message}`)));
  });
}

/** The HTTP handler of netexec's endpoints. */
export function netexecHandler(options: Pick<NetexecOptions, 'shellPath'>): http.RequestListener {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://netexec');
    const q = url.searchParams;
    const send = (body: string, code = 200): void => {
      res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(body);
    };
    switch (url.pathname) {
      case '/clientip':
        log('GET /clientip');
        return send(remoteAddr(req));
      case '/echo': {
        const msg = q.get('msg') ?? '';
        const code = q.get('code') ?? '';
        log(`GET /echo?msg=${msg}&code=${code}`);
        if (code && !/^\d+$/.test(code)) return send(`argument 'code' must be an integer or empty, got ${JSON.stringify(code)}\n`);
        return send(msg, code ? Number(code) : 200);
      }
      case '/hostname':
      case '/hostName':
        log(`GET ${url.pathname}`);
        return send(os.hostname());
      case '/healthz':
        log('GET /healthz');
        return send('');
      case '/shutdown':
        log('GET /shutdown');
        send('');
        return process.exit(0);
      case '/exit': {
        const code = Number(q.get('code') ?? '0') || 0;
        log(`GET /exit?code=${q.get('code') ?? ''}&timeout=${q.get('timeout') ?? ''}&wait=${q.get('wait') ?? ''}`);
        send('');
        setTimeout(() => process.exit(code), 10);
        return;
      }
      case '/redirect': {
        const location = q.get('location') ?? '/';
        res.writeHead(Number(q.get('code') ?? '302') || 302, { Location: location });
        return void res.end();
      }
      case '/shell': {
        const cmd = q.get('shellCommand') || q.get('cmd') || '';
        log(`GET /shell?cmd=${cmd}`);
        execFile(options.shellPath, ['-c', cmd], (err, stdout, stderr) => {
          const output: Record<string, string> = {};
          if (stdout || stderr) output.output = stdout + stderr;
          if (err) output.error = `exit status ${typeof err.code === 'number' ? err.code : 1}`;
          send(JSON.stringify(output));
        });
        return;
      }
      case '/dial': {
        const host = q.get('host') ?? '';
        const port = q.get('port') ?? '';
        const request = q.get('request') ?? '';
        const protocol = (q.get('protocol') || 'http').toLowerCase();
        const tries = Number(q.get('tries') || '1');
        log(`GET /dial?host=${host}&protocol=${protocol}&port=${port}&request=${request}&tries=${q.get('tries') ?? ''}`);
        if (!request) return send('request parameter not specified. <nil>\n', 400);
        if (!Number.isInteger(tries)) return send('tries parameter is invalid.\n', 400);
        if (protocol !== 'http' && protocol !== 'udp') return send(`unsupported protocol. ${protocol}\n`, 400);
        void (async () => {
          const responses: string[] = [];
          const errors: string[] = [];
          for (let i = 0; i < tries; i++) {
            try {
              responses.push(await dial(host, port, request, protocol));
            } catch (err) {
              errors.push(err instanceof Error ? err.message : String(err));
            }
          }
          const out: Record<string, string[]> = {};
          if (responses.length) out.responses = responses;
          if (errors.length) out.errors = errors;
          send(JSON.stringify(out));
        })();
        return;
      }
      default:
        log('GET /');
        return send(`NOW: ${goTime(new Date())}`);
    }
  };
}

/** Runs netexec: HTTP on every address at --http-port, UDP at --udp-port (-1: none). */
export function netexec(options: NetexecOptions): http.Server {
  const server = http.createServer(netexecHandler(options));
  server.listen(options.httpPort, () => log(`Started HTTP server on port ${options.httpPort}`));
  if (options.udpPort !== -1) {
    const udp = dgram.createSocket('udp4');
    udp.on('message', (msg, rinfo) => {
      const text = msg.toString().trim();
      let reply = '';
      if (text === 'hostname') reply = os.hostname();
      else if (text.startsWith('echo ')) reply = text.slice(5);
      else if (text === 'clientip') reply = `${rinfo.address}:${rinfo.port}`;
      udp.send(reply, rinfo.port, rinfo.address);
    });
    udp.bind(options.udpPort, () => log(`Started UDP server on port  ${options.udpPort}`));
  }
  return server;
}
