import { X509Certificate } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateKeyPair, type KeyAlgorithm } from './keys.js';
import { servingSans } from './sans.js';
import { caSigner, issueCertificate, keyIdentifier, selfSigner } from './x509.js';

const NOW = new Date('2030-06-01T00:00:00Z');
const LATER = new Date('2031-06-01T00:00:00Z');

for (const algorithm of ['ecdsa-p256', 'rsa-2048'] as KeyAlgorithm[]) {
  test(`${algorithm}: a CA, and serving and client certificates it signs`, async () => {
    const [caKeys, leafKeys] = await Promise.all([generateKeyPair(algorithm), generateKeyPair(algorithm)]);
    const caPem = issueCertificate(
      { subject: { commonName: 'test-ca' }, publicKey: caKeys.publicKey, profile: 'ca', notBefore: NOW, notAfter: LATER },
      selfSigner(caKeys.privateKey, { commonName: 'test-ca' }),
    );
    const ca = new X509Certificate(caPem);
    assert.equal(ca.ca, true);
    assert.equal(ca.subject, 'CN=test-ca');
    assert.equal(ca.issuer, 'CN=test-ca');
    assert.ok(ca.verify(caKeys.publicKey));
    assert.ok(ca.checkPrivateKey(caKeys.privateKey));
    assert.equal(Date.parse(ca.validFrom), NOW.getTime());
    assert.equal(Date.parse(ca.validTo), LATER.getTime());
    assert.equal(ca.publicKey.asymmetricKeyType, algorithm === 'rsa-2048' ? 'rsa' : 'ec');

    const signer = caSigner(caPem, caKeys.privateKey);
    assert.deepEqual(signer.keyId, keyIdentifier(caKeys.publicKey));
    const serverPem = issueCertificate(
      { subject: { commonName: 'srv' }, publicKey: leafKeys.publicKey, profile: 'server', sans: servingSans(['example.com']), notBefore: NOW, notAfter: LATER },
      signer,
    );
    const server = new X509Certificate(serverPem);
    assert.equal(server.ca, false);
    assert.ok(server.checkIssued(ca));
    assert.ok(server.verify(caKeys.publicKey));
    assert.ok(server.checkPrivateKey(leafKeys.privateKey));
    assert.deepEqual(server.keyUsage, ['1.3.6.1.5.5.7.3.1']);
    assert.equal(server.checkHost('kubernetes.default.svc.cluster.local'), 'kubernetes.default.svc.cluster.local');
    assert.equal(server.checkHost('example.com'), 'example.com');
    assert.equal(server.checkHost('other.com'), undefined);
    assert.equal(server.checkIP('::1'), '::1');
    assert.equal(server.checkIP('10.96.0.1'), '10.96.0.1');

    const clientPem = issueCertificate(
      { subject: { commonName: 'kubernetes-admin', organization: ['system:masters', 'team'] }, publicKey: leafKeys.publicKey, profile: 'client', notBefore: NOW, notAfter: LATER },
      signer,
    );
    const client = new X509Certificate(clientPem);
    assert.equal(client.subject, 'O=system:masters\nO=team\nCN=kubernetes-admin');
    assert.deepEqual(client.keyUsage, ['1.3.6.1.5.5.7.3.2']);
    assert.equal(client.subjectAltName, undefined);
    assert.ok(client.checkIssued(ca));
  });
}

test('openssl agrees: chain verifies, extensions are the kubeadm profile', async () => {
  const [caKeys, leafKeys] = await Promise.all([generateKeyPair(), generateKeyPair()]);
  const caPem = issueCertificate(
    { subject: { commonName: 'test-ca' }, publicKey: caKeys.publicKey, profile: 'ca', notBefore: NOW, notAfter: LATER },
    selfSigner(caKeys.privateKey, { commonName: 'test-ca' }),
  );
  const serverPem = issueCertificate(
    { subject: { commonName: 'srv' }, publicKey: leafKeys.publicKey, profile: 'server', sans: servingSans(), notBefore: NOW, notAfter: LATER },
    caSigner(caPem, caKeys.privateKey),
  );
  const dir = mkdtempSync('/tmp/kubito-x509-');
  try {
    writeFileSync(`${dir}/ca.crt`, caPem);
    writeFileSync(`${dir}/srv.crt`, serverPem);
    const at = String(Math.floor(NOW.getTime() / 1000) + 60);
    const verify = execFileSync('openssl', ['verify', '-attime', at, '-purpose', 'sslserver', '-CAfile', `${dir}/ca.crt`, `${dir}/srv.crt`]);
    assert.match(verify.toString(), /srv\.crt: OK/);
    const text = execFileSync('openssl', ['x509', '-noout', '-text', '-in', `${dir}/srv.crt`]).toString();
    assert.match(text, /Key Usage: critical\s+Digital Signature\n/);
    assert.match(text, /Basic Constraints: critical\s+CA:FALSE/);
    assert.match(text, /Authority Key Identifier/);
    const caText = execFileSync('openssl', ['x509', '-noout', '-text', '-in', `${dir}/ca.crt`]).toString();
    assert.match(caText, /Key Usage: critical\s+Digital Signature, Certificate Sign\n/);
    assert.match(caText, /Basic Constraints: critical\s+CA:TRUE/);
    assert.match(caText, /Subject Key Identifier/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('dates from 2050 on are encoded as GeneralizedTime and read back exactly', async () => {
  const keys = await generateKeyPair();
  const notAfter = new Date('2061-03-04T05:06:07Z');
  const pem = issueCertificate(
    { subject: { commonName: 'x' }, publicKey: keys.publicKey, profile: 'ca', notBefore: NOW, notAfter },
    selfSigner(keys.privateKey, { commonName: 'x' }),
  );
  assert.equal(Date.parse(new X509Certificate(pem).validTo), notAfter.getTime());
});

test('serial numbers are positive, 16 bytes, and differ; an explicit one is kept', async () => {
  const keys = await generateKeyPair();
  const make = (serial?: Buffer) =>
    new X509Certificate(
      issueCertificate(
        { subject: { commonName: 'x' }, publicKey: keys.publicKey, profile: 'ca', notBefore: NOW, notAfter: LATER, ...(serial ? { serial } : {}) },
        selfSigner(keys.privateKey, { commonName: 'x' }),
      ),
    ).serialNumber;
  const a = make();
  const b = make();
  assert.notEqual(a, b);
  assert.equal(a.length, 32);
  assert.ok(parseInt(a.slice(0, 2), 16) >= 0x40 && parseInt(a.slice(0, 2), 16) < 0x80);
  assert.equal(make(Buffer.from([0x01, 0x02])), '0102');
});
