/**
 * @module The fields of a Pod the stream subresources depend on, and the checks kube-apiserver
 * makes before it proxies a stream to the kubelet (pkg/registry/core/pod/strategy.go
 * streamLocation / LogLocation) plus the kubelet's container-state checks for logs
 * (validateContainerLogStatus), with their exact messages. Pure.
 */
import { newBadRequest } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';

interface ContainerState {
  waiting?: { reason?: string };
  running?: object;
  terminated?: { exitCode?: number; reason?: string };
}

/** Slim projection of a Pod (STYLE 10). */
export interface PodView {
  metadata: { name: string; namespace?: string; uid?: string };
  spec?: {
    nodeName?: string;
    containers?: { name: string }[];
    initContainers?: { name: string }[];
    ephemeralContainers?: { name: string }[];
  };
  status?: {
    phase?: string;
    containerStatuses?: { name: string; state?: ContainerState; lastState?: ContainerState }[];
    initContainerStatuses?: { name: string; state?: ContainerState; lastState?: ContainerState }[];
    ephemeralContainerStatuses?: { name: string; state?: ContainerState; lastState?: ContainerState }[];
  };
}

export function asPodView(obj: KubeObject): PodView {
  return obj as unknown as PodView;
}

function names(list: { name: string }[] | undefined): string[] {
  return (list ?? []).map((c) => c.name);
}

/**
 * The container a request addresses: the one named (it must exist in the pod), or the only one.
 * Throws BadRequest with kube-apiserver's messages otherwise.
 */
export function resolveContainer(pod: PodView, container: string | undefined): string {
  const name = pod.metadata.name;
  const containers = names(pod.spec?.containers);
  if (!container) {
    if (containers.length === 1) return containers[0];
    if (containers.length === 0) throw newBadRequest(`a container name must be specified for pod ${name}`);
    let message = `a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]`;
    const init = names(pod.spec?.initContainers);
    if (init.length) message += ` or one of the init containers: [${init.join(' ')}]`;
    throw newBadRequest(message);
  }
  const all = [...containers, ...names(pod.spec?.initContainers), ...names(pod.spec?.ephemeralContainers)];
  if (!all.includes(container)) throw newBadRequest(`container ${container} is not valid for pod ${name}`);
  return container;
}

/** The node the pod runs on; BadRequest when it has none (exec, attach, port-forward). */
export function requireNode(pod: PodView): string {
  const node = pod.spec?.nodeName;
  if (!node) throw newBadRequest(`pod ${pod.metadata.name} does not have a host assigned`);
  return node;
}

/**
 * Why the logs of a container cannot be read yet, as the kubelet words it, or undefined when
 * they can. A container the status does not list yet is still being created.
 */
export function logUnavailableReason(pod: PodView, options: { container: string; previous: boolean }): string | undefined {
  const { container, previous } = options;
  const podName = pod.metadata.name;
  const statuses = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.ephemeralContainerStatuses ?? [])];
  const status = statuses.find((s) => s.name === container);
  if (!status) return `container "${container}" in pod "${podName}" is waiting to start: ContainerCreating`;
  const state = status.state ?? {};
  const last = status.lastState ?? {};
  if (previous) return last.terminated ? undefined : `previous terminated container "${container}" in pod "${podName}" not found`;
  if (state.running || state.terminated || last.terminated) return undefined;
  if (state.waiting) {
    switch (state.waiting.reason) {
      case 'ErrImagePull':
        return `container "${container}" in pod "${podName}" is waiting to start: image can't be pulled`;
      case 'ImagePullBackOff':
        return `container "${container}" in pod "${podName}" is waiting to start: trying and failing to pull image`;
      default:
        return `container "${container}" in pod "${podName}" is waiting to start: ${state.waiting.reason ?? ''}`;
    }
  }
  return `container "${container}" in pod "${podName}" is waiting to start - no logs yet`;
}
