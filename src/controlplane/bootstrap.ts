/**
 * @module What exists in every cluster from its first start: the four system namespaces and
 * the `default/kubernetes` Service (the first address of the service CIDR, port https 443), as
 * kube-apiserver's system namespaces and kubernetesservice controllers create them.
 */
import { isAlreadyExists } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import type { RestStorage } from '../apiserver/registry/rest-storage.js';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

async function ensure(storage: RestStorage, namespace: string, obj: KubeObject): Promise<void> {
  try {
    await storage.create(namespace, obj);
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
  }
}

export async function bootstrap(storages: { namespaces: RestStorage; services: RestStorage }, options: { kubernetesIP: string; apiPort: number }): Promise<void> {
  for (const name of SYSTEM_NAMESPACES) {
    await ensure(storages.namespaces, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name } } });
  }
  await ensure(storages.services, 'default', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: {
      type: 'ClusterIP',
      clusterIP: options.kubernetesIP,
      ports: [{ name: 'https', protocol: 'TCP', port: 443, targetPort: options.apiPort }],
      sessionAffinity: 'None',
    },
  });
}
