/**
 * @module Service validation with kube-apiserver's field paths and messages
 * (pkg/apis/core/validation/validation.go: ValidateService, validateServicePort,
 * ValidateServiceUpdate), as dataplane.md §4.3 lists them.
 */
import type { FieldError } from '../errors.js';

export interface ServicePortView {
  name?: string;
  protocol?: string;
  port?: number;
  targetPort?: number | string;
  nodePort?: number;
  appProtocol?: string;
}

export interface ServiceView {
  metadata: { name?: string };
  spec: {
    type?: string;
    selector?: Record<string, string>;
    ports?: ServicePortView[];
    clusterIP?: string;
    clusterIPs?: string[];
    externalName?: string;
    externalIPs?: string[];
    sessionAffinity?: string;
    sessionAffinityConfig?: { clientIP?: { timeoutSeconds?: number } };
    externalTrafficPolicy?: string;
    internalTrafficPolicy?: string;
    ipFamilies?: string[];
    ipFamilyPolicy?: string;
    allocateLoadBalancerNodePorts?: boolean;
    loadBalancerSourceRanges?: string[];
    healthCheckNodePort?: number;
    publishNotReadyAddresses?: boolean;
  };
  status?: unknown;
}

const TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const IANA_SVC_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function supported(values: string[]): string {
  return values.map((v) => JSON.stringify(v)).join(', ');
}

function invalid(field: string, value: unknown, msg: string): FieldError {
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return { type: 'FieldValueInvalid', field, detail: `Invalid value: ${shown}: ${msg}` };
}

function validPort(n: unknown): boolean {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 65535;
}

function validatePort(port: ServicePortView, i: number, requireName: boolean, errs: FieldError[]): void {
  const path = `spec.ports[${i}]`;
  if (requireName && !port.name) errs.push({ type: 'FieldValueRequired', field: `${path}.name`, detail: 'Required value' });
  else if (port.name && (!DNS1123_LABEL.test(port.name) || port.name.length > 63)) {
    errs.push(invalid(`${path}.name`, port.name, "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"));
  }
  if (!validPort(port.port)) errs.push(invalid(`${path}.port`, port.port ?? 0, 'must be between 1 and 65535, inclusive'));
  if (!port.protocol) errs.push({ type: 'FieldValueRequired', field: `${path}.protocol`, detail: 'Required value' });
  else if (!PROTOCOLS.includes(port.protocol)) errs.push({ type: 'FieldValueNotSupported', field: `${path}.protocol`, detail: `Unsupported value: ${JSON.stringify(port.protocol)}: supported values: ${supported(PROTOCOLS)}` });
  const target = port.targetPort;
  if (typeof target === 'number') {
    if (!validPort(target)) errs.push(invalid(`${path}.targetPort`, target, 'must be between 1 and 65535, inclusive'));
  } else if (typeof target === 'string') {
    if (target.length > 15 || !IANA_SVC_NAME.test(target) || !/[a-z]/.test(target) || target.includes('--')) {
      errs.push(invalid(`${path}.targetPort`, target, 'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)'));
    }
  }
}

export function validateService(svc: ServiceView): FieldError[] {
  const errs: FieldError[] = [];
  const spec = svc.spec ?? {};
  const ports = spec.ports ?? [];
  const type = spec.type;
  if (!type) errs.push({ type: 'FieldValueRequired', field: 'spec.type', detail: 'Required value' });
  else if (!TYPES.includes(type)) errs.push({ type: 'FieldValueNotSupported', field: 'spec.type', detail: `Unsupported value: ${JSON.stringify(type)}: supported values: ${supported(TYPES)}` });
  const headless = spec.clusterIP === 'None';
  if (type === 'ExternalName') {
    if (spec.clusterIP) errs.push({ type: 'FieldValueForbidden', field: 'spec.clusterIPs', detail: 'Forbidden: may not be set for ExternalName services' });
    if (!spec.externalName) errs.push({ type: 'FieldValueRequired', field: 'spec.externalName', detail: 'Required value' });
    else {
      const name = spec.externalName.endsWith('.') ? spec.externalName.slice(0, -1) : spec.externalName;
      if (!DNS1123_SUBDOMAIN.test(name) || name.length > 253) {
        errs.push(invalid('spec.externalName', spec.externalName, "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"));
      }
    }
  } else if (!ports.length && !headless) {
    errs.push({ type: 'FieldValueRequired', field: 'spec.ports', detail: 'Required value' });
  }
  const names = new Set<string>();
  const keys = new Set<string>();
  ports.forEach((port, i) => {
    validatePort(port, i, ports.length > 1, errs);
    if (port.name) {
      if (names.has(port.name)) errs.push({ type: 'FieldValueDuplicate', field: `spec.ports[${i}].name`, detail: `Duplicate value: ${JSON.stringify(port.name)}` });
      names.add(port.name);
    }
    const key = `${port.protocol}/${port.port}`;
    if (keys.has(key)) errs.push({ type: 'FieldValueDuplicate', field: `spec.ports[${i}]`, detail: `Duplicate value: core.ServicePort{Name:${JSON.stringify(port.name ?? '')}, Protocol:${JSON.stringify(port.protocol)}, Port:${port.port}}` });
    keys.add(key);
    if (type === 'ClusterIP' && port.nodePort) {
      errs.push({ type: 'FieldValueForbidden', field: `spec.ports[${i}].nodePort`, detail: "Forbidden: may not be used when `type` is 'ClusterIP'" });
    }
  });
  if ((type === 'NodePort' || type === 'LoadBalancer') && headless) {
    errs.push(invalid('spec.clusterIPs[0]', 'None', `may not be set to 'None' for ${type} services`));
  }
  if (spec.clusterIP && spec.clusterIP !== 'None' && type !== 'ExternalName' && !/^\d{1,3}(\.\d{1,3}){3}$/.test(spec.clusterIP)) {
    errs.push(invalid('spec.clusterIPs[0]', spec.clusterIP, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
  }
  const affinity = spec.sessionAffinity;
  if (affinity && affinity !== 'None' && affinity !== 'ClientIP') {
    errs.push({ type: 'FieldValueNotSupported', field: 'spec.sessionAffinity', detail: `Unsupported value: ${JSON.stringify(affinity)}: supported values: "ClientIP", "None"` });
  }
  const timeout = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds;
  if (affinity === 'ClientIP' && timeout !== undefined && (timeout <= 0 || timeout > 86400)) {
    errs.push(invalid('spec.sessionAffinityConfig.clientIP.timeoutSeconds', timeout, 'must be greater than 0 and less than 86400'));
  }
  const external = type === 'NodePort' || type === 'LoadBalancer';
  if (spec.externalTrafficPolicy && !external) {
    errs.push(invalid('spec.externalTrafficPolicy', spec.externalTrafficPolicy, 'may only be set for externally-accessible services'));
  } else if (spec.externalTrafficPolicy && !['Cluster', 'Local'].includes(spec.externalTrafficPolicy)) {
    errs.push({ type: 'FieldValueNotSupported', field: 'spec.externalTrafficPolicy', detail: `Unsupported value: ${JSON.stringify(spec.externalTrafficPolicy)}: supported values: "Cluster", "Local"` });
  }
  if (spec.internalTrafficPolicy && !['Cluster', 'Local'].includes(spec.internalTrafficPolicy)) {
    errs.push({ type: 'FieldValueNotSupported', field: 'spec.internalTrafficPolicy', detail: `Unsupported value: ${JSON.stringify(spec.internalTrafficPolicy)}: supported values: "Cluster", "Local"` });
  }
  if (spec.loadBalancerSourceRanges?.length && type !== 'LoadBalancer') {
    errs.push({ type: 'FieldValueForbidden', field: 'spec.LoadBalancerSourceRanges', detail: "Forbidden: may only be used when `type` is 'LoadBalancer'" });
  }
  if (spec.allocateLoadBalancerNodePorts !== undefined && type !== 'LoadBalancer') {
    errs.push({ type: 'FieldValueForbidden', field: 'spec.allocateLoadBalancerNodePorts', detail: "Forbidden: may only be used when `type` is 'LoadBalancer'" });
  }
  return errs;
}

export function validateServiceUpdate(next: ServiceView, prev: ServiceView): FieldError[] {
  const errs: FieldError[] = [];
  const toOrFromExternalName = next.spec.type === 'ExternalName' || prev.spec.type === 'ExternalName';
  if (!toOrFromExternalName) {
    const before = prev.spec.clusterIPs ?? (prev.spec.clusterIP ? [prev.spec.clusterIP] : []);
    const after = next.spec.clusterIPs ?? (next.spec.clusterIP ? [next.spec.clusterIP] : []);
    if (before.length && after.length && before[0] !== after[0]) {
      const shown = `[]string{${after.map((v) => JSON.stringify(v)).join(', ')}}`;
      errs.push({ type: 'FieldValueInvalid', field: 'spec.clusterIPs[0]', detail: `Invalid value: ${shown}: may not change once set` });
    }
  }
  return errs;
}
