/**
 * @module The self reviews kubectl asks for (`kubectl auth can-i`, `kubectl auth can-i --list`,
 * `kubectl auth whoami`): authorization.k8s.io/v1 SelfSubjectAccessReview and
 * SelfSubjectRulesReview, authentication.k8s.io/v1 SelfSubjectReview; and those a client (a
 * webhook, an operator) may send about anyone: SubjectAccessReview, the namespaced
 * LocalSubjectAccessReview, TokenReview. Create-only and stored nowhere, as upstream's. kubito
 * authenticates the admin token and service account tokens and authorizes everything, so the
 * answers are those kube-apiserver gives with the AlwaysAllow authorizer (`allowed: true`; every
 * verb on every resource and URL), for the user the request's token stands for.
 */
import { newBadRequest, newInvalid, newMethodNotSupported } from '../../api/errors.js';
import { REVIEW_RESOURCES, type ResourceInfo } from '../../api/resources.js';
import { goQuote } from '../../api/validation/go-format.js';
import type { HandlerRequest, HandlerResponse } from '../http-types.js';
import type { ApiHandlerOptions } from '../handler.js';
import { ADMIN_USER, type UserInfo } from '../impersonation.js';
import { decodeBody } from '../negotiate.js';
import type { ServiceAccountTokens } from '../serviceaccount/tokens.js';


/**
 * The audience kube-apiserver's tokens are for when a TokenReview names none: its
 * --api-audiences, which default to the service account issuer kubeadm sets.
 */
export const API_AUDIENCE = 'https://kubernetes.default.svc.cluster.local';

type ReviewEndpoint = Pick<ResourceInfo, 'group' | 'kind' | 'resource' | 'namespaced'>;

/** The review served at this group/version/resource (v1), if any. */
export function reviewEndpoint(group: string, version: string, resource: string): ReviewEndpoint | undefined {
  return REVIEW_RESOURCES.find((e) => e.group === group && e.version === version && e.resource === resource);
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** %#v of a NonResourceAttributes, as field.Invalid prints a struct value. */
function nonResourceText(v: Obj): string {
  return `authorization.NonResourceAttributes{Path:${goQuote(String(v.path ?? ''))}, Verb:${goQuote(String(v.verb ?? ''))}}`;
}

/** ValidateSelfSubjectAccessReviewSpec / ValidateSubjectAccessReviewSpec's field errors. */
function specErrors(spec: Obj, kind: string): { type: 'FieldValueInvalid'; field: string; detail: string }[] {
  const errors: { type: 'FieldValueInvalid'; field: string; detail: string }[] = [];
  const resource = isObj(spec.resourceAttributes) ? spec.resourceAttributes : undefined;
  const nonResource = isObj(spec.nonResourceAttributes) ? spec.nonResourceAttributes : undefined;
  if (resource && nonResource) errors.push({ type: 'FieldValueInvalid', field: 'spec.nonResourceAttributes', detail: `Invalid value: ${nonResourceText(nonResource)}: cannot be specified in combination with resourceAttributes` });
  if (!resource && !nonResource) errors.push({ type: 'FieldValueInvalid', field: 'spec.resourceAttributes', detail: 'Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified' });
  if (kind === 'SubjectAccessReview' && !spec.user && !(Array.isArray(spec.groups) && spec.groups.length)) {
    errors.push({ type: 'FieldValueInvalid', field: 'spec.user', detail: 'Invalid value: "": at least one of user or group must be specified' });
  }
  return errors;
}

/**
 * ValidateLocalSubjectAccessReview beyond the spec: it asks about its own namespace only, and
 * about resources only.
 */
function localErrors(spec: Obj, namespace: string): { type: 'FieldValueInvalid'; field: string; detail: string }[] {
  const errors: { type: 'FieldValueInvalid'; field: string; detail: string }[] = [];
  const resource = isObj(spec.resourceAttributes) ? spec.resourceAttributes : undefined;
  const nonResource = isObj(spec.nonResourceAttributes) ? spec.nonResourceAttributes : undefined;
  const asked = String(resource?.namespace ?? '');
  if (resource && asked !== namespace) errors.push({ type: 'FieldValueInvalid', field: 'spec.resourceAttributes.namespace', detail: `Invalid value: ${goQuote(asked)}: must match metadata.namespace` });
  if (nonResource) errors.push({ type: 'FieldValueInvalid', field: 'spec.nonResourceAttributes', detail: `Invalid value: ${nonResourceText(nonResource)}: disallowed on this kind of request` });
  return errors;
}

/**
 * TokenReview's status (pkg/registry/authentication/tokenreview): the token is authenticated by
 * the server's own authenticators, for the audiences asked (by default the API's). A service
 * account token is good for the audiences it names (the answer's `audiences` are those asked
 * that it names), and a failing one says why (`error`, the authenticator's words); the admin
 * token is audience-agnostic, as a static token is upstream: good for the API's audience only.
 */
async function tokenStatus(spec: Obj, context: ReviewContext): Promise<Obj> {
  const token = typeof spec.token === 'string' ? spec.token : '';
  if (!token) throw newBadRequest('token is required for TokenReview in authentication');
  const audiences = Array.isArray(spec.audiences) && spec.audiences.length ? spec.audiences.map(String) : [API_AUDIENCE];
  const reviewed = await context.tokens?.authenticate(token, audiences);
  if (reviewed?.user) return { authenticated: true, user: reviewed.user, audiences: reviewed.audiences };
  if (reviewed?.error) return { user: {}, error: reviewed.error };
  const user = audiences.includes(API_AUDIENCE) && context.authenticate ? await context.authenticate({ authorization: `Bearer ${token}` }) : undefined;
  if (!user) return { user: {} };
  return { authenticated: true, user: { username: user.username, groups: user.groups }, audiences: [API_AUDIENCE] };
}

export interface ReviewContext {
  /** The request's namespace (a LocalSubjectAccessReview's). */
  namespace: string;
  /** Who the request acts as (impersonation.ts); the admin when not given. */
  user?: UserInfo;
  /** The server's authenticator, for TokenReview; none: no token is known. */
  authenticate?: ApiHandlerOptions['authenticate'];
  /** The cluster's service account tokens, for TokenReview. */
  tokens?: ServiceAccountTokens;
}

/** The answer to a POST of a review (any other verb: 405, as for a create-only resource). */
export async function serveReview(req: HandlerRequest, endpoint: ReviewEndpoint, verb: string, context: ReviewContext = { namespace: '' }): Promise<HandlerResponse> {
  if (verb !== 'create') throw newMethodNotSupported({ group: endpoint.group, resource: endpoint.resource }, verb);
  const apiVersion = `${endpoint.group}/v1`;
  const body = await decodeBody(req.body, req.headers['content-type'], { apiVersion, kind: endpoint.kind });
  const review: Obj = isObj(body) ? body : {};
  const spec: Obj = isObj(review.spec) ? review.spec : {};
  const metadata: Obj = { creationTimestamp: null };
  let status: Obj;
  switch (endpoint.kind) {
    case 'LocalSubjectAccessReview': {
      // The create handler's rule for a namespaced object: its namespace is the request's.
      const own = isObj(review.metadata) && typeof review.metadata.namespace === 'string' ? review.metadata.namespace : '';
      if (own && own !== context.namespace) throw newBadRequest('the namespace of the provided object does not match the namespace sent on the request');
      const errors = [...specErrors(spec, 'SubjectAccessReview'), ...localErrors(spec, context.namespace)];
      if (errors.length) throw newInvalid({ group: endpoint.group, kind: endpoint.kind }, '', errors);
      metadata.namespace = context.namespace;
      status = { allowed: true };
      break;
    }
    case 'SelfSubjectAccessReview':
    case 'SubjectAccessReview': {
      const errors = specErrors(spec, endpoint.kind);
      if (errors.length) throw newInvalid({ group: endpoint.group, kind: endpoint.kind }, '', errors);
      status = { allowed: true };
      break;
    }
    case 'TokenReview':
      status = await tokenStatus(spec, context);
      break;
    case 'SelfSubjectRulesReview':
      // selfsubjectrulesreview's REST: a namespace is required; the answer has no spec.
      if (!spec.namespace) throw newBadRequest('no namespace on request');
      // AlwaysAllow's RulesFor: everything, complete.
      status = { resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }], incomplete: false };
      break;
    default:
      status = { userInfo: context.user ?? ADMIN_USER };
  }
  const answer: Obj = { kind: endpoint.kind, apiVersion, metadata };
  if (endpoint.kind === 'SelfSubjectRulesReview') answer.spec = {};
  else if (endpoint.kind !== 'SelfSubjectReview') answer.spec = spec;
  answer.status = status;
  return { kind: 'body', status: 201, contentType: 'application/json', body: JSON.stringify(answer) };
}
