/**
 * @module Pure arithmetic over a Deployment and its ReplicaSets (deployment/util and
 * controller_utils.go): int-or-percent fenceposts, how far the new ReplicaSet may grow, the
 * proportional share of a scaling event, which ReplicaSet is new, and the orders ReplicaSets
 * are scaled and cleaned up in.
 */
import { POD_TEMPLATE_HASH_LABEL, type DefaultedDeployment, type IntOrString } from './types.js';
import { desiredReplicasInt32, maxReplicasAnnotation, revisionOf } from './annotations.js';
import { parseTime, specReplicas, type PodTemplateSpec, type ReplicaSet } from '../replicaset/types.js';
import { podSpecDefaults } from '../../api/strategies/pod.js';

/**
 * intstr.GetScaledValueFromIntOrPercent: an int as is; `N%` of `total`, rounded up or down.
 * Throws for other strings, with upstream's messages.
 */
export function intOrPercent(value: IntOrString | null | undefined, { total, roundUp }: { total: number; roundUp: boolean }): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'number') return value;
  if (!value.endsWith('%')) throw new Error(`invalid value for IntOrString: invalid type: string is not a percentage`);
  const digits = value.slice(0, -1);
  if (!/^[+-]?\d+$/.test(digits)) throw new Error(`invalid value "${value}": strconv.Atoi: parsing "${digits}": invalid syntax`);
  const scaled = (Number(digits) * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}

/**
 * ResolveFenceposts: maxSurge rounded up and maxUnavailable rounded down against `desired`;
 * both 0 would never make progress, so maxUnavailable becomes 1.
 */
export function resolveFenceposts(
  { maxSurge, maxUnavailable }: { maxSurge?: IntOrString | null; maxUnavailable?: IntOrString | null },
  desired: number,
): [number, number] {
  const surge = intOrPercent(maxSurge ?? 0, { total: desired, roundUp: true });
  let unavailable = intOrPercent(maxUnavailable ?? 0, { total: desired, roundUp: false });
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return [surge, unavailable];
}

export function isRollingUpdate(d: DefaultedDeployment): boolean {
  return d.spec.strategy.type === 'RollingUpdate';
}

function fenceposts(d: DefaultedDeployment): [number, number] {
  const ru = d.spec.strategy.rollingUpdate ?? {};
  try {
    return resolveFenceposts(ru, d.spec.replicas);
  } catch {
    return [0, 0];
  }
}

/** MaxUnavailable: 0 unless rolling with replicas; never more than spec.replicas. */
export function maxUnavailable(d: DefaultedDeployment): number {
  if (!isRollingUpdate(d) || d.spec.replicas === 0) return 0;
  return Math.min(fenceposts(d)[1], d.spec.replicas);
}

/** MaxSurge: 0 unless rolling. */
export function maxSurge(d: DefaultedDeployment): number {
  return isRollingUpdate(d) ? fenceposts(d)[0] : 0;
}

/** Sum of spec.replicas. */
export function specReplicaCount(rss: ReadonlyArray<ReplicaSet | undefined>): number {
  return rss.reduce((n, rs) => n + (rs ? specReplicas(rs) : 0), 0);
}

/** Sum of status.replicas. */
export function actualReplicaCount(rss: ReadonlyArray<ReplicaSet | undefined>): number {
  return rss.reduce((n, rs) => n + (rs?.status?.replicas ?? 0), 0);
}

export function readyReplicaCount(rss: ReadonlyArray<ReplicaSet | undefined>): number {
  return rss.reduce((n, rs) => n + (rs?.status?.readyReplicas ?? 0), 0);
}

export function availableReplicaCount(rss: ReadonlyArray<ReplicaSet | undefined>): number {
  return rss.reduce((n, rs) => n + (rs?.status?.availableReplicas ?? 0), 0);
}

/** FilterActiveReplicaSets: those that have (or should have) pods. */
export function filterActive(rss: ReadonlyArray<ReplicaSet | undefined>): ReplicaSet[] {
  return rss.filter((rs): rs is ReplicaSet => rs !== undefined && specReplicas(rs) > 0);
}

/**
 * NewRSNewReplicas: what the new ReplicaSet should be scaled to now. Rolling: grow by what
 * maxSurge leaves room for, up to spec.replicas. Recreate: spec.replicas at once.
 */
export function newRSNewReplicas(d: DefaultedDeployment, { allRSs, newRS }: { allRSs: ReadonlyArray<ReplicaSet | undefined>; newRS: ReplicaSet }): number {
  switch (d.spec.strategy.type) {
    case 'RollingUpdate': {
      const surge = intOrPercent(d.spec.strategy.rollingUpdate?.maxSurge, { total: d.spec.replicas, roundUp: true });
      const current = specReplicaCount(allRSs);
      const maxTotal = d.spec.replicas + surge;
      if (current >= maxTotal) return specReplicas(newRS);
      const scaleUp = Math.min(maxTotal - current, d.spec.replicas - specReplicas(newRS));
      return specReplicas(newRS) + scaleUp;
    }
    case 'Recreate':
      return d.spec.replicas;
    default:
      throw new Error(`deployment type ${d.spec.strategy.type} isn't supported`);
  }
}

/** integer.RoundToInt32: half away from zero. */
function roundHalfAway(a: number): number {
  return a < 0 ? Math.trunc(a - 0.5) : Math.trunc(a + 0.5);
}

/** getReplicaSetFraction: this ReplicaSet's share of the new size, from its max-replicas annotation. */
function replicaSetFraction(rs: ReplicaSet, d: DefaultedDeployment): number {
  if (d.spec.replicas === 0) return -specReplicas(rs);
  const maxReplicas = d.spec.replicas + maxSurge(d);
  let before = maxReplicasAnnotation(rs);
  if (!before) {
    // No (usable) annotation: fall back to the Deployment's current size, if it has one.
    before = d.status.replicas ?? 0;
    if (before === 0) return 0;
  }
  return roundHalfAway((specReplicas(rs) * maxReplicas) / before) - specReplicas(rs);
}

/**
 * GetProportion: how many of `toAdd` (negative to remove) this ReplicaSet takes, given that
 * `added` were already handed out; never more than what is left.
 */
export function getProportion(d: DefaultedDeployment, { rs, toAdd, added }: { rs: ReplicaSet | undefined; toAdd: number; added: number }): number {
  if (!rs || specReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

/** IsSaturated: the new ReplicaSet is at full size, was sized for this spec.replicas, and all of it is available. */
export function isSaturated(d: DefaultedDeployment, rs: ReplicaSet | undefined): boolean {
  if (!rs) return false;
  const desired = desiredReplicasInt32(rs);
  if (desired === undefined) return false;
  return specReplicas(rs) === d.spec.replicas && desired === d.spec.replicas && (rs.status?.availableReplicas ?? 0) === d.spec.replicas;
}

function created(rs: ReplicaSet): number {
  // Go's zero time sorts before every real one.
  return parseTime(rs.metadata.creationTimestamp) ?? Number.NEGATIVE_INFINITY;
}

/** ReplicaSetsByCreationTimestamp: oldest first, then by name. */
export function byCreation(a: ReplicaSet, b: ReplicaSet): number {
  if (created(a) === created(b)) return (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : (a.metadata.name ?? '') > (b.metadata.name ?? '') ? 1 : 0;
  return created(a) < created(b) ? -1 : 1;
}

/** ReplicaSetsBySizeOlder: largest first, older first among equals (scaling down). */
export function bySizeOlder(a: ReplicaSet, b: ReplicaSet): number {
  return specReplicas(a) === specReplicas(b) ? byCreation(a, b) : specReplicas(b) - specReplicas(a);
}

/** ReplicaSetsBySizeNewer: largest first, newer first among equals (scaling up). */
export function bySizeNewer(a: ReplicaSet, b: ReplicaSet): number {
  return specReplicas(a) === specReplicas(b) ? byCreation(b, a) : specReplicas(b) - specReplicas(a);
}

/** ReplicaSetsByRevision: lowest revision first; creation order when a revision is equal or unreadable. */
export function byRevision(a: ReplicaSet, b: ReplicaSet): number {
  const ra = revisionOf(a);
  const rb = revisionOf(b);
  if (ra === undefined || rb === undefined || ra === rb) return byCreation(a, b);
  return ra - rb;
}

/**
 * FindActiveOrLatest: the one ReplicaSet with pods; with none, the new one or else the newest
 * old one; undefined when several have pods.
 */
export function findActiveOrLatest(newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): ReplicaSet | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const newestFirst = [...oldRSs].sort((a, b) => byCreation(b, a));
  const active = filterActive([...newestFirst, newRS]);
  if (active.length === 0) return newRS ?? newestFirst[0];
  return active.length === 1 ? active[0] : undefined;
}

/**
 * apimachinery's semantic equality, for JSON: null and absent are the same, and so are an
 * empty list or map and none at all.
 */
function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.length ? value.map(normalize) : undefined;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = normalize((value as Record<string, unknown>)[key]);
      if (v !== undefined) out[key] = v;
    }
    return Object.keys(out).length ? out : undefined;
  }
  return value === null ? undefined : value;
}

/**
 * EqualIgnoreHash: the templates are semantically equal once the pod-template-hash label is
 * dropped. Both are compared defaulted, as upstream compares them (its decode from etcd
 * defaults every object it reads): a ReplicaSet stored by an older kubito, before a default
 * it now applies (quantities in canonical form, `cpu: 0.5` vs `500m`; volumes' defaultMode
 * 420, a token's expirationSeconds), is the same template as its Deployment written since;
 * compared as stored they differed and the Deployment's next write rolled it out.
 */
export function equalIgnoreHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  const strip = (t: PodTemplateSpec | undefined): unknown => {
    const copy = structuredClone(t ?? {});
    if (copy.metadata?.labels) delete copy.metadata.labels[POD_TEMPLATE_HASH_LABEL];
    if (copy.spec && typeof copy.spec === 'object') podSpecDefaults(copy.spec as Record<string, unknown>);
    return normalize(copy);
  };
  return JSON.stringify(strip(a)) === JSON.stringify(strip(b));
}

/** FindNewReplicaSet: the oldest ReplicaSet whose template is the Deployment's. */
export function findNewReplicaSet(d: DefaultedDeployment, rsList: readonly ReplicaSet[]): ReplicaSet | undefined {
  return [...rsList].sort(byCreation).find((rs) => equalIgnoreHash(rs.spec?.template, d.spec.template));
}

/** FindOldReplicaSets: every other ReplicaSet (all of them, and those with replicas). */
export function findOldReplicaSets(d: DefaultedDeployment, rsList: readonly ReplicaSet[]): { required: ReplicaSet[]; all: ReplicaSet[] } {
  const newRS = findNewReplicaSet(d, rsList);
  const all = rsList.filter((rs) => !newRS || rs.metadata.uid !== newRS.metadata.uid);
  return { required: all.filter((rs) => specReplicas(rs) !== 0), all };
}
