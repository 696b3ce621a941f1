/**
 * @module What the endpoint controllers need to know about Pods and Services, shared by the
 * EndpointSlice and the Endpoints controllers as upstream shares k8s.io/endpointslice/util:
 * readiness, whether a pod belongs in endpoints at all, hostnames, named target ports, pod IPs,
 * and which Services a pod change concerns.
 */
import { matches, selectorFromSet } from '../../api/selectors/index.js';
import type { PodView, ServicePortView, ServiceView } from './types.js';

/** Whether the Service's endpoints come from a selector (nil and empty count as none). */
export function hasSelector(service: ServiceView): boolean {
  // The apiserver drops an empty map (protobuf storage), so `{}` reads back as nil upstream.
  return Object.keys(service.spec?.selector ?? {}).length > 0;
}

/** Whether the endpoint controllers manage this Service's endpoints at all. */
export function managesEndpoints(service: ServiceView): boolean {
  // ExternalName Services get no endpoints (issues.k8s.io/105986); selector-less ones get
  // endpoints written by their users.
  return service.spec?.type !== 'ExternalName' && hasSelector(service);
}

/** podutil.IsPodReady: the Ready condition is True. */
export function isPodReady(pod: PodView): boolean {
  return (pod.status?.conditions ?? []).find((c) => c.type === 'Ready')?.status === 'True';
}

/** The Ready condition's lastTransitionTime, the pod's endpoint trigger time. */
export function podReadyTransitionTime(pod: PodView): string | undefined {
  return (pod.status?.conditions ?? []).find((c) => c.type === 'Ready')?.lastTransitionTime ?? undefined;
}

/** A Succeeded or Failed pod never runs again. */
export function isPodTerminal(pod: PodView): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

/**
 * The pod's IPs: `status.podIPs`, or `[status.podIP]` when only that is set (the apiserver's
 * conversion fills podIPs from podIP, so both views agree upstream).
 */
export function podIPs(pod: PodView): string[] {
  const ips = (pod.status?.podIPs ?? []).map((p) => p.ip).filter(Boolean);
  if (ips.length > 0) return ips;
  return pod.status?.podIP ? [pod.status.podIP] : [];
}

/**
 * ShouldPodBeInEndpoints: not terminal, has an IP, and (unless `includeTerminating`) not being
 * deleted.
 */
export function shouldPodBeInEndpoints(pod: PodView, includeTerminating: boolean): boolean {
  if (isPodTerminal(pod)) return false;
  if (!pod.status?.podIP && (pod.status?.podIPs ?? []).length === 0) return false;
  if (!includeTerminating && pod.metadata.deletionTimestamp) return false;
  return true;
}

/** ShouldSetHostname: the pod names a hostname and sits in the Service's subdomain. */
export function shouldSetHostname(pod: PodView, service: ServiceView): boolean {
  return !!pod.spec?.hostname && pod.spec.subdomain === service.metadata.name && pod.metadata.namespace === service.metadata.namespace;
}

/**
 * FindPort: the port number a Service port reaches on this pod. A number is used as is; a
 * name is looked up (with the Service port's protocol) in the containers' ports, then in the
 * ports of sidecars (init containers with restartPolicy Always). Undefined when nothing
 * matches (upstream: `no suitable port for manifest: <uid>`), which leaves the pod out for
 * that port.
 */
export function findPort(pod: PodView, servicePort: ServicePortView): number | undefined {
  const target = servicePort.targetPort ?? servicePort.port;
  if (typeof target === 'number') return target;
  const protocol = servicePort.protocol ?? 'TCP';
  const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always')];
  for (const container of containers) {
    for (const port of container.ports ?? []) {
      if (port.name === target && (port.protocol ?? 'TCP') === protocol) return port.containerPort;
    }
  }
  return undefined;
}

/** The `namespace/name` keys of the Services in `namespace` whose selector matches `labels`. */
export function servicesSelecting(services: readonly ServiceView[], namespace: string, labels: Record<string, string> | undefined): Set<string> {
  const keys = new Set<string>();
  for (const service of services) {
    if (service.metadata.namespace !== namespace || !hasSelector(service)) continue;
    if (matches(selectorFromSet(service.spec!.selector), labels ?? {})) keys.add(`${namespace}/${service.metadata.name}`);
  }
  return keys;
}

function sameLabels(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const ea = Object.entries(a ?? {});
  return ea.length === Object.keys(b ?? {}).length && ea.every(([k, v]) => b?.[k] === v);
}

function sameIPs(a: PodView, b: PodView): boolean {
  const ia = (a.status?.podIPs ?? []).map((p) => p.ip);
  const ib = (b.status?.podIPs ?? []).map((p) => p.ip);
  return ia.length === ib.length && ia.every((ip, i) => ip === ib[i]) && a.status?.podIP === b.status?.podIP;
}

/**
 * GetServicesToUpdateOnPodChange: the Services whose endpoints a pod update may change
 * (`servicesFor` answers which Services select a set of labels). No
 * change of resourceVersion, or no change that endpoints show, concerns none. A label (or
 * hostname/subdomain) change concerns the Services that gained or lost the pod, and all of the
 * old and new ones if the pod's endpoint changed too.
 */
export function servicesForPodUpdate(servicesFor: (namespace: string, labels: Record<string, string> | undefined) => Set<string>, oldPod: PodView, newPod: PodView): Set<string> {
  if (oldPod.metadata.resourceVersion === newPod.metadata.resourceVersion) return new Set();
  const labelsChanged =
    !sameLabels(oldPod.metadata.labels, newPod.metadata.labels) ||
    oldPod.spec?.hostname !== newPod.spec?.hostname ||
    oldPod.spec?.subdomain !== newPod.spec?.subdomain;
  // Upstream compares deletionTimestamp pointers, which differ whenever either is set.
  const podChanged =
    !!oldPod.metadata.deletionTimestamp ||
    !!newPod.metadata.deletionTimestamp ||
    isPodReady(oldPod) !== isPodReady(newPod) ||
    !sameIPs(oldPod, newPod);
  const namespace = newPod.metadata.namespace ?? '';
  if (!podChanged && !labelsChanged) return new Set();
  const current = servicesFor(namespace, newPod.metadata.labels);
  if (!labelsChanged) return current;
  const previous = servicesFor(namespace, oldPod.metadata.labels);
  if (podChanged) return new Set([...current, ...previous]);
  // Only the labels changed: the Services on one side only.
  return new Set([...current, ...previous].filter((k) => current.has(k) !== previous.has(k)));
}
