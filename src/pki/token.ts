/**
 * @module The admin bearer token: making one, and checking an `Authorization` header against it
 * the way kube-apiserver's bearer-token authenticator reads the header
 * (k8s.io/apiserver/pkg/authentication/request/bearertoken).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';

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
 * A presented token of the real one's length is compared with timingSafeEqual, so its content
 * does not leak through timing; only whether its length is right does (kubito's own tokens are
 * 43 characters, as `newBearerToken` documents; upstream's token-file authenticator, a map
 * lookup, tells more). Hashing both sides to hide the length too cost a SHA-256 object per
 * request, ~6% of the API server's CPU for a GET.
 */
export function bearerTokenChecker(token: string): (header: string | readonly string[] | undefined) => boolean {
  const expected = Buffer.from(token);
  return (header) => {
    const presented = parseBearerToken(header);
    if (presented === undefined || expected.length === 0) return false;
    if (Buffer.byteLength(presented) !== expected.length) return false;
    return timingSafeEqual(Buffer.from(presented), expected);
  };
}

/** True when `header` carries exactly `token` (bearerTokenChecker, for one check). */
export function checkBearerToken(header: string | readonly string[] | undefined, token: string): boolean {
  return bearerTokenChecker(token)(header);
}
