/**
 * @module Cluster DNS as one piece for the node agent: informers on Services, EndpointSlices
 * and Namespaces (from the agent's InformerFactory) feed a RecordIndex, every change drops the
 * server's answer cache, and the server answers on the node's address. Names outside the
 * cluster go to the control plane's relay over `<data-dir>/run/dns-upstream.sock`.
 */
import { findResource, type ResourceInfo } from '../api/resources.js';
import type { AnswerConfig } from './answer.js';
import type { KubeObject } from '../api/types.js';
import type { InformerFactory } from '../client/index.js';
import { RecordIndex, type EndpointSliceObject, type ServiceObject } from './records.js';
import { RelayClient } from './relay-client.js';
import { DnsServer } from './server.js';

export interface ClusterDnsOptions {
  informers: InformerFactory;
  /** The address to listen on (the node's, 10.244.0.1). */
  host: string;
  port?: number;
  metricsPort?: number;
  healthPort?: number;
  readyPort?: number;
  /** `cluster.local` (with or without the trailing dot). */
  clusterDomain: string;
  /** Record TTL; default 30, kubeadm's Corefile (`kubernetes … { ttl 30 }`). */
  ttl?: number;
  /** The relay's socket; undefined: names outside the cluster get SERVFAIL. */
  relaySocket?: string;
  log(line: string): void;
}

export interface ClusterDns {
  server: DnsServer;
  index: RecordIndex;
  stop(): Promise<void>;
}

export { relaySocketPath } from './upstreams.js';

function must(group: string, version: string, resource: string): ResourceInfo {
  const info = findResource(group, version, resource);
  if (!info) throw new Error(`dns: the API table has no ${resource}.${group || 'core'}/${version}`);
  return info;
}

/**
 * kubeadm's `kubernetes <domain> in-addr.arpa ip6.arpa { pods insecure; ttl 30 }`: TTL 30
 * unless told otherwise (CoreDNS's own default, 5, is not what a kubeadm cluster serves).
 */
export function clusterDnsConfig(o: { clusterDomain: string; host: string; ttl?: number }): AnswerConfig {
  return { zone: o.clusterDomain.replace(/\.?$/, '.').toLowerCase(), ttl: o.ttl ?? 30, selfIPs: [o.host], pods: 'insecure' };
}

/**
 * Starts listening at once (answering SERVFAIL for unknown names until the informers have
 * synced, as CoreDNS does) and resolves; the caller starts the factory.
 */
export async function startClusterDns(o: ClusterDnsOptions): Promise<ClusterDns> {
  let server: DnsServer | undefined;
  const index = new RecordIndex({ onChange: () => server?.invalidate() });
  const services = o.informers.informer<ServiceObject>(must('', 'v1', 'services'));
  const slices = o.informers.informer<EndpointSliceObject>(must('discovery.k8s.io', 'v1', 'endpointslices'));
  const namespaces = o.informers.informer<KubeObject>(must('', 'v1', 'namespaces'));
  const removers = [
    services.addHandlers({ onAdd: (s) => index.updateService(null, s), onUpdate: (a, b) => index.updateService(a, b), onDelete: (s) => index.updateService(s, null) }),
    slices.addHandlers({ onAdd: (s) => index.updateEndpointSlice(null, s), onUpdate: (a, b) => index.updateEndpointSlice(a, b), onDelete: (s) => index.updateEndpointSlice(s, null) }),
    namespaces.addHandlers({ onAdd: (n) => index.updateNamespace(null, n), onUpdate: (a, b) => index.updateNamespace(a, b), onDelete: (n) => index.updateNamespace(n, null) }),
  ];
  const relay = o.relaySocket ? new RelayClient(o.relaySocket) : undefined;
  server = new DnsServer({
    source: index,
    config: clusterDnsConfig(o),
    relay,
    host: o.host,
    port: o.port ?? 53,
    metricsPort: o.metricsPort,
    healthPort: o.healthPort,
    readyPort: o.readyPort,
    log: o.log,
  });
  await server.start();
  let stopped = false;
  void Promise.all([services.waitForSync(), slices.waitForSync(), namespaces.waitForSync()]).then((done) => {
    if (stopped || !done.every(Boolean)) return;
    index.setSynced(true);
    o.log('dns: services, endpointslices and namespaces synced: answering for the cluster zone');
  });
  return {
    server,
    index,
    async stop() {
      stopped = true;
      for (const remove of removers) remove();
      relay?.close();
      await server!.stop();
    },
  };
}
