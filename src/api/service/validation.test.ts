import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../types.js';
import { serviceDefaults } from './defaults.js';
import { asService, type ServiceSpecView } from './service-view.js';
import { validateService, validateServiceUpdate } from './validation.js';

/**
 * A Service as it reaches validation after defaulting and allocation: ClusterIP types get an
 * address and IPv4 SingleStack unless the case says otherwise.
 */
function makeService(spec: ServiceSpecView, meta: KubeObject['metadata'] = {}): KubeObject {
  const obj: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc1', namespace: 'ns1', ...meta }, spec };
  serviceDefaults(obj);
  const s = asService(obj).spec;
  if (s.type !== 'ExternalName') {
    if (!('clusterIP' in spec)) s.clusterIP = '10.96.0.20';
    if (!('clusterIPs' in spec) && s.clusterIP) s.clusterIPs = [s.clusterIP];
    if (!('ipFamilies' in spec)) s.ipFamilies = ['IPv4'];
    if (!('ipFamilyPolicy' in spec)) s.ipFamilyPolicy = 'SingleStack';
  }
  return obj;
}

function errorsOf(obj: KubeObject): string[] {
  return validateService(asService(obj)).map((e) => `${e.field}: ${e.detail}`);
}

const P80 = [{ port: 80 }];
const LABEL_ERR =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

const CASES: Array<{ name: string; spec: ServiceSpecView; meta?: KubeObject['metadata']; want: string[] }> = [
  { name: 'a plain ClusterIP Service is valid', spec: { ports: P80, selector: { app: 'x' } }, want: [] },
  { name: 'no ports', spec: {}, want: ['spec.ports: Required value'] },
  { name: 'headless needs no ports', spec: { clusterIP: 'None' }, want: [] },
  { name: 'ExternalName needs no ports', spec: { type: 'ExternalName', externalName: 'example.com' }, want: [] },
  { name: 'a second port needs a name', spec: { ports: [{ port: 80, name: 'http' }, { port: 81 }] }, want: ['spec.ports[1].name: Required value'] },
  { name: 'port names are DNS-1123 labels', spec: { ports: [{ port: 80, name: 'Web' }] }, want: [`spec.ports[0].name: Invalid value: "Web": ${LABEL_ERR}`] },
  {
    name: 'duplicate port names',
    spec: { ports: [{ port: 80, name: 'http' }, { port: 81, name: 'http' }] },
    want: ['spec.ports[1].name: Duplicate value: "http"'],
  },
  { name: 'port 0', spec: { ports: [{ port: 0, targetPort: 80 }] }, want: ['spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive'] },
  { name: 'port 65536', spec: { ports: [{ port: 65536 }] }, want: ['spec.ports[0].port: Invalid value: 65536: must be between 1 and 65535, inclusive', 'spec.ports[0].targetPort: Invalid value: 65536: must be between 1 and 65535, inclusive'] },
  {
    name: 'protocol not supported',
    spec: { ports: [{ port: 80, protocol: 'ICMP' }] },
    want: ['spec.ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"'],
  },
  { name: 'targetPort number out of range', spec: { ports: [{ port: 80, targetPort: 70000 }] }, want: ['spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive'] },
  {
    name: 'targetPort name with bad characters',
    spec: { ports: [{ port: 80, targetPort: 'HTTP_1' }] },
    want: [
      'spec.ports[0].targetPort: Invalid value: "HTTP_1": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
      'spec.ports[0].targetPort: Invalid value: "HTTP_1": must contain at least one letter (a-z)',
    ],
  },
  {
    name: 'targetPort name too long, hyphens',
    spec: { ports: [{ port: 80, targetPort: '-abcdefghij--klmno' }] },
    want: [
      'spec.ports[0].targetPort: Invalid value: "-abcdefghij--klmno": must be no more than 15 characters',
      'spec.ports[0].targetPort: Invalid value: "-abcdefghij--klmno": must not contain consecutive hyphens',
      'spec.ports[0].targetPort: Invalid value: "-abcdefghij--klmno": must not begin or end with a hyphen',
    ],
  },
  { name: 'a numeric string targetPort is a name', spec: { ports: [{ port: 80, targetPort: '8080' }] }, want: ['spec.ports[0].targetPort: Invalid value: "8080": must contain at least one letter (a-z)'] },
  {
    name: 'appProtocol must be a qualified name',
    spec: { ports: [{ port: 80, appProtocol: 'k8s.io/h2c/x' }] },
    want: [
      "spec.ports[0].appProtocol: Invalid value: \"k8s.io/h2c/x\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ],
  },
  { name: 'appProtocol with a prefix is fine', spec: { ports: [{ port: 80, appProtocol: 'kubernetes.io/h2c' }] }, want: [] },
  {
    name: 'duplicate protocol and port',
    spec: { ports: [{ port: 53, name: 'a' }, { port: 53, name: 'b' }] },
    want: ['spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:53, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}'],
  },
  { name: 'same port, different protocols', spec: { ports: [{ port: 53, name: 'a' }, { port: 53, name: 'b', protocol: 'UDP' }] }, want: [] },
  {
    name: 'duplicate protocol and nodePort',
    spec: { type: 'NodePort', ports: [{ port: 80, name: 'a', nodePort: 30001 }, { port: 81, name: 'b', nodePort: 30001 }] },
    want: ['spec.ports[1].nodePort: Duplicate value: 30001'],
  },
  { name: 'nodePort on ClusterIP', spec: { ports: [{ port: 80, nodePort: 30001 }] }, want: ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"] },
  {
    name: 'NodePort headless',
    spec: { type: 'NodePort', clusterIP: 'None', ports: P80 },
    want: ['spec.clusterIPs[0]: Invalid value: "None": may not be set to \'None\' for NodePort services'],
  },
  {
    name: 'LoadBalancer headless',
    spec: { type: 'LoadBalancer', clusterIP: 'None', ports: P80 },
    want: ['spec.clusterIPs[0]: Invalid value: "None": may not be set to \'None\' for LoadBalancer services'],
  },
  { name: 'ExternalName without a name', spec: { type: 'ExternalName' }, want: ['spec.externalName: Required value'] },
  { name: 'ExternalName with a trailing dot', spec: { type: 'ExternalName', externalName: 'example.com.' }, want: [] },
  {
    name: 'ExternalName must be a subdomain',
    spec: { type: 'ExternalName', externalName: 'Example_Com' },
    want: [
      "spec.externalName: Invalid value: \"Example_Com\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ],
  },
  {
    name: 'ExternalName with IP fields',
    spec: { type: 'ExternalName', externalName: 'example.com', clusterIP: '10.96.0.9', clusterIPs: ['10.96.0.9'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack' },
    want: [
      'spec.clusterIPs: Forbidden: may not be set for ExternalName services',
      'spec.ipFamilies: Forbidden: may not be set for ExternalName services',
      'spec.ipFamilyPolicy: Forbidden: may not be set for ExternalName services',
    ],
  },
  {
    name: 'selector labels',
    spec: { ports: P80, selector: { 'app/x/y': 'ok', app: 'bad value' } },
    want: [
      "spec.selector: Invalid value: \"bad value\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
      "spec.selector: Invalid value: \"app/x/y\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ],
  },
  { name: 'session affinity not supported', spec: { ports: P80, sessionAffinity: 'Cookie' }, want: ['spec.sessionAffinity: Unsupported value: "Cookie": supported values: "ClientIP", "None"'] },
  {
    name: 'ClientIP timeout too long',
    spec: { ports: P80, sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 86401 } } },
    want: ['spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 86401: must be greater than 0 and less than 86400'],
  },
  {
    name: 'ClientIP timeout 0',
    spec: { ports: P80, sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 0 } } },
    want: ['spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 0: must be greater than 0 and less than 86400'],
  },
  { name: 'ClientIP timeout 86400 is the maximum', spec: { ports: P80, sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 86400 } } }, want: [] },
  {
    name: 'clusterIP not an IP',
    spec: { ports: P80, clusterIP: '10.96.0.300' },
    want: ['spec.clusterIPs[0]: Invalid value: "10.96.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'],
  },
  {
    name: 'clusterIPs[0] must match clusterIP',
    spec: { ports: P80, clusterIP: '10.96.0.20', clusterIPs: ['10.96.0.21'] },
    want: ['spec.clusterIPs: Invalid value: []string{"10.96.0.21"}: first value must match `clusterIP`'],
  },
  {
    name: 'clusterIPs without clusterIP',
    spec: { ports: P80, clusterIP: '', clusterIPs: ['10.96.0.21'] },
    want: ['spec.clusterIPs: Invalid value: []string{"10.96.0.21"}: must be empty when `clusterIP` is not specified'],
  },
  {
    name: 'None must be alone',
    spec: { ports: P80, clusterIP: 'None', clusterIPs: ['None', '10.96.0.2'] },
    want: ['spec.clusterIPs: Invalid value: []string{"None", "10.96.0.2"}: \'None\' must be the first and only value'],
  },
  {
    name: 'at most two clusterIPs, one per family',
    spec: { ports: P80, clusterIP: '10.96.0.2', clusterIPs: ['10.96.0.2', '10.96.0.3', '10.96.0.4'], ipFamilyPolicy: 'RequireDualStack' },
    want: [
      'spec.clusterIPs: Invalid value: []string{"10.96.0.2", "10.96.0.3", "10.96.0.4"}: may only hold up to 2 values',
      'spec.clusterIPs: Invalid value: []string{"10.96.0.2", "10.96.0.3", "10.96.0.4"}: may specify no more than one IP for each IP family',
    ],
  },
  {
    name: 'clusterIP family must match ipFamilies',
    spec: { ports: P80, clusterIP: 'fd00::10', ipFamilies: ['IPv4'] },
    want: ['spec.clusterIPs[0]: Invalid value: "fd00::10": expected an IPv4 value as indicated by `ipFamilies[0]`'],
  },
  // Go's To4() decides the family: an IPv4-mapped IPv6 address is IPv4 however it is written
  // (k8s.io/utils/net IsIPv6String / IsDualStackIPStrings over ParseIPSloppy).
  { name: 'a mapped address written in hex is IPv4', spec: { ports: P80, clusterIP: '::ffff:a60:14', ipFamilies: ['IPv4'] }, want: [] },
  { name: 'a mapped address written in full is IPv4', spec: { ports: P80, clusterIP: '0:0:0:0:0:ffff:10.96.0.20', ipFamilies: ['IPv4'] }, want: [] },
  {
    name: 'a mapped address is not IPv6',
    spec: { ports: P80, clusterIP: '0000:0000:0000:0000:0000:FFFF:0a60:0014', ipFamilies: ['IPv6'] },
    want: ['spec.clusterIPs[0]: Invalid value: "0000:0000:0000:0000:0000:FFFF:0a60:0014": expected an IPv6 value as indicated by `ipFamilies[0]`'],
  },
  {
    name: 'an IPv4 and a mapped address are one family',
    spec: { ports: P80, clusterIP: '10.96.0.2', clusterIPs: ['10.96.0.2', '::ffff:a60:3'], ipFamilies: ['IPv4', 'IPv6'], ipFamilyPolicy: 'RequireDualStack' },
    want: [
      'spec.clusterIPs: Invalid value: []string{"10.96.0.2", "::ffff:a60:3"}: may specify no more than one IP for each IP family',
      'spec.clusterIPs[1]: Invalid value: "::ffff:a60:3": expected an IPv6 value as indicated by `ipFamilies[1]`',
    ],
  },
  {
    name: 'the sloppy parser takes leading zeros in a mapped IPv4 tail and long IPv6 groups',
    spec: { ports: P80, clusterIP: '::ffff:010.096.000.020', clusterIPs: ['::ffff:010.096.000.020', '::000000001:2'], ipFamilies: ['IPv4', 'IPv6'], ipFamilyPolicy: 'RequireDualStack' },
    want: [],
  },
  {
    name: 'externalIPs: a mapped loopback or link-local address is one',
    spec: { ports: P80, externalIPs: ['::ffff:7f00:1', '0:0:0:0:0:ffff:169.254.1.1', '::ffff:0:0', '::ffff:5.6.7.8'] },
    want: [
      'spec.externalIPs[0]: Invalid value: "::ffff:7f00:1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
      'spec.externalIPs[1]: Invalid value: "0:0:0:0:0:ffff:169.254.1.1": may not be in the link-local range (169.254.0.0/16, fe80::/10)',
      'spec.externalIPs[2]: Invalid value: "::ffff:0:0": may not be unspecified (::ffff:0:0)',
    ],
  },
  {
    name: 'loadBalancerSourceRanges: a mapped network is a valid CIDR (up to /128), a zone is not',
    spec: { type: 'LoadBalancer', ports: P80, loadBalancerSourceRanges: ['::ffff:a00:0/104', '0:0:0:0:0:ffff:10.0.0.0/128', '::ffff:10.0.0.0/129', 'fe80::%eth0/64'] },
    want: [
      'spec.LoadBalancerSourceRanges[2]: Invalid value: "::ffff:10.0.0.0/129": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
      'spec.LoadBalancerSourceRanges[3]: Invalid value: "fe80::%eth0/64": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
    ],
  },
  {
    name: 'ipFamilies values',
    spec: { ports: P80, ipFamilies: ['IPv5', 'IPv5'], ipFamilyPolicy: 'Single' },
    want: [
      'spec.ipFamilies[0]: Unsupported value: "IPv5": supported values: "IPv4", "IPv6"',
      'spec.ipFamilies[1]: Unsupported value: "IPv5": supported values: "IPv4", "IPv6"',
      'spec.ipFamilies[1]: Duplicate value: "IPv5"',
      'spec.ipFamilyPolicy: Unsupported value: "Single": supported values: "PreferDualStack", "RequireDualStack", "SingleStack"',
    ],
  },
  {
    name: 'externalIPs must be usable IPs',
    spec: { ports: P80, externalIPs: ['1.2.3.4', 'x', '127.0.0.1', '0.0.0.0', '169.254.1.1', '224.0.0.5', '::1'] },
    want: [
      'spec.externalIPs[1]: Invalid value: "x": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
      'spec.externalIPs[2]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
      'spec.externalIPs[3]: Invalid value: "0.0.0.0": may not be unspecified (0.0.0.0)',
      'spec.externalIPs[4]: Invalid value: "169.254.1.1": may not be in the link-local range (169.254.0.0/16, fe80::/10)',
      'spec.externalIPs[5]: Invalid value: "224.0.0.5": may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)',
      'spec.externalIPs[6]: Invalid value: "::1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
    ],
  },
  {
    name: 'type not supported',
    spec: { ports: P80, type: 'Ingress' },
    want: ['spec.type: Unsupported value: "Ingress": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"'],
  },
  {
    name: 'loadBalancerSourceRanges off LoadBalancer, bad CIDR',
    spec: { ports: P80, loadBalancerSourceRanges: ['10.0.0.0/8', ' 1.2.3.4/33 '] },
    want: [
      "spec.LoadBalancerSourceRanges: Forbidden: may only be used when `type` is 'LoadBalancer'",
      'spec.LoadBalancerSourceRanges[1]: Invalid value: "1.2.3.4/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
    ],
  },
  { name: 'loadBalancerSourceRanges on LoadBalancer', spec: { type: 'LoadBalancer', ports: P80, loadBalancerSourceRanges: ['10.0.0.0/8', '2001:db8::/64'] }, want: [] },
  {
    name: 'source ranges annotation',
    spec: { ports: P80 },
    meta: { annotations: { 'service.beta.kubernetes.io/load-balancer-source-ranges': '10.0.0.0/8, nope' } },
    want: [
      "metadata.annotations[service.beta.kubernetes.io/load-balancer-source-ranges]: Forbidden: may only be used when `type` is 'LoadBalancer'",
      'metadata.annotations[service.beta.kubernetes.io/load-balancer-source-ranges]: Invalid value: "nope": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
    ],
  },
  {
    name: 'allocateLoadBalancerNodePorts off LoadBalancer',
    spec: { ports: P80, allocateLoadBalancerNodePorts: false },
    want: ["spec.allocateLoadBalancerNodePorts: Forbidden: may only be used when `type` is 'LoadBalancer'"],
  },
  {
    name: 'loadBalancerClass off LoadBalancer',
    spec: { ports: P80, loadBalancerClass: 'example.com/lb' },
    want: ["spec.loadBalancerClass: Forbidden: may only be used when `type` is 'LoadBalancer'"],
  },
  {
    name: 'externalTrafficPolicy on ClusterIP',
    spec: { ports: P80, externalTrafficPolicy: 'Local' },
    want: ['spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services'],
  },
  {
    name: 'externalTrafficPolicy not supported',
    spec: { type: 'NodePort', ports: P80, externalTrafficPolicy: 'Global' },
    want: ['spec.externalTrafficPolicy: Unsupported value: "Global": supported values: "Cluster", "Local"'],
  },
  { name: 'ClusterIP with externalIPs may set externalTrafficPolicy', spec: { ports: P80, externalIPs: ['1.2.3.4'], externalTrafficPolicy: 'Local' }, want: [] },
  {
    name: 'healthCheckNodePort without LoadBalancer + Local',
    spec: { type: 'NodePort', ports: P80, externalTrafficPolicy: 'Local', healthCheckNodePort: 30100 },
    want: ["spec.healthCheckNodePort: Invalid value: 30100: may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"],
  },
  {
    name: 'LoadBalancer + Local needs a healthCheckNodePort',
    spec: { type: 'LoadBalancer', ports: P80, externalTrafficPolicy: 'Local' },
    want: ['spec.healthCheckNodePort: Required value'],
  },
  {
    name: 'internalTrafficPolicy not supported',
    spec: { ports: P80, internalTrafficPolicy: 'Node' },
    want: ['spec.internalTrafficPolicy: Unsupported value: "Node": supported values: "Cluster", "Local"'],
  },
  {
    name: 'trafficDistribution',
    spec: { ports: P80, trafficDistribution: 'PreferSameZone' },
    want: ['spec.trafficDistribution: Unsupported value: "PreferSameZone": supported values: "PreferClose"'],
  },
  {
    name: 'topology annotations must agree',
    spec: { ports: P80 },
    meta: { annotations: { 'service.kubernetes.io/topology-mode': 'Auto', 'service.kubernetes.io/topology-aware-hints': 'auto' } },
    want: ['metadata.annotations[service.kubernetes.io/topology-mode]: Invalid value: "Auto": must match annotations[service.kubernetes.io/topology-aware-hints] when both are specified'],
  },
  {
    name: 'several errors keep upstream order',
    spec: { ports: [{ port: 0, protocol: 'FOO', targetPort: 'x_y' }, { port: 80, name: 'Web' }], sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 90000 } } },
    want: [
      'spec.ports[0].name: Required value',
      'spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
      'spec.ports[0].protocol: Unsupported value: "FOO": supported values: "SCTP", "TCP", "UDP"',
      'spec.ports[0].targetPort: Invalid value: "x_y": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
      `spec.ports[1].name: Invalid value: "Web": ${LABEL_ERR}`,
      'spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 90000: must be greater than 0 and less than 86400',
    ],
  },
];

describe('validateService', () => {
  for (const c of CASES) {
    test(c.name, () => {
      assert.deepEqual(errorsOf(makeService(structuredClone(c.spec), c.meta)), c.want);
    });
  }

  test('a LoadBalancer without allocateLoadBalancerNodePorts (not defaulted) is reported under upstream\'s path', () => {
    const obj = makeService({ type: 'LoadBalancer', ports: P80 });
    delete asService(obj).spec.allocateLoadBalancerNodePorts;
    assert.deepEqual(errorsOf(obj), ['allocateLoadBalancerNodePorts: Required value']);
  });

  test('missing defaults are required values', () => {
    const obj: KubeObject = { metadata: { name: 'x' }, spec: { ports: [{ port: 80, protocol: '', targetPort: 80 }], clusterIP: '10.96.0.3', clusterIPs: ['10.96.0.3'] } };
    assert.deepEqual(errorsOf(obj), [
      'spec.ports[0].protocol: Required value',
      'spec.sessionAffinity: Required value',
      'spec.type: Required value',
    ]);
  });

  test('kube-dns and kubernetes, as bootstrapped, are valid', () => {
    const dns = makeService({
      clusterIP: '10.96.0.10',
      selector: { 'k8s-app': 'kube-dns' },
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
        { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
        { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
      ],
    }, { labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' } });
    assert.deepEqual(errorsOf(dns), []);
    const api = makeService({ type: 'ClusterIP', clusterIP: '10.96.0.1', ports: [{ name: 'https', protocol: 'TCP', port: 443, targetPort: 6443 }], sessionAffinity: 'None' });
    assert.deepEqual(errorsOf(api), []);
  });
});

describe('validateServiceUpdate', () => {
  const base = (spec: ServiceSpecView): KubeObject => makeService({ ports: P80, ...spec });
  const upd = (next: KubeObject, prev: KubeObject): string[] =>
    validateServiceUpdate(asService(next), asService(prev)).map((e) => `${e.field}: ${e.detail}`);

  test('clusterIP may not change', () => {
    assert.deepEqual(upd(base({ clusterIP: '10.96.0.21' }), base({ clusterIP: '10.96.0.20' })), [
      'spec.clusterIPs[0]: Invalid value: []string{"10.96.0.21"}: may not change once set',
    ]);
  });

  test('clusterIP may not be unset', () => {
    assert.deepEqual(upd(base({ clusterIP: '', clusterIPs: [] }), base({})), [
      'spec.clusterIPs[0]: Invalid value: []string{}: primary clusterIP can not be unset',
    ]);
  });

  test('ExternalName transitions skip the clusterIP rules', () => {
    const ext = makeService({ type: 'ExternalName', externalName: 'example.com' });
    assert.deepEqual(upd(ext, base({})), []);
    assert.deepEqual(upd(base({ clusterIP: '10.96.0.99' }), ext), []);
  });

  test('the primary ipFamily may not change', () => {
    assert.deepEqual(upd(base({ clusterIP: '', clusterIPs: [], ipFamilies: ['IPv6'] }), base({})).slice(1), [
      'spec.ipFamilies[0]: Invalid value: []core.IPFamily{"IPv6"}: may not change once set',
    ]);
  });

  test('healthCheckNodePort is immutable while needed', () => {
    const lb = (hc: number): KubeObject => base({ type: 'LoadBalancer', externalTrafficPolicy: 'Local', healthCheckNodePort: hc });
    assert.deepEqual(upd(lb(30002), lb(30001)), ['spec.healthCheckNodePort: Forbidden: field is immutable']);
  });

  test('loadBalancerClass may not change on a LoadBalancer', () => {
    const lb = (cls?: string): KubeObject => base({ type: 'LoadBalancer', ...(cls ? { loadBalancerClass: cls } : {}) });
    assert.deepEqual(upd(lb('example.com/b'), lb('example.com/a')), ['spec.loadBalancerClass: Invalid value: "example.com/b": may not change once set']);
    assert.deepEqual(upd(lb(), lb('example.com/a')), ['spec.loadBalancerClass: Invalid value: "null": may not change once set']);
    // Becoming a LoadBalancer may set one.
    assert.deepEqual(upd(lb('example.com/a'), base({})), []);
  });
});
