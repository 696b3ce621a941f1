import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../api/errors.js';
import { reviewEndpoint, serveReview } from './reviews.js';

const post = async (resource: string, body: unknown, group = 'authorization.k8s.io') => {
  const endpoint = reviewEndpoint(group, 'v1', resource);
  assert.ok(endpoint, resource);
  const res = await serveReview({ method: 'POST', path: `/apis/${group}/v1/${resource}`, query: new URLSearchParams(), headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }, endpoint, 'create');
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
  assert.deepEqual(authz.resources.map((r) => r.name), ['selfsubjectaccessreviews', 'selfsubjectrulesreviews', 'subjectaccessreviews']);
  assert.deepEqual(authz.resources[0], { name: 'selfsubjectaccessreviews', singularName: 'selfsubjectaccessreview', namespaced: false, kind: 'SelfSubjectAccessReview', verbs: ['create'] });
  assert.ok(JSON.parse(docs.legacy.get('/apis')!).groups.some((g: { name: string }) => g.name === 'authentication.k8s.io'));
});

