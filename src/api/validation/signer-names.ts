/**
 * @module Signer and ClusterTrustBundle names as pkg/apis/certificates/validation (1.33)
 * checks them, for a projected volume's clusterTrustBundle source: ValidateSignerName
 * (`example.com/signer-name`) and ValidateClusterTrustBundleName (`<signer with : for />:<name>`).
 */
import type { FieldError } from '../errors.js';
import { invalid, required, tooLong } from './field-errors.js';
import { byteLength, goQuote } from './go-format.js';
import { isDNS1123Label, isDNS1123Subdomain, nameIsDNSSubdomain } from './names.js';

const DNS1123_SUBDOMAIN_MAX = 253;
const DNS1123_LABEL_MAX = 63;

/** ValidateSignerName: a fully qualified domain, one `/`, a path of DNS subdomains; 253 + 317 + 1 bytes at most. */
export function validateSignerName(signerName: string, path: string): FieldError[] {
  if (signerName.length === 0) return [required(path)];
  const segments = signerName.split('/');
  if (segments.length !== 2) return [invalid(path, signerName, "must be a fully qualified domain and path of the form 'example.com/signer-name'")];
  const [domain, rest] = segments;
  const errs: FieldError[] = [];
  if (byteLength(domain) > DNS1123_SUBDOMAIN_MAX) errs.push(tooLong(path, DNS1123_SUBDOMAIN_MAX));
  const domainLabels = domain.split('.');
  for (const label of domainLabels) {
    const msgs = isDNS1123Label(label);
    if (msgs.length === 0) continue;
    errs.push(...msgs.map((m) => invalid(path, domain, `validating label ${goQuote(label)}: ${m}`)));
    break;
  }
  if (domainLabels.length < 2) errs.push(invalid(path, domain, 'should be a domain with at least two segments separated by dots'));
  for (const label of rest.split('.')) {
    const msgs = isDNS1123Subdomain(label);
    if (msgs.length === 0) continue;
    errs.push(...msgs.map((m) => invalid(path, rest, `validating label ${goQuote(label)}: ${m}`)));
    break;
  }
  const maxLength = DNS1123_SUBDOMAIN_MAX + (DNS1123_SUBDOMAIN_MAX + DNS1123_LABEL_MAX + 1) + 1;
  if (byteLength(signerName) > maxLength) errs.push(tooLong(path, maxLength));
  return errs;
}

/** ValidateClusterTrustBundleName(signerName)(name, false): the messages. */
export function validateClusterTrustBundleName(signerName: string, name: string): string[] {
  if (signerName === '') {
    if (name.includes(':')) return ['ClusterTrustBundle without signer name must not have ":" in its name'];
    return nameIsDNSSubdomain(name, false);
  }
  const requiredPrefix = `${signerName.replaceAll('/', ':')}:`;
  if (!name.startsWith(requiredPrefix)) return [`ClusterTrustBundle for signerName ${signerName} must be named with prefix ${requiredPrefix}`];
  return nameIsDNSSubdomain(name.slice(requiredPrefix.length), false);
}
