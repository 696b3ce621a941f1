/**
 * @module kube-scheduler's InterPodAffinity filter for required terms, pure
 * (plugins/interpodaffinity/filtering.go): the incoming pod's required pod affinity (every
 * term's topology on the node must hold a pod matching all its terms — or, for the first pod of
 * a group that matches its own terms, no such pod anywhere), its required anti-affinity (no
 * pod matching a term in the node's topology), and the anti-affinity of the pods already placed
 * (none of their terms may match the incoming pod in the node's topology). A term matches pods
 * of its namespaces (the pod's own when none are named; every namespace with an empty
 * namespaceSelector) whose labels its labelSelector selects.
 */
import { matches } from '../selectors/labels.js';
import { selectorFromLabelSelector, type LabelSelector } from '../selectors/structured.js';

export interface PodAffinityTerm {
  labelSelector?: LabelSelector | null;
  namespaces?: string[];
  namespaceSelector?: LabelSelector | null;
  topologyKey: string;
}

export interface AffinityPod {
  metadata: { name?: string; namespace?: string; labels?: Record<string, string> };
  spec: {
    affinity?: {
      podAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTerm[] };
      podAntiAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTerm[] };
    };
  };
}

/** A pod already placed, with the labels of its node. */
export interface PlacedPod {
  pod: AffinityPod;
  nodeLabels: Record<string, string>;
}

/**
 * AffinityTerm.Matches. A non-empty namespaceSelector needs the namespaces' labels, which
 * `namespaceLabels` gives (absent: such a selector matches no namespace).
 */
export function termMatches(term: PodAffinityTerm, owner: AffinityPod, pod: AffinityPod, namespaceLabels?: (ns: string) => Record<string, string> | undefined): boolean {
  const ns = pod.metadata.namespace ?? 'default';
  const named = term.namespaces?.length ? term.namespaces : term.namespaceSelector ? [] : [owner.metadata.namespace ?? 'default'];
  let inScope = named.includes(ns);
  if (!inScope && term.namespaceSelector) {
    const sel = selectorFromLabelSelector(term.namespaceSelector);
    const labels = namespaceLabels?.(ns);
    inScope = Object.keys(term.namespaceSelector.matchLabels ?? {}).length + (term.namespaceSelector.matchExpressions?.length ?? 0) === 0 || (labels !== undefined && matches(sel, labels));
  }
  return inScope && matches(selectorFromLabelSelector(term.labelSelector), pod.metadata.labels ?? {});
}

const required = (pod: AffinityPod, kind: 'podAffinity' | 'podAntiAffinity'): PodAffinityTerm[] => pod.spec.affinity?.[kind]?.requiredDuringSchedulingIgnoredDuringExecution ?? [];

/** The reason the node fails the filter, or undefined; and whether the failure is unresolvable (affinity) or not (the anti-affinities). */
export function interPodAffinityFailure(
  pod: AffinityPod,
  nodeLabels: Record<string, string>,
  placed: readonly PlacedPod[],
  namespaceLabels?: (ns: string) => Record<string, string> | undefined,
): { reason: string; unresolvable: boolean } | undefined {
  const at = (labels: Record<string, string>, key: string) => (Object.hasOwn(labels, key) ? labels[key] : undefined);
  // satisfyPodAffinity: counts of placed pods matching all the terms, by the terms' topologies.
  const affinity = required(pod, 'podAffinity');
  if (affinity.length) {
    const counts = new Map<string, number>();
    for (const p of placed) {
      if (!affinity.every((t) => termMatches(t, pod, p.pod, namespaceLabels))) continue;
      for (const t of affinity) {
        const v = at(p.nodeLabels, t.topologyKey);
        if (v !== undefined) counts.set(`${t.topologyKey}=${v}`, (counts.get(`${t.topologyKey}=${v}`) ?? 0) + 1);
      }
    }
    let exist = true;
    for (const t of affinity) {
      const v = at(nodeLabels, t.topologyKey);
      if (v === undefined) return { reason: "node(s) didn't match pod affinity rules", unresolvable: true };
      if (!counts.get(`${t.topologyKey}=${v}`)) exist = false;
    }
    // The first pod of a series with affinity to itself may go where its topologies are.
    if (!exist && !(counts.size === 0 && affinity.every((t) => termMatches(t, pod, pod, namespaceLabels)))) {
      return { reason: "node(s) didn't match pod affinity rules", unresolvable: true };
    }
  }
  for (const t of required(pod, 'podAntiAffinity')) {
    const v = at(nodeLabels, t.topologyKey);
    if (v === undefined) continue;
    if (placed.some((p) => at(p.nodeLabels, t.topologyKey) === v && termMatches(t, pod, p.pod, namespaceLabels))) return { reason: "node(s) didn't match pod anti-affinity rules", unresolvable: false };
  }
  for (const p of placed) {
    for (const t of required(p.pod, 'podAntiAffinity')) {
      const theirs = at(p.nodeLabels, t.topologyKey);
      if (theirs === undefined || at(nodeLabels, t.topologyKey) !== theirs) continue;
      if (termMatches(t, p.pod, pod, namespaceLabels)) return { reason: "node(s) didn't satisfy existing pods anti-affinity rules", unresolvable: false };
    }
  }
  return undefined;
}
