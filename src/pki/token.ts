/**
 * @module The admin bearer token: making one, and checking an `Authorization` header against it
 * the way kube-apiserver's bearer-token authenticator reads the header
 * (k8s.io/apiserver/pkg/authentication/request/bearertoken).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 32 random bytes, base64url (43 characters): safe in headers, YAML and file names. */
export function newBearerToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What kubito accepts from a token file: base64url, at least 16 characters. */
export function isWellFormedToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{16,}$/.test(token);
}

/**
 * The token in an `Authorization` header, or undefined when the header carries none. As
 * upstream: surrounding whitespace is trimmed, the scheme is `bearer` in any case, the token is
 * the text up to the next space, and an empty token is no token (`Bearer  x` has none).
 */
export function parseBearerToken(header: string | readonly string[] | undefined): string | undefined {
  const value = (Array.isArray(header) ? header[0] : header) as string | undefined;
  const auth = value?.trim();
  if (!auth) return undefined;
  const parts = auth.split(' ');
  if (parts.length < 2 || parts[0]!.toLowerCase() !== 'bearer') return undefined;
  return parts[1] || undefined;
}

/**
 * A check of `Authorization` headers against `token` (true when a header carries exactly it).
 * The comparison takes the same time whatever the presented token is: both sides are hashed to
 * equal length, then compared with timingSafeEqual, so neither the content nor the length of
 * the real token leaks. The real token's hash is made once, not per request.
 */
export function bearerTokenChecker(token: string): (header: string | readonly string[] | undefined) => boolean {
  const expected = createHash('sha256').update(token).digest();
  return (header) => {
    const presented = parseBearerToken(header);
    if (presented === undefined || token.length === 0) return false;
    return timingSafeEqual(createHash('sha256').update(presented).digest(), expected);
  };
}

/** True when `header` carries exactly `token` (bearerTokenChecker, for one check). */
export function checkBearerToken(header: string | readonly string[] | undefined, token: string): boolean {
  return bearerTokenChecker(token)(header);
}
