/**
 * @module The hash behind every kube-proxy chain name: sha256, then base32 in RFC 4648's
 * standard alphabet (A-Z, 2-7, `=` padding), as Go's `base32.StdEncoding.EncodeToString`.
 * Both the iptables names (`KUBE-SVC-` + first 16 characters) and the nftables names (first 8
 * characters + `-` + name) cut a prefix of this string.
 */
import { createHash } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 with padding (Go's base32.StdEncoding). */
export function base32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  while (out.length % 8 !== 0) out += '=';
  return out;
}

/**
 * Names already computed: every sync renders every service port, and hashing was over half of
 * a render (bench/README.md). Bounded: cleared when it holds more than any cluster needs.
 */
const memo = new Map<string, string>();
const MEMO_LIMIT = 200_000;

/** base32(sha256(text)): the string kube-proxy cuts its chain names from. */
export function sha256Base32(text: string): string {
  let hashed = memo.get(text);
  if (hashed === undefined) {
    hashed = base32(createHash('sha256').update(text, 'utf8').digest());
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(text, hashed);
  }
  return hashed;
}
