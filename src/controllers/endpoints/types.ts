/**
 * @module core/v1 Endpoints as the Endpoints controller writes it (keys in the Go structs'
 * order), and the label and annotation keys it uses.
 */
import type { KubeObject } from '../../api/types.js';
import type { ObjectReference } from '../endpointslice/types.js';

/** LabelManagedBy of pkg/controller/endpoint (1.33+): marks Endpoints the controller made. */
export const LABEL_ENDPOINTS_MANAGED_BY = 'endpoints.kubernetes.io/managed-by';
/** The controller's value of LABEL_ENDPOINTS_MANAGED_BY. */
export const ENDPOINTS_CONTROLLER_NAME = 'endpoint-controller';
/** v1.EndpointsOverCapacity: set to `truncated` when addresses were dropped past maxCapacity. */
export const ANNOTATION_OVER_CAPACITY = 'endpoints.kubernetes.io/over-capacity';
/** resourcelock.LeaderElectionRecordAnnotationKey: old-style leader election records. */
export const ANNOTATION_LEADER = 'control-plane.alpha.kubernetes.io/leader';
/** The most addresses (ready and not) one Endpoints object holds. */
export const MAX_CAPACITY = 1000;

export interface EndpointAddress {
  ip: string;
  hostname?: string;
  nodeName?: string;
  targetRef?: ObjectReference;
}

export interface EndpointsPort {
  name?: string;
  port: number;
  protocol?: string;
  appProtocol?: string;
}

export interface EndpointSubset {
  addresses?: EndpointAddress[];
  notReadyAddresses?: EndpointAddress[];
  ports?: EndpointsPort[];
}

export interface Endpoints extends KubeObject {
  subsets?: EndpointSubset[] | null;
}
