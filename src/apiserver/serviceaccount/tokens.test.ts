import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import { ISSUER, tokenClaims, type LiveObject, type TokenGetters } from './claims.js';
import { ServiceAccountTokens } from './tokens.js';

const pem = (): string => generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const NOW = 1_900_000_000;

test('claims golden: a pod-bound token with its node and a warnafter, as upstream Claims writes them', () => {
  const claims = tokenClaims(
    { namespace: 'default', serviceAccount: { name: 'default', uid: 'sa-1' }, pod: { name: 'web', uid: 'pod-1' }, node: { name: 'kubito-node', uid: 'node-1' } },
    { now: NOW, expirationSeconds: 31_536_000, warnAfter: 3607, audiences: [ISSUER], jti: 'j-1' },
  );
  assert.equal(
    JSON.stringify(claims),
    JSON.stringify({
      aud: ['https://kubernetes.default.svc.cluster.local'], exp: NOW + 31_536_000, iat: NOW, iss: 'https://kubernetes.default.svc.cluster.local', jti: 'j-1',
      'kubernetes.io': { namespace: 'default', serviceaccount: { name: 'default', uid: 'sa-1' }, pod: { name: 'web', uid: 'pod-1' }, node: { name: 'kubito-node', uid: 'node-1' }, warnafter: NOW + 3607 },
      nbf: NOW, sub: 'system:serviceaccount:default:default',
    }),
  );
  // A node whose Node object is gone: its name alone. An unbound token: no pod, node, warnafter.
  assert.deepEqual(tokenClaims({ namespace: 'a', serviceAccount: { name: 'b', uid: 'u' }, pod: { name: 'p', uid: 'pu' }, node: { name: 'n' } }, { now: 1, expirationSeconds: 600, audiences: ['x'], jti: 'j' })['kubernetes.io'],
    { namespace: 'a', serviceaccount: { name: 'b', uid: 'u' }, pod: { name: 'p', uid: 'pu' }, node: { name: 'n' } });
  assert.deepEqual(tokenClaims({ namespace: 'a', serviceAccount: { name: 'b', uid: 'u' } }, { now: 1, expirationSeconds: 600, audiences: ['x'], jti: 'j' })['kubernetes.io'], { namespace: 'a', serviceaccount: { name: 'b', uid: 'u' } });
});

function fixture() {
  const objects = new Map<string, LiveObject>([
    ['sa/default/default', { metadata: { uid: 'sa-1' } }],
    ['pod/default/web', { metadata: { uid: 'pod-1' } }],
    ['node/kubito-node', { metadata: { uid: 'node-1' } }],
  ]);
  const getters: TokenGetters = {
    serviceAccount: async (ns, name) => objects.get(`sa/${ns}/${name}`),
    pod: async (ns, name) => objects.get(`pod/${ns}/${name}`),
    secret: async (ns, name) => objects.get(`secret/${ns}/${name}`),
    node: async (name) => objects.get(`node/${name}`),
  };
  let now = NOW * 1000;
  const tokens = new ServiceAccountTokens({ keyPem: pem(), getters, clock: () => now });
  const sa = { namespace: 'default', serviceAccount: { name: 'default', uid: 'sa-1' } };
  return { objects, tokens, sa, setNow: (s: number) => (now = s * 1000) };
}

test('a valid token authenticates as its service account, with the pod, node and credential id as extra', async () => {
  const { tokens, sa } = fixture();
  const bound = tokens.issue({ ...sa, pod: { name: 'web', uid: 'pod-1' }, node: { name: 'kubito-node', uid: 'node-1' } }, { now: NOW, expirationSeconds: 3600, audiences: [ISSUER] });
  const result = await tokens.authenticate(bound);
  assert.ok(result.user);
  const jti = JSON.parse(Buffer.from(bound.split('.')[1]!, 'base64url').toString()).jti as string;
  assert.match(jti, /^[0-9a-f-]{36}$/);
  // The payload as signed: keys sorted at every level, as go-jose writes the merged claims.
  assert.equal(Buffer.from(bound.split('.')[1]!, 'base64url').toString(),
    `{"aud":["https://kubernetes.default.svc.cluster.local"],"exp":${NOW + 3600},"iat":${NOW},"iss":"https://kubernetes.default.svc.cluster.local","jti":"${jti}",` +
    '"kubernetes.io":{"namespace":"default","node":{"name":"kubito-node","uid":"node-1"},"pod":{"name":"web","uid":"pod-1"},"serviceaccount":{"name":"default","uid":"sa-1"}},' +
    `"nbf":${NOW},"sub":"system:serviceaccount:default:default"}`);
  assert.deepEqual(result, {
    user: {
      username: 'system:serviceaccount:default:default', uid: 'sa-1',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'],
      extra: {
        'authentication.kubernetes.io/credential-id': [`JTI=${jti}`],
        'authentication.kubernetes.io/node-name': ['kubito-node'], 'authentication.kubernetes.io/node-uid': ['node-1'],
        'authentication.kubernetes.io/pod-name': ['web'], 'authentication.kubernetes.io/pod-uid': ['pod-1'],
      },
    },
    audiences: [ISSUER],
  });
  const plain = await tokens.authenticate(tokens.issue(sa, { now: NOW, expirationSeconds: 3600, audiences: ['vault', ISSUER] }));
  assert.deepEqual(Object.keys(plain.user!.extra!), ['authentication.kubernetes.io/credential-id']);
  assert.deepEqual(plain.audiences, [ISSUER]);
});

test('verification failures, each with its reason', async () => {
  const { tokens, sa, objects, setNow } = fixture();
  const issue = (over: Partial<Parameters<ServiceAccountTokens['issue']>[1]> = {}, subject: Parameters<ServiceAccountTokens['issue']>[0] = sa) =>
    tokens.issue(subject, { now: NOW, expirationSeconds: 3600, audiences: [ISSUER], ...over });
  const error = async (token: string, audiences?: string[]) => (await tokens.authenticate(token, audiences)).error;

  // Time, with go-jose's one-minute leeway.
  setNow(NOW + 3600 + 60);
  assert.equal((await tokens.authenticate(issue())).user?.username, 'system:serviceaccount:default:default');
  setNow(NOW + 3600 + 61);
  assert.equal(await error(issue()), 'service account token has expired');
  setNow(NOW - 61);
  assert.equal(await error(issue()), 'service account token is not valid yet');
  setNow(NOW);
  // Another cluster's key, a tampered payload; a token of another issuer is not this authenticator's.
  const foreign = new ServiceAccountTokens({ keyPem: pem(), getters: fixture().tokens.getters });
  assert.equal(await error(foreign.issue(sa, { now: NOW, expirationSeconds: 3600, audiences: [ISSUER] })), 'go-jose/go-jose: error in cryptographic primitive');
  const [h, , s] = issue().split('.');
  const tampered = `${h}.${Buffer.from(JSON.stringify({ iss: ISSUER, sub: 'system:serviceaccount:kube-system:admin' })).toString('base64url')}.${s}`;
  assert.equal(await error(tampered), 'go-jose/go-jose: error in cryptographic primitive');
  assert.deepEqual(await tokens.authenticate(`${h}.${Buffer.from('{"iss":"kubernetes/serviceaccount"}').toString('base64url')}.${s}`), {});
  assert.deepEqual(await tokens.authenticate('not-a-jwt'), {});
  // Audiences.
  assert.equal(await error(issue({ audiences: ['vault'] })), 'token audiences ["vault"] is invalid for the target audiences ["https://kubernetes.default.svc.cluster.local"]');
  assert.deepEqual((await tokens.authenticate(issue({ audiences: ['vault', 'db'] }), ['db', 'other'])).audiences, ['db']);
  // The service account: gone, recreated (another uid), deleted before now - leeway.
  const token = issue();
  objects.set('sa/default/default', { metadata: { uid: 'sa-2' } });
  assert.equal(await error(token), 'service account UID (sa-2) does not match claim (sa-1)');
  objects.set('sa/default/default', { metadata: { uid: 'sa-1', deletionTimestamp: new Date((NOW - 30) * 1000).toISOString() } });
  assert.ok((await tokens.authenticate(token)).user, 'deleted within the leeway: still valid');
  objects.set('sa/default/default', { metadata: { uid: 'sa-1', deletionTimestamp: new Date((NOW - 61) * 1000).toISOString() } });
  assert.equal(await error(token), 'service account default/default has been deleted');
  objects.delete('sa/default/default');
  assert.equal(await error(token), 'serviceaccounts "default" not found');
  objects.set('sa/default/default', { metadata: { uid: 'sa-1' } });
  // The bound pod: gone, recreated, being deleted for longer than the leeway.
  const podToken = issue({}, { ...sa, pod: { name: 'web', uid: 'pod-1' } });
  objects.set('pod/default/web', { metadata: { uid: 'pod-2' } });
  assert.equal(await error(podToken), 'pod UID (pod-2) does not match service account pod ref claim (pod-1)');
  objects.set('pod/default/web', { metadata: { uid: 'pod-1', deletionTimestamp: new Date((NOW + 30) * 1000).toISOString() } });
  assert.ok((await tokens.authenticate(podToken)).user, 'a graceful deletion still running: still valid');
  objects.set('pod/default/web', { metadata: { uid: 'pod-1', deletionTimestamp: new Date((NOW - 120) * 1000).toISOString() } });
  assert.equal(await error(podToken), 'service account token has been invalidated');
  objects.delete('pod/default/web');
  assert.equal(await error(podToken), 'service account token has been invalidated');
  // A Node-bound token: its node must be there with its uid.
  const nodeToken = issue({}, { ...sa, node: { name: 'kubito-node', uid: 'node-1' } });
  assert.deepEqual((await tokens.authenticate(nodeToken)).user?.extra?.['authentication.kubernetes.io/node-uid'], ['node-1']);
  objects.delete('node/kubito-node');
  assert.equal(await error(nodeToken), 'service account token has been invalidated');
});

test('a registry read that fails is a failed authentication with its reason (a 401), not a thrown error', async () => {
  const { tokens, sa } = fixture();
  const failingOn = (getter: keyof TokenGetters) => new ServiceAccountTokens({
    keyPem: pem(),
    getters: { ...tokens.getters, [getter]: async () => { throw new Error('database is locked'); } },
    clock: () => NOW * 1000,
  });
  const options = { now: NOW, expirationSeconds: 3600, audiences: [ISSUER] };
  const accountFails = failingOn('serviceAccount');
  assert.deepEqual(await accountFails.authenticate(accountFails.issue(sa, options)), { error: 'database is locked' });
  // A bound object's failed read reads as upstream's for a missing one.
  const podFails = failingOn('pod');
  assert.deepEqual(await podFails.authenticate(podFails.issue({ ...sa, pod: { name: 'web', uid: 'pod-1' } }, options)), { error: 'service account token has been invalidated' });
});
