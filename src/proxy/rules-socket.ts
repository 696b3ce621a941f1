/**
 * @module The node proxy's local control socket, `<data-dir>/run/proxy-rules.sock` (the agent shares
 * the host's mount namespace, so the host sees it; mode 0600): `GET /rules` answers the
 * backend's `currentRules()` (what `kubito proxy rules` prints, whatever the mode), `GET /mode`
 * the mode in effect (after any fallback).
 */
import { chmodSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import type { ProxyBackend } from './types.js';

export function proxySocketPath(dataDir: string): string {
  return join(dataDir, 'run', 'proxy-rules.sock');
}

export async function startRulesSocket(path: string, backend: ProxyBackend): Promise<{ close(): Promise<void> }> {
  rmSync(path, { force: true });
  const server = createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0];
    if (url === '/mode') {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end(`${backend.mode}\n`);
      return;
    }
    if (url !== '/rules') {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found: try /rules or /mode\n');
      return;
    }
    backend.currentRules().then(
      (text) => {
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end(text);
      },
      (err: unknown) => {
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end(`${err instanceof Error ? err.message : String(err)}\n`);
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  chmodSync(path, 0o600);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        rmSync(path, { force: true });
      }),
  };
}
