/**
 * @module Taints and tolerations as k8s.io/api/core/v1 (toleration.go, taint.go) and
 * component-helpers' scheduling/corev1 (FindMatchingUntoleratedTaint, GetMatchingTolerations)
 * define them — pure, shared by the scheduler (TaintToleration, NodeUnschedulable), the node
 * lifecycle controller and the taint eviction controller.
 */

export type TaintEffect = 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';

export interface Taint {
  key: string;
  value?: string;
  effect: TaintEffect | string;
  /** RFC 3339; set for NoExecute taints the node controller adds. */
  timeAdded?: string;
}

export interface Toleration {
  key?: string;
  operator?: 'Exists' | 'Equal' | string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

/** Toleration.ToleratesTaint: effect and key match when given; Exists any value, Equal (or "") the same value. */
export function toleratesTaint(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  switch (toleration.operator ?? '') {
    case '':
    case 'Equal':
      return (toleration.value ?? '') === (taint.value ?? '');
    case 'Exists':
      return true;
    default:
      return false;
  }
}

/** TolerationsTolerateTaint: some toleration tolerates it. */
export function tolerated(tolerations: readonly Toleration[] | undefined, taint: Taint): boolean {
  return (tolerations ?? []).some((t) => toleratesTaint(t, taint));
}

/** FindMatchingUntoleratedTaint: the first taint (of those `inScope`) no toleration tolerates. */
export function firstUntoleratedTaint(taints: readonly Taint[] | undefined, tolerations: readonly Toleration[] | undefined, inScope: (t: Taint) => boolean): Taint | undefined {
  return (taints ?? []).find((t) => inScope(t) && !tolerated(tolerations, t));
}

/**
 * GetMatchingTolerations: whether every taint is tolerated, and the tolerations used (the first
 * that tolerates each taint). No taints: all tolerated, none used.
 */
export function matchingTolerations(taints: readonly Taint[], tolerations: readonly Toleration[] | undefined): { allTolerated: boolean; used: Toleration[] } {
  const used: Toleration[] = [];
  for (const taint of taints) {
    const t = (tolerations ?? []).find((x) => toleratesTaint(x, taint));
    if (!t) return { allTolerated: false, used: [] };
    used.push(t);
  }
  return { allTolerated: true, used };
}

/**
 * The taint eviction controller's getMinTolerationTime, in seconds: 0 with no tolerations or
 * one of 0 or less, undefined (forever) when none bounds it, else the least tolerationSeconds.
 */
export function minTolerationSeconds(tolerations: readonly Toleration[]): number | undefined {
  if (!tolerations.length) return 0;
  let least: number | undefined;
  for (const t of tolerations) {
    if (t.tolerationSeconds === undefined || t.tolerationSeconds === null) continue;
    if (t.tolerationSeconds <= 0) return 0;
    if (least === undefined || t.tolerationSeconds < least) least = t.tolerationSeconds;
  }
  return least;
}

/** Taint key and effect are what make a taint (TaintExists / MatchTaint compare those only). */
export function sameTaint(a: Taint, b: Taint): boolean {
  return a.key === b.key && a.effect === b.effect;
}

/**
 * AddOrUpdateTaint for each of `add` (one of the same key and effect is replaced where it
 * stands, else it is appended), then RemoveTaint for each of `remove` (key and effect).
 */
export function swapTaints(taints: readonly Taint[] | undefined, add: readonly Taint[], remove: readonly Taint[]): Taint[] {
  let out = [...(taints ?? [])];
  for (const a of add) {
    const at = out.findIndex((t) => sameTaint(t, a));
    if (at >= 0) out[at] = a;
    else out.push(a);
  }
  out = out.filter((t) => !remove.some((r) => sameTaint(r, t)));
  return out;
}
