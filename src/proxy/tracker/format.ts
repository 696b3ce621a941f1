/**
 * @module DesiredState as text, one block per service port, for golden files and debugging:
 * `ns1/svc1:p80/TCP 172.30.0.41:80 ...` then the endpoint sets.
 */
import { endpointSets, endpointString, type DesiredState, type ProxyEndpoint } from '../types.js';

function eps(list: ProxyEndpoint[]): string {
  if (list.length === 0) return '-';
  return list
    .map((e) => {
      const flags = [e.ready ? 'ready' : '', e.serving ? 'serving' : '', e.terminating ? 'terminating' : '', e.isLocal ? 'local' : ''].filter(Boolean).join(',');
      return `${endpointString(e)}(${flags})`;
    })
    .join(' ');
}

export function formatDesiredState(state: DesiredState): string {
  const lines: string[] = [`node ${state.node.nodeName} ips=${state.node.nodeIPs.join(',')} clusterCIDR=${state.node.clusterCIDR}`];
  for (const sp of state.servicePorts) {
    const sets = endpointSets(sp);
    const facts = [
      `${sp.servicePortName}/${sp.protocol}`,
      `${sp.clusterIP}:${sp.port}`,
      sp.nodePort ? `nodePort=${sp.nodePort}` : '',
      sp.externalIPs.length ? `externalIPs=${sp.externalIPs.join(',')}` : '',
      sp.loadBalancerIPs.length ? `lbIPs=${sp.loadBalancerIPs.join(',')}` : '',
      sp.loadBalancerSourceRanges.length ? `sourceRanges=${sp.loadBalancerSourceRanges.join(',')}` : '',
      sp.stickyMaxAgeSeconds ? `affinity=${sp.stickyMaxAgeSeconds}s` : '',
      sp.internalPolicyLocal ? 'iTP=Local' : '',
      sp.externalPolicyLocal ? 'eTP=Local' : '',
      sp.healthCheckNodePort ? `healthCheckNodePort=${sp.healthCheckNodePort}` : '',
      sp.triggerTimeMs !== undefined ? `trigger=${new Date(sp.triggerTimeMs).toISOString()}` : '',
      `hasEndpoints=${sets.hasEndpoints}`,
    ];
    lines.push(facts.filter(Boolean).join(' '));
    lines.push(`  all:      ${eps(sp.endpoints)}`);
    lines.push(`  internal: ${eps(sp.clusterEndpoints)}`);
    lines.push(`  external: ${eps(sp.externalEndpoints)}`);
    lines.push(`  cluster:  ${eps(sets.cluster)}`);
    lines.push(`  local:    ${eps(sets.local)}`);
  }
  return `${lines.join('\n')}\n`;
}
