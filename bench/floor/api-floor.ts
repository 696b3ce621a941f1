/**
 * @module Starts the API floor (`api-floor-server.ts`) as its own process, as kubito's control
 * plane is, with a cluster's certificate and token, on a free loopback port; stopped by PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../src/testing/ports.js';

export interface ApiFloor {
  server: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** `keyPem`/`certPem`: the serving key and certificate (kubito's, so its clients trust the floor). */
export async function startApiFloor(options: { keyPem: string; certPem: string; token: string }): Promise<ApiFloor> {
  const dir = mkdtempSync(join(tmpdir(), 'kubito-api-floor-'));
  writeFileSync(join(dir, 'key.pem'), options.keyPem, { mode: 0o600 });
  writeFileSync(join(dir, 'cert.pem'), options.certPem);
  const port = await freePort();
  const program = join(dirname(fileURLToPath(import.meta.url)), 'api-floor-server.js');
  const child = spawn(process.execPath, [program, String(port), join(dir, 'key.pem'), join(dir, 'cert.pem'), join(dir, 'floor.db'), options.token], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('listening')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the API floor exited (${code}): ${out}`)));
  });
  return {
    server: `https://127.0.0.1:${port}`,
    process: child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
