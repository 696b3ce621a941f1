/**
 * @module Test fixtures: Services and EndpointSlices built as `makeService('ns', 'name', s => ...)`
 * (STYLE §6), and the cluster the golden cases and the dig tests answer from.
 */
import type { KubeObject } from '../api/types.js';
import { RecordIndex, type EndpointSliceObject, type ServiceObject } from './records.js';

export function makeService(namespace: string, name: string, edit: (s: ServiceObject & { spec: NonNullable<ServiceObject['spec']> }) => void = () => {}): ServiceObject {
  const svc = { apiVersion: 'v1', kind: 'Service', metadata: { namespace, name }, spec: { type: 'ClusterIP', ports: [] as Array<{ name?: string; protocol?: string; port: number }> } };
  edit(svc);
  return svc;
}

/** An EndpointSlice of `service`: endpoints as `ip`, `ip!` (not ready) or `ip=hostname`. */
export function makeSlice(namespace: string, service: string, endpoints: string[], ports: Array<{ name?: string; protocol?: string; port: number }>, suffix = 'abcde'): EndpointSliceObject {
  const v6 = endpoints.some((e) => e.includes(':'));
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { namespace, name: `${service}-${suffix}`, labels: { 'kubernetes.io/service-name': service } },
    addressType: v6 ? 'IPv6' : 'IPv4',
    endpoints: endpoints.map((e) => {
      const notReady = e.endsWith('!');
      const [ip, hostname] = e.replace(/!$/, '').split('=');
      return { addresses: [ip], ...(hostname ? { hostname } : {}), conditions: { ready: !notReady } };
    }),
    ports: ports.map((p) => ({ name: p.name ?? '', protocol: p.protocol ?? 'TCP', port: p.port })),
  };
}

function ns(name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}

/** The golden-test cluster (see testdata/README). Serial fixed at 1700000000. */
export function fixtureIndex(options: { synced?: boolean; onChange?: () => void } = {}): RecordIndex {
  const idx = new RecordIndex({ now: () => 1_700_000_000_000, onChange: options.onChange });
  for (const n of ['default', 'kube-system', 'testns']) idx.updateNamespace(null, ns(n));
  const http = [{ name: 'http', protocol: 'TCP', port: 80 }];
  idx.updateService(null, makeService('default', 'kubernetes', (s) => { s.spec.clusterIP = '10.96.0.1'; s.spec.ports = [{ name: 'https', protocol: 'TCP', port: 443 }]; }));
  idx.updateService(null, makeService('default', 'nginx', (s) => { s.spec.clusterIP = '10.96.0.20'; s.spec.ports = http; }));
  idx.updateEndpointSlice(null, makeSlice('default', 'nginx', ['10.244.0.2', '10.244.0.3', '10.244.0.4!'], http));
  const dnsPorts = [{ name: 'dns', protocol: 'UDP', port: 53 }, { name: 'dns-tcp', protocol: 'TCP', port: 53 }, { name: 'metrics', protocol: 'TCP', port: 9153 }];
  idx.updateService(null, makeService('kube-system', 'kube-dns', (s) => { s.spec.clusterIP = '10.96.0.10'; s.spec.ports = dnsPorts; }));
  idx.updateEndpointSlice(null, makeSlice('kube-system', 'kube-dns', ['10.244.0.1'], dnsPorts));
  idx.updateService(null, makeService('testns', 'hdls', (s) => { s.spec.clusterIP = 'None'; s.spec.ports = http; }));
  idx.updateEndpointSlice(null, makeSlice('testns', 'hdls', ['10.244.0.5=web-0', '10.244.0.6', '10.244.0.7', '10.244.0.8!'], http));
  idx.updateService(null, makeService('testns', 'empty-headless', (s) => { s.spec.clusterIP = 'None'; s.spec.ports = http; }));
  idx.updateService(null, makeService('testns', 'svcempty', (s) => { s.spec.clusterIP = '10.96.0.30'; s.spec.ports = http; }));
  idx.updateService(null, makeService('testns', 'ext', (s) => { s.spec.type = 'ExternalName'; s.spec.externalName = 'example.com'; }));
  idx.updateService(null, makeService('testns', 'ext-in', (s) => { s.spec.type = 'ExternalName'; s.spec.externalName = 'nginx.default.svc.cluster.local'; }));
  idx.updateService(null, makeService('testns', 'ext-ip', (s) => { s.spec.type = 'ExternalName'; s.spec.externalName = '1.2.3.4'; }));
  idx.updateService(null, makeService('testns', 'dual', (s) => { s.spec.clusterIP = '10.96.0.40'; s.spec.clusterIPs = ['10.96.0.40', 'fd00::40']; s.spec.ports = http; }));
  idx.updateService(null, makeService('testns', 'multi', (s) => { s.spec.clusterIP = '10.96.0.50'; s.spec.ports = [{ name: 'http', protocol: 'TCP', port: 80 }, { name: 'https', protocol: 'TCP', port: 443 }]; }));
  idx.updateService(null, makeService('testns', 'noports', (s) => { s.spec.clusterIP = 'None'; s.spec.ports = []; }));
  idx.updateEndpointSlice(null, makeSlice('testns', 'noports', ['10.244.0.9'], []));
  idx.updateService(null, makeService('testns', 'hdls6', (s) => { s.spec.clusterIP = 'None'; s.spec.ports = http; }));
  idx.updateEndpointSlice(null, makeSlice('testns', 'hdls6', ['fd00::a', 'fd00:1::'], http));
  // IPv4-mapped cluster IPs (the API reads them as IPv4): CoreDNS answers A where Go's net.ParseIP reads them.
  idx.updateService(null, makeService('testns', 'mapped', (s) => { s.spec.clusterIP = '::ffff:a60:3c'; s.spec.ports = http; }));
  idx.updateService(null, makeService('testns', 'mapped-dotted', (s) => { s.spec.clusterIP = '0:0:0:0:0:ffff:10.96.0.61'; s.spec.ports = http; }));
  idx.updateService(null, makeService('testns', 'mapped-zero', (s) => { s.spec.clusterIP = '::ffff:010.96.0.62'; s.spec.ports = http; }));
  if (options.synced ?? true) idx.setSynced(true);
  return idx;
}

export const FIXTURE_CONFIG = { zone: 'cluster.local.', ttl: 5, selfIPs: ['10.244.0.1'], pods: 'insecure' as const };

/**
 * The UDP transports the DNS tests run against: both, unless KUBITO_DNS_UDP=dgram (a machine
 * without a C compiler). CI builds the native one (`npm test` runs the build), so a missing
 * module fails the native runs there rather than skipping them.
 */
export const TRANSPORTS: ReadonlyArray<'dgram' | 'native'> = process.env.KUBITO_DNS_UDP === 'dgram' ? ['dgram'] : ['dgram', 'native'];
