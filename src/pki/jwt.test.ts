import assert from 'node:assert/strict';
import { createHash, createHmac, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { test } from 'node:test';
import { jwtKey, keyId, unverifiedClaims } from './jwt.js';

const pem = (curve: string): string => generateKeyPairSync('ec', { namedCurve: curve }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const part = (token: string, i: number): string => Buffer.from(token.split('.')[i]!, 'base64url').toString();

test('ES256 for a P-256 key: header {alg, kid}, claims with sorted keys at every level, a raw r||s signature', () => {
  const keyPem = pem('prime256v1');
  const key = jwtKey(keyPem);
  assert.equal(key.alg, 'ES256');
  const der = createPublicKey(keyPem).export({ type: 'spki', format: 'der' });
  assert.equal(key.kid, createHash('sha256').update(der).digest('base64url'));
  assert.equal(key.kid, keyId(createPublicKey(keyPem)));
  const token = key.sign({ sub: 's', aud: ['a'], 'kubernetes.io': { serviceaccount: { uid: 'u', name: 'n' }, namespace: 'ns' } });
  assert.equal(part(token, 0), `{"alg":"ES256","kid":"${key.kid}"}`);
  assert.equal(part(token, 1), '{"aud":["a"],"kubernetes.io":{"namespace":"ns","serviceaccount":{"name":"n","uid":"u"}},"sub":"s"}');
  const [h, p, s] = token.split('.');
  assert.equal(Buffer.from(s!, 'base64url').length, 64);
  assert.ok(verify('sha256', Buffer.from(`${h}.${p}`), { key: createPublicKey(keyPem), dsaEncoding: 'ieee-p1363' }, Buffer.from(s!, 'base64url')));
  assert.deepEqual(key.verify(token), { header: { alg: 'ES256', kid: key.kid }, claims: { aud: ['a'], 'kubernetes.io': { namespace: 'ns', serviceaccount: { name: 'n', uid: 'u' } }, sub: 's' } });
});

test('P-384 signs ES384 and RSA RS256; each verifies its own tokens only', () => {
  const es384 = jwtKey(pem('secp384r1'));
  assert.equal(es384.alg, 'ES384');
  const rsa = jwtKey(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString());
  assert.equal(rsa.alg, 'RS256');
  const token = rsa.sign({ a: 1 });
  assert.deepEqual(rsa.verify(token), { header: { alg: 'RS256', kid: rsa.kid }, claims: { a: 1 } });
  assert.deepEqual(es384.verify(token), { error: 'go-jose/go-jose: unexpected signature algorithm in JWS object' });
});

test('verification failures, each with its reason', () => {
  const key = jwtKey(pem('prime256v1'));
  const other = jwtKey(pem('prime256v1'));
  const token = key.sign({ sub: 'x' });
  const [h, p, s] = token.split('.');
  assert.deepEqual(other.verify(token), { error: 'go-jose/go-jose: error in cryptographic primitive' });
  const forged = `${h}.${Buffer.from('{"sub":"admin"}').toString('base64url')}.${s}`;
  assert.deepEqual(key.verify(forged), { error: 'go-jose/go-jose: error in cryptographic primitive' });
  assert.deepEqual(key.verify(`${h}.${p}`), { error: 'go-jose/go-jose: compact JWS format must have three parts' });
  assert.deepEqual(key.verify(`${h}.${p}.${s}.x`), { error: 'go-jose/go-jose: compact JWS format must have three parts' });
  assert.deepEqual(key.verify(`${h}.${p}+.${s}`), { error: 'go-jose/go-jose: invalid JWS' });
  assert.deepEqual(key.verify(`${h}.${Buffer.from('[1]').toString('base64url')}.${s}`), { error: 'go-jose/go-jose: invalid JWS' });
  const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${p}.`;
  assert.deepEqual(key.verify(none), { error: 'go-jose/go-jose: unexpected signature algorithm in JWS object' });
});

test('no key confusion: an HS256 token MACed with the RSA key\'s public PEM, or an ES256 one, is refused; signatures of any length are a failure, not a throw', () => {
  const keyPem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const key = jwtKey(keyPem);
  const p = key.sign({ iss: 'x', sub: 'admin' }).split('.')[1]!;
  const publicPem = createPublicKey(keyPem).export({ type: 'spki', format: 'pem' }).toString();
  const unexpected = { error: 'go-jose/go-jose: unexpected signature algorithm in JWS object' };
  for (const alg of ['HS256', 'HS512', 'ES256', 'PS256', 'rs256']) {
    const h = Buffer.from(JSON.stringify({ alg, kid: key.kid })).toString('base64url');
    const mac = createHmac('sha256', publicPem).update(`${h}.${p}`).digest('base64url');
    assert.deepEqual(key.verify(`${h}.${p}.${mac}`), unexpected, alg);
  }
  const h = key.sign({}).split('.')[0]!;
  const ec = jwtKey(pem('prime256v1'));
  const eh = ec.sign({}).split('.')[0]!;
  for (const length of [0, 1, 63, 64, 65, 255, 256, 257, 4096]) {
    const sig = Buffer.alloc(length, 7).toString('base64url');
    assert.deepEqual(key.verify(`${h}.${p}.${sig}`), { error: 'go-jose/go-jose: error in cryptographic primitive' });
    assert.deepEqual(ec.verify(`${eh}.${p}.${sig}`), { error: 'go-jose/go-jose: error in cryptographic primitive' });
  }
});

test('unverifiedClaims reads the payload of a compact token only', () => {
  const token = jwtKey(pem('prime256v1')).sign({ iss: 'me' });
  assert.deepEqual(unverifiedClaims(token), { iss: 'me' });
  assert.equal(unverifiedClaims('abc'), undefined);
  assert.equal(unverifiedClaims('{"payload":"x"}.a.b'), undefined);
  assert.equal(unverifiedClaims('a.!!.b'), undefined);
});
