/**
 * @module Who a request's credentials stand for: kube-apiserver's authenticator chain as kubito
 * has it. The admin token (a static token, audience-agnostic) first, answered at once; then the
 * bearer token as a service account token of this cluster (serviceaccount/tokens.ts), which reads
 * the registry (the ServiceAccount, the bound pod) and so answers with a promise. Only a request
 * that is not the admin's pays for the second.
 */
import { parseBearerToken } from '../pki/token.js';
import { ADMIN_USER, type UserInfo } from './impersonation.js';
import type { ServiceAccountTokens } from './serviceaccount/tokens.js';

export type RequestHeaders = Record<string, string | undefined>;

/**
 * The user a request's headers authenticate as; undefined when none (a 401). A promise only when
 * the answer needs a registry read.
 */
export type Authenticate = (headers: RequestHeaders) => Readonly<UserInfo> | undefined | Promise<Readonly<UserInfo> | undefined>;

export interface AuthenticatorOptions {
  /** Whether the headers carry the admin's credential (the admin token): the user is ADMIN_USER. */
  admin: (headers: RequestHeaders) => boolean;
  /** The cluster's service account tokens; absent: none authenticate. */
  tokens?: ServiceAccountTokens;
}

/** The chain: the admin, else a service account token for the API's audiences. */
export function requestAuthenticator(options: AuthenticatorOptions): Authenticate {
  const { admin, tokens } = options;
  return (headers) => {
    if (admin(headers)) return ADMIN_USER;
    if (!tokens) return undefined;
    const token = parseBearerToken(headers.authorization);
    if (!token) return undefined;
    return tokens.authenticate(token).then((result) => result.user);
  };
}
