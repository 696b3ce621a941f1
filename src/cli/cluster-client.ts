/**
 * @module A client for a running cluster, for the commands that ask it things (`status`,
 * `doctor`): its address from `<data-dir>/state.json`, the CA and the admin token from its PKI.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, HttpTransport } from '../client/index.js';
import { CREDENTIAL_FILES } from '../pki/credentials.js';
import type { CommonFlags } from './flags.js';
import { runningState, type ClusterState } from './state.js';

export interface ClusterConnection {
  state: ClusterState;
  client: Client;
  close(): void;
}

/** undefined when the cluster is not running. */
export function connectToCluster(flags: CommonFlags, userAgent: string): ClusterConnection | undefined {
  const state = runningState(flags.dataDir);
  if (!state) return undefined;
  const pki = join(flags.dataDir, 'pki');
  const transport = new HttpTransport({
    server: state.server,
    ca: readFileSync(join(pki, CREDENTIAL_FILES.caCert), 'utf8'),
    token: readFileSync(join(pki, CREDENTIAL_FILES.adminToken), 'utf8').trim(),
    userAgent,
  });
  return { state, client: new Client(transport), close: () => transport.close() };
}
