/**
 * @module Definitions: core/v1 Pod: the object, its spec and status, and the small types only a Pod uses.
 * Fields, types, list/patch extensions and descriptions follow upstream's OpenAPI (long
 * descriptions keep their first sentences).
 */
import type { Definitions } from './types.js';
import { arr, bool, gvk, int32, int64, map, obj, ref, str, typeMeta } from './builders.js';
import { CORE, META, QUANTITY } from './names.js';

export const CORE_V1_POD_DEFINITIONS: Definitions = {
  'io.k8s.api.core.v1.Binding': obj('Binding ties one object to another; for example, a pod is bound to a node by a scheduler.', {
    ...typeMeta(),
    metadata: ref(META + 'ObjectMeta', 'Standard object\'s metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata'),
    target: ref(CORE + 'ObjectReference', 'The target object that you want to bind to the standard object.'),
  }, { required: ['target'], gvk: gvk('', 'v1', 'Binding') }),
  'io.k8s.api.core.v1.ContainerExtendedResourceRequest': obj('ContainerExtendedResourceRequest has the mapping of container name, extended resource name to the device request name.', {
    containerName: str('The name of the container requesting resources.'),
    requestName: str('The name of the request in the special ResourceClaim which corresponds to the extended resource.'),
    resourceName: str('The name of the extended resource in that container which gets backed by DRA.'),
  }, { required: ['containerName', 'resourceName', 'requestName'] }),
  'io.k8s.api.core.v1.HostAlias': obj('HostAlias holds the mapping between IP and hostnames that will be injected as an entry in the pod\'s hosts file.', {
    hostnames: arr(str(), 'Hostnames for the above IP address.', { listType: 'atomic' }),
    ip: str('IP address of the host file entry.'),
  }, { required: ['ip'] }),
  'io.k8s.api.core.v1.HostIP': obj('HostIP represents a single IP address allocated to the host.', {
    ip: str('IP is the IP address assigned to the host'),
  }, { required: ['ip'] }),
  'io.k8s.api.core.v1.Pod': obj('Pod is a collection of containers that can run on a host. This resource is created by clients and scheduled onto hosts.', {
    ...typeMeta(),
    metadata: ref(META + 'ObjectMeta', 'Standard object\'s metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata'),
    spec: ref(CORE + 'PodSpec', 'Specification of the desired behavior of the pod. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status'),
    status: ref(CORE + 'PodStatus', 'Most recently observed status of the pod. This data may not be up to date. Populated by the system. Read-only. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status'),
  }, { gvk: gvk('', 'v1', 'Pod') }),
  'io.k8s.api.core.v1.PodCondition': obj('PodCondition contains details for the current condition of this pod.', {
    lastProbeTime: ref(META + 'Time', 'Last time we probed the condition.'),
    lastTransitionTime: ref(META + 'Time', 'Last time the condition transitioned from one status to another.'),
    message: str('Human-readable message indicating details about last transition.'),
    observedGeneration: int64('If set, this represents the .metadata.generation that the pod condition was set based upon.'),
    reason: str('Unique, one-word, CamelCase reason for the condition\'s last transition.'),
    status: str('Status is the status of the condition. Can be True, False, Unknown. More info: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle#pod-conditions'),
    type: str('Type is the type of the condition. More info: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle#pod-conditions'),
  }, { required: ['type', 'status'] }),
  'io.k8s.api.core.v1.PodDNSConfig': obj('PodDNSConfig defines the DNS parameters of a pod in addition to those generated from DNSPolicy.', {
    nameservers: arr(str(), 'A list of DNS name server IP addresses. This will be appended to the base nameservers generated from DNSPolicy. Duplicated nameservers will be removed.', { listType: 'atomic' }),
    options: arr(ref(CORE + 'PodDNSConfigOption'), 'A list of DNS resolver options. This will be merged with the base options generated from DNSPolicy. Duplicated entries will be removed. Resolution options given in Options will override those that appear in the base DNSPolicy.', { listType: 'atomic' }),
    searches: arr(str(), 'A list of DNS search domains for host-name lookup. This will be appended to the base search paths generated from DNSPolicy. Duplicated search paths will be removed.', { listType: 'atomic' }),
  }),
  'io.k8s.api.core.v1.PodDNSConfigOption': obj('PodDNSConfigOption defines DNS resolver options of a pod.', {
    name: str('Name is this DNS resolver option\'s name. Required.'),
    value: str('Value is this DNS resolver option\'s value.'),
  }),
  'io.k8s.api.core.v1.PodExtendedResourceClaimStatus': obj('PodExtendedResourceClaimStatus is stored in the PodStatus for the extended resource requests backed by DRA. It stores the generated name for the corresponding special ResourceClaim created by the scheduler.', {
    requestMappings: arr(ref(CORE + 'ContainerExtendedResourceRequest'), 'RequestMappings identifies the mapping of <container, extended resource backed by DRA> to  device request in the generated ResourceClaim.', { listType: 'atomic' }),
    resourceClaimName: str('ResourceClaimName is the name of the ResourceClaim that was generated for the Pod in the namespace of the Pod.'),
  }, { required: ['requestMappings', 'resourceClaimName'] }),
  'io.k8s.api.core.v1.PodIP': obj('PodIP represents a single IP address allocated to the pod.', {
    ip: str('IP is the IP address assigned to the pod'),
  }, { required: ['ip'] }),
  'io.k8s.api.core.v1.PodList': obj('PodList is a list of Pods.', {
    ...typeMeta(),
    items: arr(ref(CORE + 'Pod'), 'List of pods. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md'),
    metadata: ref(META + 'ListMeta', 'Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds'),
  }, { required: ['items'], gvk: gvk('', 'v1', 'PodList') }),
  'io.k8s.api.core.v1.PodOS': obj('PodOS defines the OS parameters of a pod.', {
    name: str('Name is the name of the operating system. The currently supported values are linux and windows. Additional value may be defined in future and can be one of: https://github.com/opencontainers/runtime-spec/blob/master/config.md#platform-specific-configuration Clients should expect to handle additional values and treat unrecognized values in this field as os: null'),
  }, { required: ['name'] }),
  'io.k8s.api.core.v1.PodReadinessGate': obj('PodReadinessGate contains the reference to a pod condition', {
    conditionType: str('ConditionType refers to a condition in the pod\'s condition list with matching type.'),
  }, { required: ['conditionType'] }),
  'io.k8s.api.core.v1.PodResourceClaim': obj('PodResourceClaim references exactly one ResourceClaim, either directly or by naming a ResourceClaimTemplate which is then turned into a ResourceClaim for the pod. It adds a name to it that uniquely identifies the ResourceClaim inside the Pod. Containers that need access to the ResourceClaim reference it with this name.', {
    name: str('Name uniquely identifies this resource claim inside the pod. This must be a DNS_LABEL.'),
    resourceClaimName: str('ResourceClaimName is the name of a ResourceClaim object in the same namespace as this pod.\n\nExactly one of ResourceClaimName and ResourceClaimTemplateName must be set.'),
    resourceClaimTemplateName: str('ResourceClaimTemplateName is the name of a ResourceClaimTemplate object in the same namespace as this pod. The template will be used to create a new ResourceClaim, which will be bound to this pod. When this pod is deleted, the ResourceClaim will also be deleted.'),
  }, { required: ['name'] }),
  'io.k8s.api.core.v1.PodResourceClaimStatus': obj('PodResourceClaimStatus is stored in the PodStatus for each PodResourceClaim which references a ResourceClaimTemplate. It stores the generated name for the corresponding ResourceClaim.', {
    name: str('Name uniquely identifies this resource claim inside the pod. This must match the name of an entry in pod.spec.resourceClaims, which implies that the string must be a DNS_LABEL.'),
    resourceClaimName: str('ResourceClaimName is the name of the ResourceClaim that was generated for the Pod in the namespace of the Pod. When the DRAWorkloadResourceClaims feature is enabled and the corresponding PodResourceClaim matches a PodGroupResourceClaim made by the Pod\'s PodGroup, then this is the name of the ResourceClaim generated and reserved for the PodGroup.'),
  }, { required: ['name'] }),
  'io.k8s.api.core.v1.PodSchedulingGate': obj('PodSchedulingGate is associated to a Pod to guard its scheduling.', {
    name: str('Name of the scheduling gate. Each scheduling gate must have a unique name field.'),
  }, { required: ['name'] }),
  'io.k8s.api.core.v1.PodSchedulingGroup': obj('PodSchedulingGroup identifies the runtime scheduling group instance that a Pod belongs to. The scheduler uses this information to apply workload-aware scheduling semantics. Exactly one field must be specified.', {
    podGroupName: str('PodGroupName specifies the name of the standalone PodGroup object that represents the runtime instance of this group. Must be a DNS subdomain.'),
  }),
  'io.k8s.api.core.v1.PodSpec': obj('PodSpec is a description of a pod.', {
    activeDeadlineSeconds: int64('Optional duration in seconds the pod may be active on the node relative to StartTime before the system will actively try to mark it failed and kill associated containers. Value must be a positive integer.'),
    affinity: ref(CORE + 'Affinity', 'If specified, the pod\'s scheduling constraints'),
    automountServiceAccountToken: bool('AutomountServiceAccountToken indicates whether a service account token should be automatically mounted.'),
    containers: arr(ref(CORE + 'Container'), 'List of containers belonging to the pod. Containers cannot currently be added or removed. There must be at least one container in a Pod. Cannot be updated.', { listType: 'map', mapKeys: ['name'], mergeKey: 'name', strategy: 'merge' }),
    dnsConfig: ref(CORE + 'PodDNSConfig', 'Specifies the DNS parameters of a pod. Parameters specified here will be merged to the generated DNS configuration based on DNSPolicy.'),
    dnsPolicy: str('Set DNS policy for the pod. Defaults to "ClusterFirst". Valid values are \'ClusterFirstWithHostNet\', \'ClusterFirst\', \'Default\' or \'None\'. DNS parameters given in DNSConfig will be merged with the policy selected with DNSPolicy. To have DNS options set along with hostNetwork, you have to specify DNS policy explicitly to \'ClusterFirstWithHostNet\'.'),
    enableServiceLinks: bool('EnableServiceLinks indicates whether information about services should be injected into pod\'s environment variables, matching the syntax of Docker links. Optional: Defaults to true.'),
    ephemeralContainers: arr(ref(CORE + 'EphemeralContainer'), 'List of ephemeral containers run in this pod. Ephemeral containers may be run in an existing pod to perform user-initiated actions such as debugging. This list cannot be specified when creating a pod, and it cannot be modified by updating the pod spec. In order to add an ephemeral container to an existing pod, use the pod\'s ephemeralcontainers subresource.', { listType: 'map', mapKeys: ['name'], mergeKey: 'name', strategy: 'merge' }),
    hostAliases: arr(ref(CORE + 'HostAlias'), 'HostAliases is an optional list of hosts and IPs that will be injected into the pod\'s hosts file if specified.', { listType: 'map', mapKeys: ['ip'], mergeKey: 'ip', strategy: 'merge' }),
    hostIPC: bool('Use the host\'s ipc namespace. Optional: Default to false.'),
    hostNetwork: bool('Host networking requested for this pod. Use the host\'s network namespace. When using HostNetwork you should specify ports so the scheduler is aware. When `hostNetwork` is true, specified `hostPort` fields in port definitions must match `containerPort`, and unspecified `hostPort` fields in port definitions are defaulted to match `containerPort`. Default to false.'),
    hostPID: bool('Use the host\'s pid namespace. Optional: Default to false.'),
    hostUsers: bool('Use the host\'s user namespace. Optional: Default to true. If set to true or not present, the pod will be run in the host user namespace, useful for when the pod needs a feature only available to the host user namespace, such as loading a kernel module with CAP_SYS_MODULE. When set to false, a new userns is created for the pod.'),
    hostname: str('Specifies the hostname of the Pod If not specified, the pod\'s hostname will be set to a system-defined value.'),
    hostnameOverride: str('HostnameOverride specifies an explicit override for the pod\'s hostname as perceived by the pod. This field only specifies the pod\'s hostname and does not affect its DNS records. When this field is set to a non-empty string: - It takes precedence over the values set in `hostname` and `subdomain`. - The Pod\'s hostname will be set to this value. - `setHostnameAsFQDN` must be nil or set to false.'),
    imagePullSecrets: arr(ref(CORE + 'LocalObjectReference'), 'ImagePullSecrets is an optional list of references to secrets in the same namespace to use for pulling any of the images used by this PodSpec. If specified, these secrets will be passed to individual puller implementations for them to use. More info: https://kubernetes.io/docs/concepts/containers/images#specifying-imagepullsecrets-on-a-pod', { listType: 'map', mapKeys: ['name'], mergeKey: 'name', strategy: 'merge' }),
    initContainers: arr(ref(CORE + 'Container'), 'List of initialization containers belonging to the pod. Init containers are executed in order prior to containers being started. If any init container fails, the pod is considered to have failed and is handled according to its restartPolicy. The name for an init container or normal container must be unique among all containers. More info: https://kubernetes.io/docs/concepts/workloads/pods/init-containers/', { listType: 'map', mapKeys: ['name'], mergeKey: 'name', strategy: 'merge' }),
    nodeName: str('NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName. Once this field is set, the kubelet for this node becomes responsible for the lifecycle of this pod. This field should not be used to express a desire for the pod to be scheduled on a specific node. https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodename'),
    nodeSelector: map(str(), 'NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node\'s labels for the pod to be scheduled on that node. More info: https://kubernetes.io/docs/concepts/configuration/assign-pod-node/', { mapType: 'atomic' }),
    os: ref(CORE + 'PodOS', 'Specifies the OS of the containers in the pod. Some pod and container fields are restricted if this is set.'),
    overhead: map(ref(QUANTITY), 'Overhead represents the resource overhead associated with running a pod for a given RuntimeClass. This field will be autopopulated at admission time by the RuntimeClass admission controller. If the RuntimeClass admission controller is enabled, overhead must not be set in Pod create requests. The RuntimeClass admission controller will reject Pod create requests which have the overhead already set. More info: https://git.k8s.io/enhancements/keps/sig-node/688-pod-overhead/README.md'),
    preemptionPolicy: str('PreemptionPolicy is the Policy for preempting pods with lower priority. One of Never, PreemptLowerPriority. Defaults to PreemptLowerPriority if unset.'),
    priority: int32('The priority value. Various system components use this field to find the priority of the pod. When Priority Admission Controller is enabled, it prevents users from setting this field. The admission controller populates this field from PriorityClassName. The higher the value, the higher the priority.'),
    priorityClassName: str('If specified, indicates the pod\'s priority. "system-node-critical" and "system-cluster-critical" are two special keywords which indicate the highest priorities with the former being the highest priority. Any other name must be defined by creating a PriorityClass object with that name. If not specified, the pod priority will be default or zero if there is no default.'),
    readinessGates: arr(ref(CORE + 'PodReadinessGate'), 'If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when all its containers are ready AND all conditions specified in the readiness gates have status equal to "True" More info: https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates', { listType: 'atomic' }),
    resourceClaims: arr(ref(CORE + 'PodResourceClaim'), 'ResourceClaims defines which ResourceClaims must be allocated and reserved before the Pod is allowed to start. The resources will be made available to those containers which consume them by name.\n\nThis is a stable field but requires that the DynamicResourceAllocation feature gate is enabled.\n\nThis field is immutable.', { listType: 'map', mapKeys: ['name'], mergeKey: 'name', strategy: 'merge,retainKeys' }),
    resources: ref(CORE + 'ResourceRequirements', 'Resources is the total amount of CPU and Memory resources required by all containers in the pod. It supports specifying Requests and Limits for "cpu", "memory" and "hugepages-" resource names only. ResourceClaims are not supported.\n\nThis field enables fine-grained control over resource allocation for the entire pod, allowing resource sharing among containers in a pod.\n\nThis is an alpha field and requires enabling the PodLevelResources feature gate.'),
    restartPolicy: str('Restart policy for all containers within the pod. One of Always, OnFailure, Never. In some contexts, only a subset of those values may be permitted. Default to Always. More info: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#restart-policy'),
    runtimeClassName: str('RuntimeClassName refers to a RuntimeClass object in the node.k8s.io group, which should be used to run this pod.  If no RuntimeClass resource matches the named class, the pod will not be run. If unset or empty, the "legacy" RuntimeClass will be used, which is an implicit class with an empty definition that uses the default runtime handler. More info: https://git.k8s.io/enhancements/keps/sig-node/585-runtime-class'),
    schedulerName: str('If specified, the pod will be dispatched by specified scheduler. If not specified, the pod will be dispatched by default scheduler.'),
    schedulingGates: arr(ref(CORE + 'PodSchedulingGate'), 'SchedulingGates is an opaque list of values that if specified will block scheduling the pod. If schedulingGates is not empty, the pod will stay in the SchedulingGated state and the scheduler will not attempt to schedule the pod.\n\nSchedulingGates can only be set at pod creation time, and be removed only afterwards.', { listType: 'map', mapKeys: ['name'], mergeKey: 'name', strategy: 'merge' }),
    schedulingGroup: ref(CORE + 'PodSchedulingGroup', 'SchedulingGroup provides a reference to the immediate scheduling runtime grouping object that this Pod belongs to. This field is used by the scheduler to identify the group and apply the correct group scheduling policies.'),
    securityContext: ref(CORE + 'PodSecurityContext', 'SecurityContext holds pod-level security attributes and common container settings. Optional: Defaults to empty.  See type description for default values of each field.'),
    serviceAccount: str('DeprecatedServiceAccount is a deprecated alias for ServiceAccountName. Deprecated: Use serviceAccountName instead.'),
    serviceAccountName: str('ServiceAccountName is the name of the ServiceAccount to use to run this pod. More info: https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/'),
    setHostnameAsFQDN: bool('If true the pod\'s hostname will be configured as the pod\'s FQDN, rather than the leaf name (the default). In Linux containers, this means setting the FQDN in the hostname field of the kernel (the nodename field of struct utsname). In Windows containers, this means setting the registry value of hostname for the registry key HKEY_LOCAL_MACHINE\\\\SYSTEM\\\\CurrentControlSet\\\\Services\\\\Tcpip\\\\Parameters to FQDN. If a pod does not have FQDN, this has no effect. Default to false.'),
    shareProcessNamespace: bool('Share a single process namespace between all of the containers in a pod. When this is set containers will be able to view and signal processes from other containers in the same pod, and the first process in each container will not be assigned PID 1. HostPID and ShareProcessNamespace cannot both be set. Optional: Default to false.'),
    subdomain: str('If specified, the fully qualified Pod hostname will be "<hostname>.<subdomain>.<pod namespace>.svc.<cluster domain>". If not specified, the pod will not have a domainname at all.'),
    terminationGracePeriodSeconds: int64('Optional duration in seconds the pod needs to terminate gracefully. May be decreased in delete request. Value must be non-negative integer. The value zero indicates stop immediately via the kill signal (no opportunity to shut down). If this value is nil, the default grace period will be used instead.'),
    tolerations: arr(ref(CORE + 'Toleration'), 'If specified, the pod\'s tolerations.', { listType: 'atomic' }),
    topologySpreadConstraints: arr(ref(CORE + 'TopologySpreadConstraint'), 'TopologySpreadConstraints describes how a group of pods ought to spread across topology domains. Scheduler will schedule pods in a way which abides by the constraints. All topologySpreadConstraints are ANDed.', { listType: 'map', mapKeys: ['topologyKey', 'whenUnsatisfiable'], mergeKey: 'topologyKey', strategy: 'merge' }),
    volumes: arr(ref(CORE + 'Volume'), 'List of volumes that can be mounted by containers belonging to the pod. More info: https://kubernetes.io/docs/concepts/storage/volumes', { listType: 'map', mapKeys: ['name'], mergeKey: 'name', strategy: 'merge,retainKeys' }),
  }, { required: ['containers'] }),
  'io.k8s.api.core.v1.PodStatus': obj('PodStatus represents information about the status of a pod. Status may trail the actual state of a system, especially if the node that hosts the pod cannot contact the control plane.', {
    allocatedResources: map(ref(QUANTITY), 'AllocatedResources is the total requests allocated for this pod by the node. If pod-level requests are not set, this will be the total requests aggregated across containers in the pod.'),
    conditions: arr(ref(CORE + 'PodCondition'), 'Current service state of pod. More info: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle#pod-conditions', { listType: 'map', mapKeys: ['type'], mergeKey: 'type', strategy: 'merge' }),
    containerStatuses: arr(ref(CORE + 'ContainerStatus'), 'Statuses of containers in this pod. Each container in the pod should have at most one status in this list, and all statuses should be for containers in the pod. However this is not enforced. If a status for a non-existent container is present in the list, or the list has duplicate names, the behavior of various Kubernetes components is not defined and those statuses might be ignored. More info: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle#pod-and-container-status', { listType: 'atomic' }),
    ephemeralContainerStatuses: arr(ref(CORE + 'ContainerStatus'), 'Statuses for any ephemeral containers that have run in this pod. Each ephemeral container in the pod should have at most one status in this list, and all statuses should be for containers in the pod. However this is not enforced. More info: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle#pod-and-container-status', { listType: 'atomic' }),
    extendedResourceClaimStatus: ref(CORE + 'PodExtendedResourceClaimStatus', 'Status of extended resource claim backed by DRA.'),
    hostIP: str('hostIP holds the IP address of the host to which the pod is assigned. Empty if the pod has not started yet. A pod can be assigned to a node that has a problem in kubelet which in turns mean that HostIP will not be updated even if there is a node is assigned to pod'),
    hostIPs: arr(ref(CORE + 'HostIP'), 'hostIPs holds the IP addresses allocated to the host. If this field is specified, the first entry must match the hostIP field. This list is empty if the pod has not started yet. A pod can be assigned to a node that has a problem in kubelet which in turns means that HostIPs will not be updated even if there is a node is assigned to this pod.', { listType: 'atomic', mergeKey: 'ip', strategy: 'merge' }),
    initContainerStatuses: arr(ref(CORE + 'ContainerStatus'), 'Statuses of init containers in this pod. The most recent successful non-restartable init container will have ready = true, the most recently started container will have startTime set. Each init container in the pod should have at most one status in this list, and all statuses should be for containers in the pod. However this is not enforced. More info: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-and-container-status', { listType: 'atomic' }),
    message: str('A human readable message indicating details about why the pod is in this condition.'),
    nodeAllocatableResourceClaimStatuses: arr(ref(CORE + 'NodeAllocatableResourceClaimStatus'), 'NodeAllocatableResourceClaimStatuses contains the status of node-allocatable resources that were allocated for this pod through DRA claims. This includes resources currently reported in v1.Node `status.allocatable` that are not extended resources (see https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#extended-resources). Examples include "cpu", "memory", "ephemeral-storage", and hugepages.', { listType: 'atomic' }),
    nominatedNodeName: str('nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods. This field does not guarantee that the pod will be scheduled on this node. Scheduler may decide to place the pod elsewhere if other nodes become available sooner.'),
    observedGeneration: int64('If set, this represents the .metadata.generation that the pod status was set based upon. The PodObservedGenerationTracking feature gate must be enabled to use this field.'),
    phase: str('The phase of a Pod is a simple, high-level summary of where the Pod is in its lifecycle. The conditions array, the reason and message fields, and the individual container status arrays contain more detail about the pod\'s status. There are five possible phase values:\n\nPending: The pod has been accepted by the Kubernetes system, but one or more of the container images has not been created. More info: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle#pod-phase'),
    podIP: str('podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.'),
    podIPs: arr(ref(CORE + 'PodIP'), 'podIPs holds the IP addresses allocated to the pod. If this field is specified, the 0th entry must match the podIP field. Pods may be allocated at most 1 value for each of IPv4 and IPv6. This list is empty if no IPs have been allocated yet.', { listType: 'map', mapKeys: ['ip'], mergeKey: 'ip', strategy: 'merge' }),
    qosClass: str('The Quality of Service (QOS) classification assigned to the pod based on resource requirements See PodQOSClass type for available QOS classes More info: https://kubernetes.io/docs/concepts/workloads/pods/pod-qos/#quality-of-service-classes'),
    reason: str('A brief CamelCase message indicating details about why the pod is in this state. e.g. \'Evicted\''),
    resize: str('Status of resources resize desired for pod\'s containers. It is empty if no resources resize is pending. Any changes to container resources will automatically set this to "Proposed" Deprecated: Resize status is moved to two pod conditions PodResizePending and PodResizeInProgress. PodResizePending will track states where the spec has been resized, but the Kubelet has not yet allocated the resources.'),
    resourceClaimStatuses: arr(ref(CORE + 'PodResourceClaimStatus'), 'Status of resource claims.', { listType: 'map', mapKeys: ['name'], mergeKey: 'name', strategy: 'merge,retainKeys' }),
    resources: ref(CORE + 'ResourceRequirements', 'Resources represents the compute resource requests and limits that have been applied at the pod level if pod-level requests or limits are set in PodSpec.Resources'),
    startTime: ref(META + 'Time', 'RFC 3339 date and time at which the object was acknowledged by the Kubelet. This is before the Kubelet pulled the container image(s) for the pod.'),
  }),
  'io.k8s.api.core.v1.PodTemplateSpec': obj('PodTemplateSpec describes the data a pod should have when created from a template', {
    metadata: ref(META + 'ObjectMeta', 'Standard object\'s metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata'),
    spec: ref(CORE + 'PodSpec', 'Specification of the desired behavior of the pod. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status'),
  }),
};
