/**
 * @module A pod's /etc/hosts and hostname as the kubelet makes them (kubelet_pods.go
 * managedHostsFileContent, GeneratePodHostNameAndDomain): the localhost lines, one line per
 * pod IP with the hostname (and its FQDN when the pod has a subdomain), then hostAliases; a
 * hostNetwork pod's, the node's own file with its hostAliases. Pure.
 */
export interface HostnameInput {
  name: string;
  namespace: string;
  hostname?: string;
  subdomain?: string;
}

/** Pod names may be longer than a hostname: cut to 63, without a trailing `-` or `.`. */
function truncateHostname(name: string): string {
  if (name.length <= 63) return name;
  return name.slice(0, 63).replace(/[-.]+$/, '');
}

/** The pod's hostname and, when it has a subdomain, its domain (`sub.ns.svc.<cluster domain>`). */
export function podHostname(pod: HostnameInput, clusterDomain: string): { hostname: string; domain: string } {
  const hostname = pod.hostname ? pod.hostname : truncateHostname(pod.name);
  const domain = pod.subdomain ? `${pod.subdomain}.${pod.namespace}.svc.${clusterDomain}` : '';
  return { hostname, domain };
}

export function renderHostsFile(options: { podIPs: string[]; hostname: string; domain: string; hostAliases?: Array<{ ip: string; hostnames?: string[] }> }): string {
  let text = '# Kubernetes-managed hosts file.\n';
  text += '127.0.0.1\tlocalhost\n';
  text += '::1\tlocalhost ip6-localhost ip6-loopback\n';
  text += 'fe00::0\tip6-localnet\n';
  text += 'fe00::0\tip6-mcastprefix\n';
  text += 'fe00::1\tip6-allnodes\n';
  text += 'fe00::2\tip6-allrouters\n';
  for (const ip of options.podIPs) {
    text += options.domain ? `${ip}\t${options.hostname}.${options.domain}\t${options.hostname}\n` : `${ip}\t${options.hostname}\n`;
  }
  return text + hostAliasEntries(options.hostAliases);
}

type HostAliases = Array<{ ip: string; hostnames?: string[] }> | undefined;

/** hostsEntriesFromHostAliases: a section of its own, one line per IP; nothing without aliases. */
function hostAliasEntries(hostAliases: HostAliases): string {
  if (!hostAliases?.length) return '';
  let text = '\n# Entries added by HostAliases.\n';
  for (const alias of hostAliases) text += `${alias.ip}\t${(alias.hostnames ?? []).join('\t')}\n`;
  return text;
}

/**
 * A hostNetwork pod's /etc/hosts (nodeHostsFileContent): the node's own file under the kubelet's
 * host-network header, then the pod's hostAliases.
 */
export function renderNodeHostsFile(nodeHosts: string, hostAliases?: HostAliases): string {
  return `# Kubernetes-managed hosts file (host network).\n${nodeHosts}${hostAliasEntries(hostAliases)}`;
}
