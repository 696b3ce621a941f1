/**
 * @module Sample objects of the kinds kubectl never sends or prints from protobuf (so no
 * capture can check them against Go): used for encode/decode round trips. Written in Go's
 * JSON normal form, so a round trip must give them back unchanged.
 */
import type { KubeObject } from '../../types.js';
import { sampleMeta, samplePodSpec, sampleService } from './sample-objects.js';

const T0 = '2024-01-02T03:04:05Z';
const T1 = '2024-01-02T03:05:06Z';

export function samplePod(): KubeObject {
  return {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: sampleMeta('web-1', { generateName: 'web-' }),
    spec: { ...samplePodSpec(), nodeName: 'node-1', hostNetwork: true, hostPID: true, hostIPC: true, activeDeadlineSeconds: 0, runtimeClassName: 'runc' },
    status: {
      phase: 'Running',
      conditions: [
        { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: T0 },
        { type: 'Ready', status: 'False', lastProbeTime: T1, lastTransitionTime: T1, reason: 'ContainersNotReady', message: 'containers with unready status: [web]' },
      ],
      message: 'm',
      reason: 'r',
      nominatedNodeName: 'node-2',
      hostIP: '192.168.1.10',
      hostIPs: [{ ip: '192.168.1.10' }],
      podIP: '10.244.0.5',
      podIPs: [{ ip: '10.244.0.5' }, { ip: 'fd00::5' }],
      startTime: T0,
      initContainerStatuses: [
        {
          name: 'init',
          state: { waiting: { reason: 'PodInitializing' } },
          lastState: {},
          ready: false,
          restartCount: 0,
          image: 'busybox',
          imageID: '',
          started: false,
        },
      ],
      containerStatuses: [
        {
          name: 'web',
          state: { running: { startedAt: T1 } },
          lastState: { terminated: { exitCode: 137, signal: 9, reason: 'OOMKilled', message: 'killed', startedAt: T0, finishedAt: T1, containerID: 'kubito://a' } },
          ready: true,
          restartCount: 1,
          image: 'nginx:1.27',
          imageID: 'kubito://nginx',
          containerID: 'kubito://b',
          started: true,
          allocatedResources: { cpu: '250m' },
        },
        { name: 'sidecar', state: { terminated: { exitCode: 0, startedAt: null, finishedAt: null } }, lastState: {}, ready: false, restartCount: 0, image: '', imageID: '' },
      ],
      qosClass: 'Burstable',
    },
  };
}

export function sampleNode(): KubeObject {
  const resources = { cpu: '4', memory: '8Gi', pods: '110', 'ephemeral-storage': '100Gi' };
  return {
    kind: 'Node',
    apiVersion: 'v1',
    metadata: sampleMeta('node-1', { namespace: undefined }),
    spec: {
      podCIDR: '10.244.1.0/24',
      podCIDRs: ['10.244.1.0/24'],
      providerID: 'kubito://node-1',
      unschedulable: true,
      taints: [
        { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule', timeAdded: T1 },
        { key: 'dedicated', value: 'web', effect: 'NoExecute' },
      ],
    },
    status: {
      capacity: resources,
      allocatable: { ...resources, memory: '7900Mi' },
      conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: T1, lastTransitionTime: T0, reason: 'KubeletReady', message: 'kubelet is posting ready status' }],
      addresses: [
        { type: 'InternalIP', address: '192.168.1.10' },
        { type: 'Hostname', address: 'node-1' },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: 'm',
        systemUUID: 's',
        bootID: 'b',
        kernelVersion: '6.1.0',
        osImage: 'Debian',
        containerRuntimeVersion: 'kubito://0.1.0',
        kubeletVersion: 'v1.33.1',
        kubeProxyVersion: '',
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
      images: [{ names: ['nginx:1.27', 'docker.io/library/nginx@sha256:abc'], sizeBytes: 68_000_000_000 }],
      volumesInUse: ['kubernetes.io/csi/x'],
      volumesAttached: [{ name: 'kubernetes.io/csi/x', devicePath: '/dev/sdb' }],
    },
  };
}

export function sampleEndpoints(): KubeObject {
  return {
    kind: 'Endpoints',
    apiVersion: 'v1',
    metadata: sampleMeta('web'),
    subsets: [
      {
        addresses: [{ ip: '10.244.0.5', hostname: 'web-1', nodeName: 'node-1', targetRef: { kind: 'Pod', namespace: 'default', name: 'web-1', uid: 'p1' } }],
        notReadyAddresses: [{ ip: '10.244.0.6' }],
        ports: [
          { name: 'http', port: 80, protocol: 'TCP', appProtocol: 'http' },
          { port: 53, protocol: 'UDP' },
        ],
      },
    ],
  };
}

export function sampleEndpointSlice(): KubeObject {
  return {
    kind: 'EndpointSlice',
    apiVersion: 'discovery.k8s.io/v1',
    metadata: sampleMeta('web-abc12', { labels: { 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' } }),
    addressType: 'IPv4',
    endpoints: [
      {
        addresses: ['10.244.0.5'],
        conditions: { ready: true, serving: true, terminating: false },
        hostname: 'web-1',
        targetRef: { kind: 'Pod', namespace: 'default', name: 'web-1', uid: 'p1' },
        nodeName: 'node-1',
        zone: 'z1',
        hints: { forZones: [{ name: 'z1' }], forNodes: [{ name: 'node-1' }] },
      },
      { addresses: ['10.244.0.6'], conditions: {} },
    ],
    ports: [
      { name: 'http', protocol: 'TCP', port: 80, appProtocol: 'http' },
      { name: '', protocol: 'UDP', port: 53 },
    ],
  };
}

/** A slice whose lists are empty: upstream's JSON shows them as null (no omitempty). */
export function sampleEmptyEndpointSlice(): KubeObject {
  return { kind: 'EndpointSlice', apiVersion: 'discovery.k8s.io/v1', metadata: { name: 'empty', creationTimestamp: null }, addressType: 'IPv6', endpoints: null, ports: null };
}

export function sampleLease(): KubeObject {
  return {
    kind: 'Lease',
    apiVersion: 'coordination.k8s.io/v1',
    metadata: sampleMeta('node-1', { namespace: 'kube-node-lease' }),
    spec: {
      holderIdentity: 'node-1',
      leaseDurationSeconds: 40,
      acquireTime: '2024-01-02T03:04:05.000000Z',
      renewTime: '2024-01-02T03:05:06.654321Z',
      leaseTransitions: 0,
    },
  };
}

export function sampleReplicaSet(): KubeObject {
  return {
    kind: 'ReplicaSet',
    apiVersion: 'apps/v1',
    metadata: sampleMeta('web-5d4f8c9b7'),
    spec: {
      replicas: 0,
      minReadySeconds: 5,
      selector: { matchLabels: { app: 'web', 'pod-template-hash': '5d4f8c9b7' } },
      template: { metadata: { creationTimestamp: null, labels: { app: 'web', 'pod-template-hash': '5d4f8c9b7' } }, spec: samplePodSpec() },
    },
    status: {
      replicas: 0,
      observedGeneration: 3,
      conditions: [{ type: 'ReplicaFailure', status: 'True', lastTransitionTime: T1, reason: 'FailedCreate', message: 'quota' }],
    },
  };
}

export function sampleDeleteOptions(): KubeObject {
  return {
    kind: 'DeleteOptions',
    apiVersion: 'v1',
    gracePeriodSeconds: 0,
    preconditions: { uid: 'u1', resourceVersion: '' },
    orphanDependents: false,
    propagationPolicy: 'Background',
    dryRun: ['All'],
  } as unknown as KubeObject;
}

export function sampleStatus(): KubeObject {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'services "web" is invalid: spec.ports[0].port: Invalid value: 0: must be between 1 and 65535',
    reason: 'Invalid',
    details: { name: 'web', kind: 'services', causes: [{ reason: 'FieldValueInvalid', message: 'Invalid value: 0', field: 'spec.ports[0].port' }] },
    code: 422,
  };
}

function withoutTypeMeta({ kind: _kind, apiVersion: _apiVersion, ...rest }: KubeObject): Record<string, unknown> {
  return rest;
}

export function sampleServiceList(): KubeObject {
  return {
    kind: 'ServiceList',
    apiVersion: 'v1',
    metadata: { resourceVersion: '5', continue: 'eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ', remainingItemCount: 0 },
    // List items carry no kind or apiVersion on the wire (TypeMeta is not in the message).
    items: [withoutTypeMeta(sampleService()), { metadata: { name: 'bare', creationTimestamp: null }, spec: {}, status: { loadBalancer: {} } }],
  } as unknown as KubeObject;
}
