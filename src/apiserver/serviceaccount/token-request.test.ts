import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { before, describe, test } from 'node:test';
import { RESOURCES } from '../../api/resources.js';
import { podStrategy } from '../../api/strategies/pod.js';
import type { KubeObject } from '../../api/types.js';
import { openMemoryStore } from '../../storage/memory/memory-store.js';
import { requestAuthenticator } from '../authn.js';
import { ApiHandler, storageKey } from '../handler.js';
import type { HandlerRequest } from '../http-types.js';
import { validateMetadata } from '../registry/meta-validation.js';
import { RestStorage } from '../registry/rest-storage.js';
import type { TokenGetters } from './claims.js';
import { ServiceAccountTokens } from './tokens.js';

const NOW = Date.parse('2026-11-28T10:00:00Z');
const S = NOW / 1000;
const AUD = 'https://kubernetes.default.svc.cluster.local';

/** kubectl 1.33's body for `create token default --duration 20m --audience foo --bound-object-kind Pod --bound-object-name x`. */
const KUBECTL_133_PROTOBUF = Buffer.from(
  '6b3873000a280a1861757468656e7469636174696f6e2e6b38732e696f2f7631120c546f6b656e5265717565737412320a100a0012001a' +
    '0022002a0032003800420012180a03666f6f1a0e0a03506f64120276311a0178220020b0091a040a0012001a002200', 'hex');

type Json = KubeObject & { message?: string; reason?: string; code?: number; spec?: Record<string, unknown>; status?: Record<string, unknown> };

describe('serviceaccounts/token', () => {
  let handler: ApiHandler;
  let storage: (resource: string) => RestStorage;
  const send = async (name: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: Json }> => {
    const req: HandlerRequest = {
      method: 'POST', path: `/api/v1/namespaces/default/serviceaccounts/${name}/token`, query: new URLSearchParams(),
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: 'Bearer admin', ...headers },
      body: Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body)),
    };
    const res = await handler.handle(req);
    assert.equal(res.kind, 'body');
    return { status: res.status, json: JSON.parse(res.kind === 'body' ? res.body.toString() : '{}') as Json };
  };
  const claims = (token: string): Record<string, any> => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
  const request = (spec: Record<string, unknown>, metadata: Record<string, unknown> = {}) => ({ kind: 'TokenRequest', apiVersion: 'authentication.k8s.io/v1', metadata, spec });

  before(async () => {
    const store = await openMemoryStore();
    const storages = new Map<string, RestStorage>();
    for (const info of RESOURCES.filter((r) => r.group === '' && ['pods', 'namespaces', 'serviceaccounts', 'secrets', 'nodes'].includes(r.resource))) {
      storages.set(storageKey('', 'v1', info.resource), new RestStorage(info, store, { strategy: info.resource === 'pods' ? podStrategy : undefined, validateMeta: validateMetadata }));
    }
    storage = (resource) => storages.get(storageKey('', 'v1', resource))!;
    const read = (resource: string) => async (ns: string, name: string) => storage(resource).get(ns, name).catch(() => undefined);
    const getters: TokenGetters = { serviceAccount: read('serviceaccounts'), pod: read('pods'), secret: read('secrets'), node: (name) => read('nodes')('', name) };
    const keyPem = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const tokens = new ServiceAccountTokens({ keyPem, getters, clock: () => NOW });
    handler = new ApiHandler({
      storages, serverAddress: '127.0.0.1:6443', clock: () => NOW, serviceAccountTokens: tokens,
      authenticate: requestAuthenticator({ admin: (h) => h.authorization === 'Bearer admin', tokens }),
      version: { major: '1', minor: '33', gitVersion: 'v1.33.0', gitCommit: '', gitTreeState: '', buildDate: '', goVersion: '', compiler: '', platform: '' },
    });
    await storage('namespaces').create('', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } } as KubeObject);
    for (const name of ['default', 'robot']) await storage('serviceaccounts').create('default', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: 'default' } } as KubeObject);
    await storage('nodes').create('', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } } as KubeObject);
    for (const name of ['x', 'web']) {
      // The account is named as the ServiceAccount admission plugin names it (these registries run without it).
      await storage('pods').create('default', { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { nodeName: 'n1', serviceAccountName: 'default', containers: [{ name: 'c', image: 'busybox' }] } } as unknown as KubeObject);
    }
  });

  test('defaults: an hour, the API audience; the answer as upstream writes it', async () => {
    const { status, json } = await send('default', request({}));
    assert.equal(status, 201);
    const token = json.status!.token as string;
    const sa = await storage('serviceaccounts').get('default', 'default');
    assert.deepEqual(json, {
      kind: 'TokenRequest', apiVersion: 'authentication.k8s.io/v1',
      metadata: { name: 'default', namespace: 'default', creationTimestamp: '2026-11-28T10:00:00Z' },
      spec: { audiences: [AUD], expirationSeconds: 3600, boundObjectRef: null },
      status: { token, expirationTimestamp: '2026-11-28T11:00:00Z' },
    });
    const c = claims(token);
    assert.deepEqual({ ...c, jti: undefined }, { aud: [AUD], exp: S + 3600, iat: S, iss: AUD, jti: undefined, 'kubernetes.io': { namespace: 'default', serviceaccount: { name: 'default', uid: sa.metadata.uid } }, nbf: S, sub: 'system:serviceaccount:default:default' });
  });

  test("kubectl 1.33's protobuf body: audience, duration, the pod bound with its node", async () => {
    const { status, json } = await send('default', KUBECTL_133_PROTOBUF, { 'content-type': 'application/vnd.kubernetes.protobuf' });
    assert.equal(status, 201, JSON.stringify(json));
    assert.deepEqual(json.spec, { audiences: ['foo'], expirationSeconds: 1200, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'x' } });
    const pod = await storage('pods').get('default', 'x');
    const node = await storage('nodes').get('', 'n1');
    assert.deepEqual(claims(json.status!.token as string)['kubernetes.io'].pod, { name: 'x', uid: pod.metadata.uid });
    assert.deepEqual(claims(json.status!.token as string)['kubernetes.io'].node, { name: 'n1', uid: node.metadata.uid });
  });

  test("the kubelet's 3607 s pod token lives a year and warns after its hour; the answer says 3607 s", async () => {
    const { json } = await send('default', request({ expirationSeconds: 3607, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web' } }));
    const c = claims(json.status!.token as string);
    assert.equal(c.exp, S + 365 * 24 * 3600);
    assert.equal(c['kubernetes.io'].warnafter, S + 3607);
    assert.equal(json.status!.expirationTimestamp, '2026-11-28T11:00:07Z');
    // Another audience, or no pod: no extension.
    assert.equal(claims((await send('default', request({ expirationSeconds: 3607, audiences: ['x'], boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web' } }))).json.status!.token as string).exp, S + 3607);
    assert.equal(claims((await send('default', request({ expirationSeconds: 3607 }))).json.status!.token as string).exp, S + 3607);
  });

  test("upstream's errors", async () => {
    const message = async (name: string, body: unknown) => {
      const { status, json } = await send(name, body);
      return `${status} ${json.reason}: ${json.message}`;
    };
    assert.equal(await message('default', request({ expirationSeconds: 60 })), '422 Invalid: TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes');
    assert.equal(await message('default', request({ expirationSeconds: 2 ** 32 + 1 })), '422 Invalid: TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 4294967297: may not specify a duration larger than 2^32 seconds');
    assert.equal(await message('default', request({}, { name: 'other' })), '422 Invalid: TokenRequest.authentication.k8s.io "default" is invalid: metadata.name: Invalid value: "other": must match the service account name if specified');
    assert.equal(await message('default', request({}, { namespace: 'other' })), '400 BadRequest: the namespace of the provided object does not match the namespace sent on the request');
    assert.equal(await message('nope', request({})), '404 NotFound: serviceaccounts "nope" not found');
    assert.equal(await message('default', request({ boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'gone' } })), '404 NotFound: pods "gone" not found');
    assert.equal(await message('robot', request({ boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'x' } })), '400 BadRequest: cannot bind token for serviceaccount "robot" to pod running with different serviceaccount name.');
    assert.equal(await message('default', request({ boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'x', uid: 'old' } })), '409 Conflict: Operation cannot be fulfilled on Pod "x": the UID in the bound object reference (old) does not match the UID in record. The object might have been deleted and then recreated');
    assert.equal(await message('default', request({ boundObjectRef: { kind: 'Deployment', apiVersion: 'apps/v1', name: 'd' } })), '400 BadRequest: cannot bind token to object of type apps/v1, Kind=Deployment');
    assert.equal(await message('default', request({ boundObjectRef: { kind: 'Secret', apiVersion: 'v1', name: 's' } })), '404 NotFound: secrets "s" not found');
    const get = await handler.handle({ method: 'GET', path: '/api/v1/namespaces/default/serviceaccounts/default/token', query: new URLSearchParams(), headers: { authorization: 'Bearer admin' } });
    assert.equal(get.status, 405);
  });

  test('the token authenticates the requests it is sent with; a deleted account\'s does not', async () => {
    const token = (await send('robot', request({}))).json.status!.token as string;
    const whoami = await handler.handle({
      method: 'POST', path: '/apis/authentication.k8s.io/v1/selfsubjectreviews', query: new URLSearchParams(),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}',
    });
    const user = (JSON.parse(whoami.kind === 'body' ? whoami.body.toString() : '{}') as { status: { userInfo: { username: string; groups: string[] } } }).status.userInfo;
    assert.equal(user.username, 'system:serviceaccount:default:robot');
    assert.deepEqual(user.groups, ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated']);
    const review = async (spec: Record<string, unknown>) => {
      const res = await handler.handle({
        method: 'POST', path: '/apis/authentication.k8s.io/v1/tokenreviews', query: new URLSearchParams(),
        headers: { 'content-type': 'application/json', authorization: 'Bearer admin' }, body: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec }),
      });
      return (JSON.parse(res.kind === 'body' ? res.body.toString() : '{}') as { status: Record<string, unknown> }).status;
    };
    const sa = await storage('serviceaccounts').get('default', 'robot');
    assert.deepEqual(await review({ token }), {
      authenticated: true, audiences: [AUD],
      user: { username: 'system:serviceaccount:default:robot', uid: sa.metadata.uid, groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'], extra: { 'authentication.kubernetes.io/credential-id': [`JTI=${claims(token).jti}`] } },
    });
    assert.deepEqual(await review({ token, audiences: ['vault'] }), { user: {}, error: `token audiences ["${AUD}"] is invalid for the target audiences ["vault"]` });
    await storage('serviceaccounts').delete('default', 'robot');
    assert.deepEqual(await review({ token }), { user: {}, error: 'serviceaccounts "robot" not found' });
    const denied = await handler.handle({ method: 'GET', path: '/api/v1/namespaces', query: new URLSearchParams(), headers: { authorization: `Bearer ${token}` } });
    assert.equal(denied.status, 401);
  });
});
