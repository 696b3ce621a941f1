/**
 * @module Decides whether stored credentials can be reused: a CA, or a certificate it issued
 * (serving or client) with its key. Pure over PEM text and a clock; the caller reads the files
 * and acts on the verdict. A `reason` is a short phrase for logs ("expires within 90 days").
 */
import { X509Certificate, type KeyObject } from 'node:crypto';
import { privateKeyFromPem } from './keys.js';
import { missingSans, parseSanText, type SubjectAltName } from './sans.js';

export type Verdict<T> = { ok: true; value: T } | { ok: false; reason: string };

/** A usable CA: its parsed certificate and private key. */
export interface LoadedCa {
  cert: X509Certificate;
  privateKey: KeyObject;
}

/** How long a certificate lives, and how close to its end kubito replaces it. */
export const VALIDITY = {
  /** CA: 10 years, as kubeadm. */
  caDays: 3650,
  /** Serving and client certificates: 1 year, as kubeadm. */
  leafDays: 365,
  /** Leaves are renewed on startup when they have less than this left (k3s renews at 90 days). */
  renewBeforeDays: 90,
  /** notBefore is set this far in the past, so a peer whose clock lags a little accepts it. */
  backdateMs: 60 * 60 * 1000,
} as const;

const DAY_MS = 24 * 60 * 60 * 1000;

/** Checks a stored CA: both parts parse, the key is the certificate's, it is a CA, it is valid at `now`. */
export function inspectCa(certPem: string, keyPem: string, now: Date): Verdict<LoadedCa> {
  const cert = parseCert(certPem);
  if (!cert) return { ok: false, reason: 'certificate does not parse' };
  const privateKey = parseKey(keyPem);
  if (!privateKey) return { ok: false, reason: 'private key does not parse' };
  if (!cert.checkPrivateKey(privateKey)) return { ok: false, reason: 'private key does not match the certificate' };
  if (!cert.ca) return { ok: false, reason: 'certificate is not a CA' };
  const validity = window(cert);
  if (now.getTime() >= validity.to) return { ok: false, reason: `certificate expired on ${cert.validTo}` };
  if (now.getTime() < validity.from) return { ok: false, reason: `certificate is not valid before ${cert.validFrom}` };
  return { ok: true, value: { cert, privateKey } };
}

export interface LeafRequirements {
  ca: X509Certificate;
  now: Date;
  /** Names the certificate must carry (it may carry more). */
  sans?: readonly SubjectAltName[];
}

/**
 * Checks a certificate issued by `ca`, with its key: present, parses, key matches, signed by
 * this CA, valid now and for more than `VALIDITY.renewBeforeDays`, and carrying every wanted SAN.
 */
export function inspectLeaf(
  certPem: string | undefined,
  keyPem: string | undefined,
  req: LeafRequirements,
): Verdict<X509Certificate> {
  if (certPem === undefined || keyPem === undefined) return { ok: false, reason: 'missing' };
  const cert = parseCert(certPem);
  if (!cert) return { ok: false, reason: 'certificate does not parse' };
  const privateKey = parseKey(keyPem);
  if (!privateKey) return { ok: false, reason: 'private key does not parse' };
  if (!cert.checkPrivateKey(privateKey)) return { ok: false, reason: 'private key does not match the certificate' };
  if (!cert.checkIssued(req.ca) || !cert.verify(req.ca.publicKey)) return { ok: false, reason: 'not issued by the current CA' };
  const validity = window(cert);
  const now = req.now.getTime();
  if (now < validity.from) return { ok: false, reason: `not valid before ${cert.validFrom}` };
  if (now + VALIDITY.renewBeforeDays * DAY_MS >= validity.to) {
    return { ok: false, reason: `expires within ${VALIDITY.renewBeforeDays} days (${cert.validTo})` };
  }
  const lacking = missingSans(req.sans ?? [], parseSanText(cert.subjectAltName));
  if (lacking.length > 0) return { ok: false, reason: `lacks ${lacking.map((s) => s.value).join(', ')}` };
  return { ok: true, value: cert };
}

/** notBefore / notAfter of a certificate `issuedAt` that lives `days`. */
export function validityFor(issuedAt: Date, days: number): { notBefore: Date; notAfter: Date } {
  return {
    notBefore: new Date(issuedAt.getTime() - VALIDITY.backdateMs),
    notAfter: new Date(issuedAt.getTime() + days * DAY_MS),
  };
}

function window(cert: X509Certificate): { from: number; to: number } {
  // node 20 gives the dates as OpenSSL text ("Jan  1 00:00:00 2030 GMT"), which Date parses.
  return { from: Date.parse(cert.validFrom), to: Date.parse(cert.validTo) };
}

function parseCert(pem: string): X509Certificate | undefined {
  try {
    return new X509Certificate(pem);
  } catch {
    return undefined;
  }
}

function parseKey(pem: string): KeyObject | undefined {
  try {
    return privateKeyFromPem(pem);
  } catch {
    return undefined;
  }
}
