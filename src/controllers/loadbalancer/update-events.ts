/**
 * @module The events upstream's service controller records when it sees a Service change
 * (cloud-provider controllers/service/controller.go `needsUpdate`, called from its informer's
 * update handler): `Type` (`NodePort -> LoadBalancer`), `LoadBalancerSourceRanges`,
 * `LoadbalancerIP`, `ExternalIP`, `UID`, `ExternalTrafficPolicy`, `HealthCheckNodePort`. Like
 * upstream it stops at the first change that needs a load balancer update, so a change that
 * records nothing (ports, affinity, annotations) hides those after it. Pure.
 */
import { wantsLoadBalancer, type Service } from './service.js';

export interface UpdateEvent {
  reason: string;
  message: string;
}

interface SpecView {
  type?: string;
  ports?: Array<{ name?: string; protocol?: string; port?: number; nodePort?: number; targetPort?: number | string }>;
  sessionAffinity?: string;
  sessionAffinityConfig?: unknown;
  loadBalancerIP?: string;
  loadBalancerSourceRanges?: string[] | null;
  externalIPs?: string[] | null;
  externalTrafficPolicy?: string;
  healthCheckNodePort?: number;
}

const specOf = (svc: Service): SpecView => (svc.spec ?? {}) as SpecView;

/** Go's `%v` of a []string: `[a b]`. */
const goList = (list: string[] | null | undefined): string => `[${(list ?? []).join(' ')}]`;

/** portEqualForLB, each port in order: name, protocol, port, nodePort, targetPort (an IntOrString: 80 and "80" differ). */
function portsEqual(a: SpecView, b: SpecView): boolean {
  const x = a.ports ?? [];
  const y = b.ports ?? [];
  return x.length === y.length && x.every((p, i) => {
    const q = y[i];
    return (p.name ?? '') === (q.name ?? '') && (p.protocol ?? '') === (q.protocol ?? '') && (p.port ?? 0) === (q.port ?? 0)
      && (p.nodePort ?? 0) === (q.nodePort ?? 0) && JSON.stringify(p.targetPort ?? 0) === JSON.stringify(q.targetPort ?? 0);
  });
}

const sameJSON = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** The event needsUpdate records for `old` -> `cur`, if any (at most one, as upstream). */
export function updateEvents(old: Service, cur: Service): UpdateEvent[] {
  const wantedBefore = wantsLoadBalancer(old);
  const wantsNow = wantsLoadBalancer(cur);
  if (!wantedBefore && !wantsNow) return [];
  const a = specOf(old);
  const b = specOf(cur);
  if (wantedBefore !== wantsNow) return [{ reason: 'Type', message: `${a.type ?? ''} -> ${b.type ?? ''}` }];
  if (wantsNow && !sameJSON(a.loadBalancerSourceRanges, b.loadBalancerSourceRanges)) {
    return [{ reason: 'LoadBalancerSourceRanges', message: `${goList(a.loadBalancerSourceRanges)} -> ${goList(b.loadBalancerSourceRanges)}` }];
  }
  if (!portsEqual(a, b) || (a.sessionAffinity ?? '') !== (b.sessionAffinity ?? '') || !sameJSON(a.sessionAffinityConfig, b.sessionAffinityConfig)) return [];
  if ((a.loadBalancerIP ?? '') !== (b.loadBalancerIP ?? '')) return [{ reason: 'LoadbalancerIP', message: `${a.loadBalancerIP ?? ''} -> ${b.loadBalancerIP ?? ''}` }];
  const ipsBefore = a.externalIPs ?? [];
  const ipsNow = b.externalIPs ?? [];
  if (ipsBefore.length !== ipsNow.length) return [{ reason: 'ExternalIP', message: `Count: ${ipsBefore.length} -> ${ipsNow.length}` }];
  const changed = ipsBefore.findIndex((ip, i) => ip !== ipsNow[i]);
  if (changed >= 0) return [{ reason: 'ExternalIP', message: `Added: ${ipsNow[changed]}` }];
  if (!sameJSON(old.metadata.annotations, cur.metadata.annotations)) return [];
  if ((old.metadata.uid ?? '') !== (cur.metadata.uid ?? '')) return [{ reason: 'UID', message: `${old.metadata.uid ?? ''} -> ${cur.metadata.uid ?? ''}` }];
  if ((a.externalTrafficPolicy ?? '') !== (b.externalTrafficPolicy ?? '')) {
    return [{ reason: 'ExternalTrafficPolicy', message: `${a.externalTrafficPolicy ?? ''} -> ${b.externalTrafficPolicy ?? ''}` }];
  }
  if ((a.healthCheckNodePort ?? 0) !== (b.healthCheckNodePort ?? 0)) {
    return [{ reason: 'HealthCheckNodePort', message: `${a.healthCheckNodePort ?? 0} -> ${b.healthCheckNodePort ?? 0}` }];
  }
  return [];
}
