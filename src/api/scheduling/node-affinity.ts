/**
 * @module Whether a node satisfies a pod's required node placement, as component-helpers'
 * scheduling/corev1/nodeaffinity (GetRequiredNodeAffinity(pod).Match(node)) decides it: the
 * pod's nodeSelector (every label equal) and its requiredDuringSchedulingIgnoredDuringExecution
 * node selector terms (any term; within a term every matchExpression on the node's labels and
 * every matchField on its fields; an empty term, or one upstream cannot parse, matches nothing). Pure.
 */
import { isQualifiedName, isValidLabelValue } from '../validation/names.js';

export interface NodeSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt' | string;
  values?: string[];
}

export interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}

export interface PlacementPod {
  spec: {
    nodeSelector?: Record<string, string>;
    affinity?: { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: NodeSelectorTerm[] } } };
  };
}

export interface PlacementNode {
  metadata: { name: string; labels?: Record<string, string> };
}

/** A decimal int64 as Go's strconv.ParseInt(s, 10, 64) accepts it, else undefined. */
function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?\d+$/.test(s)) return undefined;
  const n = BigInt(s);
  return n >= -(2n ** 63n) && n < 2n ** 63n ? n : undefined;
}

/** One requirement against a set of labels (or fields), as labels.Requirement.Matches. */
export function requirementMatches(req: NodeSelectorRequirement, set: Readonly<Record<string, string>>): boolean {
  const has = Object.prototype.hasOwnProperty.call(set, req.key);
  const value = has ? set[req.key]! : undefined;
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
      return has && values.includes(value!);
    case 'NotIn':
      return !has || !values.includes(value!);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      if (!has || values.length !== 1) return false;
      const mine = parseInt64(value!);
      const theirs = parseInt64(values[0]!);
      if (mine === undefined || theirs === undefined) return false;
      return req.operator === 'Gt' ? mine > theirs : mine < theirs;
    }
    default:
      return false;
  }
}

/**
 * Whether labels.NewRequirement accepts the expression (nodeSelectorRequirementsAsSelector):
 * a valid label key and label values; In/NotIn need values, Exists/DoesNotExist none, Gt/Lt one
 * integer. One it rejects is a parse
 * error, and a term with one matches no node (the scheduler ignores the error itself).
 */
function parsesAsLabelRequirement(req: NodeSelectorRequirement): boolean {
  if (isQualifiedName(req.key ?? '').length || (req.values ?? []).some((v) => isValidLabelValue(v).length)) return false;
  const n = req.values?.length ?? 0;
  switch (req.operator) {
    case 'In':
    case 'NotIn':
      return n > 0;
    case 'Exists':
    case 'DoesNotExist':
      return n === 0;
    case 'Gt':
    case 'Lt':
      return n === 1 && parseInt64(req.values![0]!) !== undefined;
    default:
      return false;
  }
}

/**
 * One matchFields requirement as nodeSelectorRequirementsAsFieldSelector reads it: only In and
 * NotIn with exactly one value parse (else the term matches nothing), and a field the node
 * lacks reads as "" (fields.Set.Get).
 */
function fieldRequirementMatches(req: NodeSelectorRequirement, fields: Readonly<Record<string, string>>): boolean | undefined {
  if ((req.operator !== 'In' && req.operator !== 'NotIn') || req.values?.length !== 1) return undefined;
  const value = Object.prototype.hasOwnProperty.call(fields, req.key) ? fields[req.key] : '';
  return req.operator === 'In' ? value === req.values[0] : value !== req.values[0];
}

/** nodeaffinity's nodeSelectorTerm.match: an empty term, or one that does not parse, matches no node. */
export function termMatches(term: NodeSelectorTerm, node: PlacementNode): boolean {
  const expressions = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (!expressions.length && !fields.length) return false;
  if (!expressions.every(parsesAsLabelRequirement)) return false;
  const labels = node.metadata.labels ?? {};
  const nodeFields = { 'metadata.name': node.metadata.name };
  const fieldResults = fields.map((r) => fieldRequirementMatches(r, nodeFields));
  if (fieldResults.includes(undefined)) return false;
  return expressions.every((r) => requirementMatches(r, labels)) && fieldResults.every(Boolean);
}

/** RequiredNodeAffinity.Match: nodeSelector and required node affinity both satisfied. */
export function nodeMatchesPlacement(pod: PlacementPod, node: PlacementNode): boolean {
  const labels = node.metadata.labels ?? {};
  const selector = pod.spec.nodeSelector ?? {};
  if (!Object.entries(selector).every(([k, v]) => labels[k] === v)) return false;
  const required = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (!required) return true;
  return (required.nodeSelectorTerms ?? []).some((t) => termMatches(t, node));
}

/**
 * NodeAffinity's PreFilter result: the node names the required terms confine the pod to — each
 * term's `metadata.name In` matchFields intersected, the terms' sets united (how the DaemonSet
 * controller pins its pods) — or undefined when a term names none (any node may do). An empty
 * set: the terms conflict.
 */
export function requiredNodeNames(pod: PlacementPod): Set<string> | undefined {
  const terms = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  if (!terms.length) return undefined;
  const names = new Set<string>();
  for (const term of terms) {
    let termNames: Set<string> | undefined;
    for (const r of term.matchFields ?? []) {
      if (r.key !== 'metadata.name' || r.operator !== 'In') continue;
      const values = new Set(r.values ?? []);
      termNames = termNames ? new Set([...termNames].filter((n) => values.has(n))) : values;
    }
    if (!termNames) return undefined;
    for (const n of termNames) names.add(n);
  }
  return names;
}
