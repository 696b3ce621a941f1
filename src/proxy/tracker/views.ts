/**
 * @module The fields of Service and EndpointSlice the proxy reads (STYLE.md §10), and the label
 * and annotation keys kube-proxy's informers and trackers look at. Shapes follow core/v1 and
 * discovery.k8s.io/v1 as JSON.
 */
import type { KubeObject } from '../../api/types.js';

/** Services with this label belong to another proxy (kube-proxy's informer selector skips them). */
export const LABEL_SERVICE_PROXY_NAME = 'service.kubernetes.io/service-proxy-name';
/** Set on EndpointSlices of headless Services; kube-proxy's slice informer skips them. */
export const LABEL_HEADLESS = 'service.kubernetes.io/headless';
/** discovery.LabelServiceName: which Service a slice belongs to. */
export const LABEL_SERVICE_NAME = 'kubernetes.io/service-name';
/** v1.EndpointsLastChangeTriggerTime (RFC 3339, nanoseconds). */
export const ANNOTATION_TRIGGER_TIME = 'endpoints.kubernetes.io/last-change-trigger-time';
/** Topology-aware routing's opt-in annotations (the newer one, then the deprecated one). */
export const ANNOTATION_TOPOLOGY_MODE = 'service.kubernetes.io/topology-mode';
export const ANNOTATION_TOPOLOGY_HINTS = 'service.kubernetes.io/topology-aware-hints';
/** v1.DefaultClientIPServiceAffinitySeconds. */
export const DEFAULT_AFFINITY_SECONDS = 10800;

export interface ProxyServicePort {
  name?: string;
  protocol?: string;
  port: number;
  nodePort?: number;
}

export interface ProxyService extends KubeObject {
  spec?: {
    type?: string;
    clusterIP?: string;
    clusterIPs?: string[];
    ports?: ProxyServicePort[] | null;
    externalIPs?: string[] | null;
    loadBalancerSourceRanges?: string[] | null;
    sessionAffinity?: string;
    sessionAffinityConfig?: { clientIP?: { timeoutSeconds?: number } } | null;
    externalTrafficPolicy?: string;
    internalTrafficPolicy?: string | null;
    healthCheckNodePort?: number;
    trafficDistribution?: string;
  };
  status?: {
    loadBalancer?: { ingress?: Array<{ ip?: string; hostname?: string; ipMode?: string }> | null };
  };
}

export interface ProxyEndpointSlice extends KubeObject {
  addressType?: string;
  endpoints?: Array<{
    addresses: string[];
    conditions?: { ready?: boolean | null; serving?: boolean | null; terminating?: boolean | null };
    nodeName?: string | null;
    zone?: string | null;
    hints?: { forZones?: Array<{ name: string }> | null } | null;
  }> | null;
  ports?: Array<{ name?: string | null; protocol?: string | null; port?: number | null }> | null;
}
