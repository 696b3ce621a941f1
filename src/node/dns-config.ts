/**
 * @module A pod's /etc/resolv.conf as the kubelet makes it (pkg/kubelet/network/dns/dns.go):
 * the base from dnsPolicy (ClusterFirst: the cluster DNS and the cluster search list plus the
 * host's; Default: the host's file; None: empty), pod dnsConfig appended (duplicates dropped,
 * options merged by name), then the limits (3 nameservers; 32 search domains, none over 253
 * characters, 2048 in all). The text is written as containerd writes it: search, nameserver,
 * options. Pure.
 */
import type { PodDNSConfig } from './pod-view.js';

export interface DnsConfig {
  nameservers: string[];
  searches: string[];
  options: string[];
}

export interface DnsSettings {
  /** The kubelet's --cluster-dns addresses; empty: ClusterFirst falls back to Default. */
  clusterDNS: string[];
  clusterDomain: string;
  /** The parsed --resolv-conf file (the host's); undefined for `--resolv-conf=""`. */
  host?: DnsConfig;
}

export interface PodDnsInput {
  namespace: string;
  name?: string;
  dnsPolicy?: string;
  hostNetwork?: boolean;
  dnsConfig?: PodDNSConfig;
}

export interface DnsResult {
  config: DnsConfig;
  /** Warning events the kubelet would record on the pod: [reason, message]. */
  warnings: Array<[string, string]>;
}

const MAX_NAMESERVERS = 3;
const MAX_SEARCH_PATHS = 32;
const MAX_SEARCH_CHARS = 2048;
const MAX_DOMAIN_LENGTH = 253;

/** Parses resolv.conf text: nameservers accumulate, the last search and options lines win. */
export function parseResolvConf(text: string): DnsConfig {
  const out: DnsConfig = { nameservers: [], searches: [], options: [] };
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed.startsWith('#')) continue;
    const fields = trimmed.split(/\s+/).filter(Boolean);
    if (fields.length === 0) continue;
    if (fields[0] === 'nameserver' && fields.length >= 2) out.nameservers.push(fields[1]);
    if (fields[0] === 'search') out.searches = fields.slice(1).filter((s) => s !== '.').map((s) => s.replace(/\.$/, ''));
    if (fields[0] === 'options') out.options = fields.slice(1);
  }
  return out;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/** Options merged by name; pod values override (kept in first-seen order, where Go's map has none). */
function mergeOptions(existing: string[], pod: PodDNSConfig['options']): string[] {
  const map = new Map<string, string>();
  for (const op of existing) {
    const i = op.indexOf(':');
    if (i >= 0) map.set(op.slice(0, i), op.slice(i + 1));
    else map.set(op, '');
  }
  for (const op of pod ?? []) map.set(op.name, op.value ?? '');
  return [...map].map(([name, value]) => (value ? `${name}:${value}` : name));
}

/** The pod's DNS configuration and the DNSConfigForming/MissingClusterDNS warnings. */
export function podDnsConfig(pod: PodDnsInput, settings: DnsSettings): DnsResult {
  const warnings: Array<[string, string]> = [];
  const host = settings.host;
  let config: DnsConfig = { nameservers: [...(host?.nameservers ?? [])], searches: [...(host?.searches ?? [])], options: [...(host?.options ?? [])] };
  const policy = pod.dnsPolicy ?? 'ClusterFirst';
  let kind: 'none' | 'cluster' | 'host';
  if (policy === 'None') kind = 'none';
  else if (policy === 'ClusterFirstWithHostNet') kind = 'cluster';
  else if (policy === 'ClusterFirst') kind = pod.hostNetwork ? 'host' : 'cluster';
  else kind = 'host';

  if (kind === 'none') config = { nameservers: [], searches: [], options: [] };
  if (kind === 'cluster') {
    if (settings.clusterDNS.length > 0) {
      config.nameservers = [...settings.clusterDNS];
      const domain = settings.clusterDomain;
      config.searches = domain ? unique([`${pod.namespace}.svc.${domain}`, `svc.${domain}`, domain, ...config.searches]) : config.searches;
      config.options = ['ndots:5'];
    } else {
      warnings.push(['MissingClusterDNS', `pod: "${pod.name ?? ''}_${pod.namespace}". kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy. Falling back to "Default" policy.`]);
      kind = 'host';
    }
  }
  if (kind === 'host' && !host) {
    config.nameservers = ['127.0.0.1'];
    config.searches = ['.'];
  }
  if (pod.dnsConfig) {
    config.nameservers = unique([...config.nameservers, ...(pod.dnsConfig.nameservers ?? [])]);
    config.searches = unique([...config.searches, ...(pod.dnsConfig.searches ?? [])]);
    config.options = mergeOptions(config.options, pod.dnsConfig.options);
  }
  if (config.nameservers.length > MAX_NAMESERVERS) {
    config.nameservers = config.nameservers.slice(0, MAX_NAMESERVERS);
    warnings.push(['DNSConfigForming', `Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: ${config.nameservers.join(' ')}`]);
  }
  config.searches = fitSearches(config.searches, warnings);
  return { config, warnings };
}

function fitSearches(searches: string[], warnings: Array<[string, string]>): string[] {
  let exceeded = false;
  let out = searches;
  if (out.length > MAX_SEARCH_PATHS) {
    out = out.slice(0, MAX_SEARCH_PATHS);
    exceeded = true;
  }
  const fitting = out.filter((s) => s.length <= MAX_DOMAIN_LENGTH);
  if (fitting.length !== out.length) exceeded = true;
  out = fitting;
  let length = out.join(' ').length;
  while (length > MAX_SEARCH_CHARS && out.length > 0) {
    length -= out[out.length - 1].length + 1;
    out = out.slice(0, -1);
    exceeded = true;
  }
  if (exceeded) warnings.push(['DNSConfigForming', `Search Line limits were exceeded, some search paths have been omitted, the applied search line is: ${out.join(' ')}`]);
  return out;
}

/** resolv.conf text as containerd writes it from the CRI DNSConfig. */
export function renderResolvConf(config: DnsConfig): string {
  let text = '';
  if (config.searches.length) text += `search ${config.searches.join(' ')}\n`;
  if (config.nameservers.length) text += `nameserver ${config.nameservers.join('\nnameserver ')}\n`;
  if (config.options.length) text += `options ${config.options.join(' ')}\n`;
  return text;
}
