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
import { isEmptySelector, matches, type Selector } from '../selectors/labels.js';
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
      podAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTerm[]; preferredDuringSchedulingIgnoredDuringExecution?: Array<{ podAffinityTerm: PodAffinityTerm }> };
      podAntiAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTerm[]; preferredDuringSchedulingIgnoredDuringExecution?: Array<{ podAffinityTerm: PodAffinityTerm }> };
    };
  };
}

/** A pod already placed, with the labels of its node. */
export interface PlacedPod {
  pod: AffinityPod;
  nodeLabels: Record<string, string>;
}

/** A term as framework.AffinityTerm holds it: its selectors parsed. */
interface ParsedTerm {
  /** The namespaces named (the owner's when none is named and no namespaceSelector is given). */
  namespaces: readonly string[];
  /** Undefined: no namespaceSelector. */
  namespaceSelector?: Selector;
  selector: Selector;
  topologyKey: string;
}

/** newAffinityTerm; throws what LabelSelectorAsSelector rejects. */
function parseTerm(owner: AffinityPod, term: PodAffinityTerm): ParsedTerm {
  const selector = selectorFromLabelSelector(term.labelSelector);
  const namespaceSelector = term.namespaceSelector ? selectorFromLabelSelector(term.namespaceSelector) : undefined;
  const namespaces = term.namespaces?.length || term.namespaceSelector ? (term.namespaces ?? []) : [owner.metadata.namespace ?? 'default'];
  return { namespaces, namespaceSelector, selector, topologyKey: term.topologyKey };
}

/**
 * AffinityTerm.Matches. A non-empty namespaceSelector needs the namespaces' labels, which
 * `namespaceLabels` gives (absent: such a selector matches no namespace).
 */
function parsedTermMatches(term: ParsedTerm, pod: AffinityPod, namespaceLabels?: (ns: string) => Record<string, string> | undefined): boolean {
  const ns = pod.metadata.namespace ?? 'default';
  let inScope = term.namespaces.includes(ns);
  if (!inScope && term.namespaceSelector) {
    const labels = namespaceLabels?.(ns);
    inScope = isEmptySelector(term.namespaceSelector) || (labels !== undefined && matches(term.namespaceSelector, labels));
  }
  return inScope && matches(term.selector, pod.metadata.labels ?? {});
}

/** AffinityTerm.Matches of one term as written (parsed first; throws what the parse rejects). */
export function termMatches(term: PodAffinityTerm, owner: AffinityPod, pod: AffinityPod, namespaceLabels?: (ns: string) => Record<string, string> | undefined): boolean {
  return parsedTermMatches(parseTerm(owner, term), pod, namespaceLabels);
}

type Kind = 'podAffinity' | 'podAntiAffinity';
const required = (pod: AffinityPod, kind: Kind): PodAffinityTerm[] => pod.spec.affinity?.[kind]?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
const preferred = (pod: AffinityPod, kind: Kind): PodAffinityTerm[] => (pod.spec.affinity?.[kind]?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) => w.podAffinityTerm);

/**
 * PodInfo.Update's terms: the required ones parsed; `error` the aggregate of what failed to
 * parse, each list named as upstream names it (the preferred terms are parsed too).
 */
function parsePod(pod: AffinityPod): { affinity: ParsedTerm[]; antiAffinity: ParsedTerm[]; error?: string } {
  const errors: string[] = [];
  const parse = (terms: PodAffinityTerm[], what: string): ParsedTerm[] => {
    try {
      return terms.map((t) => parseTerm(pod, t));
    } catch (err) {
      errors.push(`${what}: ${err instanceof Error ? err.message : String(err)}`);
      return [];
    }
  };
  const affinity = parse(required(pod, 'podAffinity'), 'requiredAffinityTerms');
  const antiAffinity = parse(required(pod, 'podAntiAffinity'), 'requiredAntiAffinityTerms');
  parse(preferred(pod, 'podAffinity'), 'preferredAffinityTerms');
  parse(preferred(pod, 'podAntiAffinity'), 'preferredAntiAffinityTerms');
  // utilerrors.Aggregate: one error as itself, more as "[a, b]".
  const error = errors.length === 0 ? undefined : errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`;
  return { affinity, antiAffinity, error };
}

/** InterPodAffinity's PreFilter verdict on a pod whose terms do not parse ("parsing pod: ..."), else undefined. */
export function podAffinityParseError(pod: AffinityPod): string | undefined {
  const { error } = parsePod(pod);
  return error === undefined ? undefined : `parsing pod: ${error}`;
}

/**
 * The reason the node fails the filter, or undefined; whether the failure is unresolvable
 * (affinity; a pod whose terms do not parse: `podAffinityParseError`) or not (the
 * anti-affinities). The placed pods' terms that do not parse are ignored, as the scheduler's
 * cache holds them.
 */
export function interPodAffinityFailure(
  pod: AffinityPod,
  nodeLabels: Record<string, string>,
  placed: readonly PlacedPod[],
  namespaceLabels?: (ns: string) => Record<string, string> | undefined,
): { reason: string; unresolvable: boolean } | undefined {
  const own = parsePod(pod);
  if (own.error) return { reason: `parsing pod: ${own.error}`, unresolvable: true };
  const at = (labels: Record<string, string>, key: string) => (Object.hasOwn(labels, key) ? labels[key] : undefined);
  // satisfyPodAffinity: counts of placed pods matching all the terms, by the terms' topologies.
  const affinity = own.affinity;
  if (affinity.length) {
    const counts = new Map<string, number>();
    for (const p of placed) {
      if (!affinity.every((t) => parsedTermMatches(t, p.pod, namespaceLabels))) continue;
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
    if (!exist && !(counts.size === 0 && affinity.every((t) => parsedTermMatches(t, pod, namespaceLabels)))) {
      return { reason: "node(s) didn't match pod affinity rules", unresolvable: true };
    }
  }
  for (const t of own.antiAffinity) {
    const v = at(nodeLabels, t.topologyKey);
    if (v === undefined) continue;
    if (placed.some((p) => at(p.nodeLabels, t.topologyKey) === v && parsedTermMatches(t, p.pod, namespaceLabels))) return { reason: "node(s) didn't match pod anti-affinity rules", unresolvable: false };
  }
  for (const p of placed) {
    if (!required(p.pod, 'podAntiAffinity').length) continue;
    for (const t of parsePod(p.pod).antiAffinity) {
      const theirs = at(p.nodeLabels, t.topologyKey);
      if (theirs === undefined || at(nodeLabels, t.topologyKey) !== theirs) continue;
      if (parsedTermMatches(t, pod, namespaceLabels)) return { reason: "node(s) didn't satisfy existing pods anti-affinity rules", unresolvable: false };
    }
  }
  return undefined;
}
