import { X509Certificate } from 'node:crypto';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspectCa, inspectLeaf, validityFor, VALIDITY } from './inspect.js';
import { generateKeyPair, privateKeyToPem, type KeyPair } from './keys.js';
import { servingSans } from './sans.js';
import { caSigner, issueCertificate, selfSigner } from './x509.js';

const DAY = 24 * 60 * 60 * 1000;
const T0 = new Date('2030-01-01T00:00:00Z');

async function makeCa(now = T0): Promise<{ pem: string; keyPem: string; keys: KeyPair }> {
  const keys = await generateKeyPair();
  const pem = issueCertificate(
    { subject: { commonName: 'ca' }, publicKey: keys.publicKey, profile: 'ca', ...validityFor(now, VALIDITY.caDays) },
    selfSigner(keys.privateKey, { commonName: 'ca' }),
  );
  return { pem, keyPem: privateKeyToPem(keys.privateKey), keys };
}

async function makeLeaf(ca: { pem: string; keys: KeyPair }, hosts: string[] = [], now = T0) {
  const keys = await generateKeyPair();
  const pem = issueCertificate(
    { subject: { commonName: 'srv' }, publicKey: keys.publicKey, profile: 'server', sans: servingSans(hosts), ...validityFor(now, VALIDITY.leafDays) },
    caSigner(ca.pem, ca.keys.privateKey),
  );
  return { pem, keyPem: privateKeyToPem(keys.privateKey) };
}

test('inspectCa: accepts a good CA, names what is wrong with a bad one', async () => {
  const ca = await makeCa();
  const other = await makeCa();
  assert.equal(inspectCa(ca.pem, ca.keyPem, T0).ok, true);
  const reason = (v: { ok: boolean; reason?: string }) => (v.ok ? 'ok' : v.reason);
  assert.equal(reason(inspectCa('garbage', ca.keyPem, T0)), 'certificate does not parse');
  assert.equal(reason(inspectCa(ca.pem, 'garbage', T0)), 'private key does not parse');
  assert.equal(reason(inspectCa(ca.pem, other.keyPem, T0)), 'private key does not match the certificate');
  const leaf = await makeLeaf(ca);
  assert.equal(reason(inspectCa(leaf.pem, leaf.keyPem, T0)), 'certificate is not a CA');
  assert.match(reason(inspectCa(ca.pem, ca.keyPem, new Date(T0.getTime() + 3651 * DAY)))!, /^certificate expired on /);
  assert.match(reason(inspectCa(ca.pem, ca.keyPem, new Date(T0.getTime() - 2 * 60 * 60 * 1000)))!, /^certificate is not valid before /);
});

test('inspectLeaf: reuse only a current, matching, covering certificate from this CA', async () => {
  const ca = await makeCa();
  const other = await makeCa();
  const leaf = await makeLeaf(ca, ['example.com']);
  const foreign = await makeLeaf(other);
  const caCert = new X509Certificate(ca.pem);
  const check = (certPem: string | undefined, keyPem: string | undefined, extra: { now?: Date; hosts?: string[] } = {}) => {
    const v = inspectLeaf(certPem, keyPem, { ca: caCert, now: extra.now ?? T0, sans: servingSans(extra.hosts) });
    return v.ok ? 'ok' : v.reason;
  };
  assert.equal(check(leaf.pem, leaf.keyPem), 'ok');
  assert.equal(check(leaf.pem, leaf.keyPem, { hosts: ['EXAMPLE.com', '::1'] }), 'ok');
  assert.equal(check(undefined, leaf.keyPem), 'missing');
  assert.equal(check(leaf.pem, undefined), 'missing');
  assert.equal(check('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', leaf.keyPem), 'certificate does not parse');
  assert.equal(check(leaf.pem, foreign.keyPem), 'private key does not match the certificate');
  assert.equal(check(foreign.pem, foreign.keyPem), 'not issued by the current CA');
  assert.equal(check(leaf.pem, leaf.keyPem, { hosts: ['192.168.1.5', 'new.example'] }), 'lacks 192.168.1.5, new.example');
  // Renewal starts renewBeforeDays before the end of the 1-year life.
  assert.equal(check(leaf.pem, leaf.keyPem, { now: new Date(T0.getTime() + 274 * DAY) }), 'ok');
  assert.match(check(leaf.pem, leaf.keyPem, { now: new Date(T0.getTime() + 276 * DAY) })!, /^expires within 90 days/);
  assert.match(check(leaf.pem, leaf.keyPem, { now: new Date(T0.getTime() - 2 * 60 * 60 * 1000) })!, /^not valid before/);
});
