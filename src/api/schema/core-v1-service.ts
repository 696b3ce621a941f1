/**
 * @module Definitions: core/v1 Service and Endpoints.
 * Fields, types, list/patch extensions and descriptions follow upstream's OpenAPI (long
 * descriptions keep their first sentences).
 */
import type { Definitions } from './types.js';
import { arr, bool, gvk, int32, map, obj, ref, str, typeMeta } from './builders.js';
import { CORE, INT_OR_STRING, META } from './names.js';

export const CORE_V1_SERVICE_DEFINITIONS: Definitions = {
  'io.k8s.api.core.v1.ClientIPConfig': obj('ClientIPConfig represents the configurations of Client IP based session affinity.', {
    timeoutSeconds: int32('timeoutSeconds specifies the seconds of ClientIP type session sticky time. The value must be >0 && <=86400(for 1 day) if ServiceAffinity == "ClientIP". Default value is 10800(for 3 hours).'),
  }),
  'io.k8s.api.core.v1.EndpointAddress': obj('EndpointAddress is a tuple that describes single IP address. Deprecated: This API is deprecated in v1.33+.', {
    hostname: str('The Hostname of this endpoint'),
    ip: str('The IP of this endpoint. May not be loopback (127.0.0.0/8 or ::1), link-local (169.254.0.0/16 or fe80::/10), or link-local multicast (224.0.0.0/24 or ff02::/16).'),
    nodeName: str('Optional: Node hosting this endpoint. This can be used to determine endpoints local to a node.'),
    targetRef: ref(CORE + 'ObjectReference', 'Reference to object providing the endpoint.'),
  }, { required: ['ip'], mapType: 'atomic' }),
  'io.k8s.api.core.v1.EndpointPort': obj('EndpointPort is a tuple that describes a single port. Deprecated: This API is deprecated in v1.33+.', {
    appProtocol: str('The application protocol for this port. This is used as a hint for implementations to offer richer behavior for protocols that they understand. This field follows standard Kubernetes label syntax. Valid values are either:\n\n* Un-prefixed protocol names - reserved for IANA standard service names (as per RFC-6335 and https://www.iana.org/assignments/service-names).'),
    name: str('The name of this port.  This must match the \'name\' field in the corresponding ServicePort. Must be a DNS_LABEL. Optional only if one port is defined.'),
    port: int32('The port number of the endpoint.'),
    protocol: str('The IP protocol for this port. Must be UDP, TCP, or SCTP. Default is TCP.'),
  }, { required: ['port'], mapType: 'atomic' }),
  'io.k8s.api.core.v1.EndpointSubset': obj('EndpointSubset is a group of addresses with a common set of ports. The expanded set of endpoints is the Cartesian product of Addresses x Ports. For example, given:\n\n\t{\n\t  Addresses: [{"ip": "10.10.1.1"}, {"ip": "10.10.2.2"}],\n\t  Ports:     [{"name": "a", "port": 8675}, {"name": "b", "port": 309}]\n\t}\n\nThe resulting set of endpoints can be viewed as:\n\n\ta: [ 10.10.1.1:8675, 10.10.2.2:8675 ],\n\tb: [ 10.10.1.1:309, 10.10.2.2:309 ]\n\nDeprecated: This API is deprecated in v1.33+.', {
    addresses: arr(ref(CORE + 'EndpointAddress'), 'IP addresses which offer the related ports that are marked as ready. These endpoints should be considered safe for load balancers and clients to utilize.', { listType: 'atomic' }),
    notReadyAddresses: arr(ref(CORE + 'EndpointAddress'), 'IP addresses which offer the related ports but are not currently marked as ready because they have not yet finished starting, have recently failed a readiness check, or have recently failed a liveness check.', { listType: 'atomic' }),
    ports: arr(ref(CORE + 'EndpointPort'), 'Port numbers available on the related IP addresses.', { listType: 'atomic' }),
  }),
  'io.k8s.api.core.v1.Endpoints': obj('Endpoints is a collection of endpoints that implement the actual service.', {
    ...typeMeta(),
    metadata: ref(META + 'ObjectMeta', 'Standard object\'s metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata'),
    subsets: arr(ref(CORE + 'EndpointSubset'), 'The set of all endpoints is the union of all subsets. Addresses are placed into subsets according to the IPs they share. A single address with multiple ports, some of which are ready and some of which are not (because they come from different containers) will result in the address being displayed in different subsets for the different ports. No address will appear in both Addresses and NotReadyAddresses in the same subset. Sets of addresses and ports that comprise a service.', { listType: 'atomic' }),
  }, { gvk: gvk('', 'v1', 'Endpoints') }),
  'io.k8s.api.core.v1.EndpointsList': obj('EndpointsList is a list of endpoints. Deprecated: This API is deprecated in v1.33+.', {
    ...typeMeta(),
    items: arr(ref(CORE + 'Endpoints'), 'List of endpoints.'),
    metadata: ref(META + 'ListMeta', 'Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds'),
  }, { required: ['items'], gvk: gvk('', 'v1', 'EndpointsList') }),
  'io.k8s.api.core.v1.LoadBalancerIngress': obj('LoadBalancerIngress represents the status of a load-balancer ingress point: traffic intended for the service should be sent to an ingress point.', {
    hostname: str('Hostname is set for load-balancer ingress points that are DNS based (typically AWS load-balancers)'),
    ip: str('IP is set for load-balancer ingress points that are IP based (typically GCE or OpenStack load-balancers)'),
    ipMode: str('IPMode specifies how the load-balancer IP behaves, and may only be specified when the ip field is specified. Setting this to "VIP" indicates that traffic is delivered to the node with the destination set to the load-balancer\'s IP and port. Setting this to "Proxy" indicates that traffic is delivered to the node or pod with the destination set to the node\'s IP and node port or the pod\'s IP and port. Service implementations may use this information to adjust traffic routing.'),
    ports: arr(ref(CORE + 'PortStatus'), 'Ports is a list of records of service ports If used, every port defined in the service should have an entry in it', { listType: 'atomic' }),
  }),
  'io.k8s.api.core.v1.LoadBalancerStatus': obj('LoadBalancerStatus represents the status of a load-balancer.', {
    ingress: arr(ref(CORE + 'LoadBalancerIngress'), 'Ingress is a list containing ingress points for the load-balancer. Traffic intended for the service should be sent to these ingress points.', { listType: 'atomic' }),
  }),
  'io.k8s.api.core.v1.PortStatus': obj('PortStatus represents the error condition of a service port', {
    error: str('Error is to record the problem with the service port The format of the error shall comply with the following rules: - built-in error values shall be specified in this file and those shall use\n  CamelCase names\n- cloud provider specific error values must have names that comply with the\n  format foo.example.com/CamelCase.'),
    port: int32('Port is the port number of the service port of which status is recorded here'),
    protocol: str('Protocol is the protocol of the service port of which status is recorded here The supported values are: "TCP", "UDP", "SCTP"'),
  }, { required: ['port', 'protocol'] }),
  'io.k8s.api.core.v1.Service': obj('Service is a named abstraction of software service (for example, mysql) consisting of local port (for example 3306) that the proxy listens on, and the selector that determines which pods will answer requests sent through the proxy.', {
    ...typeMeta(),
    metadata: ref(META + 'ObjectMeta', 'Standard object\'s metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata'),
    spec: ref(CORE + 'ServiceSpec', 'Spec defines the behavior of a service. https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status'),
    status: ref(CORE + 'ServiceStatus', 'Most recently observed status of the service. Populated by the system. Read-only. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status'),
  }, { gvk: gvk('', 'v1', 'Service') }),
  'io.k8s.api.core.v1.ServiceList': obj('ServiceList holds a list of services.', {
    ...typeMeta(),
    items: arr(ref(CORE + 'Service'), 'List of services'),
    metadata: ref(META + 'ListMeta', 'Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds'),
  }, { required: ['items'], gvk: gvk('', 'v1', 'ServiceList') }),
  'io.k8s.api.core.v1.ServicePort': obj('ServicePort contains information on service\'s port.', {
    appProtocol: str('The application protocol for this port. This is used as a hint for implementations to offer richer behavior for protocols that they understand. This field follows standard Kubernetes label syntax. Valid values are either:\n\n* Un-prefixed protocol names - reserved for IANA standard service names (as per RFC-6335 and https://www.iana.org/assignments/service-names).'),
    name: str('The name of this port within the service. This must be a DNS_LABEL. All ports within a ServiceSpec must have unique names. When considering the endpoints for a Service, this must match the \'name\' field in the EndpointPort. Optional if only one ServicePort is defined on this service.'),
    nodePort: int32('The port on each node on which this service is exposed when type is NodePort or LoadBalancer. Usually assigned by the system. If a value is specified, in-range, and not in use it will be used, otherwise the operation will fail. If not specified, a port will be allocated if this Service requires one. If this field is specified when creating a Service which does not need it, creation will fail. More info: https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport'),
    port: int32('The port that will be exposed by this service.'),
    protocol: str('The IP protocol for this port. Supports "TCP", "UDP", and "SCTP". Default is TCP.', { default: 'TCP' }),
    targetPort: ref(INT_OR_STRING, 'Number or name of the port to access on the pods targeted by the service. Number must be in the range 1 to 65535. Name must be an IANA_SVC_NAME. If this is a string, it will be looked up as a named port in the target Pod\'s container ports. If this is not specified, the value of the \'port\' field is used (an identity map). More info: https://kubernetes.io/docs/concepts/services-networking/service/#defining-a-service'),
  }, { required: ['port'] }),
  'io.k8s.api.core.v1.ServiceSpec': obj('ServiceSpec describes the attributes that a user creates on a service.', {
    allocateLoadBalancerNodePorts: bool('allocateLoadBalancerNodePorts defines if NodePorts will be automatically allocated for services with type LoadBalancer.  Default is "true". It may be set to "false" if the cluster load-balancer does not rely on NodePorts.  If the caller requests specific NodePorts (by specifying a value), those requests will be respected, regardless of this field. This field may only be set for services with type LoadBalancer and will be cleared if the type is changed to any other type.'),
    clusterIP: str('clusterIP is the IP address of the service and is usually assigned randomly. If an address is specified manually, is in-range (as per system configuration), and is not in use, it will be allocated to the service; otherwise creation of the service will fail. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies'),
    clusterIPs: arr(str(), 'ClusterIPs is a list of IP addresses assigned to this service, and are usually assigned randomly. If an address is specified manually, is in-range (as per system configuration), and is not in use, it will be allocated to the service; otherwise creation of the service will fail. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies', { listType: 'atomic' }),
    externalIPs: arr(str(), 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.  These IPs are not managed by Kubernetes.  The user is responsible for ensuring that traffic arrives at a node with this IP.  A common example is external load-balancers that are not part of the Kubernetes system.', { listType: 'atomic' }),
    externalName: str('externalName is the external reference that discovery mechanisms will return as an alias for this service (e.g. a DNS CNAME record). No proxying will be involved.  Must be a lowercase RFC-1123 hostname (https://tools.ietf.org/html/rfc1123) and requires `type` to be "ExternalName".'),
    externalTrafficPolicy: str('externalTrafficPolicy describes how nodes distribute service traffic they receive on one of the Service\'s "externally-facing" addresses (NodePorts, ExternalIPs, and LoadBalancer IPs).'),
    healthCheckNodePort: int32('healthCheckNodePort specifies the healthcheck nodePort for the service. This only applies when type is set to LoadBalancer and externalTrafficPolicy is set to Local. If a value is specified, is in-range, and is not in use, it will be used. If not specified, a value will be automatically allocated.'),
    internalTrafficPolicy: str('InternalTrafficPolicy describes how nodes distribute service traffic they receive on the ClusterIP. If set to "Local", the proxy will assume that pods only want to talk to endpoints of the service on the same node as the pod, dropping the traffic if there are no local endpoints. The default value, "Cluster", uses the standard behavior of routing to all endpoints evenly (possibly modified by topology and other features).'),
    ipFamilies: arr(str(), 'IPFamilies is a list of IP families (e.g. IPv4, IPv6) assigned to this service. This field is usually assigned automatically based on cluster configuration and the ipFamilyPolicy field. If this field is specified manually, the requested family is available in the cluster, and ipFamilyPolicy allows it, it will be used; otherwise creation of the service will fail.', { listType: 'atomic' }),
    ipFamilyPolicy: str('IPFamilyPolicy represents the dual-stack-ness requested or required by this Service. If there is no value provided, then this field will be set to SingleStack.'),
    loadBalancerClass: str('loadBalancerClass is the class of the load balancer implementation this Service belongs to. If specified, the value of this field must be a label-style identifier, with an optional prefix, e.g. "internal-vip" or "example.com/internal-vip". Unprefixed names are reserved for end-users. This field can only be set when the Service type is \'LoadBalancer\'.'),
    loadBalancerIP: str('Only applies to Service Type: LoadBalancer. This feature depends on whether the underlying cloud-provider supports specifying the loadBalancerIP when a load balancer is created. This field will be ignored if the cloud-provider does not support the feature. Deprecated: This field was under-specified and its meaning varies across implementations.'),
    loadBalancerSourceRanges: arr(str(), 'If specified and supported by the platform, this will restrict traffic through the cloud-provider load-balancer will be restricted to the specified client IPs. This field will be ignored if the cloud-provider does not support the feature." More info: https://kubernetes.io/docs/tasks/access-application-cluster/create-external-load-balancer/', { listType: 'atomic' }),
    ports: arr(ref(CORE + 'ServicePort'), 'The list of ports that are exposed by this service. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies', { listType: 'map', mapKeys: ['port', 'protocol'], mergeKey: 'port', strategy: 'merge' }),
    publishNotReadyAddresses: bool('publishNotReadyAddresses indicates that any agent which deals with endpoints for this Service should disregard any indications of ready/not-ready. The primary use case for setting this field is for a StatefulSet\'s Headless Service to propagate SRV DNS records for its Pods for the purpose of peer discovery.'),
    selector: map(str(), 'Route service traffic to pods with label keys and values matching this selector. If empty or not present, the service is assumed to have an external process managing its endpoints, which Kubernetes will not modify. Only applies to types ClusterIP, NodePort, and LoadBalancer. Ignored if type is ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/', { mapType: 'atomic' }),
    sessionAffinity: str('Supports "ClientIP" and "None". Used to maintain session affinity. Enable client IP based session affinity. Must be ClientIP or None. Defaults to None. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies'),
    sessionAffinityConfig: ref(CORE + 'SessionAffinityConfig', 'sessionAffinityConfig contains the configurations of session affinity.'),
    trafficDistribution: str('TrafficDistribution offers a way to express preferences for how traffic is distributed to Service endpoints. Implementations can use this field as a hint, but are not required to guarantee strict adherence. If the field is not set, the implementation will apply its default routing strategy. If set to "PreferClose", implementations should prioritize endpoints that are in the same zone.'),
    type: str('type determines how the Service is exposed. Defaults to ClusterIP. Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer. "ClusterIP" allocates a cluster-internal IP address for load-balancing to endpoints. Endpoints are determined by the selector or if that is not specified, by manual construction of an Endpoints object or EndpointSlice objects. More info: https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types'),
  }),
  'io.k8s.api.core.v1.ServiceStatus': obj('ServiceStatus represents the current status of a service.', {
    conditions: arr(ref(META + 'Condition'), 'Current service state', { listType: 'map', mapKeys: ['type'], mergeKey: 'type', strategy: 'merge' }),
    loadBalancer: ref(CORE + 'LoadBalancerStatus', 'LoadBalancer contains the current status of the load-balancer, if one is present.'),
  }),
  'io.k8s.api.core.v1.SessionAffinityConfig': obj('SessionAffinityConfig represents the configurations of session affinity.', {
    clientIP: ref(CORE + 'ClientIPConfig', 'clientIP contains the configurations of Client IP based session affinity.'),
  }),
};
