/**
 * @module Test fixtures of volumes (for the node's unit tests): the projected volume the
 * ServiceAccount admission plugin adds to a pod, as upstream writes it.
 */
import type { Volume } from './pod-view.js';

export const KUBE_API_ACCESS: Volume & { name: string } = {
  name: 'kube-api-access-abcde',
  projected: {
    defaultMode: 420,
    sources: [
      { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
    ],
  },
};
