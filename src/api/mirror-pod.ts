/**
 * @module Mirror pods: the API's copies of a node's static pods (kubelet's
 * kubetypes.ConfigMirrorAnnotationKey). kubito's node agent makes them for the node's own
 * servers (the cluster DNS in kube-system); what admission, the strategies and the control
 * plane treat differently for them keys on this annotation.
 */
import type { KubeObject } from './types.js';

export const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';

export function isMirrorPod(pod: Pick<KubeObject, 'metadata'>): boolean {
  return pod.metadata?.annotations?.[MIRROR_POD_ANNOTATION] !== undefined;
}
