/**
 * @module Service defaulting as SetDefaults_Service (pkg/apis/core/v1/defaults.go, 1.33) does it
 * when a request body is decoded (dataplane.md §4.2). IP family fields are not defaulted
 * here: the registry fills them while allocating (`initIPFamilyFields`, in ip-families.ts).
 */
import type { KubeObject } from '../types.js';
import { asService, externallyAccessible, ports } from './service-view.js';

/** DefaultClientIPServiceAffinitySeconds: 3 hours. */
export const DEFAULT_CLIENT_IP_TIMEOUT_SECONDS = 10800;

export function serviceDefaults(obj: KubeObject): void {
  const svc = asService(obj);
  const spec = svc.spec;
  if (!spec.sessionAffinity) spec.sessionAffinity = 'None';
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP') {
    const timeout = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds;
    if (timeout === undefined || timeout === null) {
      spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: DEFAULT_CLIENT_IP_TIMEOUT_SECONDS } };
    }
  }
  if (!spec.type) spec.type = 'ClusterIP';
  for (const port of ports(svc)) {
    if (!port.protocol) port.protocol = 'TCP';
    // intstr zero values: a missing targetPort, 0 or "" all become the port number.
    if (port.targetPort === undefined || port.targetPort === null || port.targetPort === 0 || port.targetPort === '') {
      port.targetPort = port.port ?? 0;
    }
  }
  if (externallyAccessible(svc) && !spec.externalTrafficPolicy) spec.externalTrafficPolicy = 'Cluster';
  if ((spec.internalTrafficPolicy === undefined || spec.internalTrafficPolicy === null) && ['NodePort', 'LoadBalancer', 'ClusterIP'].includes(spec.type)) {
    spec.internalTrafficPolicy = 'Cluster';
  }
  if (spec.type === 'LoadBalancer') {
    if (spec.allocateLoadBalancerNodePorts === undefined || spec.allocateLoadBalancerNodePorts === null) spec.allocateLoadBalancerNodePorts = true;
    // LoadBalancerIPMode (beta, on): an ingress IP without a mode is a VIP.
    const ingress = (svc.status?.loadBalancer as { ingress?: Array<Record<string, unknown>> } | undefined)?.ingress;
    for (const ing of Array.isArray(ingress) ? ingress : []) {
      if (ing.ip && (ing.ipMode === undefined || ing.ipMode === null)) ing.ipMode = 'VIP';
    }
  }
}
