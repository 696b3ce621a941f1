/**
 * @module kube-proxy's nftables names (K/K pkg/proxy/nftables/proxier.go): the table, the fixed
 * chains, sets and maps, and the per service port / per endpoint chains named
 * `<prefix>` + `hashAndTruncate("ns/name/proto/port[__ip/port]")`. Pure.
 */
import { sha256Base32 } from '../hash.js';
import type { Protocol } from '../types.js';

export const TABLE = 'kube-proxy';
/** The family and table every command names: `ip kube-proxy`. */
export const TABLE_REF = `ip ${TABLE}`;

export const SERVICES_CHAIN = 'services';
export const MASQUERADING_CHAIN = 'masquerading';
export const MARK_MASQ_CHAIN = 'mark-for-masquerade';
export const CLUSTER_IPS_CHECK_CHAIN = 'cluster-ips-check';
export const NODEPORT_ENDPOINTS_CHECK_CHAIN = 'nodeport-endpoints-check';
export const SERVICE_ENDPOINTS_CHECK_CHAIN = 'service-endpoints-check';
export const FIREWALL_CHECK_CHAIN = 'firewall-check';
export const REJECT_CHAIN = 'reject-chain';

export const CLUSTER_IPS_SET = 'cluster-ips';
export const SERVICE_IPS_MAP = 'service-ips';
export const SERVICE_NODEPORTS_MAP = 'service-nodeports';
export const NO_ENDPOINT_SERVICES_MAP = 'no-endpoint-services';
export const NO_ENDPOINT_NODEPORTS_MAP = 'no-endpoint-nodeports';
export const FIREWALL_IPS_MAP = 'firewall-ips';

/** nftables' name limit (knftables.NameLengthMax) less the longest prefix (16, with its `-`). */
export const CHAIN_NAME_BASE_LENGTH_MAX = 256 - 16;

/** upstream's hashAndTruncate: the first 8 base32 characters of sha256(name), `-`, name; cut to 240 with `...`. */
export function hashAndTruncate(name: string): string {
  const out = `${sha256Base32(name).slice(0, 8)}-${name}`;
  return out.length > CHAIN_NAME_BASE_LENGTH_MAX ? `${out.slice(0, CHAIN_NAME_BASE_LENGTH_MAX - 3)}...` : out;
}

/** What names a service port: its namespace, Service name and port name (`''` when unnamed). */
export interface PortIdentity {
  namespace: string;
  name: string;
  portName: string;
  protocol: Protocol | string;
}

/** `ULMVA6XW-ns1/svc1/tcp/p80`: the base of the service-/local-/external-/firewall- chains. */
export function servicePortChainBase(sp: PortIdentity): string {
  return hashAndTruncate(`${sp.namespace}/${sp.name}/${sp.protocol.toLowerCase()}/${sp.portName}`);
}

/** `5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80` (IPv6 colons become dots): endpoint- and affinity- names. */
export function endpointChainBase(sp: PortIdentity, endpoint: { ip: string; port: number }): string {
  const ip = endpoint.ip.replaceAll(':', '.');
  return hashAndTruncate(`${sp.namespace}/${sp.name}/${sp.protocol.toLowerCase()}/${sp.portName}__${ip}/${endpoint.port}`);
}

export const serviceChain = (sp: PortIdentity): string => `service-${servicePortChainBase(sp)}`;
export const localChain = (sp: PortIdentity): string => `local-${servicePortChainBase(sp)}`;
export const externalChain = (sp: PortIdentity): string => `external-${servicePortChainBase(sp)}`;
export const firewallChain = (sp: PortIdentity): string => `firewall-${servicePortChainBase(sp)}`;
export const endpointChain = (sp: PortIdentity, ep: { ip: string; port: number }): string => `endpoint-${endpointChainBase(sp, ep)}`;
export const affinitySet = (sp: PortIdentity, ep: { ip: string; port: number }): string => `affinity-${endpointChainBase(sp, ep)}`;

/** Per-service chain names always hold a `/`; the fixed ones never do (upstream's isServiceChainName). */
export function isServiceChainName(name: string): boolean {
  return name.includes('/');
}
