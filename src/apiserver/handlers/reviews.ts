/**
 * @module The self reviews kubectl asks for (`kubectl auth can-i`, `kubectl auth can-i --list`,
 * `kubectl auth whoami`): authorization.k8s.io/v1 SelfSubjectAccessReview and
 * SelfSubjectRulesReview, authentication.k8s.io/v1 SelfSubjectReview, and the SubjectAccessReview
 * a client may send about anyone. Create-only and stored nowhere, as upstream's. kubito has one
 * credential (the admin bearer token) and no authorization beyond it, so the answers are those
 * kube-apiserver gives with the AlwaysAllow authorizer (`allowed: true`; every verb on every
 * resource and URL), for the user that token stands for.
 */
import { newBadRequest, newInvalid, newMethodNotSupported } from '../../api/errors.js';
import { REVIEW_RESOURCES, type ResourceInfo } from '../../api/resources.js';
import { goQuote } from '../../api/validation/go-format.js';
import type { HandlerRequest, HandlerResponse } from '../http-types.js';
import { decodeBody } from '../negotiate.js';

/** Who the admin token authenticates as: the cluster admin of a kubeadm cluster before 1.29. */
export const ADMIN_USER = { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] };

type ReviewEndpoint = Pick<ResourceInfo, 'group' | 'kind' | 'resource'>;

/** The review served at this group/version/resource (cluster-scoped, v1), if any. */
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

/** The answer to a POST of a review (any other verb: 405, as for a create-only resource). */
export async function serveReview(req: HandlerRequest, endpoint: ReviewEndpoint, verb: string): Promise<HandlerResponse> {
  if (verb !== 'create') throw newMethodNotSupported({ group: endpoint.group, resource: endpoint.resource }, verb);
  const apiVersion = `${endpoint.group}/v1`;
  const body = await decodeBody(req.body, req.headers['content-type'], { apiVersion, kind: endpoint.kind });
  const review: Obj = isObj(body) ? body : {};
  const spec: Obj = isObj(review.spec) ? review.spec : {};
  let status: Obj;
  switch (endpoint.kind) {
    case 'SelfSubjectAccessReview':
    case 'SubjectAccessReview': {
      const errors = specErrors(spec, endpoint.kind);
      if (errors.length) throw newInvalid({ group: endpoint.group, kind: endpoint.kind }, '', errors);
      status = { allowed: true };
      break;
    }
    case 'SelfSubjectRulesReview':
      // selfsubjectrulesreview's REST: a namespace is required; the answer has no spec.
      if (!spec.namespace) throw newBadRequest('no namespace on request');
      // AlwaysAllow's RulesFor: everything, complete.
      status = { resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }], incomplete: false };
      break;
    default:
      status = { userInfo: { username: ADMIN_USER.username, groups: ADMIN_USER.groups } };
  }
  const answer: Obj = { kind: endpoint.kind, apiVersion, metadata: { creationTimestamp: null } };
  if (endpoint.kind === 'SelfSubjectRulesReview') answer.spec = {};
  else if (endpoint.kind !== 'SelfSubjectReview') answer.spec = spec;
  answer.status = status;
  return { kind: 'body', status: 201, contentType: 'application/json', body: JSON.stringify(answer) };
}
