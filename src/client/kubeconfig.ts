/**
 * @module Reads a kubeconfig into HttpTransport options, for components that run in another
 * process than the API server (a node agent, a detached proxy). Supports what kubito's own
 * kubeconfig uses and what kind/kubeadm write: server, CA (inline or file), insecure skip,
 * bearer token (inline or file), client certificate and key (inline or file). Exec and
 * auth-provider plugins are not supported and say so.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join } from 'node:path';
import type { HttpTransportOptions } from './http-transport.js';

/** The yaml package, loaded on first use: it takes longer to load (~80 ms) than most requests need. */
const requireYaml = createRequire(import.meta.url);
let yamlModule: typeof import('yaml') | undefined;
function yaml(): typeof import('yaml') {
  return (yamlModule ??= requireYaml('yaml') as typeof import('yaml'));
}

/** The parts of a kubeconfig read here; values are checked before use. */
interface KubeconfigFile {
  'current-context'?: string;
  clusters?: Array<{ name: string; cluster?: Record<string, unknown> }>;
  users?: Array<{ name: string; user?: Record<string, unknown> }>;
  contexts?: Array<{ name: string; context?: { cluster?: string; user?: string; namespace?: string } }>;
}

export interface KubeconfigOptions {
  /** Context to use; default the file's `current-context`. */
  context?: string;
  /** Directory that relative file paths are resolved against; default the current directory. */
  dir?: string;
}

/** Transport options plus the context's default namespace (`default` if it names none). */
export interface KubeconfigConnection {
  transport: HttpTransportOptions;
  namespace: string;
}

/** Parses kubeconfig YAML text. Throws an Error naming what is missing or unsupported. */
export function kubeconfigConnection(text: string, options: KubeconfigOptions = {}): KubeconfigConnection {
  const config = (yaml().parse(text) ?? {}) as KubeconfigFile;
  const contextName = options.context ?? config['current-context'];
  if (!contextName) throw new Error('kubeconfig: no context given and no current-context set');
  const context = config.contexts?.find((c) => c.name === contextName)?.context;
  if (!context) throw new Error(`kubeconfig: context ${JSON.stringify(contextName)} not found`);
  const cluster = config.clusters?.find((c) => c.name === context.cluster)?.cluster;
  if (!cluster) throw new Error(`kubeconfig: cluster ${JSON.stringify(context.cluster)} not found`);
  const user = config.users?.find((u) => u.name === context.user)?.user ?? {};
  if (user.exec || user['auth-provider']) throw new Error('kubeconfig: exec and auth-provider credentials are not supported');
  const dir = options.dir ?? process.cwd();
  const server = str(cluster.server);
  if (!server) throw new Error(`kubeconfig: cluster ${JSON.stringify(context.cluster)} has no server`);
  const transport: HttpTransportOptions = { server };
  const ca = material(cluster['certificate-authority-data'], cluster['certificate-authority'], dir);
  if (ca) transport.ca = ca;
  if (cluster['insecure-skip-tls-verify'] === true) transport.insecureSkipTLSVerify = true;
  const token = str(user.token) ?? (str(user.tokenFile) ? readFileSync(resolve(dir, str(user.tokenFile)!), 'utf8').trim() : undefined);
  if (token) transport.token = token;
  const cert = material(user['client-certificate-data'], user['client-certificate'], dir);
  const key = material(user['client-key-data'], user['client-key'], dir);
  if (cert) transport.cert = cert;
  if (key) transport.key = key;
  return { transport, namespace: context.namespace || 'default' };
}

/** Reads and parses a kubeconfig file; relative paths inside it are relative to the file. */
export function loadKubeconfigConnection(path: string, options: Omit<KubeconfigOptions, 'dir'> = {}): KubeconfigConnection {
  return kubeconfigConnection(readFileSync(path, 'utf8'), { ...options, dir: dirname(path) });
}

/** Inline base64 data wins over a file path, as in client-go. */
function material(data: unknown, file: unknown, dir: string): string | undefined {
  if (str(data)) return Buffer.from(str(data)!, 'base64').toString('utf8');
  if (str(file)) return readFileSync(resolve(dir, str(file)!), 'utf8');
  return undefined;
}

function resolve(dir: string, path: string): string {
  return isAbsolute(path) ? path : join(dir, path);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
