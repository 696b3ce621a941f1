import { ADMIN_USER } from '../impersonation.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../api/errors.js';
import { API_AUDIENCE, type ReviewContext, reviewEndpoint, serveReview } from './reviews.js';

const post = async (resource: string, body: unknown, group = 'authorization.k8s.io', context: ReviewContext = { namespace: '' }) => {
  const endpoint = reviewEndpoint(group, 'v1', resource);
  assert.ok(endpoint, resource);
  const res = await serveReview({ method: 'POST', path: `/apis/${group}/v1/${resource}`, query: new URLSearchParams(), headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }, endpoint, 'create', context);
  assert.equal(res.kind, 'body');
  return { status: res.status, json: JSON.parse(res.kind === 'body' ? String(res.body) : '') as Record<string, unknown> };
};

test('SelfSubjectAccessReview: allowed, the spec echoed; exactly one of the attributes, as ValidateSelfSubjectAccessReviewSpec', async () => {
  const spec = { resourceAttributes: { namespace: 'default', verb: 'create', resource: 'services' } };
  assert.deepEqual(await post('selfsubjectaccessreviews', { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec }), {
    status: 201,
    json: { kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null }, spec, status: { allowed: true } },
  });
  await assert.rejects(post('selfsubjectaccessreviews', { spec: {} }), (err: unknown) => err instanceof StatusError && err.status.code === 422
    && err.status.message === 'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified');
  await assert.rejects(post('selfsubjectaccessreviews', { spec: { ...spec, nonResourceAttributes: { path: '/healthz', verb: 'get' } } }), (err: unknown) => err instanceof StatusError
    && /spec.nonResourceAttributes: Invalid value: authorization.NonResourceAttributes\{Path:"\/healthz", Verb:"get"\}: cannot be specified in combination with resourceAttributes/.test(err.status.message ?? ''));
  await assert.rejects(post('subjectaccessreviews', { spec }), /at least one of user or group must be specified/);
  assert.deepEqual((await post('subjectaccessreviews', { spec: { ...spec, user: 'jane' } })).json.status, { allowed: true });
});

test('SelfSubjectRulesReview and SelfSubjectReview: everything, for the admin', async () => {
  const rules = await post('selfsubjectrulesreviews', { spec: { namespace: 'default' } });
  assert.deepEqual(rules.json.spec, {}, 'the answer has no spec, as upstream builds it anew');
  await assert.rejects(post('selfsubjectrulesreviews', { spec: {} }), (err: unknown) => err instanceof StatusError && err.status.code === 400 && err.status.message === 'no namespace on request');
  assert.deepEqual(rules.json.status, { resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }], incomplete: false });
  const me = await post('selfsubjectreviews', {}, 'authentication.k8s.io');
  assert.deepEqual(me.json, { kind: 'SelfSubjectReview', apiVersion: 'authentication.k8s.io/v1', metadata: { creationTimestamp: null }, status: { userInfo: { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] } } });
  assert.equal(reviewEndpoint('authorization.k8s.io', 'v1beta1', 'selfsubjectaccessreviews'), undefined);
  await assert.rejects(serveReview({ method: 'GET', path: '/x', query: new URLSearchParams(), headers: {} }, reviewEndpoint('authentication.k8s.io', 'v1', 'selfsubjectreviews')!, 'list'), (err: unknown) => err instanceof StatusError && err.status.code === 405);
});

test('discovery lists the reviews as upstream does: create only, no storage version', async () => {
  const { buildDiscovery } = await import('../discovery.js');
  const docs = buildDiscovery('127.0.0.1:6443');
  const authz = JSON.parse(docs.legacy.get('/apis/authorization.k8s.io/v1')!) as { resources: Array<Record<string, unknown>> };
  assert.deepEqual(authz.resources.map((r) => r.name), ['localsubjectaccessreviews', 'selfsubjectaccessreviews', 'selfsubjectrulesreviews', 'subjectaccessreviews']);
  assert.deepEqual(authz.resources[0], { name: 'localsubjectaccessreviews', singularName: 'localsubjectaccessreview', namespaced: true, kind: 'LocalSubjectAccessReview', verbs: ['create'] });
  assert.deepEqual(authz.resources[1], { name: 'selfsubjectaccessreviews', singularName: 'selfsubjectaccessreview', namespaced: false, kind: 'SelfSubjectAccessReview', verbs: ['create'] });
  const authn = JSON.parse(docs.legacy.get('/apis/authentication.k8s.io/v1')!) as { resources: Array<Record<string, unknown>> };
  assert.deepEqual(authn.resources.map((r) => r.name), ['selfsubjectreviews', 'tokenreviews']);
  assert.ok(JSON.parse(docs.legacy.get('/apis')!).groups.some((g: { name: string }) => g.name === 'authentication.k8s.io'));
});


test('LocalSubjectAccessReview: about its own namespace and resources only (ValidateLocalSubjectAccessReview), the namespace the request\'s', async () => {
  const ns: ReviewContext = { namespace: 'team' };
  const spec = { user: 'jane', resourceAttributes: { namespace: 'team', verb: 'get', resource: 'pods' } };
  const ok = await post('localsubjectaccessreviews', { apiVersion: 'authorization.k8s.io/v1', kind: 'LocalSubjectAccessReview', spec }, 'authorization.k8s.io', ns);
  assert.deepEqual(ok.json, { kind: 'LocalSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null, namespace: 'team' }, spec, status: { allowed: true } });
  await assert.rejects(post('localsubjectaccessreviews', { metadata: { namespace: 'other' }, spec }, 'authorization.k8s.io', ns), (err: unknown) => err instanceof StatusError && err.status.code === 400
    && err.status.message === 'the namespace of the provided object does not match the namespace sent on the request');
  await assert.rejects(post('localsubjectaccessreviews', { spec: { user: 'jane', resourceAttributes: { verb: 'get', resource: 'pods' } } }, 'authorization.k8s.io', ns), (err: unknown) => err instanceof StatusError && err.status.code === 422
    && err.status.message === 'LocalSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes.namespace: Invalid value: "": must match metadata.namespace');
  await assert.rejects(post('localsubjectaccessreviews', { spec: { nonResourceAttributes: { path: '/x', verb: 'get' } } }, 'authorization.k8s.io', ns), (err: unknown) => err instanceof StatusError
    && err.status.message === 'LocalSubjectAccessReview.authorization.k8s.io "" is invalid: [spec.user: Invalid value: "": at least one of user or group must be specified, spec.nonResourceAttributes: Invalid value: authorization.NonResourceAttributes{Path:"/x", Verb:"get"}: disallowed on this kind of request]');
});

test("TokenReview: the server's own token authenticates as the admin, for the API's audience; anything else does not", async () => {
  const context: ReviewContext = { namespace: '', authenticate: (headers) => (headers.authorization === 'Bearer good' ? ADMIN_USER : undefined) };
  const review = (spec: unknown) => post('tokenreviews', { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec }, 'authentication.k8s.io', context);
  const good = await review({ token: 'good' });
  assert.deepEqual(good.json, {
    kind: 'TokenReview', apiVersion: 'authentication.k8s.io/v1', metadata: { creationTimestamp: null }, spec: { token: 'good' },
    status: { authenticated: true, user: { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] }, audiences: [API_AUDIENCE] },
  });
  assert.deepEqual((await review({ token: 'bad' })).json.status, { user: {} });
  assert.deepEqual((await review({ token: 'good', audiences: ['vault'] })).json.status, { user: {} });
  assert.equal(((await review({ token: 'good', audiences: ['vault', API_AUDIENCE] })).json.status as { authenticated?: boolean }).authenticated, true);
  await assert.rejects(review({}), (err: unknown) => err instanceof StatusError && err.status.code === 400 && err.status.message === 'token is required for TokenReview in authentication');
});
