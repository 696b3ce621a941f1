/**
 * @module Definitions: core/v1 Node and Namespace.
 * Fields, types, list/patch extensions and descriptions follow upstream's OpenAPI (long
 * descriptions keep their first sentences).
 */
import type { Definitions } from './types.js';
import { arr, bool, gvk, int32, int64, map, obj, ref, str, typeMeta } from './builders.js';
import { CORE, META, QUANTITY } from './names.js';

export const CORE_V1_NODE_DEFINITIONS: Definitions = {
  'io.k8s.api.core.v1.AttachedVolume': obj('AttachedVolume describes a volume attached to a node', {
    devicePath: str('DevicePath represents the device path where the volume should be available'),
    name: str('Name of the attached volume'),
  }, { required: ['name', 'devicePath'] }),
  'io.k8s.api.core.v1.ConfigMapNodeConfigSource': obj('ConfigMapNodeConfigSource contains the information to reference a ConfigMap as a config source for the Node. This API is deprecated since 1.22: https://git.k8s.io/enhancements/keps/sig-node/281-dynamic-kubelet-configuration', {
    kubeletConfigKey: str('KubeletConfigKey declares which key of the referenced ConfigMap corresponds to the KubeletConfiguration structure This field is required in all cases.'),
    name: str('Name is the metadata.name of the referenced ConfigMap. This field is required in all cases.'),
    namespace: str('Namespace is the metadata.namespace of the referenced ConfigMap. This field is required in all cases.'),
    resourceVersion: str('ResourceVersion is the metadata.ResourceVersion of the referenced ConfigMap. This field is forbidden in Node.Spec, and required in Node.Status.'),
    uid: str('UID is the metadata.UID of the referenced ConfigMap. This field is forbidden in Node.Spec, and required in Node.Status.'),
  }, { required: ['namespace', 'name', 'kubeletConfigKey'] }),
  'io.k8s.api.core.v1.ContainerImage': obj('Describe a container image', {
    names: arr(str(), 'Names by which this image is known. e.g. ["kubernetes.example/hyperkube:v1.0.7", "cloud-vendor.registry.example/cloud-vendor/hyperkube:v1.0.7"]', { listType: 'atomic' }),
    sizeBytes: int64('The size of the image in bytes.'),
  }),
  'io.k8s.api.core.v1.DaemonEndpoint': obj('DaemonEndpoint contains information about a single Daemon endpoint.', {
    Port: int32('Port number of the given endpoint.'),
  }, { required: ['Port'] }),
  'io.k8s.api.core.v1.Namespace': obj('Namespace provides a scope for Names. Use of multiple namespaces is optional.', {
    ...typeMeta(),
    metadata: ref(META + 'ObjectMeta', 'Standard object\'s metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata'),
    spec: ref(CORE + 'NamespaceSpec', 'Spec defines the behavior of the Namespace. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status'),
    status: ref(CORE + 'NamespaceStatus', 'Status describes the current status of a Namespace. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status'),
  }, { gvk: gvk('', 'v1', 'Namespace') }),
  'io.k8s.api.core.v1.NamespaceCondition': obj('NamespaceCondition contains details about state of namespace.', {
    lastTransitionTime: ref(META + 'Time', 'Last time the condition transitioned from one status to another.'),
    message: str('Human-readable message indicating details about last transition.'),
    reason: str('Unique, one-word, CamelCase reason for the condition\'s last transition.'),
    status: str('Status of the condition, one of True, False, Unknown.'),
    type: str('Type of namespace controller condition.'),
  }, { required: ['type', 'status'] }),
  'io.k8s.api.core.v1.NamespaceList': obj('NamespaceList is a list of Namespaces.', {
    ...typeMeta(),
    items: arr(ref(CORE + 'Namespace'), 'Items is the list of Namespace objects in the list. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/'),
    metadata: ref(META + 'ListMeta', 'Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds'),
  }, { required: ['items'], gvk: gvk('', 'v1', 'NamespaceList') }),
  'io.k8s.api.core.v1.NamespaceSpec': obj('NamespaceSpec describes the attributes on a Namespace.', {
    finalizers: arr(str(), 'Finalizers is an opaque list of values that must be empty to permanently remove object from storage. More info: https://kubernetes.io/docs/tasks/administer-cluster/namespaces/', { listType: 'atomic' }),
  }),
  'io.k8s.api.core.v1.NamespaceStatus': obj('NamespaceStatus is information about the current status of a Namespace.', {
    conditions: arr(ref(CORE + 'NamespaceCondition'), 'Represents the latest available observations of a namespace\'s current state.', { listType: 'map', mapKeys: ['type'], mergeKey: 'type', strategy: 'merge' }),
    phase: str('Phase is the current lifecycle phase of the namespace. More info: https://kubernetes.io/docs/tasks/administer-cluster/namespaces/\n\nPossible enum values:\n - `"Active"` means the namespace is available for use in the system\n - `"Terminating"` means the namespace is undergoing graceful termination', { enum: ['Active', 'Terminating'] }),
  }),
  'io.k8s.api.core.v1.Node': obj('Node is a worker node in Kubernetes. Each node will have a unique identifier in the cache (i.e. in etcd).', {
    ...typeMeta(),
    metadata: ref(META + 'ObjectMeta', 'Standard object\'s metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata'),
    spec: ref(CORE + 'NodeSpec', 'Spec defines the behavior of a node. https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status'),
    status: ref(CORE + 'NodeStatus', 'Most recently observed status of the node. Populated by the system. Read-only. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status'),
  }, { gvk: gvk('', 'v1', 'Node') }),
  'io.k8s.api.core.v1.NodeAddress': obj('NodeAddress contains information for the node\'s address.', {
    address: str('The node address.'),
    type: str('Node address type, one of Hostname, ExternalIP or InternalIP.'),
  }, { required: ['type', 'address'] }),
  'io.k8s.api.core.v1.NodeCondition': obj('NodeCondition contains condition information for a node.', {
    lastHeartbeatTime: ref(META + 'Time', 'Last time we got an update on a given condition.'),
    lastTransitionTime: ref(META + 'Time', 'Last time the condition transit from one status to another.'),
    message: str('Human readable message indicating details about last transition.'),
    reason: str('(brief) reason for the condition\'s last transition.'),
    status: str('Status of the condition, one of True, False, Unknown.'),
    type: str('Type of node condition.'),
  }, { required: ['type', 'status'] }),
  'io.k8s.api.core.v1.NodeConfigSource': obj('NodeConfigSource specifies a source of node configuration. Exactly one subfield (excluding metadata) must be non-nil. This API is deprecated since 1.22', {
    configMap: ref(CORE + 'ConfigMapNodeConfigSource', 'ConfigMap is a reference to a Node\'s ConfigMap'),
  }),
  'io.k8s.api.core.v1.NodeConfigStatus': obj('NodeConfigStatus describes the status of the config assigned by Node.Spec.ConfigSource.', {
    active: ref(CORE + 'NodeConfigSource', 'Active reports the checkpointed config the node is actively using. Active will represent either the current version of the Assigned config, or the current LastKnownGood config, depending on whether attempting to use the Assigned config results in an error.'),
    assigned: ref(CORE + 'NodeConfigSource', 'Assigned reports the checkpointed config the node will try to use. When Node.Spec.ConfigSource is updated, the node checkpoints the associated config payload to local disk, along with a record indicating intended config. The node refers to this record to choose its config checkpoint, and reports this record in Assigned.'),
    error: str('Error describes any problems reconciling the Spec.ConfigSource to the Active config. Errors may occur, for example, attempting to checkpoint Spec.ConfigSource to the local Assigned record, attempting to checkpoint the payload associated with Spec.ConfigSource, attempting to load or validate the Assigned config, etc. Errors may occur at different points while syncing config.'),
    lastKnownGood: ref(CORE + 'NodeConfigSource', 'LastKnownGood reports the checkpointed config the node will fall back to when it encounters an error attempting to use the Assigned config. The Assigned config becomes the LastKnownGood config when the node determines that the Assigned config is stable and correct. This is currently implemented as a 10-minute soak period starting when the local record of Assigned config is updated.'),
  }),
  'io.k8s.api.core.v1.NodeDaemonEndpoints': obj('NodeDaemonEndpoints lists ports opened by daemons running on the Node.', {
    kubeletEndpoint: ref(CORE + 'DaemonEndpoint', 'Endpoint on which Kubelet is listening.'),
  }),
  'io.k8s.api.core.v1.NodeFeatures': obj('NodeFeatures describes the set of features implemented by the CRI implementation. The features contained in the NodeFeatures should depend only on the cri implementation independent of runtime handlers.', {
    supplementalGroupsPolicy: bool('SupplementalGroupsPolicy is set to true if the runtime supports SupplementalGroupsPolicy and ContainerUser.'),
  }),
  'io.k8s.api.core.v1.NodeList': obj('NodeList is the whole list of all Nodes which have been registered with master.', {
    ...typeMeta(),
    items: arr(ref(CORE + 'Node'), 'List of nodes'),
    metadata: ref(META + 'ListMeta', 'Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds'),
  }, { required: ['items'], gvk: gvk('', 'v1', 'NodeList') }),
  'io.k8s.api.core.v1.NodeRuntimeHandler': obj('NodeRuntimeHandler is a set of runtime handler information.', {
    features: ref(CORE + 'NodeRuntimeHandlerFeatures', 'Supported features.'),
    name: str('Runtime handler name. Empty for the default runtime handler.'),
  }),
  'io.k8s.api.core.v1.NodeRuntimeHandlerFeatures': obj('NodeRuntimeHandlerFeatures is a set of features implemented by the runtime handler.', {
    recursiveReadOnlyMounts: bool('RecursiveReadOnlyMounts is set to true if the runtime handler supports RecursiveReadOnlyMounts.'),
    userNamespaces: bool('UserNamespaces is set to true if the runtime handler supports UserNamespaces, including for volumes.'),
  }),
  'io.k8s.api.core.v1.NodeSpec': obj('NodeSpec describes the attributes that a node is created with.', {
    configSource: ref(CORE + 'NodeConfigSource', 'Deprecated: Previously used to specify the source of the node\'s configuration for the DynamicKubeletConfig feature. This feature is removed.'),
    externalID: str('Deprecated. Not all kubelets will set this field. Remove field after 1.13. see: https://issues.k8s.io/61966'),
    podCIDR: str('PodCIDR represents the pod IP range assigned to the node.'),
    podCIDRs: arr(str(), 'podCIDRs represents the IP ranges assigned to the node for usage by Pods on that node. If this field is specified, the 0th entry must match the podCIDR field. It may contain at most 1 value for each of IPv4 and IPv6.', { listType: 'set', strategy: 'merge' }),
    providerID: str('ID of the node assigned by the cloud provider in the format: <ProviderName>://<ProviderSpecificNodeID>'),
    taints: arr(ref(CORE + 'Taint'), 'If specified, the node\'s taints.', { listType: 'atomic' }),
    unschedulable: bool('Unschedulable controls node schedulability of new pods. By default, node is schedulable. More info: https://kubernetes.io/docs/concepts/nodes/node/#manual-node-administration'),
  }),
  'io.k8s.api.core.v1.NodeStatus': obj('NodeStatus is information about the current status of a node.', {
    addresses: arr(ref(CORE + 'NodeAddress'), 'List of addresses reachable to the node. Queried from cloud provider, if available. Callers should instead use a full-replacement patch. See https://pr.k8s.io/79391 for an example. Consumers should assume that addresses can change during the lifetime of a Node. More info: https://kubernetes.io/docs/reference/node/node-status/#addresses Note: This field is declared as mergeable, but the merge key is not sufficiently unique, which can cause data corruption when it is merged.', { listType: 'map', mapKeys: ['type'], mergeKey: 'type', strategy: 'merge' }),
    allocatable: map(ref(QUANTITY), 'Allocatable represents the resources of a node that are available for scheduling. Defaults to Capacity.'),
    capacity: map(ref(QUANTITY), 'Capacity represents the total resources of a node. More info: https://kubernetes.io/docs/reference/node/node-status/#capacity'),
    conditions: arr(ref(CORE + 'NodeCondition'), 'Conditions is an array of current observed node conditions. More info: https://kubernetes.io/docs/reference/node/node-status/#condition', { listType: 'map', mapKeys: ['type'], mergeKey: 'type', strategy: 'merge' }),
    config: ref(CORE + 'NodeConfigStatus', 'Status of the config assigned to the node via the dynamic Kubelet config feature.'),
    daemonEndpoints: ref(CORE + 'NodeDaemonEndpoints', 'Endpoints of daemons running on the Node.'),
    features: ref(CORE + 'NodeFeatures', 'Features describes the set of features implemented by the CRI implementation.'),
    images: arr(ref(CORE + 'ContainerImage'), 'List of container images on this node', { listType: 'atomic' }),
    nodeInfo: ref(CORE + 'NodeSystemInfo', 'Set of ids/uuids to uniquely identify the node. More info: https://kubernetes.io/docs/reference/node/node-status/#info'),
    phase: str('NodePhase is the recently observed lifecycle phase of the node. More info: https://kubernetes.io/docs/concepts/nodes/node/#phase The field is never populated, and now is deprecated.\n\nPossible enum values:\n - `"Pending"` means the node has been created/added by the system, but not configured.\n - `"Running"` means the node has been configured and has Kubernetes components running.\n - `"Terminated"` means the node has been removed from the cluster.', { enum: ['Pending', 'Running', 'Terminated'] }),
    runtimeHandlers: arr(ref(CORE + 'NodeRuntimeHandler'), 'The available runtime handlers.', { listType: 'atomic' }),
    volumesAttached: arr(ref(CORE + 'AttachedVolume'), 'List of volumes that are attached to the node.', { listType: 'atomic' }),
    volumesInUse: arr(str(), 'List of attachable volumes in use (mounted) by the node.', { listType: 'atomic' }),
  }),
  'io.k8s.api.core.v1.NodeSwapStatus': obj('NodeSwapStatus represents swap memory information.', {
    capacity: int64('Total amount of swap memory in bytes.'),
  }),
  'io.k8s.api.core.v1.NodeSystemInfo': obj('NodeSystemInfo is a set of ids/uuids to uniquely identify the node.', {
    architecture: str('The Architecture reported by the node'),
    bootID: str('Boot ID reported by the node.'),
    containerRuntimeVersion: str('ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).'),
    kernelVersion: str('Kernel Version reported by the node from \'uname -r\' (e.g. 3.16.0-0.bpo.4-amd64).'),
    kubeProxyVersion: str('Deprecated: KubeProxy Version reported by the node.'),
    kubeletVersion: str('Kubelet Version reported by the node.'),
    machineID: str('MachineID reported by the node. For unique machine identification in the cluster this field is preferred. Learn more from man(5) machine-id: http://man7.org/linux/man-pages/man5/machine-id.5.html'),
    operatingSystem: str('The Operating System reported by the node'),
    osImage: str('OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).'),
    swap: ref(CORE + 'NodeSwapStatus', 'Swap Info reported by the node.'),
    systemUUID: str('SystemUUID reported by the node. For unique machine identification MachineID is preferred. This field is specific to Red Hat hosts https://access.redhat.com/documentation/en-us/red_hat_subscription_management/1/html/rhsm/uuid'),
  }, { required: ['machineID', 'systemUUID', 'bootID', 'kernelVersion', 'osImage', 'containerRuntimeVersion', 'kubeletVersion', 'kubeProxyVersion', 'operatingSystem', 'architecture'] }),
  'io.k8s.api.core.v1.Taint': obj('The node this Taint is attached to has the "effect" on any pod that does not tolerate the Taint.', {
    effect: str('Required. The effect of the taint on pods that do not tolerate the taint. Valid effects are NoSchedule, PreferNoSchedule and NoExecute.\n\nPossible enum values:\n - `"NoExecute"` Evict any already-running pods that do not tolerate the taint. Currently enforced by NodeController.\n - `"NoSchedule"` Do not allow new pods to schedule onto the node unless they tolerate the taint, but allow all pods submitted to Kubelet without going through the scheduler to start, and allow all already-running pods to continue running. Enforced by the scheduler.\n - `"PreferNoSchedule"` Like TaintEffectNoSchedule, but the scheduler tries not to schedule new pods onto the node, rather than prohibiting new pods from scheduling onto the node entirely. Enforced by the scheduler.', { enum: ['NoExecute', 'NoSchedule', 'PreferNoSchedule'] }),
    key: str('Required. The taint key to be applied to a node.'),
    timeAdded: ref(META + 'Time', 'TimeAdded represents the time at which the taint was added. It is only written for NoExecute taints.'),
    value: str('The taint value corresponding to the taint key.'),
  }, { required: ['key', 'effect'] }),
};
