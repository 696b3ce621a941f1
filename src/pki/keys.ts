/**
 * @module Key pairs, made by node's native crypto (OpenSSL): an ECDSA P-256 pair takes about a
 * millisecond and an RSA-2048 pair 0.1-1 s (random prime search).
 * Certificates are laid out by der.ts and signed by node's crypto (see x509.ts).
 */
import { createPrivateKey, generateKeyPair as generateNativeKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';

/** `ecdsa-p256` is the default: fast, and accepted by every Kubernetes client. */
export type KeyAlgorithm = 'ecdsa-p256' | 'rsa-2048';

export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

const generate = promisify(generateNativeKeyPair);

/** A fresh key pair. Runs on libuv's thread pool, so several can be made in parallel. */
export async function generateKeyPair(algorithm: KeyAlgorithm = 'ecdsa-p256'): Promise<KeyPair> {
  if (algorithm === 'rsa-2048') return generate('rsa', { modulusLength: 2048 });
  return generate('ec', { namedCurve: 'P-256' });
}

/** PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`), which Go's tls.X509KeyPair and node both read. */
export function privateKeyToPem(key: KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** Parses a PEM private key (PKCS#8, PKCS#1 or SEC1). Throws node's error when it does not parse. */
export function privateKeyFromPem(pem: string): KeyObject {
  return createPrivateKey(pem);
}
