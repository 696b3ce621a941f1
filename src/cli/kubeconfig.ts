/**
 * @module `kubito kubeconfig`: prints a kubeconfig for the running cluster.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CREDENTIAL_FILES } from '../pki/credentials.js';
import { renderKubeconfig } from '../kubeconfig/index.js';
import type { CommonFlags } from './flags.js';
import { runningState } from './state.js';

export function kubeconfig(flags: CommonFlags): string {
  const state = runningState(flags.dataDir);
  if (!state) throw new Error(`cluster "${flags.name}" is not running; start it with: kubito up${flags.name === 'kubito' ? '' : ` --name ${flags.name}`}`);
  const pki = join(flags.dataDir, 'pki');
  return renderKubeconfig({
    name: state.name,
    server: state.server,
    caCertPem: readFileSync(join(pki, CREDENTIAL_FILES.caCert), 'utf8'),
    token: readFileSync(join(pki, CREDENTIAL_FILES.adminToken), 'utf8').trim(),
  });
}
