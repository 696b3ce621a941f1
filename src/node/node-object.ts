/**
 * @module The Node this agent registers, as the kubelet fills it (pkg/kubelet/nodestatus): the
 * well-known labels, podCIDR(s), addresses (InternalIP: the node's address on the pod network,
 * the bridge; Hostname), capacity and allocatable (cpu, memory, pods 110, ephemeral-storage,
 * hugepages), the four conditions with the kubelet's reasons and messages, nodeInfo and the
 * kubelet endpoint. Pure: facts about the machine come in `NodeFacts`.
 */
import type { KubeObject } from '../api/types.js';

export const KUBELET_VERSION = 'v1.33.0-kubito';
export const RUNTIME_VERSION = 'kubito://0.1';

export interface NodeFacts {
  cpus: number;
  memoryBytes: number;
  ephemeralStorageBytes: number;
  kernelVersion: string;
  osImage: string;
  architecture: string;
  machineID: string;
  bootID: string;
  systemUUID: string;
}

export interface NodeConfig {
  nodeName: string;
  podCIDR: string;
  internalIP: string;
}

export interface NodeCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastHeartbeatTime: string;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

const CONDITIONS: Array<Pick<NodeCondition, 'type' | 'status' | 'reason' | 'message'>> = [
  { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
  { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
  { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
  { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
];

export function nodeLabels(config: NodeConfig, facts: Pick<NodeFacts, 'architecture'>): Record<string, string> {
  return {
    'beta.kubernetes.io/arch': facts.architecture,
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': facts.architecture,
    'kubernetes.io/hostname': config.nodeName,
    'kubernetes.io/os': 'linux',
  };
}

/** The Node to create at registration. */
export function nodeObject(config: NodeConfig, facts: NodeFacts): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: config.nodeName,
      labels: nodeLabels(config, facts),
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
    },
    spec: { podCIDR: config.podCIDR, podCIDRs: [config.podCIDR] },
  };
}

function quantity(bytes: number): string {
  return `${Math.floor(bytes / 1024)}Ki`;
}

/** The Node status at `now`; transition times carry over from `previous` where a status is unchanged. */
export function nodeStatus(config: NodeConfig, facts: NodeFacts, options: { now: string; previous?: NodeCondition[] }): Record<string, unknown> {
  const resources = {
    cpu: String(facts.cpus),
    'ephemeral-storage': quantity(facts.ephemeralStorageBytes),
    'hugepages-1Gi': '0',
    'hugepages-2Mi': '0',
    memory: quantity(facts.memoryBytes),
    pods: '110',
  };
  const conditions: NodeCondition[] = CONDITIONS.map((c) => {
    const old = options.previous?.find((p) => p.type === c.type);
    return { ...c, lastHeartbeatTime: options.now, lastTransitionTime: old && old.status === c.status ? old.lastTransitionTime : options.now };
  });
  return {
    capacity: resources,
    allocatable: resources,
    conditions,
    addresses: [
      { type: 'InternalIP', address: config.internalIP },
      { type: 'Hostname', address: config.nodeName },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      machineID: facts.machineID,
      systemUUID: facts.systemUUID,
      bootID: facts.bootID,
      kernelVersion: facts.kernelVersion,
      osImage: facts.osImage,
      containerRuntimeVersion: RUNTIME_VERSION,
      kubeletVersion: KUBELET_VERSION,
      kubeProxyVersion: '',
      operatingSystem: 'linux',
      architecture: facts.architecture,
    },
  };
}
