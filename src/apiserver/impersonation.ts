/**
 * @module Who a request acts as: the user its credential stands for, or the one its
 * `Impersonate-*` headers name (`kubectl --as jane --as-group dev`), as kube-apiserver's
 * impersonation filter (apiserver/pkg/endpoints/filters/impersonation) decides it. kubito
 * authorizes everything (AlwaysAllow), so impersonating is always allowed; the identity shows in
 * what a request says about its user (`kubectl auth whoami`'s SelfSubjectReview).
 */
import { goQuote } from '../api/validation/go-format.js';
import { isDNS1123Label, isDNS1123Subdomain } from '../api/validation/names.js';
import type { HandlerRequest, HandlerResponse } from './http-types.js';

/**
 * Impersonation headers that make no user: kube-apiserver 1.33 answers them before any handler,
 * with responsewriters.InternalError (later versions answer a 400 Status).
 */
export class ImpersonationError extends Error {}

/**
 * responsewriters.InternalError's answer: a 500 in plain text, the request URI Go-quoted and
 * the whole line HTML-escaped (its sanitizer), as http.Error writes it.
 */
export function impersonationFailure(requestUri: string, err: ImpersonationError): HandlerResponse {
  const text = `Internal Server Error: ${goQuote(requestUri)}: ${err.message}`.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
  return { kind: 'body', status: 500, contentType: 'text/plain; charset=utf-8', headers: { 'X-Content-Type-Options': 'nosniff' }, body: `${text}\n` };
}

const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' };

export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

/** Who the admin token authenticates as: the cluster admin of a kubeadm cluster before 1.29. */
export const ADMIN_USER: Readonly<UserInfo> = Object.freeze({ username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] });

const SA_PREFIX = 'system:serviceaccount:';
const EXTRA_PREFIX = 'impersonate-extra-';

/** The values of a header the transport may have sent several times (server.ts keeps them apart with a newline). */
function values(headers: HandlerRequest['headers'], name: string): string[] {
  const v = headers[name];
  return v ? v.split('\n') : [];
}

/** serviceaccount.SplitUsername: the namespace and name of a service account's username, if it is one. */
function splitServiceAccount(username: string): { namespace: string; name: string } | undefined {
  if (!username.startsWith(SA_PREFIX)) return undefined;
  const parts = username.slice(SA_PREFIX.length).split(':');
  if (parts.length !== 2) return undefined;
  const [namespace, name] = parts;
  if (isDNS1123Label(namespace).length || isDNS1123Subdomain(name).length) return undefined;
  return { namespace, name };
}

/** An extra key from its header name: lower-cased, %-escapes decoded (a malformed one kept as it is). */
function extraKey(header: string): string {
  const encoded = header.slice(EXTRA_PREFIX.length).toLowerCase();
  try {
    return decodeURIComponent(encoded);
  } catch {
    return encoded;
  }
}

/**
 * The user a request acts as, given the user its credential authenticated as. Impersonation
 * groups, extras or a UID without a user to impersonate throw ImpersonationError (with Go's `%v`
 * of the requests, as upstream words it).
 */
export function requestUser(headers: HandlerRequest['headers'], authenticated: Readonly<UserInfo> = ADMIN_USER): Readonly<UserInfo> {
  const user = headers['impersonate-user'] ?? '';
  const groups = values(headers, 'impersonate-group');
  const uid = headers['impersonate-uid'] ?? '';
  const extras = Object.keys(headers).filter((h) => h.startsWith(EXTRA_PREFIX) && headers[h] !== undefined);
  if (!user) {
    if (!groups.length && !extras.length && !uid) return authenticated;
    // []v1.ObjectReference printed with %v: {Kind Namespace Name UID APIVersion ResourceVersion FieldPath},
    // seven fields, one space between each (a Group's four empty ones after its name: four spaces).
    const refs = [
      ...groups.map((g) => `{Group  ${g}    }`),
      ...extras.flatMap((h) => values(headers, h).map((v) => `{UserExtra  ${v}  authentication.k8s.io/v1  ${extraKey(h)}}`)),
      ...(uid ? [`{UID  ${uid}  authentication.k8s.io/v1  }`] : []),
    ];
    throw new ImpersonationError(`requested [${refs.join(' ')}] without impersonating a user`);
  }
  const account = splitServiceAccount(user);
  const out: UserInfo = { username: account ? `${SA_PREFIX}${account.namespace}:${account.name}` : user, groups: [] };
  if (account && !groups.length) out.groups.push('system:serviceaccounts', `system:serviceaccounts:${account.namespace}`);
  out.groups.push(...groups);
  if (user !== 'system:anonymous') {
    if (!out.groups.includes('system:authenticated') && !out.groups.includes('system:unauthenticated')) out.groups.push('system:authenticated');
  } else if (!out.groups.includes('system:unauthenticated')) out.groups.push('system:unauthenticated');
  if (extras.length) out.extra = Object.fromEntries(extras.map((h) => [extraKey(h), values(headers, h)]));
  if (uid) out.uid = uid;
  return out;
}
