/**
 * @module Compact JWS (JSON Web Signature) tokens signed with one key, as kube-apiserver signs
 * service account tokens with `--service-account-signing-key-file` (pkg/serviceaccount/jwt.go
 * over go-jose): ES256/ES384/ES512 for ECDSA P-256/P-384/P-521 keys, RS256 for RSA keys; the
 * header is `{"alg":..,"kid":..}`, the `kid` the unpadded base64url SHA-256 of the public key's
 * DER (PKIX) encoding. Claims are written with their keys sorted at every level, as go-jose
 * writes the merged claims map.
 */
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

export type JwsAlgorithm = 'ES256' | 'ES384' | 'ES512' | 'RS256';

export interface JwtHeader {
  alg: string;
  kid?: string;
  [key: string]: unknown;
}

/** A token whose signature checked out: its header and claims (any JSON object). */
export interface VerifiedJwt {
  header: JwtHeader;
  claims: Record<string, unknown>;
}

export interface JwtKey {
  alg: JwsAlgorithm;
  kid: string;
  /** The compact serialization `header.payload.signature` of `claims`. */
  sign(claims: Record<string, unknown>): string;
  /**
   * The token's header and claims when it is a compact JWS signed by this key with this key's
   * algorithm; otherwise the reason, in go-jose's words (`go-jose/go-jose: error in
   * cryptographic primitive` for a bad signature).
   */
  verify(token: string): VerifiedJwt | { error: string };
}

const CURVE_ALGORITHMS: Readonly<Record<string, { alg: JwsAlgorithm; hash: string }>> = {
  prime256v1: { alg: 'ES256', hash: 'sha256' },
  secp384r1: { alg: 'ES384', hash: 'sha384' },
  secp521r1: { alg: 'ES512', hash: 'sha512' },
};

/** JSON with object keys sorted at every level (Go's encoding of a map[string]interface{}). */
function sortedJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]]));
  });
}

function b64(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

/** Strict unpadded base64url (RawURLEncoding): undefined for anything else. */
function unb64(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return undefined;
  return Buffer.from(text, 'base64url');
}

function parseObject(bytes: Buffer | undefined): Record<string, unknown> | undefined {
  if (!bytes) return undefined;
  try {
    const v: unknown = JSON.parse(bytes.toString('utf8'));
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** keyIDFromPublicKey: base64url (unpadded) of the SHA-256 of the PKIX DER public key. */
export function keyId(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('base64url');
}

interface KeyMaterial {
  alg: JwsAlgorithm;
  kid: string;
  hash: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  dsaEncoding?: 'ieee-p1363';
  header: string;
}

function keyMaterial(privateKeyPem: string): KeyMaterial {
  const privateKey = createPrivateKey(privateKeyPem);
  const publicKey = createPublicKey(privateKey);
  let alg: JwsAlgorithm;
  let hash: string;
  let dsaEncoding: 'ieee-p1363' | undefined;
  if (privateKey.asymmetricKeyType === 'rsa') {
    alg = 'RS256';
    hash = 'sha256';
  } else if (privateKey.asymmetricKeyType === 'ec' && CURVE_ALGORITHMS[privateKey.asymmetricKeyDetails?.namedCurve ?? '']) {
    ({ alg, hash } = CURVE_ALGORITHMS[privateKey.asymmetricKeyDetails!.namedCurve!]!);
    dsaEncoding = 'ieee-p1363';
  } else {
    throw new Error(`unsupported signing key type ${privateKey.asymmetricKeyType}`);
  }
  const kid = keyId(publicKey);
  return { alg, kid, hash, privateKey, publicKey, dsaEncoding, header: b64(sortedJson({ alg, kid })) };
}

/**
 * The signing key of a PEM private key (PKCS#8, PKCS#1 or SEC1; RSA or ECDSA P-256/384/521).
 * The PEM is parsed on first use (OpenSSL's decoding costs ~0.75 ms, off a server's start); a
 * key that does not parse or is of another type throws then.
 */
export function jwtKey(privateKeyPem: string): JwtKey {
  let material: KeyMaterial | undefined;
  const m = (): KeyMaterial => (material ??= keyMaterial(privateKeyPem));
  const options = (k: KeyMaterial, key: KeyObject) => (k.dsaEncoding ? { key, dsaEncoding: k.dsaEncoding } : key);
  return {
    get alg() {
      return m().alg;
    },
    get kid() {
      return m().kid;
    },
    sign(claims) {
      const k = m();
      const input = `${k.header}.${b64(sortedJson(claims))}`;
      return `${input}.${b64(sign(k.hash, Buffer.from(input), options(k, k.privateKey)))}`;
    },
    verify(token) {
      const k = m();
      const parts = token.split('.');
      if (parts.length !== 3) return { error: 'go-jose/go-jose: compact JWS format must have three parts' };
      const head = parseObject(unb64(parts[0]!));
      const claims = parseObject(unb64(parts[1]!));
      const signature = unb64(parts[2]!);
      if (!head || !claims || !signature) return { error: 'go-jose/go-jose: invalid JWS' };
      if (head.alg !== k.alg) return { error: 'go-jose/go-jose: unexpected signature algorithm in JWS object' };
      const ok = verify(k.hash, Buffer.from(`${parts[0]}.${parts[1]}`), options(k, k.publicKey), signature);
      if (!ok) return { error: 'go-jose/go-jose: error in cryptographic primitive' };
      return { header: head as JwtHeader, claims };
    },
  };
}

/**
 * The claims of a compact JWS, unverified (upstream's hasCorrectIssuer reads `iss` this way
 * before any signature check); undefined when it is not three parts with a JSON payload.
 */
export function unverifiedClaims(token: string): Record<string, unknown> | undefined {
  if (token.trimStart().startsWith('{')) return undefined;
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  return parseObject(unb64(parts[1]!));
}
