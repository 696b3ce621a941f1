/**
 * @module Definitions: core/v1 scheduling constraints of a PodSpec: affinity, tolerations, topology spread.
 * Fields, types, list/patch extensions and descriptions follow upstream's OpenAPI (long
 * descriptions keep their first sentences).
 */
import type { Definitions } from './types.js';
import { arr, int32, int64, obj, ref, str } from './builders.js';
import { CORE, META } from './names.js';

export const CORE_V1_SCHEDULING_DEFINITIONS: Definitions = {
  'io.k8s.api.core.v1.Affinity': obj('Affinity is a group of affinity scheduling rules.', {
    nodeAffinity: ref(CORE + 'NodeAffinity', 'Describes node affinity scheduling rules for the pod.'),
    podAffinity: ref(CORE + 'PodAffinity', 'Describes pod affinity scheduling rules (e.g. co-locate this pod in the same node, zone, etc. as some other pod(s)).'),
    podAntiAffinity: ref(CORE + 'PodAntiAffinity', 'Describes pod anti-affinity scheduling rules (e.g. avoid putting this pod in the same node, zone, etc. as some other pod(s)).'),
  }),
  'io.k8s.api.core.v1.NodeAffinity': obj('Node affinity is a group of node affinity scheduling rules.', {
    preferredDuringSchedulingIgnoredDuringExecution: arr(ref(CORE + 'PreferredSchedulingTerm'), 'The scheduler will prefer to schedule pods to nodes that satisfy the affinity expressions specified by this field, but it may choose a node that violates one or more of the expressions.', { listType: 'atomic' }),
    requiredDuringSchedulingIgnoredDuringExecution: ref(CORE + 'NodeSelector', 'If the affinity requirements specified by this field are not met at scheduling time, the pod will not be scheduled onto the node. If the affinity requirements specified by this field cease to be met at some point during pod execution (e.g. due to an update), the system may or may not try to eventually evict the pod from its node.'),
  }),
  'io.k8s.api.core.v1.NodeSelector': obj('A node selector represents the union of the results of one or more label queries over a set of nodes; that is, it represents the OR of the selectors represented by the node selector terms.', {
    nodeSelectorTerms: arr(ref(CORE + 'NodeSelectorTerm'), 'Required. A list of node selector terms. The terms are ORed.', { listType: 'atomic' }),
  }, { required: ['nodeSelectorTerms'], mapType: 'atomic' }),
  'io.k8s.api.core.v1.NodeSelectorRequirement': obj('A node selector requirement is a selector that contains values, a key, and an operator that relates the key and values.', {
    key: str('The label key that the selector applies to.'),
    operator: str('Represents a key\'s relationship to a set of values. Valid operators are In, NotIn, Exists, DoesNotExist. Gt, and Lt.'),
    values: arr(str(), 'An array of string values. If the operator is In or NotIn, the values array must be non-empty. If the operator is Exists or DoesNotExist, the values array must be empty. If the operator is Gt or Lt, the values array must have a single element, which will be interpreted as an integer. This array is replaced during a strategic merge patch.', { listType: 'atomic' }),
  }, { required: ['key', 'operator'] }),
  'io.k8s.api.core.v1.NodeSelectorTerm': obj('A null or empty node selector term matches no objects. The requirements of them are ANDed. The TopologySelectorTerm type implements a subset of the NodeSelectorTerm.', {
    matchExpressions: arr(ref(CORE + 'NodeSelectorRequirement'), 'A list of node selector requirements by node\'s labels.', { listType: 'atomic' }),
    matchFields: arr(ref(CORE + 'NodeSelectorRequirement'), 'A list of node selector requirements by node\'s fields.', { listType: 'atomic' }),
  }, { mapType: 'atomic' }),
  'io.k8s.api.core.v1.PodAffinity': obj('Pod affinity is a group of inter pod affinity scheduling rules.', {
    preferredDuringSchedulingIgnoredDuringExecution: arr(ref(CORE + 'WeightedPodAffinityTerm'), 'The scheduler will prefer to schedule pods to nodes that satisfy the affinity expressions specified by this field, but it may choose a node that violates one or more of the expressions.', { listType: 'atomic' }),
    requiredDuringSchedulingIgnoredDuringExecution: arr(ref(CORE + 'PodAffinityTerm'), 'If the affinity requirements specified by this field are not met at scheduling time, the pod will not be scheduled onto the node. If the affinity requirements specified by this field cease to be met at some point during pod execution (e.g. due to a pod label update), the system may or may not try to eventually evict the pod from its node.', { listType: 'atomic' }),
  }),
  'io.k8s.api.core.v1.PodAffinityTerm': obj('Defines a set of pods (namely those matching the labelSelector relative to the given namespace(s)) that this pod should be co-located (affinity) or not co-located (anti-affinity) with, where co-located is defined as running on a node whose value of the label with key <topologyKey> matches that of any node on which a pod of the set of pods is running', {
    labelSelector: ref(META + 'LabelSelector', 'A label query over a set of resources, in this case pods. If it\'s null, this PodAffinityTerm matches with no Pods.'),
    matchLabelKeys: arr(str(), 'MatchLabelKeys is a set of pod label keys to select which pods will be taken into consideration. The keys are used to lookup values from the incoming pod labels, those key-value labels are merged with `labelSelector` as `key in (value)` to select the group of existing pods which pods will be taken into consideration for the incoming pod\'s pod (anti) affinity.', { listType: 'atomic' }),
    mismatchLabelKeys: arr(str(), 'MismatchLabelKeys is a set of pod label keys to select which pods will be taken into consideration. The keys are used to lookup values from the incoming pod labels, those key-value labels are merged with `labelSelector` as `key notin (value)` to select the group of existing pods which pods will be taken into consideration for the incoming pod\'s pod (anti) affinity.', { listType: 'atomic' }),
    namespaceSelector: ref(META + 'LabelSelector', 'A label query over the set of namespaces that the term applies to. The term is applied to the union of the namespaces selected by this field and the ones listed in the namespaces field. null selector and null or empty namespaces list means "this pod\'s namespace". An empty selector ({}) matches all namespaces.'),
    namespaces: arr(str(), 'namespaces specifies a static list of namespace names that the term applies to. The term is applied to the union of the namespaces listed in this field and the ones selected by namespaceSelector. null or empty namespaces list and null namespaceSelector means "this pod\'s namespace".', { listType: 'atomic' }),
    topologyKey: str('This pod should be co-located (affinity) or not co-located (anti-affinity) with the pods matching the labelSelector in the specified namespaces, where co-located is defined as running on a node whose value of the label with key topologyKey matches that of any node on which any of the selected pods is running. Empty topologyKey is not allowed.'),
  }, { required: ['topologyKey'] }),
  'io.k8s.api.core.v1.PodAntiAffinity': obj('Pod anti affinity is a group of inter pod anti affinity scheduling rules.', {
    preferredDuringSchedulingIgnoredDuringExecution: arr(ref(CORE + 'WeightedPodAffinityTerm'), 'The scheduler will prefer to schedule pods to nodes that satisfy the anti-affinity expressions specified by this field, but it may choose a node that violates one or more of the expressions.', { listType: 'atomic' }),
    requiredDuringSchedulingIgnoredDuringExecution: arr(ref(CORE + 'PodAffinityTerm'), 'If the anti-affinity requirements specified by this field are not met at scheduling time, the pod will not be scheduled onto the node. If the anti-affinity requirements specified by this field cease to be met at some point during pod execution (e.g. due to a pod label update), the system may or may not try to eventually evict the pod from its node.', { listType: 'atomic' }),
  }),
  'io.k8s.api.core.v1.PreferredSchedulingTerm': obj('An empty preferred scheduling term matches all objects with implicit weight 0 (i.e. it\'s a no-op). A null preferred scheduling term matches no objects (i.e. is also a no-op).', {
    preference: ref(CORE + 'NodeSelectorTerm', 'A node selector term, associated with the corresponding weight.'),
    weight: int32('Weight associated with matching the corresponding nodeSelectorTerm, in the range 1-100.'),
  }, { required: ['weight', 'preference'] }),
  'io.k8s.api.core.v1.Toleration': obj('The pod this Toleration is attached to tolerates any taint that matches the triple <key,value,effect> using the matching operator <operator>.', {
    effect: str('Effect indicates the taint effect to match. Empty means match all taint effects. When specified, allowed values are NoSchedule, PreferNoSchedule and NoExecute.'),
    key: str('Key is the taint key that the toleration applies to. Empty means match all taint keys. If the key is empty, operator must be Exists; this combination means to match all values and all keys.'),
    operator: str('Operator represents a key\'s relationship to the value. Valid operators are Exists, Equal, Lt, and Gt. Defaults to Equal. Exists is equivalent to wildcard for value, so that a pod can tolerate all taints of a particular category. Lt and Gt perform numeric comparisons (requires feature gate TaintTolerationComparisonOperators).'),
    tolerationSeconds: int64('TolerationSeconds represents the period of time the toleration (which must be of effect NoExecute, otherwise this field is ignored) tolerates the taint. By default, it is not set, which means tolerate the taint forever (do not evict). Zero and negative values will be treated as 0 (evict immediately) by the system.'),
    value: str('Value is the taint value the toleration matches to. If the operator is Exists, the value should be empty, otherwise just a regular string.'),
  }),
  'io.k8s.api.core.v1.TopologySpreadConstraint': obj('TopologySpreadConstraint specifies how to spread matching pods among the given topology.', {
    labelSelector: ref(META + 'LabelSelector', 'LabelSelector is used to find matching pods. Pods that match this label selector are counted to determine the number of pods in their corresponding topology domain.'),
    matchLabelKeys: arr(str(), 'MatchLabelKeys is a set of pod label keys to select the pods over which spreading will be calculated. The keys are used to lookup values from the incoming pod labels, those key-value labels are ANDed with labelSelector to select the group of existing pods over which spreading will be calculated for the incoming pod. The same key is forbidden to exist in both MatchLabelKeys and LabelSelector.', { listType: 'atomic' }),
    maxSkew: int32('MaxSkew describes the degree to which pods may be unevenly distributed. When `whenUnsatisfiable=DoNotSchedule`, it is the maximum permitted difference between the number of matching pods in the target topology and the global minimum. The global minimum is the minimum number of matching pods in an eligible domain or zero if the number of eligible domains is less than MinDomains.'),
    minDomains: int32('MinDomains indicates a minimum number of eligible domains. When the number of eligible domains with matching topology keys is less than minDomains, Pod Topology Spread treats "global minimum" as 0, and then the calculation of Skew is performed. And when the number of eligible domains with matching topology keys equals or greater than minDomains, this value has no effect on scheduling.'),
    nodeAffinityPolicy: str('NodeAffinityPolicy indicates how we will treat Pod\'s nodeAffinity/nodeSelector when calculating pod topology spread skew. Options are: - Honor: only nodes matching nodeAffinity/nodeSelector are included in the calculations. - Ignore: nodeAffinity/nodeSelector are ignored. All nodes are included in the calculations.\n\nIf this value is nil, the behavior is equivalent to the Honor policy.'),
    nodeTaintsPolicy: str('NodeTaintsPolicy indicates how we will treat node taints when calculating pod topology spread skew. Options are: - Honor: nodes without taints, along with tainted nodes for which the incoming pod has a toleration, are included. - Ignore: node taints are ignored. All nodes are included.\n\nIf this value is nil, the behavior is equivalent to the Ignore policy.'),
    topologyKey: str('TopologyKey is the key of node labels. Nodes that have a label with this key and identical values are considered to be in the same topology. We consider each <key, value> as a "bucket", and try to put balanced number of pods into each bucket. We define a domain as a particular instance of a topology.'),
    whenUnsatisfiable: str('WhenUnsatisfiable indicates how to deal with a pod if it doesn\'t satisfy the spread constraint. - DoNotSchedule (default) tells the scheduler not to schedule it. - ScheduleAnyway tells the scheduler to schedule the pod in any location,\n  but giving higher precedence to topologies that would help reduce the\n  skew.'),
  }, { required: ['maxSkew', 'topologyKey', 'whenUnsatisfiable'] }),
  'io.k8s.api.core.v1.WeightedPodAffinityTerm': obj('The weights of all of the matched WeightedPodAffinityTerm fields are added per-node to find the most preferred node(s)', {
    podAffinityTerm: ref(CORE + 'PodAffinityTerm', 'Required. A pod affinity term, associated with the corresponding weight.'),
    weight: int32('weight associated with matching the corresponding podAffinityTerm, in the range 1-100.'),
  }, { required: ['weight', 'podAffinityTerm'] }),
};
