/**
 * @module The kubeconfig kubito hands out: one cluster, one user and one context, all named
 * `kubito-<name>` (as kind names them `kind-<name>`), with the context made current. The text
 * is YAML in the layout kubectl writes (sequences not indented, no folding of long lines) and
 * is read the same by kubectl, client-go and @kubernetes/client-node.
 */
import YAML from 'yaml';
import { KubeconfigError } from './errors.js';

export interface RenderKubeconfigOptions {
  /** The cluster name, e.g. `kubito` (the `--name` flag). Entries are called `kubito-<name>`. */
  name: string;
  /** The API server URL, e.g. `https://127.0.0.1:6443`. */
  server: string;
  /** The CA that signed the serving certificate; kubectl trusts only it for this cluster. */
  caCertPem: string;
  /** Bearer token of the user. At least one of token and client certificate is required. */
  token?: string;
  /** Client certificate and key (PEM), both or neither. */
  clientCertPem?: string;
  clientKeyPem?: string;
  /** Default namespace of the context; kubectl uses `default` when unset. */
  namespace?: string;
}

/** The name of the cluster, user and context entries for cluster `name`. */
export function kubeconfigEntryName(name: string): string {
  return `kubito-${name}`;
}

/** YAML options shared by every writer here; YAML 1.1 because that is how kubectl reads. */
export const YAML_OUTPUT = { version: '1.1', indentSeq: false, lineWidth: 0 } as const;

/** Renders the kubeconfig text. Throws KubeconfigError `InvalidArgument` on bad input. */
export function renderKubeconfig(opts: RenderKubeconfigOptions): string {
  validate(opts);
  const key = kubeconfigEntryName(opts.name);
  const b64 = (pem: string) => Buffer.from(pem).toString('base64');
  const user: Record<string, string> = {};
  if (opts.clientCertPem && opts.clientKeyPem) {
    user['client-certificate-data'] = b64(opts.clientCertPem);
    user['client-key-data'] = b64(opts.clientKeyPem);
  }
  if (opts.token) user['token'] = opts.token;
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: key, cluster: { 'certificate-authority-data': b64(opts.caCertPem), server: opts.server } }],
    users: [{ name: key, user }],
    contexts: [
      { name: key, context: { cluster: key, user: key, ...(opts.namespace ? { namespace: opts.namespace } : {}) } },
    ],
    'current-context': key,
    preferences: {},
  };
  return YAML.stringify(config, YAML_OUTPUT);
}

function validate(opts: RenderKubeconfigOptions): void {
  const bad = (message: string): never => {
    throw new KubeconfigError('InvalidArgument', message);
  };
  if (!opts.name || /[\s\p{Cc}]/u.test(opts.name)) bad(`invalid cluster name ${JSON.stringify(opts.name)}`);
  let url: URL | undefined;
  try {
    url = new URL(opts.server);
  } catch {
    // reported below
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) bad(`invalid server URL ${JSON.stringify(opts.server)}`);
  if (!opts.caCertPem.includes('-----BEGIN CERTIFICATE-----')) bad('caCertPem is not a PEM certificate');
  if (opts.token !== undefined && (opts.token.length === 0 || /\s/.test(opts.token))) bad('token is empty or contains whitespace');
  if (Boolean(opts.clientCertPem) !== Boolean(opts.clientKeyPem)) bad('clientCertPem and clientKeyPem go together');
  if (!opts.token && !opts.clientCertPem) bad('a token or a client certificate is required');
  if (opts.namespace !== undefined && !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(opts.namespace)) {
    bad(`invalid namespace ${JSON.stringify(opts.namespace)}`);
  }
}
