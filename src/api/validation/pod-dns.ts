/**
 * @module A pod's dnsConfig as kube-apiserver 1.33 validates it (pkg/apis/core/validation:
 * validatePodDNSConfig with MaxDNSNameservers 3, MaxDNSSearchPaths 32, MaxDNSSearchListChars
 * 2048, and the RelaxedDNSSearchValidation gate on, as 1.33 has it: a search path may be "."
 * or hold underscores).
 */
import type { FieldError } from '../errors.js';
import { parseIP } from '../service/net.js';
import { VALID_IP } from '../service/validation.js';
import { child, goRendered, index, invalid, required } from './field-errors.js';
import { byteLength, goStringSlice } from './go-format.js';
import { isSet, listOf, objOf, strOf } from './json-view.js';
import { isDNS1123SubdomainWithUnderscore } from './names.js';

const MAX_NAMESERVERS = 3;
const MAX_SEARCH_PATHS = 32;
const MAX_SEARCH_LIST_CHARS = 2048;

function strings(value: unknown): string[] {
  return listOf(value).map(strOf);
}

/** validatePodDNSConfig(spec.DNSConfig, &spec.DNSPolicy, path, opts). */
export function validatePodDNSConfig(dnsConfig: unknown, dnsPolicy: string, path: string): FieldError[] {
  const config = isSet(dnsConfig) ? objOf(dnsConfig) : undefined;
  const nameservers = strings(config?.nameservers);
  if (dnsPolicy === 'None') {
    if (!config) return [required(path, 'must provide `dnsConfig` when `dnsPolicy` is None')];
    if (nameservers.length === 0) return [required(child(path, 'nameservers'), 'must provide at least one DNS nameserver when `dnsPolicy` is None')];
  }
  if (!config) return [];
  const errs: FieldError[] = [];
  if (nameservers.length > MAX_NAMESERVERS) {
    errs.push(invalid(child(path, 'nameservers'), goRendered(goStringSlice(nameservers)), `must not have more than ${MAX_NAMESERVERS} nameservers`));
  }
  nameservers.forEach((ns, i) => {
    if (!parseIP(ns)) errs.push(invalid(index(child(path, 'nameservers'), i), ns, VALID_IP));
  });
  const searches = strings(config.searches);
  if (searches.length > MAX_SEARCH_PATHS) {
    errs.push(invalid(child(path, 'searches'), goRendered(goStringSlice(searches)), `must not have more than ${MAX_SEARCH_PATHS} search paths`));
  }
  if (byteLength(searches.join(' ')) > MAX_SEARCH_LIST_CHARS) {
    errs.push(invalid(child(path, 'searches'), goRendered(goStringSlice(searches)), `must not have more than ${MAX_SEARCH_LIST_CHARS} characters (including spaces) in the search list`));
  }
  searches.forEach((search, i) => {
    if (search === '.') return;
    const trimmed = search.endsWith('.') ? search.slice(0, -1) : search;
    // ValidateDNS1123SubdomainWithUnderScore.
    for (const msg of isDNS1123SubdomainWithUnderscore(trimmed)) errs.push(invalid(index(child(path, 'searches'), i), trimmed, msg));
  });
  listOf(config.options).forEach((option, i) => {
    if (strOf(objOf(option).name).length === 0) errs.push(required(index(child(path, 'options'), i), 'must not be empty'));
  });
  return errs;
}
