/**
 * @module The fields of a Service the LoadBalancer controller depends on (STYLE.md §10), and
 * the decisions upstream's service controller makes on them (wantsLoadBalancer, needsCleanup,
 * LoadBalancerStatusEqual), adapted to kubito's own load balancer class. Pure.
 */
import type { KubeObject } from '../../api/types.js';

/** The loadBalancerClass kubito implements; Services without a class are kubito's too. */
export const LOOPBACK_CLASS = 'kubito.io/loopback';

/** Upstream's LoadBalancerCleanupFinalizer: a Service keeps it until its address is released. */
export const LB_CLEANUP_FINALIZER = 'service.kubernetes.io/load-balancer-cleanup';

export interface LoadBalancerIngress {
  ip?: string;
  hostname?: string;
  ipMode?: string;
}

export type Service = KubeObject & {
  spec?: { type?: string; loadBalancerClass?: string | null; loadBalancerIP?: string };
  status?: { loadBalancer?: { ingress?: LoadBalancerIngress[] } };
};

/** A LoadBalancer Service with no class or kubito's class: this controller gives it an address. */
export function wantsLoadBalancer(svc: Service): boolean {
  if (svc.spec?.type !== 'LoadBalancer') return false;
  const cls = svc.spec.loadBalancerClass;
  return cls === undefined || cls === null || cls === '' || cls === LOOPBACK_CLASS;
}

export function hasCleanupFinalizer(svc: Service): boolean {
  return (svc.metadata.finalizers ?? []).includes(LB_CLEANUP_FINALIZER);
}

/** Ours to clean up: it carries our finalizer and is being deleted or wants no address any more. */
export function needsCleanup(svc: Service): boolean {
  return hasCleanupFinalizer(svc) && (!!svc.metadata.deletionTimestamp || !wantsLoadBalancer(svc));
}

/** The ingress list for an address (`ipMode: VIP`: traffic to it is handled like the ClusterIP). */
export function ingressFor(ip: string | undefined): LoadBalancerIngress[] {
  return ip ? [{ ip, ipMode: 'VIP' }] : [];
}

/** Whether the Service's status already says exactly this (an empty status for no address). */
export function statusMatches(svc: Service, ip: string | undefined): boolean {
  return JSON.stringify(svc.status?.loadBalancer?.ingress ?? []) === JSON.stringify(ingressFor(ip));
}

/** Ingress IPs in the stored status, in order. */
export function ingressIPs(svc: Service): string[] {
  return (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip).filter((ip): ip is string => !!ip);
}
