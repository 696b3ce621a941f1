/**
 * @module The cluster's service account tokens: issuing them (the TokenRequest API's signer,
 * upstream's JWTTokenGenerator) and authenticating them (upstream's jwtTokenAuthenticator with
 * the bound-token validator). One instance per API server, over the signing key in the pki dir.
 */
import { goQuote } from '../../api/validation/go-format.js';
import { jwtKey, unverifiedClaims, type JwtKey } from '../../pki/jwt.js';
import type { UserInfo } from '../impersonation.js';
import { ISSUER, tokenClaims, validateClaims, type TokenGetters, type TokenSubject } from './claims.js';
import { randomUUID } from 'node:crypto';

/**
 * What authenticating a token gave: the user and the audiences it is good for; or, for a token
 * of this issuer that fails, the reason (upstream's words, what a TokenReview reports); or
 * neither, for a token that is not one of this issuer's (another authenticator's business).
 */
export type TokenAuthentication = { user: UserInfo; audiences: string[]; error?: undefined } | { user?: undefined; audiences?: undefined; error?: string };

export interface ServiceAccountTokensOptions {
  /** The signing key (sa.key), PEM. */
  keyPem: string;
  getters: TokenGetters;
  /** Milliseconds since the epoch; default Date.now. */
  clock?: () => number;
  /** The API server's own audiences (--api-audiences); default [ISSUER]. */
  apiAudiences?: string[];
}

/** Signature checks are cached per token (they depend on the token and the key alone); this many at most. */
const VERIFIED_CACHE_SIZE = 1024;

/** Go's %q of a []string: `["a" "b"]`. */
function quoteList(values: readonly string[]): string {
  return `[${values.map(goQuote).join(' ')}]`;
}

export class ServiceAccountTokens {
  readonly #key: JwtKey;
  readonly #getters: TokenGetters;
  readonly #clock: () => number;
  readonly apiAudiences: readonly string[];
  /** Claims of tokens whose signature checked out, oldest first (a Map keeps insertion order). */
  readonly #verified = new Map<string, Record<string, unknown>>();

  constructor(options: ServiceAccountTokensOptions) {
    this.#key = jwtKey(options.keyPem);
    this.#getters = options.getters;
    this.#clock = options.clock ?? Date.now;
    this.apiAudiences = options.apiAudiences ?? [ISSUER];
  }

  get getters(): TokenGetters {
    return this.#getters;
  }

  /** Seconds since the epoch, by this instance's clock. */
  nowSeconds(): number {
    return Math.floor(this.#clock() / 1000);
  }

  /** A signed token for `subject` (Claims + GenerateToken), with a fresh jti. */
  issue(subject: TokenSubject, options: { now: number; expirationSeconds: number; warnAfter?: number; audiences: string[] }): string {
    return this.#key.sign(tokenClaims(subject, { ...options, jti: randomUUID() }));
  }

  /** Whether every audience is one of the API server's (isKubeAudiences). */
  isApiAudiences(audiences: readonly string[]): boolean {
    return audiences.every((a) => this.apiAudiences.includes(a));
  }

  /**
   * AuthenticateToken: a token of this issuer, signed by this key, for one of `audiences`
   * (default: the API's), valid now, whose service account and bound object still exist.
   */
  async authenticate(token: string, audiences?: readonly string[]): Promise<TokenAuthentication> {
    const unverified = unverifiedClaims(token);
    if (!unverified || unverified.iss !== ISSUER) return {};
    let claims = this.#verified.get(token);
    if (!claims) {
      const verified = this.#key.verify(token);
      if ('error' in verified) return { error: verified.error };
      claims = verified.claims;
      if (claims.iss !== ISSUER) return { error: `token issuer ${goQuote(String(claims.iss))} is invalid` };
      if (this.#verified.size >= VERIFIED_CACHE_SIZE) this.#verified.delete(this.#verified.keys().next().value!);
      this.#verified.set(token, claims);
    }
    const aud = claims.aud;
    let tokenAudiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : [];
    if (!tokenAudiences.length) tokenAudiences = [...this.apiAudiences];
    const requested = audiences?.length ? audiences : this.apiAudiences;
    const matched = requested.filter((a) => tokenAudiences.includes(a));
    if (!matched.length) return { error: `token audiences ${quoteList(tokenAudiences)} is invalid for the target audiences ${quoteList(requested)}` };
    const result = await validateClaims(claims, this.#getters, this.nowSeconds());
    if ('error' in result) return { error: result.error };
    return { user: result.user, audiences: matched };
  }
}
