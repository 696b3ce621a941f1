/**
 * @module EndpointSlices (discovery.k8s.io/v1) and Endpoints (v1): defaults and validation as
 * kube-apiserver 1.33 has them (pkg/apis/discovery/v1/defaults.go, pkg/apis/discovery/validation;
 * pkg/apis/core/v1/defaults.go SetDefaults_EndpointPort, pkg/apis/core/validation
 * validateEndpointSubsets). They are what the proxy programs the node with and what cluster DNS
 * answers from: an address that is not an IP, or a loopback one, must never get that far.
 */
import type { FieldError } from '../errors.js';
import { parseIP } from '../service/net.js';
import { VALID_IP, validateNonSpecialIP } from '../service/validation.js';
import type { Strategy } from '../strategy.js';
import type { KubeObject } from '../types.js';
import {
  child,
  duplicate,
  inclusiveRangeError,
  index,
  invalid,
  notSupported,
  required,
  tooMany,
  validateDNS1123Label,
  validateDNS1123Subdomain,
  validateQualifiedName,
} from '../validation/index.js';
import { isObj, listOf, type Obj } from '../validation/json-view.js';

/** sets.List order (sorted). */
const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'];
const PORT_PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const MAX_ADDRESSES = 100;
/** maxPorts: 20000 since kubernetes#99795 (1.21); the field's description still says 100. */
const MAX_PORTS = 20000;
const MAX_ENDPOINTS = 1000;

function objects(value: unknown): Obj[] {
  return listOf(value).filter(isObj);
}

function strings(value: unknown): string[] {
  return listOf(value).filter((v): v is string => typeof v === 'string');
}

/** A port's protocol, TCP when absent; an EndpointSlice port's name, "" when absent. */
function portDefaults(port: Obj, slice: boolean): void {
  // Endpoints' protocol is a string (defaulted when ""), a slice port's a pointer (when nil).
  if (port.protocol === undefined || (!slice && port.protocol === '')) port.protocol = 'TCP';
  if (slice && port.name === undefined) port.name = '';
}

/** ValidateNodeName (a DNS subdomain), when set. */
function nodeName(value: unknown, path: string): FieldError[] {
  return typeof value === 'string' ? validateDNS1123Subdomain(value, path) : [];
}

function appProtocol(value: unknown, path: string): FieldError[] {
  return typeof value === 'string' ? validateQualifiedName(value, path) : [];
}

function protocolErrors(protocol: unknown, path: string): FieldError[] {
  if (protocol === undefined || protocol === '') return [required(path)];
  return PORT_PROTOCOLS.includes(protocol as string) ? [] : [notSupported(path, protocol as string, PORT_PROTOCOLS)];
}

/** validation.IsValidIPv4Address / IsValidIPv6Address, then ValidateNonSpecialIP, as validateEndpoints runs them. */
function sliceAddress(address: string, family: 'IPv4' | 'IPv6', path: string): FieldError[] {
  const ip = parseIP(address);
  const errs: FieldError[] = [];
  if (!ip || ip.family !== family) errs.push(invalid(path, address, `must be a valid ${family} address`));
  if (!ip) return [...errs, invalid(path, address, 'must be a valid IP address')];
  return [...errs, ...validateNonSpecialIP(address, path)];
}

/** validation.IsFullyQualifiedDomainName. */
function fqdn(address: string, path: string): FieldError[] {
  const name = address.endsWith('.') ? address.slice(0, -1) : address;
  if (name === '') return [required(path)];
  if (!name.includes('.')) return [invalid(path, name, 'should be a domain with at least two segments separated by dots')];
  return validateDNS1123Subdomain(name, path);
}

export function validateEndpointSlice(slice: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const addressType = slice.addressType;
  if (addressType === undefined || addressType === '') errs.push(required('addressType'));
  else if (!ADDRESS_TYPES.includes(addressType as string)) errs.push(notSupported('addressType', addressType as string, ADDRESS_TYPES));
  const endpoints = objects(slice.endpoints);
  if (endpoints.length > MAX_ENDPOINTS) errs.push(tooMany('endpoints', endpoints.length, MAX_ENDPOINTS));
  else {
    endpoints.forEach((endpoint, i) => {
      const at = index('endpoints', i);
      const addressPath = child(at, 'addresses');
      const addresses = strings(endpoint.addresses);
      if (addresses.length === 0) errs.push(required(addressPath, 'must contain at least 1 address'));
      else if (addresses.length > MAX_ADDRESSES) errs.push(tooMany(addressPath, addresses.length, MAX_ADDRESSES));
      addresses.forEach((address, j) => {
        const path = index(addressPath, j);
        if (addressType === 'IPv4' || addressType === 'IPv6') errs.push(...sliceAddress(address, addressType, path));
        else if (addressType === 'FQDN') errs.push(...fqdn(address, path));
      });
      errs.push(...nodeName(endpoint.nodeName, child(at, 'nodeName')));
      if (typeof endpoint.hostname === 'string') errs.push(...validateDNS1123Label(endpoint.hostname, child(at, 'hostname')));
    });
  }
  const ports = objects(slice.ports);
  if (ports.length > MAX_PORTS) errs.push(tooMany('ports', ports.length, MAX_PORTS));
  else {
    const names = new Set<string>();
    ports.forEach((port, i) => {
      const at = index('ports', i);
      const name = typeof port.name === 'string' ? port.name : '';
      if (name.length > 0) errs.push(...validateDNS1123Label(name, child(at, 'name')));
      if (names.has(name)) errs.push(duplicate(child(at, 'name'), name));
      else names.add(name);
      errs.push(...protocolErrors(port.protocol, child(at, 'protocol')));
      errs.push(...appProtocol(port.appProtocol, child(at, 'appProtocol')));
    });
  }
  return errs;
}

function endpointAddress(address: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const ip = typeof address.ip === 'string' ? address.ip : '';
  const parsed = parseIP(ip) !== undefined;
  if (!parsed) errs.push(invalid(child(path, 'ip'), ip, VALID_IP));
  if (typeof address.hostname === 'string' && address.hostname.length > 0) errs.push(...validateDNS1123Label(address.hostname, child(path, 'hostname')));
  errs.push(...nodeName(address.nodeName, child(path, 'nodeName')));
  if (parsed) errs.push(...validateNonSpecialIP(ip, child(path, 'ip')));
  else errs.push(invalid(child(path, 'ip'), ip, 'must be a valid IP address'));
  return errs;
}

export function validateEndpoints(endpoints: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  objects(endpoints.subsets).forEach((subset, i) => {
    const at = index('subsets', i);
    const addresses = objects(subset.addresses);
    const notReady = objects(subset.notReadyAddresses);
    if (addresses.length === 0 && notReady.length === 0) errs.push(required(at, 'must specify `addresses` or `notReadyAddresses`'));
    addresses.forEach((a, j) => errs.push(...endpointAddress(a, index(child(at, 'addresses'), j))));
    notReady.forEach((a, j) => errs.push(...endpointAddress(a, index(child(at, 'notReadyAddresses'), j))));
    const ports = objects(subset.ports);
    ports.forEach((port, j) => {
      const path = index(child(at, 'ports'), j);
      const name = typeof port.name === 'string' ? port.name : '';
      if (ports.length > 1 && name.length === 0) errs.push(required(child(path, 'name')));
      else if (name.length > 0) errs.push(...validateDNS1123Label(name, child(path, 'name')));
      const number = port.port;
      if (typeof number !== 'number' || !Number.isInteger(number) || number < 1 || number > 65535) errs.push(invalid(child(path, 'port'), typeof number === 'number' ? number : 0, inclusiveRangeError(1, 65535)));
      errs.push(...protocolErrors(port.protocol, child(path, 'protocol')));
      errs.push(...appProtocol(port.appProtocol, child(path, 'appProtocol')));
    });
  });
  return errs;
}

function endpointSliceDefaults(obj: KubeObject): void {
  for (const port of objects(obj.ports)) portDefaults(port, true);
}

function endpointsDefaults(obj: KubeObject): void {
  for (const subset of objects(obj.subsets)) for (const port of objects(subset.ports)) portDefaults(port, false);
}

export const endpointSliceStrategy: Strategy = {
  defaults: endpointSliceDefaults,
  prepareForCreate: endpointSliceDefaults,
  prepareForUpdate: endpointSliceDefaults,
  validate: validateEndpointSlice,
  validateUpdate(next, prev) {
    const errs = validateEndpointSlice(next);
    // ValidateImmutableField.
    if (next.addressType !== prev.addressType) errs.push(invalid('addressType', (next.addressType as string) ?? '', 'field is immutable'));
    return errs;
  },
};

export const endpointsStrategy: Strategy = {
  defaults: endpointsDefaults,
  prepareForCreate: endpointsDefaults,
  prepareForUpdate: endpointsDefaults,
  validate: validateEndpoints,
  validateUpdate: (next) => validateEndpoints(next),
};
