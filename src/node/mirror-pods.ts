/**
 * @module The mirror pods of the components the node agent runs itself (kubito's cluster DNS
 * and its kube-proxy data plane): pod objects as upstream's kubelet makes mirror pods of static
 * pods (pkg/kubelet/pod/mirror_client.go, pkg/kubelet/types/pod_update.go) — the static pod's
 * hash in `kubernetes.io/config.hash` and `kubernetes.io/config.mirror`, its source in
 * `kubernetes.io/config.source`, when the agent first saw it in `kubernetes.io/config.seen`, the
 * Node as controlling owner, spec.nodeName set — modelled on what a kubeadm cluster shows for
 * CoreDNS's and kube-proxy's pods, and their status from the components' real state. Pure.
 */
import { createHash } from 'node:crypto';
import type { KubeObject } from '../api/types.js';
import { KUBELET_VERSION } from './node-object.js';
import { podStatus } from './pod-status.js';
import type { ContainerState, ContainerStatus, Pod, PodSpec, PodStatus } from './pod-view.js';
import { isMirrorPod, MIRROR_POD_ANNOTATION } from '../api/mirror-pod.js';
import { CLUSTER_DNS_PORTS } from '../dns/ports.js';

/** pkg/kubelet/types: the annotations of static and mirror pods. */
export const CONFIG_MIRROR = MIRROR_POD_ANNOTATION;
export const CONFIG_HASH = 'kubernetes.io/config.hash';
export const CONFIG_SOURCE = 'kubernetes.io/config.source';
export const CONFIG_SEEN = 'kubernetes.io/config.seen';
/** The source kubito's static pods come from: the agent itself (upstream: file, http). */
export const STATIC_SOURCE = 'kubito-node-agent';
/** What the pod is, for whoever reads `kubectl describe`. */
export const RUNS_IN = 'kubito.io/runs-in';

export type StaticComponent = 'dns' | 'proxy';
export const STATIC_COMPONENTS: readonly StaticComponent[] = ['dns', 'proxy'];

/** True for a mirror pod (the kubelet's IsMirrorPod): the pod worker never runs one. */
export { isMirrorPod };

interface ComponentShape {
  name: string;
  labels: Record<string, string>;
  description: string;
  spec(): Omit<PodSpec, 'nodeName' | 'containers'> & { priorityClassName: string; containers: Array<PodSpec['containers'][number] & Record<string, unknown>> };
}

/** The two components, shaped as kubeadm's coredns Deployment's and kube-proxy DaemonSet's pods. */
const SHAPES: Record<StaticComponent, (nodeName: string) => ComponentShape> = {
  dns: (nodeName) => ({
    name: `kube-dns-${nodeName}`,
    labels: { 'k8s-app': 'kube-dns' },
    description: "kubito's cluster DNS (not CoreDNS), served by the node agent process on the node's address; no container runs",
    spec: () => ({
      priorityClassName: 'system-cluster-critical',
      hostNetwork: true,
      dnsPolicy: 'Default',
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      tolerations: [
        { key: 'CriticalAddonsOnly', operator: 'Exists' },
        { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
      ],
      containers: [
        {
          name: 'dns',
          image: `kubito/node-agent-dns:${KUBELET_VERSION}`,
          imagePullPolicy: 'IfNotPresent',
          ports: [
            { name: 'dns', containerPort: CLUSTER_DNS_PORTS.dns, protocol: 'UDP' },
            { name: 'dns-tcp', containerPort: CLUSTER_DNS_PORTS.dns, protocol: 'TCP' },
            { name: 'metrics', containerPort: CLUSTER_DNS_PORTS.metrics, protocol: 'TCP' },
          ],
          // What the agent serves and what it reads the pod's readiness from (CoreDNS's probes).
          livenessProbe: { httpGet: { path: '/health', port: CLUSTER_DNS_PORTS.health, scheme: 'HTTP' }, initialDelaySeconds: 60, timeoutSeconds: 5, periodSeconds: 10, successThreshold: 1, failureThreshold: 5 },
          readinessProbe: { httpGet: { path: '/ready', port: CLUSTER_DNS_PORTS.ready, scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
        },
      ],
    }),
  }),
  proxy: (nodeName) => ({
    name: `kube-proxy-${nodeName}`,
    labels: { 'k8s-app': 'kube-proxy' },
    description: "kubito's kube-proxy data plane (not upstream's kube-proxy), run by the node agent process in the node's network namespace; no container runs",
    spec: () => ({
      priorityClassName: 'system-node-critical',
      hostNetwork: true,
      dnsPolicy: 'ClusterFirst',
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      tolerations: [{ operator: 'Exists' }],
      containers: [{ name: 'kube-proxy', image: `kubito/node-agent-proxy:${KUBELET_VERSION}`, imagePullPolicy: 'IfNotPresent', securityContext: { privileged: true } }],
    }),
  }),
};

export interface StaticPodRef {
  component: StaticComponent;
  namespace: 'kube-system';
  name: string;
  container: string;
  /** The static pod's UID: its config hash (a file source's, upstream). */
  uid: string;
}

/**
 * The static pod of a component on this node: what the agent runs. Its UID and
 * `config.hash` are the md5 of the object (without them), the node's name and the source, as
 * the kubelet's file source hashes a manifest; `seen` is when this agent first had it.
 */
export function staticPod(component: StaticComponent, options: { nodeName: string; seen: string }): Pod & { metadata: { uid: string } } {
  const shape = SHAPES[component](options.nodeName);
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: shape.name,
      namespace: 'kube-system',
      labels: { ...shape.labels },
      annotations: { [CONFIG_SOURCE]: STATIC_SOURCE, [RUNS_IN]: shape.description } as Record<string, string>,
    },
    spec: { ...shape.spec(), nodeName: options.nodeName },
  };
  const hash = createHash('md5').update(JSON.stringify(pod)).update(options.nodeName).update(STATIC_SOURCE).digest('hex');
  pod.metadata.annotations[CONFIG_HASH] = hash;
  pod.metadata.annotations[CONFIG_SEEN] = options.seen;
  return { ...pod, metadata: { ...pod.metadata, uid: hash } } as unknown as Pod & { metadata: { uid: string } };
}

export function staticPodRef(component: StaticComponent, nodeName: string): StaticPodRef {
  const shape = SHAPES[component](nodeName);
  const uid = staticPod(component, { nodeName, seen: '' }).metadata.uid;
  return { component, namespace: 'kube-system', name: shape.name, container: shape.spec().containers[0].name, uid };
}

/**
 * The mirror pod to create for a static pod (CreateMirrorPod): its annotations plus
 * `config.mirror` = the hash, the Node as controlling owner; no UID or status (the API's).
 */
export function mirrorPod(staticPodObject: Pod, node: { name: string; uid: string }): KubeObject {
  const annotations = { ...(staticPodObject.metadata.annotations ?? {}) };
  annotations[CONFIG_MIRROR] = annotations[CONFIG_HASH] ?? '';
  const metadata: Record<string, unknown> = { ...staticPodObject.metadata, annotations, ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: node.name, uid: node.uid, controller: true }] };
  delete metadata.uid;
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec: structuredClone(staticPodObject.spec) } as unknown as KubeObject;
}

/**
 * Whether the pod in the API is the current mirror pod of this static pod on this node: the
 * mirror hash matches and it is not being deleted (IsMirrorPodOf, plus the kubelet's check of
 * the deletion timestamp). Any other pod of that name is deleted and made again.
 */
export function isMirrorOf(apiPod: Pick<KubeObject, 'metadata'>, staticPodObject: Pod): boolean {
  const want = staticPodObject.metadata.annotations?.[CONFIG_HASH];
  return !!want && apiPod.metadata.annotations?.[CONFIG_MIRROR] === want && !apiPod.metadata.deletionTimestamp;
}

/** What the agent knows of one component's run (this agent process is one run). */
export interface ComponentRun {
  /** Runs before this one (agent starts with this data dir, logs kept): the restart count. */
  restartCount: number;
  /** When this run started serving; undefined while it starts. */
  startedAt?: string;
  /** Serving now: the DNS synced and listening; the proxy's rules synced and healthy. */
  ready: boolean;
  /** It could not start: the error, as the agent logged it. */
  failed?: { message: string; at: string };
  /** How the previous run ended, when there was one. */
  previous?: { startedAt: string; finishedAt: string; exitCode: number; reason: string };
}

/** The ID a run is shown with (`kubito://<64 hex>`): stable for one run of one static pod. */
export function runContainerID(uid: string, container: string, restartCount: number): string {
  return `kubito://${createHash('sha256').update(`${uid}/${container}/${restartCount}`).digest('hex')}`;
}

/**
 * The status the agent writes on the mirror pod: Running, Ready when the component serves,
 * hostNetwork's IPs (the node's), the container's real start time and restart count.
 */
export function staticPodStatus(staticPodObject: Pod & { metadata: { uid: string } }, run: ComponentRun, options: { hostIP: string; startTime: string; now: string; previous?: PodStatus }): PodStatus {
  const spec = staticPodObject.spec.containers[0];
  const containerID = runContainerID(staticPodObject.metadata.uid, spec.name, run.restartCount);
  let state: ContainerState;
  if (run.failed) state = { terminated: { exitCode: 1, reason: 'Error', message: run.failed.message, startedAt: run.failed.at, finishedAt: run.failed.at, containerID } };
  else if (run.startedAt) state = { running: { startedAt: run.startedAt } };
  else state = { waiting: { reason: 'ContainerCreating' } };
  const lastState: ContainerState = run.previous ? { terminated: { ...run.previous, containerID: runContainerID(staticPodObject.metadata.uid, spec.name, run.restartCount - 1) } } : {};
  const container: ContainerStatus = {
    name: spec.name,
    state,
    lastState,
    ready: !!state.running && run.ready,
    restartCount: run.restartCount,
    image: spec.image ?? '',
    imageID: `${(spec.image ?? '').replace(/:[^:/]*$/, '')}@kubito:node-agent`,
    started: !!state.running,
  };
  if (!state.waiting) container.containerID = containerID;
  const pod = { ...staticPodObject, status: options.previous } as Pod;
  const status = podStatus({ pod, now: options.now, hostIP: options.hostIP, podIP: options.hostIP, startTime: options.startTime, sandboxReady: true, initContainerStatuses: [], containerStatuses: [container] });
  // generateAPIPodStatus: a pod the kubelet runs is scheduled (no scheduler bound this one).
  if (!status.conditions?.some((c) => c.type === 'PodScheduled')) status.conditions?.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: options.startTime });
  return status;
}
