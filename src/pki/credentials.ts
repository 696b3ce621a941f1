/**
 * @module A cluster's credentials on disk: made the first time, reused after. The CA and the
 * admin token identify the cluster to every kubeconfig handed out, so they are never replaced
 * once written (a broken one is an error, not a reason to start over). The serving and client
 * certificates are derived from the CA and are reissued whenever they are missing, broken,
 * near expiry, from another CA, or (serving) lack a requested name.
 */
import { createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PkiError } from './errors.js';
import { inspectCa, inspectLeaf, validityFor, VALIDITY, type LoadedCa } from './inspect.js';
import { generateKeyPair, privateKeyFromPem, privateKeyToPem, type KeyAlgorithm } from './keys.js';
import { servingSans, type SubjectAltName } from './sans.js';
import { isWellFormedToken, newBearerToken } from './token.js';
import type { DistinguishedName } from './x509.js';

/** File names inside the credentials folder (kubeadm's names where it has one). */
export const CREDENTIAL_FILES = {
  caCert: 'ca.crt',
  caKey: 'ca.key',
  serverCert: 'apiserver.crt',
  serverKey: 'apiserver.key',
  adminToken: 'admin.token',
  adminCert: 'admin.crt',
  adminKey: 'admin.key',
  serviceAccountKey: 'sa.key',
  serviceAccountPub: 'sa.pub',
} as const;

export type CredentialPaths = { [K in keyof typeof CREDENTIAL_FILES]: string };

export const CA_SUBJECT: DistinguishedName = { commonName: 'kubito-ca' };
export const SERVER_SUBJECT: DistinguishedName = { commonName: 'kube-apiserver' };
/** The identity of the admin token and client certificate, as kubeadm's admin.conf. */
export const ADMIN_USER = 'kubernetes-admin';
export const ADMIN_GROUPS: readonly string[] = ['system:masters'];

export type CredentialKind = 'ca' | 'server' | 'token' | 'client' | 'serviceaccount';

export interface EnsureCredentialsOptions {
  /** Extra SANs for the serving certificate (IPs or DNS names), beyond DEFAULT_SERVING_HOSTS. */
  hosts?: readonly string[];
  /** The clock, for validity and renewal; defaults to the current time. */
  now?: Date;
  /** Also keep a client certificate for `kubernetes-admin` in `system:masters`. */
  clientCert?: boolean;
  /** Algorithm of keys made by this call; existing keys keep theirs. Default `ecdsa-p256`. */
  keyAlgorithm?: KeyAlgorithm;
}

export interface ClusterCredentials {
  caCertPem: string;
  serverCertPem: string;
  serverKeyPem: string;
  /** base64url, 43 characters; checks with `checkBearerToken`. */
  adminToken: string;
  /** Present when `clientCert` was asked for. */
  adminCertPem?: string;
  adminKeyPem?: string;
  /**
   * The key service account tokens are signed with (kubeadm's `sa.key`; PKCS#8 PEM). Made once and
   * kept: replacing it would invalidate every token handed out.
   */
  serviceAccountKeyPem: string;
  /** The names the serving certificate was required to carry, defaults first. */
  serverSans: string[];
  /** What this call (re)made, and why; empty when everything was reused. */
  generated: { kind: CredentialKind; reason: string }[];
  paths: CredentialPaths;
}

/**
 * Makes or reuses the credentials in `dir` (created 0700; keys and token 0600, certificates
 * 0644; each file written atomically). Throws PkiError `InvalidHost` for a bad `hosts` entry
 * and `InvalidCredentials` when the CA or the token exists but cannot be used.
 */
export async function ensureClusterCredentials(dir: string, opts: EnsureCredentialsOptions = {}): Promise<ClusterCredentials> {
  const now = opts.now ?? new Date();
  const algorithm = opts.keyAlgorithm ?? 'ecdsa-p256';
  const sans = servingSans(opts.hosts);
  const paths = Object.fromEntries(
    Object.entries(CREDENTIAL_FILES).map(([key, file]) => [key, join(dir, file)]),
  ) as CredentialPaths;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const stored = Object.fromEntries(
    await Promise.all(Object.entries(paths).map(async ([key, path]) => [key, await readOptional(path)] as const)),
  ) as { [K in keyof CredentialPaths]: string | undefined };

  const generated: ClusterCredentials['generated'] = [];
  const caPlan = planCa(stored.caCert, stored.caKey, { now, paths, dir });
  if (caPlan.reason) generated.push({ kind: 'ca', reason: caPlan.reason });

  let adminToken = stored.adminToken?.trim();
  if (adminToken === undefined) {
    adminToken = newBearerToken();
    generated.push({ kind: 'token', reason: 'missing' });
  } else if (!isWellFormedToken(adminToken)) {
    throw new PkiError('InvalidCredentials', `${paths.adminToken}: not a bearer token; ${startOver(dir)}`);
  }

  const caCertForCheck = caPlan.ca?.cert;
  const serverVerdict = caCertForCheck
    ? inspectLeaf(stored.serverCert, stored.serverKey, { ca: caCertForCheck, now, sans })
    : { ok: false as const, reason: 'new CA' };
  if (!serverVerdict.ok) generated.push({ kind: 'server', reason: serverVerdict.reason });
  const clientVerdict = !opts.clientCert
    ? undefined
    : caCertForCheck
      ? inspectLeaf(stored.adminCert, stored.adminKey, { ca: caCertForCheck, now })
      : { ok: false as const, reason: 'new CA' };
  if (clientVerdict && !clientVerdict.ok) generated.push({ kind: 'client', reason: clientVerdict.reason });

  if (generated.some((g) => g.kind === 'token')) await writeAtomic(paths.adminToken, `${adminToken}\n`, 0o600);
  const serviceAccountKeyPem = await ensureServiceAccountKey(stored, { paths, dir, algorithm, generated });
  const needClient = clientVerdict !== undefined && !clientVerdict.ok;
  const issued: Issued =
    caPlan.ca && serverVerdict.ok && !needClient
      ? {}
      : await issue({
          ca: caPlan.ca ? { ...caPlan.ca, certPem: stored.caCert! } : undefined,
          server: !serverVerdict.ok,
          client: needClient,
          sans,
          now,
          algorithm,
          paths,
        });
  const caCertPem = issued.caCertPem ?? stored.caCert!;
  const serverCertPem = issued.serverCertPem ?? stored.serverCert!;
  const serverKeyPem = issued.serverKeyPem ?? stored.serverKey!;
  const adminCertPem = opts.clientCert ? (issued.adminCertPem ?? stored.adminCert) : undefined;
  const adminKeyPem = opts.clientCert ? (issued.adminKeyPem ?? stored.adminKey) : undefined;

  return {
    caCertPem,
    serverCertPem,
    serverKeyPem,
    adminToken,
    serviceAccountKeyPem,
    ...(adminCertPem !== undefined && adminKeyPem !== undefined ? { adminCertPem, adminKeyPem } : {}),
    serverSans: sans.map((s) => s.value),
    generated,
    paths,
  };
}

interface IssuePlan {
  /** The CA to sign with; a new one is made when absent. */
  ca: (LoadedCa & { certPem: string }) | undefined;
  server: boolean;
  client: boolean;
  sans: SubjectAltName[];
  now: Date;
  algorithm: KeyAlgorithm;
  paths: CredentialPaths;
}

interface Issued {
  caCertPem?: string;
  serverCertPem?: string;
  serverKeyPem?: string;
  adminCertPem?: string;
  adminKeyPem?: string;
}

/** Makes the keys and certificates `plan` asks for and writes them, each key before its certificate. */
async function issue(plan: IssuePlan): Promise<Issued> {
  // Loaded on demand: a start that reuses everything issues nothing.
  const { caSigner, issueCertificate, selfSigner } = await import('./x509.js');
  const { paths, now } = plan;
  // Keys are made in parallel on the thread pool; with ECDSA that is about a millisecond.
  const [caKeys, serverKeys, clientKeys] = await Promise.all([
    plan.ca ? undefined : generateKeyPair(plan.algorithm),
    plan.server ? generateKeyPair(plan.algorithm) : undefined,
    plan.client ? generateKeyPair(plan.algorithm) : undefined,
  ]);
  const out: Issued = {};
  let ca = plan.ca;
  if (caKeys) {
    const certPem = issueCertificate(
      { subject: CA_SUBJECT, publicKey: caKeys.publicKey, profile: 'ca', ...validityFor(now, VALIDITY.caDays) },
      selfSigner(caKeys.privateKey, CA_SUBJECT),
    );
    ca = { cert: new X509Certificate(certPem), privateKey: caKeys.privateKey, certPem };
    // A crash between the two writes leaves a key without a certificate, which counts as "no CA".
    await writeAtomic(paths.caKey, privateKeyToPem(caKeys.privateKey), 0o600);
    await writeAtomic(paths.caCert, certPem, 0o644);
    out.caCertPem = certPem;
  }
  const signer = caSigner(ca!.certPem, ca!.privateKey);
  if (serverKeys) {
    out.serverKeyPem = privateKeyToPem(serverKeys.privateKey);
    out.serverCertPem = issueCertificate(
      { subject: SERVER_SUBJECT, publicKey: serverKeys.publicKey, profile: 'server', sans: plan.sans, ...validityFor(now, VALIDITY.leafDays) },
      signer,
    );
    await writeAtomic(paths.serverKey, out.serverKeyPem, 0o600);
    await writeAtomic(paths.serverCert, out.serverCertPem, 0o644);
  }
  if (clientKeys) {
    out.adminKeyPem = privateKeyToPem(clientKeys.privateKey);
    out.adminCertPem = issueCertificate(
      {
        subject: { commonName: ADMIN_USER, organization: ADMIN_GROUPS },
        publicKey: clientKeys.publicKey,
        profile: 'client',
        ...validityFor(now, VALIDITY.leafDays),
      },
      signer,
    );
    await writeAtomic(paths.adminKey, out.adminKeyPem, 0o600);
    await writeAtomic(paths.adminCert, out.adminCertPem, 0o644);
  }
  return out;
}

/**
 * The service account signing key (`sa.key`) and its public half (`sa.pub`, SPKI PEM), as
 * kubeadm keeps them. A cluster made before kubito signed tokens has none and gets one here. A
 * key file that is not a PEM private key is an error (tokens already handed out trust it); the
 * public file is derived, so it is written whenever it is missing. With both files there, the
 * key is not parsed here (OpenSSL's PEM decoding costs ~0.75 ms; the API server parses it once,
 * on the first token it signs or checks).
 */
async function ensureServiceAccountKey(
  stored: { serviceAccountKey?: string; serviceAccountPub?: string },
  { paths, dir, algorithm, generated }: { paths: CredentialPaths; dir: string; algorithm: KeyAlgorithm; generated: ClusterCredentials['generated'] },
): Promise<string> {
  let keyPem = stored.serviceAccountKey;
  let key: KeyObject;
  if (keyPem === undefined) {
    key = (await generateKeyPair(algorithm)).privateKey;
    keyPem = privateKeyToPem(key);
    generated.push({ kind: 'serviceaccount', reason: 'missing' });
    await writeAtomic(paths.serviceAccountKey, keyPem, 0o600);
  } else {
    const invalid = (cause?: unknown) => new PkiError('InvalidCredentials', `${paths.serviceAccountKey}: not a private key; ${startOver(dir)}`, { cause });
    if (!PRIVATE_KEY_PEM.test(keyPem)) throw invalid();
    if (stored.serviceAccountPub !== undefined) return keyPem;
    try {
      key = privateKeyFromPem(keyPem);
    } catch (err) {
      throw invalid(err);
    }
  }
  await writeAtomic(paths.serviceAccountPub, createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString(), 0o644);
  return keyPem;
}

/** A PEM private key's armor around base64 (PKCS#8, PKCS#1 `RSA`, SEC1 `EC`). */
const PRIVATE_KEY_PEM = /^-----BEGIN ((RSA|EC) )?PRIVATE KEY-----\r?\n[A-Za-z0-9+/=\r\n]+-----END ((RSA|EC) )?PRIVATE KEY-----\s*$/;

/**
 * The stored CA, or why a new one is made. No certificate means no CA (nobody can trust a
 * certificate that was never written); a certificate that is there but unusable is an error.
 */
function planCa(
  certPem: string | undefined,
  keyPem: string | undefined,
  { now, paths, dir }: { now: Date; paths: CredentialPaths; dir: string },
): { ca: LoadedCa; reason?: undefined } | { ca?: undefined; reason: string } {
  if (certPem === undefined) return { reason: 'missing' };
  if (keyPem === undefined) {
    throw new PkiError('InvalidCredentials', `${paths.caKey}: missing beside ${paths.caCert}; ${startOver(dir)}`);
  }
  const verdict = inspectCa(certPem, keyPem, now);
  if (!verdict.ok) throw new PkiError('InvalidCredentials', `${paths.caCert}: ${verdict.reason}; ${startOver(dir)}`);
  return { ca: verdict.value };
}

function startOver(dir: string): string {
  return `remove ${dir} to make new credentials (kubeconfigs written for this cluster will stop working)`;
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if (err instanceof Error && 'code' in err && err.code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Writes through a temporary file and rename, so a reader sees the old file or the new one. */
async function writeAtomic(path: string, data: string, mode: number): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    await writeFile(tmp, data, { mode, flag: 'wx' });
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}
