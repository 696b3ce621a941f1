/**
 * @module The fields of Service, Pod, Node and EndpointSlice the endpoint controllers read and
 * write (STYLE.md §10), and the well-known label and annotation keys they use. Shapes follow
 * core/v1 and discovery.k8s.io/v1 as JSON; optional pointers of the Go types are optional here.
 */
import type { KubeObject } from '../../api/types.js';

/** discovery.LabelServiceName. */
export const LABEL_SERVICE_NAME = 'kubernetes.io/service-name';
/** discovery.LabelManagedBy. */
export const LABEL_MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';
/** The EndpointSlice controller's value of LABEL_MANAGED_BY (controllerQualifiedName). */
export const CONTROLLER_NAME = 'endpointslice-controller.k8s.io';
/** v1.IsHeadlessService: set (to "") on slices and Endpoints of Services without a cluster IP. */
export const LABEL_HEADLESS = 'service.kubernetes.io/headless';
/** discovery.LabelSkipMirror: the mirroring controller leaves Endpoints with it alone. */
export const LABEL_SKIP_MIRROR = 'endpointslice.kubernetes.io/skip-mirror';
/** v1.EndpointsLastChangeTriggerTime, RFC 3339 with nanoseconds, in UTC. */
export const ANNOTATION_TRIGGER_TIME = 'endpoints.kubernetes.io/last-change-trigger-time';
/** v1.LabelTopologyZone, read from the Node of each endpoint. */
export const LABEL_TOPOLOGY_ZONE = 'topology.kubernetes.io/zone';

export interface ServicePortView {
  name?: string;
  protocol?: string;
  port: number;
  /** IntOrString: a number is used as is, a string names a container port. Missing: `port`. */
  targetPort?: number | string;
  appProtocol?: string;
}

export interface ServiceView extends KubeObject {
  spec?: {
    type?: string;
    selector?: Record<string, string> | null;
    ports?: ServicePortView[] | null;
    clusterIP?: string;
    clusterIPs?: string[];
    ipFamilies?: string[];
    publishNotReadyAddresses?: boolean;
    trafficDistribution?: string;
  };
}

export interface ContainerPortView {
  name?: string;
  containerPort: number;
  protocol?: string;
}

export interface ContainerView {
  name?: string;
  ports?: ContainerPortView[] | null;
  /** Only `Always` on an init container matters: a sidecar, whose ports count. */
  restartPolicy?: string;
}

export interface PodConditionView {
  type: string;
  status: string;
  lastTransitionTime?: string | null;
}

export interface PodView extends KubeObject {
  spec?: {
    nodeName?: string;
    hostname?: string;
    subdomain?: string;
    containers?: ContainerView[] | null;
    initContainers?: ContainerView[] | null;
  };
  status?: {
    phase?: string;
    podIP?: string;
    podIPs?: Array<{ ip: string }> | null;
    conditions?: PodConditionView[] | null;
  };
}

/** The part of a Node the controllers read: its labels (for the zone). */
export interface NodeView {
  metadata: { name?: string; labels?: Record<string, string> };
}

/** core/v1 ObjectReference, as endpoints point at their Pods. */
export interface ObjectReference {
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiVersion?: string;
  resourceVersion?: string;
  fieldPath?: string;
}

export interface EndpointConditions {
  ready?: boolean | null;
  serving?: boolean | null;
  terminating?: boolean | null;
}

export interface EndpointHints {
  forZones?: Array<{ name: string }> | null;
  forNodes?: Array<{ name: string }> | null;
}

/** discovery/v1 Endpoint, keys in the Go struct's order. */
export interface Endpoint {
  addresses: string[];
  conditions?: EndpointConditions;
  hostname?: string | null;
  targetRef?: ObjectReference | null;
  nodeName?: string | null;
  zone?: string | null;
  hints?: EndpointHints | null;
}

/** discovery/v1 EndpointPort. The controller always sets name (maybe ""), protocol and port. */
export interface EndpointPort {
  name?: string | null;
  protocol?: string | null;
  port?: number | null;
  appProtocol?: string | null;
}

export type AddressType = 'IPv4' | 'IPv6' | 'FQDN';

export interface EndpointSlice extends KubeObject {
  addressType: AddressType;
  endpoints?: Endpoint[] | null;
  ports?: EndpointPort[] | null;
}
