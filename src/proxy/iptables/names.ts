/**
 * @module kube-proxy's iptables chain names (K/K pkg/proxy/iptables/proxier.go): the fixed
 * chains, and the per service port / per endpoint chains named by
 * `base32(sha256(servicePortName + protocol [+ ip:port]))[:16]` after a prefix. Pure.
 */
import { sha256Base32 } from '../hash.js';
import type { Protocol } from '../types.js';

export const KUBE_SERVICES = 'KUBE-SERVICES';
export const KUBE_EXTERNAL_SERVICES = 'KUBE-EXTERNAL-SERVICES';
export const KUBE_NODEPORTS = 'KUBE-NODEPORTS';
export const KUBE_POSTROUTING = 'KUBE-POSTROUTING';
export const KUBE_MARK_MASQ = 'KUBE-MARK-MASQ';
export const KUBE_FORWARD = 'KUBE-FORWARD';
export const KUBE_PROXY_FIREWALL = 'KUBE-PROXY-FIREWALL';

export const SERVICE_CHAIN = 'KUBE-SVC-';
export const LOCAL_CHAIN = 'KUBE-SVL-';
export const EXTERNAL_CHAIN = 'KUBE-EXT-';
export const FIREWALL_CHAIN = 'KUBE-FW-';
export const ENDPOINT_CHAIN = 'KUBE-SEP-';

/** The prefixes of the chains kube-proxy owns per service port; stale ones are deleted. */
export const SERVICE_CHAIN_PREFIXES = [SERVICE_CHAIN, LOCAL_CHAIN, EXTERNAL_CHAIN, FIREWALL_CHAIN, ENDPOINT_CHAIN] as const;

/** upstream's portProtoHash: the 16 characters after KUBE-SVC- and friends. */
export function portProtoHash(servicePortName: string, protocol: Protocol | string): string {
  return sha256Base32(servicePortName + protocol.toLowerCase()).slice(0, 16);
}

export function serviceChain(servicePortName: string, protocol: Protocol | string): string {
  return `${SERVICE_CHAIN}${portProtoHash(servicePortName, protocol)}`;
}

export function localChain(servicePortName: string, protocol: Protocol | string): string {
  return `${LOCAL_CHAIN}${portProtoHash(servicePortName, protocol)}`;
}

export function externalChain(servicePortName: string, protocol: Protocol | string): string {
  return `${EXTERNAL_CHAIN}${portProtoHash(servicePortName, protocol)}`;
}

export function firewallChain(servicePortName: string, protocol: Protocol | string): string {
  return `${FIREWALL_CHAIN}${portProtoHash(servicePortName, protocol)}`;
}

/** `KUBE-SEP-` + hash of servicePortName + protocol + `ip:port` (`[ip6]:port`). */
export function endpointChain(servicePortName: string, protocol: Protocol | string, endpoint: string): string {
  return `${ENDPOINT_CHAIN}${sha256Base32(servicePortName + protocol.toLowerCase() + endpoint).slice(0, 16)}`;
}

export function isServiceChainName(name: string): boolean {
  return SERVICE_CHAIN_PREFIXES.some((p) => name.startsWith(p));
}
