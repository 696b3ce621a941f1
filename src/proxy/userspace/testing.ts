/**
 * @module Test builders for the userspace proxy: desired states written like the objects they
 * come from (`makeServicePort('ns1', 'svc1', (sp) => { ... })`).
 */
import type { DesiredState, ProxyEndpoint, ServicePortState } from '../types.js';

export function ep(ip: string, port: number, extra: Partial<ProxyEndpoint> = {}): ProxyEndpoint {
  return { ip, port, ready: true, serving: true, terminating: false, isLocal: true, ...extra };
}

/** A TCP port 80 ClusterIP service port `<ns>/<name>` at 10.96.0.10 without endpoints; `edit` changes it. */
export function makeServicePort(namespace: string, name: string, edit: (sp: ServicePortState) => void = () => undefined): ServicePortState {
  const sp: ServicePortState = {
    namespace,
    name,
    portName: '',
    protocol: 'TCP',
    servicePortName: `${namespace}/${name}`,
    clusterIP: '10.96.0.10',
    port: 80,
    nodePort: 0,
    externalIPs: [],
    loadBalancerIPs: [],
    loadBalancerSourceRanges: [],
    stickyMaxAgeSeconds: 0,
    externalPolicyLocal: false,
    internalPolicyLocal: false,
    healthCheckNodePort: 0,
    endpoints: [],
    clusterEndpoints: [],
    externalEndpoints: [],
  };
  edit(sp);
  if (sp.portName && sp.servicePortName === `${namespace}/${name}`) sp.servicePortName = `${namespace}/${name}:${sp.portName}`;
  return sp;
}

/** Sets all three endpoint lists at once. */
export function withEndpoints(sp: ServicePortState, endpoints: ProxyEndpoint[]): void {
  sp.endpoints = endpoints;
  sp.clusterEndpoints = endpoints;
  sp.externalEndpoints = endpoints;
}

export function makeState(servicePorts: ServicePortState[], nodeIPs = ['10.244.0.1']): DesiredState {
  return {
    node: { nodeName: 'kubito-node', nodeIPs, clusterCIDR: '10.244.0.0/16', serviceCIDRs: ['10.96.0.0/12'], masqueradeBit: 14 },
    servicePorts,
  };
}
