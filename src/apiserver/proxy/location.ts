/**
 * @module Where a proxy subresource request goes, as kube-apiserver's ResourceLocation
 * functions decide it (pure): `services/{id}/proxy` (pkg/registry/core/service/storage,
 * `GenericREST.ResourceLocation`), `pods/{id}/proxy` (pkg/registry/core/pod/strategy.go
 * `ResourceLocation`) and `nodes/{id}/proxy` (pkg/registry/core/node/strategy.go). The id is
 * `name`, `name:port` or `scheme:name:port` (k8s.io/apimachinery/pkg/util/net
 * `SplitSchemeNamePort`). Errors are upstream's Status errors, word for word.
 */
import { isIP } from 'node:net';
import { newBadRequest, newServiceUnavailable } from '../../api/errors.js';
import { parseIP, parseIPv4, parseIPv6Bytes } from '../../api/service/net.js';

/** Scheme, name and port of a proxy id; undefined when upstream finds it invalid. */
export interface ProxyId {
  /** '', 'http' or 'https'. */
  scheme: string;
  name: string;
  /** '' when not given; a number or a port name otherwise (not checked here). */
  port: string;
}

/** SplitSchemeNamePort: `name`, `name:port`, `scheme:name:port`; scheme must be http or https. */
export function splitSchemeNamePort(id: string): ProxyId | undefined {
  const parts = id.split(':');
  let scheme = '';
  let name: string;
  let port = '';
  if (parts.length === 1) [name] = parts;
  else if (parts.length === 2) [name, port] = parts;
  else if (parts.length === 3) [scheme, name, port] = parts;
  else return undefined;
  if (!name || !['', 'http', 'https'].includes(scheme)) return undefined;
  return { scheme, name, port };
}

/** Where to send the request: `scheme://host[:port]` (scheme '' means http). */
export interface Target {
  scheme: string;
  host: string;
  /** 0 when the id named none: the scheme's default port (80 or 443), as Go's transport dials. */
  port: number;
}

/** The Service fields the location needs. */
export interface ServiceView {
  metadata: { name: string };
  spec?: { ports?: Array<{ name?: string; port: number }> };
}

/** The Endpoints fields the location needs (only ready `addresses`, never notReadyAddresses). */
export interface EndpointsView {
  subsets?: Array<{
    addresses?: Array<{ ip: string; targetRef?: { kind?: string; namespace?: string; name?: string } }>;
    ports?: Array<{ name?: string; port: number }>;
  }>;
}

/** The Pod fields the locations need. */
export interface PodView {
  spec?: { containers?: Array<{ ports?: Array<{ containerPort: number }> }> };
  status?: { podIP?: string; podIPs?: Array<{ ip: string }> };
}

/** Random integer in [0, n), injectable for tests (upstream: rand.Intn). */
export type Random = (n: number) => number;

export const mathRandom: Random = (n) => Math.floor(Math.random() * n);

/** Parses the id or throws upstream's 400 (`invalid service request "x"`, `invalid pod request "x"`). */
export function parseProxyId(kind: 'service' | 'pod' | 'node', id: string): ProxyId {
  const parsed = splitSchemeNamePort(id);
  if (!parsed) throw newBadRequest(`invalid ${kind} request ${JSON.stringify(id)}`);
  return parsed;
}

/** A Service port given by number becomes the port's name (`no service port N found for service "x"`). */
export function servicePortName(svc: ServiceView, port: string): string {
  if (!/^[+-]?[0-9]+$/.test(port)) return port;
  const num = Number(port);
  const found = (svc.spec?.ports ?? []).find((p) => p.port === num);
  if (!found) throw newServiceUnavailable(`no service port ${num} found for service ${JSON.stringify(svc.metadata.name)}`);
  return found.name ?? '';
}

/**
 * Does upstream's `isValidAddress` accept this endpoint address? It needs a Pod target in the
 * request's namespace whose IPs include the address; `podIPs` reads that pod (undefined: gone).
 */
export type AddressCheck = (address: { ip: string; targetRef?: { kind?: string; namespace?: string; name?: string } }) => Promise<boolean>;

/**
 * GenericREST.ResourceLocation after the port name is known: a random subset first, then a random
 * ready address of a subset that has the port, skipping addresses `valid` refuses. `id` is the
 * request's id (the last error names it, the first names the Service, as upstream).
 */
export async function pickEndpoint(
  eps: EndpointsView,
  options: { serviceName: string; id: string; portName: string; scheme: string; valid: AddressCheck; random?: Random },
): Promise<Target> {
  const random = options.random ?? mathRandom;
  const subsets = eps.subsets ?? [];
  if (!subsets.length) throw newServiceUnavailable(`no endpoints available for service ${JSON.stringify(options.serviceName)}`);
  const ssSeed = random(subsets.length);
  for (let ssi = 0; ssi < subsets.length; ssi++) {
    const ss = subsets[(ssSeed + ssi) % subsets.length];
    const addresses = ss.addresses ?? [];
    if (!addresses.length) continue;
    for (const port of ss.ports ?? []) {
      if ((port.name ?? '') !== options.portName) continue;
      const addrSeed = random(addresses.length);
      for (let tries = 0; tries < addresses.length; tries++) {
        const addr = addresses[(addrSeed + tries) % addresses.length];
        if (!(await options.valid(addr))) continue;
        return { scheme: options.scheme, host: addr.ip, port: port.port };
      }
    }
  }
  throw newServiceUnavailable(`no endpoints available for service ${JSON.stringify(options.id)}`);
}

/** isValidAddress: a Pod target in `namespace` whose status lists the address. */
export function addressCheck(namespace: string, getPod: (name: string) => Promise<PodView | undefined>): AddressCheck {
  return async (addr) => {
    const ref = addr.targetRef;
    if (!ref || ref.namespace !== namespace || !ref.name) return false;
    const pod = await getPod(ref.name);
    return (pod?.status?.podIPs ?? []).some((p) => p.ip === addr.ip);
  };
}

/** Go's net.IP.IsGlobalUnicast for an address text (IPv4 sloppy as ParseIPSloppy, IPv6 as node reads it); false if unparsable. */
export function isGlobalUnicast(ip: string): boolean {
  if (parseIPv4(ip) === undefined && isIP(ip) !== 6) return false;
  // An IPv4-mapped IPv6 address is judged by its IPv4 address, as Go's To4() does.
  const v4 = parseIP(ip)?.v4;
  if (v4 !== undefined) {
    const first = v4 >>> 24;
    const linkLocal = v4 >>> 16 === ((169 << 8) | 254);
    return v4 !== 0 && v4 !== 0xffffffff && first !== 127 && first < 224 && !linkLocal;
  }
  const bytes = parseIPv6Bytes(ip);
  if (!bytes) return false;
  const unspecified = bytes.every((b) => b === 0);
  const loopback = bytes.subarray(0, 15).every((b) => b === 0) && bytes[15] === 1;
  const multicast = bytes[0] === 0xff;
  const linkLocal = bytes[0] === 0xfe && (bytes[1] & 0xc0) === 0x80;
  return !unspecified && !loopback && !multicast && !linkLocal;
}

/**
 * pod.ResourceLocation: the pod's first IP and the given port, or the first container port
 * declared in the spec; `address not allowed` (400) when the pod has no usable IP yet.
 */
export function podTarget(pod: PodView, id: ProxyId): Target {
  let port = id.port;
  if (port === '') {
    const declared = (pod.spec?.containers ?? []).find((c) => c.ports?.length);
    if (declared?.ports) port = String(declared.ports[0].containerPort);
  }
  const ip = pod.status?.podIPs?.[0]?.ip ?? '';
  if (!isGlobalUnicast(ip)) throw newBadRequest('address not allowed');
  return { scheme: id.scheme, host: ip, port: port === '' ? 0 : portNumber(port) };
}

/**
 * A port text as a number. Go's dialer would look a name up in /etc/services; kubito does not,
 * and answers as Go does for a name it cannot find (or a number out of range).
 */
export function portNumber(port: string): number {
  if (!/^[0-9]+$/.test(port)) throw newServiceUnavailable(`error trying to reach service: dial tcp: lookup tcp/${port}: unknown port`);
  const n = Number(port);
  if (n > 65535) throw newServiceUnavailable(`error trying to reach service: dial tcp: address ${port}: invalid port`);
  return n;
}
