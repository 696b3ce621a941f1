import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import { requestAuthenticator } from './authn.js';
import { ADMIN_USER } from './impersonation.js';
import { ISSUER } from './serviceaccount/claims.js';
import { ServiceAccountTokens } from './serviceaccount/tokens.js';

test('the admin token answers at once (no promise, no registry read); other bearer tokens go to the service account tokens', async () => {
  const reads: string[] = [];
  const getters = {
    serviceAccount: async (ns: string, name: string) => (reads.push(`sa ${ns}/${name}`), { metadata: { uid: 'u1' } }),
    pod: async () => undefined, secret: async () => undefined, node: async () => undefined,
  };
  const keyPem = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const tokens = new ServiceAccountTokens({ keyPem, getters });
  const authenticate = requestAuthenticator({ admin: (h) => h.authorization === 'Bearer admin', tokens });
  assert.equal(authenticate({ authorization: 'Bearer admin' }), ADMIN_USER);
  assert.equal(authenticate({}), undefined);
  assert.equal(authenticate({ authorization: 'Basic abc' }), undefined);
  assert.deepEqual(reads, []);
  const wrong = authenticate({ authorization: 'Bearer not-the-admin' });
  assert.ok(wrong instanceof Promise);
  assert.equal(await wrong, undefined);
  const token = tokens.issue({ namespace: 'ns', serviceAccount: { name: 'sa', uid: 'u1' } }, { now: Math.floor(Date.now() / 1000), expirationSeconds: 600, audiences: [ISSUER] });
  assert.equal((await authenticate({ authorization: `bearer ${token}` }))?.username, 'system:serviceaccount:ns:sa');
  assert.deepEqual(reads, ['sa ns/sa']);
  // Without service account tokens, only the admin.
  assert.equal(requestAuthenticator({ admin: () => false })({ authorization: `Bearer ${token}` }), undefined);
});
