/**
 * @module X.509 certificates for kubito's own small PKI: a CA, serving certificates and client
 * certificates. der.ts lays out the TBSCertificate (names, validity, extensions); node's crypto
 * signs it, so the keys may be ECDSA or RSA, and the SubjectPublicKeyInfo comes from node's DER
 * export as is. The output is checked by Go (kubectl) and OpenSSL (node) in the
 * tests; the profiles follow what kubeadm issues.
 */
import { X509Certificate, createHash, createPublicKey, randomBytes, sign, type KeyObject } from 'node:crypto';
import * as der from './der.js';
import type { SubjectAltName } from './sans.js';

const OID_ECDSA_SHA256 = '1.2.840.10045.4.3.2';
const OID_RSA_SHA256 = '1.2.840.113549.1.1.11';
const OID_SUBJECT_KEY_ID = '2.5.29.14';
const OID_KEY_USAGE = '2.5.29.15';
const OID_SUBJECT_ALT_NAME = '2.5.29.17';
const OID_BASIC_CONSTRAINTS = '2.5.29.19';
const OID_AUTHORITY_KEY_ID = '2.5.29.35';
const OID_EXT_KEY_USAGE = '2.5.29.37';
const OID_SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const OID_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const OID_COMMON_NAME = '2.5.4.3';
const OID_ORGANIZATION = '2.5.4.10';
/** RFC 5280 §4.2.1.3 bit numbers. */
const KEY_USAGE_BITS = { digitalSignature: 0, keyEncipherment: 2, keyCertSign: 5 } as const;

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
  const subjectDer = nameDer(subject);
  return { privateKey, subjectDer, keyId: keyIdentifier(createPublicKey(privateKey)) };
}

/**
 * The signer for certificates issued by an existing CA. The issuer name is copied from the CA
 * certificate byte for byte (Go matches issuer to subject on the raw bytes), and the key id is
 * the CA's subjectKeyIdentifier when it has one.
 */
export function caSigner(caCertPem: string, caPrivateKey: KeyObject): Signer {
  const ca = new X509Certificate(caCertPem);
  const tbs = der.childrenOf(der.childrenOf(der.readElement(ca.raw))[0]!);
  const offset = tbs[0]!.tag === der.contextTag(0, true) ? 1 : 0;
  const subject = tbs[offset + 4]!;
  const keyId = subjectKeyIdOf(tbs) ?? keyIdentifier(ca.publicKey);
  return { privateKey: caPrivateKey, subjectDer: Buffer.from(subject.raw), keyId };
}

/** Issues a certificate for `template`, signed by `signer`; returns it as PEM. */
export function issueCertificate(template: CertificateTemplate, signer: Signer): string {
  const sigOid = signatureOid(signer.privateKey);
  // RSA PKCS#1 signatures carry an explicit NULL; ECDSA ones must have no parameters.
  const algorithm = sigOid === OID_RSA_SHA256 ? der.sequence(der.oid(sigOid), der.nullValue()) : der.sequence(der.oid(sigOid));
  const tbs = der.sequence(
    der.tlv(der.contextTag(0, true), der.smallInteger(2)),
    der.integer(template.serial ?? newSerial()),
    algorithm,
    signer.subjectDer,
    der.sequence(der.time(template.notBefore), der.time(template.notAfter)),
    nameDer(template.subject),
    template.publicKey.export({ type: 'spki', format: 'der' }),
    der.tlv(der.contextTag(3, true), der.sequence(...extensions(template, signer))),
  );
  // ECDSA signatures come out DER-encoded (node's default dsaEncoding), as X.509 wants them.
  const signature = sign('sha256', tbs, signer.privateKey);
  const cert = der.sequence(tbs, algorithm, der.bitString(signature));
  return `-----BEGIN CERTIFICATE-----\n${cert.toString('base64').replace(/.{1,64}/g, '$&\n')}-----END CERTIFICATE-----\n`;
}

/**
 * RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey bits. Identifies the CA in its
 * own subjectKeyIdentifier and in the authorityKeyIdentifier of what it signs.
 */
export function keyIdentifier(publicKey: KeyObject): Buffer {
  const spki = der.childrenOf(der.readElement(publicKey.export({ type: 'spki', format: 'der' })));
  // The BIT STRING's content starts with its unused-bits count (0 for keys).
  return createHash('sha1').update(spki[1]!.content.subarray(1)).digest();
}

/** One Extension: SEQUENCE { extnID, critical (only when true: DER omits the default), extnValue }. */
function extension(id: string, value: Buffer, critical = false): Buffer {
  return critical ? der.sequence(der.oid(id), der.boolean(true), der.octetString(value)) : der.sequence(der.oid(id), der.octetString(value));
}

/** kubeadm's profiles: key usage, basic constraints, key identifiers, extended key usage, SANs. */
function extensions(template: CertificateTemplate, signer: Signer): Buffer[] {
  const rsa = template.publicKey.asymmetricKeyType === 'rsa';
  // keyEncipherment only means something for RSA key exchange; kubeadm sets it for RSA keys.
  const usage: number[] = [KEY_USAGE_BITS.digitalSignature];
  if (rsa) usage.push(KEY_USAGE_BITS.keyEncipherment);
  if (template.profile === 'ca') usage.push(KEY_USAGE_BITS.keyCertSign);
  const exts = [extension(OID_KEY_USAGE, der.namedBits(usage), true)];
  if (template.profile === 'ca') {
    exts.push(extension(OID_BASIC_CONSTRAINTS, der.sequence(der.boolean(true)), true));
    exts.push(extension(OID_SUBJECT_KEY_ID, der.octetString(keyIdentifier(template.publicKey))));
    return exts;
  }
  exts.push(extension(OID_EXT_KEY_USAGE, der.sequence(der.oid(template.profile === 'server' ? OID_SERVER_AUTH : OID_CLIENT_AUTH))));
  exts.push(extension(OID_BASIC_CONSTRAINTS, der.sequence(), true));
  // keyIdentifier [0] IMPLICIT KeyIdentifier.
  exts.push(extension(OID_AUTHORITY_KEY_ID, der.sequence(der.tlv(der.contextTag(0, false), signer.keyId))));
  if (template.sans && template.sans.length > 0) {
    // GeneralName: dNSName [2] IMPLICIT IA5String, iPAddress [7] IMPLICIT OCTET STRING.
    const names = template.sans.map((san) => (san.type === 'ip' ? der.tlv(der.contextTag(7, false), san.bytes) : der.tlv(der.contextTag(2, false), Buffer.from(san.value, 'ascii'))));
    exts.push(extension(OID_SUBJECT_ALT_NAME, der.sequence(...names)));
  }
  return exts;
}

/** A Name of one attribute per RDN, in Go's order (pkix.Name): O before CN; UTF8String, so any character is allowed. */
function nameDer(name: DistinguishedName): Buffer {
  const attribute = (type: string, value: string): Buffer => der.set(der.sequence(der.oid(type), der.utf8String(value)));
  return der.sequence(...(name.organization ?? []).map((o) => attribute(OID_ORGANIZATION, o)), attribute(OID_COMMON_NAME, name.commonName));
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

/** The subjectKeyIdentifier in a TBSCertificate's extensions ([3] EXPLICIT), if it has one. */
function subjectKeyIdOf(tbs: der.DerElement[]): Buffer | undefined {
  const wrapper = tbs.find((el) => el.tag === der.contextTag(3, true));
  if (!wrapper) return undefined;
  for (const ext of der.childrenOf(der.childrenOf(wrapper)[0]!)) {
    const parts = der.childrenOf(ext);
    if (!parts[0]!.raw.equals(der.oid(OID_SUBJECT_KEY_ID))) continue;
    const inner = der.readElement(parts[parts.length - 1]!.content);
    return Buffer.from(inner.content);
  }
  return undefined;
}
