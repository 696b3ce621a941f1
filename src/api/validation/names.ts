/**
 * @module The string formats of k8s.io/apimachinery/pkg/util/validation (v0.33): DNS-1123
 * labels and subdomains, DNS-1035 labels, qualified names (label keys, finalizers), label
 * values, path-segment names; the name functions of pkg/api/validation (generic.go) that
 * take a `prefix` flag for generateName; and the random suffix names.SimpleNameGenerator
 * appends. Every checker returns the list of problems as upstream words them (empty = valid).
 * Lengths are in bytes, as Go's `len`.
 */
import { byteLength } from './go-format.js';

/** The alphabet of util/rand.String: no vowels, so generated names never spell words. */
export const GENERATE_NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
/** names.SimpleNameGenerator: a generateName is cut to 58 bytes, then 5 random characters follow. */
export const MAX_GENERATED_NAME_LENGTH = 58;
export const GENERATED_SUFFIX_LENGTH = 5;

export const DNS1123_LABEL_MAX_LENGTH = 63;
export const DNS1123_SUBDOMAIN_MAX_LENGTH = 253;
export const DNS1035_LABEL_MAX_LENGTH = 63;
export const QUALIFIED_NAME_MAX_LENGTH = 63;
export const LABEL_VALUE_MAX_LENGTH = 63;

const QNAME_CHAR = '[A-Za-z0-9]';
const QNAME_EXT_CHAR = '[-A-Za-z0-9_.]';
export const QUALIFIED_NAME_FMT = `(${QNAME_CHAR}${QNAME_EXT_CHAR}*)?${QNAME_CHAR}`;
const QUALIFIED_NAME_ERR = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
export const LABEL_VALUE_FMT = `(${QUALIFIED_NAME_FMT})?`;
const LABEL_VALUE_ERR =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
export const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_LABEL_ERR =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
export const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1123_SUBDOMAIN_ERR =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
export const DNS1035_LABEL_FMT = '[a-z]([-a-z0-9]*[a-z0-9])?';
const DNS1035_LABEL_ERR =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";

function anchored(fmt: string): RegExp {
  return new RegExp(`^${fmt}$`);
}

const qualifiedNameRe = anchored(QUALIFIED_NAME_FMT);
const labelValueRe = anchored(LABEL_VALUE_FMT);
const dns1123LabelRe = anchored(DNS1123_LABEL_FMT);
const dns1123SubdomainRe = anchored(DNS1123_SUBDOMAIN_FMT);
const dns1035LabelRe = anchored(DNS1035_LABEL_FMT);

/** validation.MaxLenError. */
export function maxLenError(length: number): string {
  return `must be no more than ${length} characters`;
}

/** validation.EmptyError. */
export function emptyError(): string {
  return 'must be non-empty';
}

/** validation.RegexError: `msg (e.g. 'a',  or 'b', regex used for validation is 'fmt')` (sic: two spaces). */
export function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${fmt}')`;
}

/** validation.InclusiveRangeError. */
export function inclusiveRangeError(lo: number, hi: number): string {
  return `must be between ${lo} and ${hi}, inclusive`;
}

/** IsDNS1123Label: at most 63 bytes of `[a-z0-9]([-a-z0-9]*[a-z0-9])?`; dots get their own message. */
export function isDNS1123Label(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > DNS1123_LABEL_MAX_LENGTH) errs.push(maxLenError(DNS1123_LABEL_MAX_LENGTH));
  if (!dns1123LabelRe.test(value)) {
    // A valid subdomain that is not a valid label (the length was checked above) has dots.
    if (dns1123SubdomainRe.test(value)) errs.push('must not contain dots');
    else errs.push(regexError(DNS1123_LABEL_ERR, DNS1123_LABEL_FMT, 'my-name', '123-abc'));
  }
  return errs;
}

/** IsDNS1123Subdomain: at most 253 bytes of dot-separated DNS-1123 labels. */
export function isDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > DNS1123_SUBDOMAIN_MAX_LENGTH) errs.push(maxLenError(DNS1123_SUBDOMAIN_MAX_LENGTH));
  if (!dns1123SubdomainRe.test(value)) errs.push(regexError(DNS1123_SUBDOMAIN_ERR, DNS1123_SUBDOMAIN_FMT, 'example.com'));
  return errs;
}

const DNS1123_LABEL_FMT_WITH_UNDERSCORE = '_?[a-z0-9]([-_a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN_FMT_WITH_UNDERSCORE = `${DNS1123_LABEL_FMT_WITH_UNDERSCORE}(\\.${DNS1123_LABEL_FMT_WITH_UNDERSCORE})*`;
const DNS1123_SUBDOMAIN_ERR_WITH_UNDERSCORE =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '_', '-' or '.', and must start and end with an alphanumeric character";
const dns1123SubdomainWithUnderscoreRe = anchored(DNS1123_SUBDOMAIN_FMT_WITH_UNDERSCORE);

/** IsDNS1123SubdomainWithUnderscore: a DNS subdomain whose labels may also hold '_' (and start with one). */
export function isDNS1123SubdomainWithUnderscore(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > DNS1123_SUBDOMAIN_MAX_LENGTH) errs.push(maxLenError(DNS1123_SUBDOMAIN_MAX_LENGTH));
  if (!dns1123SubdomainWithUnderscoreRe.test(value)) {
    errs.push(regexError(DNS1123_SUBDOMAIN_ERR_WITH_UNDERSCORE, DNS1123_SUBDOMAIN_FMT_WITH_UNDERSCORE, 'example.com'));
  }
  return errs;
}

/** IsDNS1035Label: at most 63 bytes, starting with a letter (Service names). */
export function isDNS1035Label(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > DNS1035_LABEL_MAX_LENGTH) errs.push(maxLenError(DNS1035_LABEL_MAX_LENGTH));
  if (!dns1035LabelRe.test(value)) errs.push(regexError(DNS1035_LABEL_ERR, DNS1035_LABEL_FMT, 'my-name', 'abc-123'));
  return errs;
}

/**
 * IsQualifiedName: `[prefix/]name` where the prefix is a DNS-1123 subdomain and the name at
 * most 63 bytes of `QUALIFIED_NAME_FMT`. Label keys, annotation keys (lower-cased first) and
 * finalizers use it.
 */
export function isQualifiedName(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0];
  } else if (parts.length === 2) {
    const prefix = parts[0];
    name = parts[1];
    if (prefix.length === 0) errs.push(`prefix part ${emptyError()}`);
    else errs.push(...isDNS1123Subdomain(prefix).map((m) => `prefix part ${m}`));
  } else {
    return [
      `a qualified name ${regexError(QUALIFIED_NAME_ERR, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')}` +
        " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  }
  if (name.length === 0) errs.push(`name part ${emptyError()}`);
  else if (byteLength(name) > QUALIFIED_NAME_MAX_LENGTH) errs.push(`name part ${maxLenError(QUALIFIED_NAME_MAX_LENGTH)}`);
  if (!qualifiedNameRe.test(name)) errs.push(`name part ${regexError(QUALIFIED_NAME_ERR, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')}`);
  return errs;
}

/** IsValidLabelValue: empty, or at most 63 bytes of `QUALIFIED_NAME_FMT`. */
export function isValidLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > LABEL_VALUE_MAX_LENGTH) errs.push(maxLenError(LABEL_VALUE_MAX_LENGTH));
  if (!labelValueRe.test(value)) errs.push(regexError(LABEL_VALUE_ERR, LABEL_VALUE_FMT, 'MyValue', 'my_value', '12345'));
  return errs;
}

/** path.IsValidPathSegmentName: names that must survive as one URL path segment. */
export function isValidPathSegmentName(name: string): string[] {
  for (const illegal of ['.', '..']) {
    if (name === illegal) return [`may not be '${illegal}'`];
  }
  return isValidPathSegmentPrefix(name);
}

/** path.IsValidPathSegmentPrefix: a generateName that a suffix will follow. */
export function isValidPathSegmentPrefix(name: string): string[] {
  return ['/', '%'].filter((c) => name.includes(c)).map((c) => `may not contain '${c}'`);
}

/**
 * A ValidateNameFunc: the problems with `name`; `prefix` is true for a generateName, whose
 * trailing dash is then allowed.
 */
export type NameValidator = (name: string, prefix: boolean) => string[];

/**
 * generic.go maskTrailingDash, bug for bug: a trailing dash on a name longer than one byte is
 * replaced by cutting *two* bytes and appending `a` (`foo-` is checked as `foa`).
 */
export function maskTrailingDash(name: string): string {
  const bytes = Buffer.from(name, 'utf8');
  if (bytes.length > 1 && name.endsWith('-')) return `${bytes.subarray(0, bytes.length - 2).toString('utf8')}a`;
  return name;
}

/** NameIsDNSSubdomain: most kinds (Pods, ConfigMaps, Deployments, ...). */
export function nameIsDNSSubdomain(name: string, prefix: boolean): string[] {
  return isDNS1123Subdomain(prefix ? maskTrailingDash(name) : name);
}

/** NameIsDNSLabel: Namespaces. */
export function nameIsDNSLabel(name: string, prefix: boolean): string[] {
  return isDNS1123Label(prefix ? maskTrailingDash(name) : name);
}

/** NameIsDNS1035Label: Services. */
export function nameIsDNS1035Label(name: string, prefix: boolean): string[] {
  return isDNS1035Label(prefix ? maskTrailingDash(name) : name);
}

/** path.ValidatePathSegmentName: the generic check every kind's metadata gets. */
export function validatePathSegmentName(name: string, prefix: boolean): string[] {
  return prefix ? isValidPathSegmentPrefix(name) : isValidPathSegmentName(name);
}

/** ValidateNamespaceName: a DNS-1123 label. */
export const validateNamespaceName: NameValidator = nameIsDNSLabel;

/**
 * Five characters of util/rand.String's alphabet, each chosen uniformly. `rand` returns a
 * number in [0, 1), as Math.random does; inject a seeded one in tests.
 */
export function generateNameSuffix(rand: () => number = Math.random): string {
  let out = '';
  for (let i = 0; i < GENERATED_SUFFIX_LENGTH; i++) {
    const idx = Math.min(GENERATE_NAME_ALPHABET.length - 1, Math.floor(rand() * GENERATE_NAME_ALPHABET.length));
    out += GENERATE_NAME_ALPHABET[idx];
  }
  return out;
}

/** names.SimpleNameGenerator.GenerateName: the base cut to 58 bytes, then a 5-character suffix. */
export function generateName(base: string, rand: () => number = Math.random): string {
  const cut = byteLength(base) > MAX_GENERATED_NAME_LENGTH ? Buffer.from(base, 'utf8').subarray(0, MAX_GENERATED_NAME_LENGTH).toString('utf8') : base;
  return cut + generateNameSuffix(rand);
}

/** validation.IsValidPortNum. */
export function isValidPortNum(port: number): string[] {
  return port >= 1 && port <= 65535 ? [] : [inclusiveRangeError(1, 65535)];
}

/** validation.IsValidPortName: an IANA_SVC_NAME. */
export function isValidPortName(port: string): string[] {
  const errs: string[] = [];
  if (Buffer.byteLength(port) > 15) errs.push(maxLenError(15));
  if (!/^[-a-z0-9]+$/.test(port)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(port)) errs.push('must contain at least one letter (a-z)');
  if (port.includes('--')) errs.push('must not contain consecutive hyphens');
  if (port.length > 0 && (port.startsWith('-') || port.endsWith('-'))) errs.push('must not begin or end with a hyphen');
  return errs;
}
