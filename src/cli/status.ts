/**
 * @module `kubito status`: what runs, where, and how healthy (asks the API's /readyz).
 * Exits non-zero when the cluster is not running or not ready.
 */
import { request } from 'node:https';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CREDENTIAL_FILES } from '../pki/credentials.js';
import type { CommonFlags } from './flags.js';
import { runningState } from './state.js';

function readyz(server: string, ca: string): Promise<string> {
  return new Promise((resolve) => {
    const req = request(`${server}/readyz`, { ca, timeout: 2000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve(res.statusCode === 200 ? 'ready' : `not ready (${res.statusCode}: ${body.trim()})`));
    });
    req.on('error', (err) => resolve(`unreachable (${err.message})`));
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}

export async function status(flags: CommonFlags, out: (line: string) => void): Promise<boolean> {
  const state = runningState(flags.dataDir);
  if (!state) {
    out(`cluster "${flags.name}": not running (data dir ${flags.dataDir})`);
    return false;
  }
  const ca = readFileSync(join(flags.dataDir, 'pki', CREDENTIAL_FILES.caCert), 'utf8');
  const health = await readyz(state.server, ca);
  out(`cluster "${state.name}": running (pid ${state.pid}) since ${state.startedAt}, ready in ${state.readyMs} ms`);
  out(`  apiserver   ${state.server}: ${health}`);
  out(`  store       ${state.store}`);
  out(`  data dir    ${state.dataDir}`);
  out(`  kubeconfig  ${state.kubeconfig} (context kubito-${state.name})`);
  return health === 'ready';
}
