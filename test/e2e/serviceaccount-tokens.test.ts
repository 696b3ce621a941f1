/**
 * End to end: service account tokens with the real kubectl (1.27, 1.33 and the one on PATH).
 * `kubectl create token` (JSON from 1.27, protobuf from 1.33), with --duration, --audience and a
 * bound pod; the token authenticates as its service account (`auth whoami --token`, requests
 * made with it), a TokenReview reviews it; an expired, foreign, wrong-audience, deleted-account
 * or deleted-pod token is a 401; and the token survives a control-plane restart (SQLite store,
 * the same pki dir).
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { jwtKey } from '../../src/pki/jwt.js';
import { startCluster, type Cluster } from './harness.js';

const AUD = 'https://kubernetes.default.svc.cluster.local';
const SA_GROUPS = /Groups\s+\[system:serviceaccounts system:serviceaccounts:default system:authenticated\]/;

function claims(token: string): Record<string, any> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, any>;
}

describe('service account tokens', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubito-satokens-'));
  let cluster: Cluster;
  let defaultToken = '';

  before(async () => {
    cluster = await startCluster({ store: 'sqlite', dir });
  });
  after(async () => {
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A `kubectl --token T` run: the token's user, not the kubeconfig's. */
  const withToken = (token: string, args: string[], version?: string) => cluster.kubectl(['--token', token, ...args], { version });

  for (const version of ['1.27', '1.33', undefined]) {
    const label = version ?? 'on PATH';
    test(`kubectl ${label}: create token, then the token is system:serviceaccount:default:default`, async () => {
      const token = (await cluster.kubectlOk(['create', 'token', 'default'], { version })).trim();
      const c = claims(token);
      assert.equal(c.sub, 'system:serviceaccount:default:default');
      assert.deepEqual(c.aud, [AUD]);
      assert.equal(c.exp - c.iat, 3600);
      const whoami = await withToken(token, ['auth', 'whoami'], version);
      if (version === '1.27') {
        // kubectl 1.27 asks only for v1alpha1/v1beta1 SelfSubjectReview, which 1.33 no longer serves.
        assert.match(whoami.stderr, /the selfsubjectreviews API is not enabled in the cluster/);
      } else {
        assert.match(whoami.stdout, /Username\s+system:serviceaccount:default:default\n/, whoami.stderr);
        assert.match(whoami.stdout, SA_GROUPS);
      }
      const got = await withToken(token, ['get', 'svc', 'kubernetes', '-o', 'name'], version);
      assert.equal(got.stdout.trim(), 'service/kubernetes', got.stderr);
      defaultToken = token;
    });

    test(`kubectl ${label}: --duration and --audience; a token for another audience is refused by the API`, async () => {
      const token = (await cluster.kubectlOk(['create', 'token', 'default', '--duration', '20m', '--audience', 'vault'], { version })).trim();
      const c = claims(token);
      assert.deepEqual(c.aud, ['vault']);
      assert.equal(c.exp - c.iat, 1200);
      const refused = await withToken(token, ['get', 'svc', 'kubernetes'], version);
      assert.notEqual(refused.code, 0);
      assert.match(refused.stderr, /Unauthorized|must be logged in/);
      const short = await cluster.kubectl(['create', 'token', 'default', '--duration', '5m'], { version });
      assert.match(short.stderr, /TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 300: may not specify a duration less than 10 minutes/);
      const missing = await cluster.kubectl(['create', 'token', 'nobody'], { version });
      assert.match(missing.stderr, /serviceaccounts "nobody" not found/);
    });
  }

  test('a token bound to a pod names it, and dies with it', async () => {
    await cluster.kubectlOk(['create', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'holder' }, spec: { nodeName: 'nowhere', containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }] } }) });
    const uid = (await cluster.kubectlOk(['get', 'pod', 'holder', '-o', 'jsonpath={.metadata.uid}'])).trim();
    for (const version of ['1.27', '1.33']) {
      const token = (await cluster.kubectlOk(['create', 'token', 'default', '--bound-object-kind', 'Pod', '--bound-object-name', 'holder', '--bound-object-uid', uid], { version })).trim();
      assert.deepEqual(claims(token)['kubernetes.io'].pod, { name: 'holder', uid });
      if (version === '1.33') {
        const whoami = await withToken(token, ['auth', 'whoami', '-o', 'json'], version);
        const extra = (JSON.parse(whoami.stdout) as { status: { userInfo: { extra: Record<string, string[]> } } }).status.userInfo.extra;
        assert.deepEqual(extra['authentication.kubernetes.io/pod-name'], ['holder']);
        assert.deepEqual(extra['authentication.kubernetes.io/pod-uid'], [uid]);
      }
    }
    const wrongUid = await cluster.kubectl(['create', 'token', 'default', '--bound-object-kind', 'Pod', '--bound-object-name', 'holder', '--bound-object-uid', 'other']);
    assert.match(wrongUid.stderr, /Operation cannot be fulfilled on Pod "holder": the UID in the bound object reference \(other\) does not match the UID in record/);
    const token = (await cluster.kubectlOk(['create', 'token', 'default', '--bound-object-kind', 'Pod', '--bound-object-name', 'holder'])).trim();
    assert.equal((await withToken(token, ['get', 'pod', 'holder', '-o', 'name'])).stdout.trim(), 'pod/holder');
    await cluster.kubectlOk(['delete', 'pod', 'holder', '--grace-period=0', '--force']);
    const refused = await withToken(token, ['get', 'svc', 'kubernetes']);
    assert.match(refused.stderr, /Unauthorized|must be logged in/);
  });

  test("an expired token, another cluster's, a deleted account's: 401", async () => {
    const key = jwtKey(readFileSync(join(cluster.dataDir, 'pki', 'sa.key'), 'utf8'));
    const sa = JSON.parse(await cluster.kubectlOk(['get', 'sa', 'default', '-o', 'json'])) as { metadata: { uid: string } };
    const now = Math.floor(Date.now() / 1000);
    const claimsFor = (iat: number, exp: number) => ({
      aud: [AUD], exp, iat, nbf: iat, iss: AUD, jti: randomUUID(), sub: 'system:serviceaccount:default:default',
      'kubernetes.io': { namespace: 'default', serviceaccount: { name: 'default', uid: sa.metadata.uid } },
    });
    // Signed with the cluster's own key: good while valid, refused once past exp + the minute of leeway.
    assert.equal((await withToken(key.sign(claimsFor(now - 600, now + 600)), ['get', 'svc', 'kubernetes', '-o', 'name'])).stdout.trim(), 'service/kubernetes');
    const expired = await withToken(key.sign(claimsFor(now - 7200, now - 120)), ['get', 'svc', 'kubernetes']);
    assert.match(expired.stderr, /Unauthorized|must be logged in/);
    const foreignKey = jwtKey(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    const foreign = await withToken(foreignKey.sign(claimsFor(now - 60, now + 600)), ['get', 'svc', 'kubernetes']);
    assert.match(foreign.stderr, /Unauthorized|must be logged in/);
    await cluster.kubectlOk(['create', 'serviceaccount', 'robot']);
    const robot = (await cluster.kubectlOk(['create', 'token', 'robot'])).trim();
    assert.equal((await withToken(robot, ['get', 'sa', 'robot', '-o', 'name'])).stdout.trim(), 'serviceaccount/robot');
    await cluster.kubectlOk(['delete', 'serviceaccount', 'robot']);
    const deleted = await withToken(robot, ['get', 'svc', 'kubernetes']);
    assert.match(deleted.stderr, /Unauthorized|must be logged in/);
  });

  test('a TokenReview of the token', async () => {
    const token = (await cluster.kubectlOk(['create', 'token', 'default'])).trim();
    const review = (spec: Record<string, unknown>) =>
      cluster.kubectlOk(['create', '-o', 'json', '-f', '-'], { input: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec }) });
    const status = (JSON.parse(await review({ token })) as { status: Record<string, any> }).status;
    assert.equal(status.authenticated, true);
    assert.deepEqual(status.audiences, [AUD]);
    assert.equal(status.user.username, 'system:serviceaccount:default:default');
    assert.deepEqual(status.user.groups, ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated']);
    const other = (JSON.parse(await review({ token, audiences: ['vault'] })) as { status: Record<string, any> }).status;
    assert.equal(other.authenticated, undefined);
    assert.equal(other.error, `token audiences ["${AUD}"] is invalid for the target audiences ["vault"]`);
  });

  test('a token survives a control-plane restart (SQLite store, the same signing key)', async () => {
    assert.ok(defaultToken, 'the create token tests made one');
    const key = readFileSync(join(cluster.dataDir, 'pki', 'sa.key'), 'utf8');
    await cluster.stop();
    cluster = await startCluster({ store: 'sqlite', dir });
    assert.equal(readFileSync(join(cluster.dataDir, 'pki', 'sa.key'), 'utf8'), key);
    const whoami = await withToken(defaultToken, ['auth', 'whoami'], '1.33');
    assert.match(whoami.stdout, /Username\s+system:serviceaccount:default:default\n/, whoami.stderr);
    assert.match(whoami.stdout, SA_GROUPS);
  });
});
