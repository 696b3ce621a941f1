import { X509Certificate } from 'node:crypto';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPkiError } from './errors.js';
import { generateKeyPair } from './keys.js';
import { ipToBytes, missingSans, parseHost, parseSanText, sanKey, servingSans } from './sans.js';
import { issueCertificate, selfSigner } from './x509.js';

test('ipToBytes: v4, v6 with ::, v4 tails; refuses zones and junk', () => {
  const cases: [string, string | undefined][] = [
    ['127.0.0.1', '7f000001'],
    ['10.96.0.1', '0a600001'],
    ['::1', '00000000000000000000000000000001'],
    ['0:0:0:0:0:0:0:1', '00000000000000000000000000000001'],
    ['FD00:0:0:0:0:0:0:5', 'fd000000000000000000000000000005'],
    ['fd00::5', 'fd000000000000000000000000000005'],
    ['::', '00000000000000000000000000000000'],
    ['2001:db8::', '20010db8000000000000000000000000'],
    ['::ffff:1.2.3.4', '00000000000000000000ffff01020304'],
    ['fe80::1%eth0', undefined],
    ['1.2.3', undefined],
    ['localhost', undefined],
    ['[::1]', undefined],
  ];
  for (const [ip, hex] of cases) assert.equal(ipToBytes(ip)?.toString('hex'), hex, ip);
});

test('parseHost classifies IPs and DNS names and refuses the rest', () => {
  assert.deepEqual(parseHost('LocalHost.'), { type: 'dns', value: 'localhost' });
  assert.deepEqual(parseHost('*.apps.example.com'), { type: 'dns', value: '*.apps.example.com' });
  assert.equal(parseHost('192.168.1.5').type, 'ip');
  assert.equal(parseHost('::1').type, 'ip');
  for (const bad of ['', '[::1]', 'a b', '-x.com', 'x-.com', 'a..b', '*', 'a.*.b', 'fe80::1%eth0', 'x'.repeat(64)]) {
    assert.throws(() => parseHost(bad), (err) => isPkiError(err, 'InvalidHost'), JSON.stringify(bad));
  }
});

test('servingSans: the kube-apiserver defaults, then extras, without duplicates', () => {
  const sans = servingSans(['0:0:0:0:0:0:0:1', 'LOCALHOST', 'example.com', '192.168.1.5']);
  assert.deepEqual(
    sans.map((s) => `${s.type}:${s.value}`),
    [
      'ip:127.0.0.1',
      'ip:::1',
      'dns:localhost',
      'dns:kubernetes',
      'dns:kubernetes.default',
      'dns:kubernetes.default.svc',
      'dns:kubernetes.default.svc.cluster.local',
      'ip:10.96.0.1',
      'ip:10.244.0.1',
      'dns:example.com',
      'ip:192.168.1.5',
    ],
  );
});

test('parseSanText reads back what node prints for a certificate kubito issued', async () => {
  const keys = await generateKeyPair();
  const want = servingSans(['fd00::5', 'example.com']);
  const pem = issueCertificate(
    { subject: { commonName: 'x' }, publicKey: keys.publicKey, profile: 'server', sans: want, notBefore: new Date(0), notAfter: new Date(1e12) },
    selfSigner(keys.privateKey, { commonName: 'x' }),
  );
  const have = parseSanText(new X509Certificate(pem).subjectAltName);
  assert.deepEqual(have.map(sanKey), want.map(sanKey));
  assert.deepEqual(missingSans(want, have), []);
  assert.deepEqual(missingSans(servingSans(['other.example']), have).map((s) => s.value), ['other.example']);
});

test('parseSanText skips entries of other kinds and empty input', () => {
  assert.deepEqual(parseSanText(undefined), []);
  assert.deepEqual(
    parseSanText('email:a@b.c, DNS:ok.example, URI:spiffe://x, IP Address:10.0.0.1').map(sanKey),
    ['dns:ok.example', 'ip:0a000001'],
  );
});
