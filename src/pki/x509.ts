/**
 * @module X.509 certificates for kubito's own small PKI: a CA, serving certificates and client
 * certificates. node-forge lays out the TBSCertificate (names, validity, extensions) in ASN.1;
 * node's crypto signs it. Signing natively is what lets the keys be ECDSA: forge can encode
 * extensions but can neither sign with nor encode an EC key, so the SubjectPublicKeyInfo comes
 * from node's DER export as is. The output is checked by Go (kubectl) and OpenSSL (node) in the
 * tests; the profiles follow what kubeadm issues.
 */
import { X509Certificate, createHash, createPublicKey, randomBytes, sign, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import type { SubjectAltName } from './sans.js';

const { asn1 } = forge;
type Asn1 = forge.asn1.Asn1;

// Typed views of forge functions that @types/node-forge leaves out or types too narrowly.
const fromDer = asn1.fromDer as unknown as (bytes: string, options: { decodeBitStrings: boolean }) => Asn1;
const forgePki = forge.pki as unknown as { certificateExtensionsToAsn1(exts: unknown[]): Asn1 };

const OID_ECDSA_SHA256 = '1.2.840.10045.4.3.2';
const OID_RSA_SHA256 = '1.2.840.113549.1.1.11';
const OID_SUBJECT_KEY_ID = '2.5.29.14';

/** Subject of a certificate. Kubernetes reads the user from CN and the groups from every O. */
export interface DistinguishedName {
  commonName: string;
  organization?: readonly string[];
}

/**
 * What the certificate is for. `ca`: may sign certificates. `server`: TLS server (serverAuth)
 * with SANs. `client`: TLS client (clientAuth), e.g. `kubernetes-admin` in `system:masters`.
 */
export type CertificateProfile = 'ca' | 'server' | 'client';

export interface CertificateTemplate {
  subject: DistinguishedName;
  /** The key the certificate certifies. */
  publicKey: KeyObject;
  profile: CertificateProfile;
  notBefore: Date;
  notAfter: Date;
  /** For `server` certificates. */
  sans?: readonly SubjectAltName[];
  /** Positive DER integer bytes; random 16 bytes when omitted. */
  serial?: Buffer;
}

/** Who signs: the issuer's private key, its subject exactly as DER, and its key identifier. */
export interface Signer {
  privateKey: KeyObject;
  subjectDer: Buffer;
  keyId: Buffer;
}

/** The signer of a self-signed certificate for `subject` (the CA). */
export function selfSigner(privateKey: KeyObject, subject: DistinguishedName): Signer {
  const subjectDer = derBytes(nameToAsn1(subject));
  return { privateKey, subjectDer, keyId: keyIdentifier(createPublicKey(privateKey)) };
}

/**
 * The signer for certificates issued by an existing CA. The issuer name is copied from the CA
 * certificate byte for byte (Go matches issuer to subject on the raw bytes), and the key id is
 * the CA's subjectKeyIdentifier when it has one.
 */
export function caSigner(caCertPem: string, caPrivateKey: KeyObject): Signer {
  const ca = new X509Certificate(caCertPem);
  const cert = fromDer(ca.raw.toString('binary'), { decodeBitStrings: false });
  const tbs = children(children(cert)[0]!);
  const offset = isContext(tbs[0]!, 0) ? 1 : 0;
  const subject = tbs[offset + 4]!;
  const keyId = subjectKeyIdOf(tbs) ?? keyIdentifier(ca.publicKey);
  return { privateKey: caPrivateKey, subjectDer: derBytes(subject), keyId };
}

/** Issues a certificate for `template`, signed by `signer`; returns it as PEM. */
export function issueCertificate(template: CertificateTemplate, signer: Signer): string {
  const sigOid = signatureOid(signer.privateKey);
  const algorithm = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(sigOid).getBytes()),
    // RSA PKCS#1 signatures carry an explicit NULL; ECDSA ones must have no parameters.
    ...(sigOid === OID_RSA_SHA256 ? [asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, '')] : []),
  ]);
  const spkiDer = template.publicKey.export({ type: 'spki', format: 'der' });
  const tbs = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(2).getBytes()),
    ]),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, (template.serial ?? newSerial()).toString('binary')),
    algorithm,
    fromDer(signer.subjectDer.toString('binary'), { decodeBitStrings: false }),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [time(template.notBefore), time(template.notAfter)]),
    nameToAsn1(template.subject),
    fromDer(spkiDer.toString('binary'), { decodeBitStrings: false }),
    forgePki.certificateExtensionsToAsn1(extensions(template, signer)),
  ]);
  const tbsDer = Buffer.from(asn1.toDer(tbs).getBytes(), 'binary');
  // ECDSA signatures come out DER-encoded (node's default dsaEncoding), as X.509 wants them.
  const signature = sign('sha256', tbsDer, signer.privateKey);
  const cert = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    tbs,
    algorithm,
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, '\x00' + signature.toString('binary')),
  ]);
  const der = Buffer.from(asn1.toDer(cert).getBytes(), 'binary');
  return `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{1,64}/g, '$&\n')}-----END CERTIFICATE-----\n`;
}

/**
 * RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey bits. Identifies the CA in its
 * own subjectKeyIdentifier and in the authorityKeyIdentifier of what it signs.
 */
export function keyIdentifier(publicKey: KeyObject): Buffer {
  const spki = fromDer(publicKey.export({ type: 'spki', format: 'der' }).toString('binary'), { decodeBitStrings: false });
  const bits = children(spki)[1]!.value as string;
  return createHash('sha1').update(Buffer.from(bits.slice(1), 'binary')).digest();
}

function extensions(template: CertificateTemplate, signer: Signer): unknown[] {
  const rsa = template.publicKey.asymmetricKeyType === 'rsa';
  const exts: Record<string, unknown>[] = [
    // keyEncipherment only means something for RSA key exchange; kubeadm sets it for RSA keys.
    {
      name: 'keyUsage',
      critical: true,
      digitalSignature: true,
      keyEncipherment: rsa,
      keyCertSign: template.profile === 'ca',
    },
  ];
  if (template.profile === 'ca') {
    exts.push({ name: 'basicConstraints', critical: true, cA: true });
    exts.push({
      name: 'subjectKeyIdentifier',
      value: asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, keyIdentifier(template.publicKey).toString('binary')),
    });
  } else {
    exts.push({ name: 'extKeyUsage', serverAuth: template.profile === 'server', clientAuth: template.profile === 'client' });
    exts.push({ name: 'basicConstraints', critical: true, cA: false });
    exts.push({ name: 'authorityKeyIdentifier', keyIdentifier: signer.keyId.toString('binary') });
    if (template.sans && template.sans.length > 0) {
      const altNames = template.sans.map((san) =>
        san.type === 'ip' ? { type: 7, value: san.bytes.toString('binary') } : { type: 2, value: san.value },
      );
      exts.push({ name: 'subjectAltName', altNames });
    }
  }
  // forge fills in ids and encodes values only through a certificate's setExtensions.
  const holder = forge.pki.createCertificate();
  holder.setExtensions(exts);
  return holder.extensions as unknown[];
}

function nameToAsn1(name: DistinguishedName): Asn1 {
  // Go's order (pkix.Name): O before CN. UTF8String, so any character is allowed.
  const attributes = [
    ...(name.organization ?? []).map((value) => ({ type: forge.pki.oids['organizationName']!, value })),
    { type: forge.pki.oids['commonName']!, value: name.commonName },
  ].map((attr) => ({ ...attr, valueTagClass: asn1.Type.UTF8 }));
  return forge.pki.distinguishedNameToAsn1({ attributes } as unknown as Parameters<typeof forge.pki.distinguishedNameToAsn1>[0]);
}

function time(date: Date): Asn1 {
  // RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050.
  return date.getUTCFullYear() < 2050
    ? asn1.create(asn1.Class.UNIVERSAL, asn1.Type.UTCTIME, false, asn1.dateToUtcTime(date))
    : asn1.create(asn1.Class.UNIVERSAL, asn1.Type.GENERALIZEDTIME, false, asn1.dateToGeneralizedTime(date));
}

function newSerial(): Buffer {
  // 126 random bits; the first byte in 0x40-0x7f keeps the DER integer positive and minimal,
  // which Go's parser insists on.
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x3f) | 0x40;
  return serial;
}

function signatureOid(key: KeyObject): string {
  if (key.asymmetricKeyType === 'ec') return OID_ECDSA_SHA256;
  if (key.asymmetricKeyType === 'rsa') return OID_RSA_SHA256;
  throw new TypeError(`unsupported signing key type ${key.asymmetricKeyType}`);
}

function subjectKeyIdOf(tbs: Asn1[]): Buffer | undefined {
  const wrapper = tbs.find((node) => isContext(node, 3));
  if (!wrapper) return undefined;
  for (const ext of children(children(wrapper)[0]!)) {
    const [oid, ...rest] = children(ext);
    if (asn1.derToOid(forge.util.createBuffer(oid!.value as string)) !== OID_SUBJECT_KEY_ID) continue;
    const octets = rest[rest.length - 1]!.value as string;
    const inner = fromDer(octets, { decodeBitStrings: false });
    return Buffer.from(inner.value as string, 'binary');
  }
  return undefined;
}

function children(node: Asn1): Asn1[] {
  return Array.isArray(node.value) ? node.value : [];
}

function isContext(node: Asn1, tag: number): boolean {
  return node.tagClass === asn1.Class.CONTEXT_SPECIFIC && node.type === tag;
}

function derBytes(node: Asn1): Buffer {
  return Buffer.from(asn1.toDer(node).getBytes(), 'binary');
}
