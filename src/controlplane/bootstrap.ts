/**
 * @module What exists in every cluster from its first start: the four system namespaces, the
 * `default/kubernetes` Service (the first address of the service CIDR, port https 443), as
 * kube-apiserver's system namespaces and kubernetesservice controllers create them, and the
 * `kube-system/kube-dns` Service (the tenth address, selector `k8s-app: kube-dns`) as kubeadm's
 * CoreDNS addon ships it.
 */
import { isAlreadyExists, isNotFound } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import type { RestStorage } from '../apiserver/registry/rest-storage.js';
import { KUBERNETES_ENDPOINT_ADDRESS, kubernetesEndpointSlice, kubernetesEndpoints } from '../controllers/endpoints/kubernetes.js';

/** The manager label of the kube-dns slice earlier kubito versions wrote here (removed at start). */
const EARLIER_KUBE_DNS_MANAGER = 'control-plane.kubito.io';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** Creates the object unless it exists (read first: a second create would fail allocation, not with AlreadyExists). */
async function ensure(storage: RestStorage, namespace: string, obj: KubeObject): Promise<void> {
  try {
    await storage.get(namespace, obj.metadata.name ?? '');
    return;
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  try {
    await storage.create(namespace, obj);
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
  }
}

function kubernetesService(options: { kubernetesIP: string; apiPort: number }): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: {
      type: 'ClusterIP',
      clusterIP: options.kubernetesIP,
      ports: [{ name: 'https', protocol: 'TCP', port: 443, targetPort: options.apiPort }],
      sessionAffinity: 'None',
    },
  };
}

/** Creates or replaces an object the API server owns (the `default/kubernetes` endpoints). */
async function reconcile(storage: RestStorage, namespace: string, obj: KubeObject): Promise<void> {
  await storage.guaranteedUpdate(
    namespace,
    obj.metadata.name ?? '',
    (current) => {
      const next = structuredClone(obj);
      if (current) next.metadata.resourceVersion = current.metadata.resourceVersion;
      return next;
    },
    { allowCreate: true },
  );
}

export async function bootstrap(
  storages: { namespaces: RestStorage; services: RestStorage; endpoints: RestStorage; endpointSlices: RestStorage },
  options: { kubernetesIP: string; dnsIP: string; apiPort: number },
): Promise<void> {
  for (const name of SYSTEM_NAMESPACES) {
    await ensure(storages.namespaces, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name } } });
  }
  await ensure(storages.services, 'default', kubernetesService(options));
  // The API port can change between starts (`--api-port 0`); keep targetPort on it, as
  // upstream's kubernetesservice controller reconciles the Service.
  await storages.services.guaranteedUpdate('default', 'kubernetes', (current) => {
    const svc = current as KubeObject & { spec: { ports?: Array<{ targetPort?: number }> } };
    for (const port of svc.spec.ports ?? []) port.targetPort = options.apiPort;
    return svc;
  });
  await ensure(storages.services, 'kube-system', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: 'kube-dns',
      namespace: 'kube-system',
      labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' },
      annotations: { 'prometheus.io/port': '9153', 'prometheus.io/scrape': 'true' },
    },
    spec: {
      type: 'ClusterIP',
      clusterIP: options.dnsIP,
      selector: { 'k8s-app': 'kube-dns' },
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
        { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
        { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
      ],
    },
  });
  // kube-dns selects the DNS's mirror pod (`kube-dns-<node>`, src/node/static-pods.ts), as
  // kubeadm's selects CoreDNS's pods: the endpoint controllers write its endpoints. A cluster
  // made by an earlier kubito had no selector and a slice written here: that slice goes (the
  // controller's takes its place; the Endpoints object it simply rewrites).
  await storages.services.guaranteedUpdate('kube-system', 'kube-dns', (current) => {
    const svc = current as KubeObject & { spec: { selector?: Record<string, string> } };
    svc.spec.selector = { 'k8s-app': 'kube-dns' };
    return svc;
  });
  try {
    const old = (await storages.endpointSlices.get('kube-system', 'kube-dns')) as KubeObject;
    if (old.metadata.labels?.['endpointslice.kubernetes.io/managed-by'] === EARLIER_KUBE_DNS_MANAGER) await storages.endpointSlices.delete('kube-system', 'kube-dns');
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  // The apiserver's EndpointReconciler: the endpoints of `kubernetes` name where the API is
  // reachable from pods (the node's pod-network address, forwarded by the node agent).
  await reconcile(storages.endpoints, 'default', kubernetesEndpoints(KUBERNETES_ENDPOINT_ADDRESS, options.apiPort) as unknown as KubeObject);
  await reconcile(storages.endpointSlices, 'default', kubernetesEndpointSlice(KUBERNETES_ENDPOINT_ADDRESS, options.apiPort) as unknown as KubeObject);
}
