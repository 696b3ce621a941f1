/** @module Tests of taints, tolerations and node placement against upstream's cases (toleration_test.go, nodeaffinity_test.go). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { firstUntoleratedTaint, matchingTolerations, minTolerationSeconds, swapTaints, toleratesTaint, type Taint } from './taints.js';
import { nodeMatchesPlacement, requirementMatches } from './node-affinity.js';
import { allocatableAmounts, insufficientResources, podRequests } from './resources.js';
import { interPodAffinityFailure, podAffinityParseError, type AffinityPod } from './pod-affinity.js';

test('Toleration.ToleratesTaint', () => {
  const taint: Taint = { key: 'foo', value: 'bar', effect: 'NoSchedule' };
  assert.equal(toleratesTaint({ key: 'foo', operator: 'Equal', value: 'bar', effect: 'NoSchedule' }, taint), true);
  assert.equal(toleratesTaint({ key: 'foo', value: 'bar' }, taint), true, 'no effect: every effect; no operator: Equal');
  assert.equal(toleratesTaint({ key: 'foo', operator: 'Exists' }, taint), true);
  assert.equal(toleratesTaint({ operator: 'Exists' }, taint), true, 'no key with Exists: every taint');
  assert.equal(toleratesTaint({ key: 'foo', value: 'baz' }, taint), false);
  assert.equal(toleratesTaint({ key: 'foo', operator: 'Exists', effect: 'NoExecute' }, taint), false);
  assert.equal(toleratesTaint({ key: 'other', operator: 'Exists' }, taint), false);
  assert.equal(toleratesTaint({ key: 'foo', operator: 'Lt', value: 'bar' }, taint), false, 'an operator it does not know');
  assert.equal(toleratesTaint({ key: 'foo' }, { key: 'foo', effect: 'NoSchedule' }), true, 'empty values are equal');
});

test('the first untolerated taint in scope; the tolerations used and the least tolerationSeconds', () => {
  const taints: Taint[] = [{ key: 'soft', effect: 'PreferNoSchedule' }, { key: 'a', effect: 'NoSchedule' }, { key: 'b', effect: 'NoExecute' }];
  const hard = (t: Taint) => t.effect !== 'PreferNoSchedule';
  assert.equal(firstUntoleratedTaint(taints, [], hard)?.key, 'a');
  assert.equal(firstUntoleratedTaint(taints, [{ key: 'a', operator: 'Exists' }], hard)?.key, 'b');
  assert.equal(firstUntoleratedTaint(taints, [{ operator: 'Exists' }], hard), undefined);
  const noExecute = taints.filter((t) => t.effect === 'NoExecute');
  assert.deepEqual(matchingTolerations(noExecute, [{ key: 'b', operator: 'Exists', tolerationSeconds: 30 }]), { allTolerated: true, used: [{ key: 'b', operator: 'Exists', tolerationSeconds: 30 }] });
  assert.equal(matchingTolerations(noExecute, [{ key: 'a', operator: 'Exists' }]).allTolerated, false);
  assert.equal(minTolerationSeconds([]), 0, 'no toleration used: at once');
  assert.equal(minTolerationSeconds([{ operator: 'Exists' }]), undefined, 'forever');
  assert.equal(minTolerationSeconds([{ tolerationSeconds: 300 }, { tolerationSeconds: 60 }, {}]), 60);
  assert.equal(minTolerationSeconds([{ tolerationSeconds: 300 }, { tolerationSeconds: -5 }]), 0);
});

test('AddOrUpdateTaint and RemoveTaint: replaced where it stands, appended, removed by key and effect', () => {
  const taints: Taint[] = [{ key: 'a', effect: 'NoSchedule' }, { key: 'b', value: 'x', effect: 'NoSchedule' }];
  assert.deepEqual(swapTaints(taints, [{ key: 'b', value: 'y', effect: 'NoSchedule' }], []), [{ key: 'a', effect: 'NoSchedule' }, { key: 'b', value: 'y', effect: 'NoSchedule' }]);
  assert.deepEqual(swapTaints(taints, [{ key: 'c', effect: 'NoExecute' }], [{ key: 'a', effect: 'NoSchedule' }]), [{ key: 'b', value: 'x', effect: 'NoSchedule' }, { key: 'c', effect: 'NoExecute' }]);
  assert.deepEqual(swapTaints(undefined, [], [{ key: 'a', effect: 'NoSchedule' }]), []);
  assert.deepEqual(swapTaints(taints, [], [{ key: 'a', effect: 'NoExecute' }]), taints, 'another effect stays');
});

test('node selector requirements and terms as labels.Requirement and nodeaffinity match them', () => {
  const labels = { zone: 'a', cores: '8' };
  assert.equal(requirementMatches({ key: 'zone', operator: 'In', values: ['a', 'b'] }, labels), true);
  assert.equal(requirementMatches({ key: 'zone', operator: 'NotIn', values: ['a'] }, labels), false);
  assert.equal(requirementMatches({ key: 'gpu', operator: 'NotIn', values: ['x'] }, labels), true, 'NotIn: an absent label');
  assert.equal(requirementMatches({ key: 'gpu', operator: 'DoesNotExist' }, labels), true);
  assert.equal(requirementMatches({ key: 'cores', operator: 'Gt', values: ['4'] }, labels), true);
  assert.equal(requirementMatches({ key: 'cores', operator: 'Lt', values: ['4'] }, labels), false);
  assert.equal(requirementMatches({ key: 'zone', operator: 'Gt', values: ['4'] }, labels), false, 'not a number');
  const node = { metadata: { name: 'n1', labels } };
  const withTerms = (...nodeSelectorTerms: object[]) => ({ spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms } } } } });
  assert.equal(nodeMatchesPlacement(withTerms({}), node), false, 'an empty term matches no node');
  assert.equal(nodeMatchesPlacement(withTerms({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }), node), true);
  assert.equal(nodeMatchesPlacement(withTerms({ matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['n1'] }] }, { matchExpressions: [{ key: 'zone', operator: 'Exists' }] }), node), true, 'terms are ORed');
  assert.equal(nodeMatchesPlacement(withTerms({ matchExpressions: [{ key: 'zone', operator: 'Exists' }, { key: 'gpu', operator: 'Exists' }] }), node), false, 'expressions are ANDed');
  assert.equal(nodeMatchesPlacement({ spec: { nodeSelector: { zone: 'a' } } }, node), true);
  assert.equal(nodeMatchesPlacement({ spec: {} }, node), true);
});

test("a term nodeaffinity cannot parse matches no node (its errors ignored), another term still can", () => {
  const node = { metadata: { name: 'n1', labels: { zone: 'a', cores: '8' } } };
  const withTerms = (...nodeSelectorTerms: object[]) => ({ spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms } } } } });
  const unparsable = [
    { matchExpressions: [{ key: 'gpu', operator: 'NotIn', values: [] }] },
    { matchExpressions: [{ key: 'zone', operator: 'Exists', values: ['a'] }] },
    { matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['-5'] }] },
    { matchExpressions: [{ key: 'bad key!', operator: 'DoesNotExist' }] },
    { matchExpressions: [{ key: 'zone', operator: 'Near', values: ['a'] }] },
    { matchFields: [{ key: 'metadata.name', operator: 'Exists' }] },
    { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1', 'n2'] }] },
  ];
  for (const term of unparsable) assert.equal(nodeMatchesPlacement(withTerms(term), node), false, JSON.stringify(term));
  assert.equal(nodeMatchesPlacement(withTerms(unparsable[0]!, { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }), node), true);
  assert.equal(nodeMatchesPlacement(withTerms({ matchFields: [{ key: 'spec.other', operator: 'NotIn', values: ['x'] }] }), node), true, 'a field the node lacks reads as ""');
  assert.equal(nodeMatchesPlacement(withTerms({ matchFields: [{ key: 'spec.other', operator: 'In', values: ['x'] }] }), node), false);
});

test('pod requests as resource.PodRequests adds them: containers, sidecars on top, the largest init container, overhead', () => {
  const c = (cpu: string, memory?: string, restartPolicy?: string) => ({ ...(restartPolicy ? { restartPolicy } : {}), resources: { requests: { cpu, ...(memory ? { memory } : {}) } } });
  const r = podRequests({ spec: { containers: [c('100m', '64Mi'), c('0.2')], initContainers: [c('1', '1Gi'), c('50m', undefined, 'Always'), c('400m')], overhead: { cpu: '10m' } } });
  // containers 300m + sidecar 50m = 350m; inits: max(1000m, 50m, 400m + 50m) = 1000m; + 10m overhead.
  assert.equal(r.get('cpu'), 1010n);
  assert.equal(r.get('memory'), 1024n * 1024n * 1024n);
  assert.equal(podRequests({ spec: { containers: [{ resources: { requests: { cpu: '1.5m' } } }] } }).get('cpu'), 2n, 'MilliValue rounds up');
  const halves = { spec: { containers: [{ resources: { requests: { cpu: '0.5m', memory: '0.5' } } }, { resources: { requests: { cpu: '0.5m', memory: '0.5' } } }] } };
  assert.deepEqual([...podRequests(halves)], [['cpu', 1n], ['memory', 1n]], "quantities added first, the pod's totals rounded up");
});

test('NodeResourcesFit: what the node allocates minus what its pods request', () => {
  const node = allocatableAmounts({ cpu: '2', memory: '4Gi', pods: '3', 'ephemeral-storage': '10Gi' });
  const want = (requests: Record<string, string>) => ({ spec: { containers: [{ resources: { requests } }] } });
  const on = [want({ cpu: '1500m', memory: '1Gi' })];
  assert.deepEqual(insufficientResources(want({ cpu: '500m' }), node, on), []);
  assert.deepEqual(insufficientResources(want({ cpu: '501m', memory: '4Gi' }), node, on), ['Insufficient cpu', 'Insufficient memory']);
  assert.deepEqual(insufficientResources(want({ 'nvidia.com/gpu': '1' }), node, on), ['Insufficient nvidia.com/gpu']);
  assert.deepEqual(insufficientResources(want({}), node, [...on, want({})]), []);
  assert.deepEqual(insufficientResources(want({}), node, [...on, want({}), want({})]), ['Too many pods'], 'no requests: only the pod count');
});

test('InterPodAffinity, required terms: affinity, the first pod of a series, anti-affinity both ways', () => {
  const host = { 'kubernetes.io/hostname': 'n1' };
  const mk = (name: string, labels: Record<string, string>, affinity: AffinityPod['spec']['affinity'] = undefined, namespace = 'default'): AffinityPod => ({ metadata: { name, namespace, labels }, spec: affinity ? { affinity } : {} });
  const term = (app: string, topologyKey = 'kubernetes.io/hostname', extra: object = {}) => ({ labelSelector: { matchLabels: { app } }, topologyKey, ...extra });
  const placed = (...pods: AffinityPod[]) => pods.map((pod) => ({ pod, nodeLabels: host }));
  const cache = mk('cache', { app: 'cache' });
  const web = (labels = { app: 'web' }) => mk('web', labels, { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('cache')] } });
  assert.equal(interPodAffinityFailure(web(), host, placed(cache)), undefined);
  assert.deepEqual(interPodAffinityFailure(web(), host, placed()), { reason: "node(s) didn't match pod affinity rules", unresolvable: true });
  assert.equal(interPodAffinityFailure(web({ app: 'cache' }), host, placed()), undefined, 'the first of a series that matches its own terms');
  assert.deepEqual(interPodAffinityFailure(web(), {}, placed(cache)), { reason: "node(s) didn't match pod affinity rules", unresolvable: true }, 'the node lacks the topology label');
  assert.deepEqual(interPodAffinityFailure(web(), host, placed(mk('cache', { app: 'cache' }, undefined, 'other'))), { reason: "node(s) didn't match pod affinity rules", unresolvable: true }, 'another namespace');
  // Anti-affinity: the second replica of a Deployment that wants one per node.
  const replica = (name: string) => mk(name, { app: 'ha' }, { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('ha')] } });
  assert.equal(interPodAffinityFailure(replica('r1'), host, placed()), undefined);
  assert.deepEqual(interPodAffinityFailure(replica('r2'), host, placed(replica('r1'))), { reason: "node(s) didn't match pod anti-affinity rules", unresolvable: false });
  assert.equal(interPodAffinityFailure(replica('r2'), { 'topology.kubernetes.io/zone': 'z' }, placed(replica('r1'))), undefined, 'a node without the topology key');
  // A placed pod's anti-affinity keeps the incoming one away.
  const loner = mk('loner', { app: 'loner' }, { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('noisy')] } });
  assert.deepEqual(interPodAffinityFailure(mk('n', { app: 'noisy' }), host, placed(loner)), { reason: "node(s) didn't satisfy existing pods anti-affinity rules", unresolvable: false });
  assert.equal(interPodAffinityFailure(mk('n', { app: 'noisy' }, undefined, 'other'), host, placed(loner)), undefined, 'its namespace only');
  assert.deepEqual(interPodAffinityFailure(mk('n', { app: 'noisy' }, undefined, 'other'), host, placed(mk('loner', {}, { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('noisy', 'kubernetes.io/hostname', { namespaceSelector: {} })] } }))), { reason: "node(s) didn't satisfy existing pods anti-affinity rules", unresolvable: false }, 'an empty namespaceSelector: every namespace');
});

test("InterPodAffinity: a pod whose terms do not parse fails PreFilter ('parsing pod: ...'); a placed pod's are ignored", () => {
  const host = { 'kubernetes.io/hostname': 'n1' };
  const bad = { labelSelector: { matchExpressions: [{ key: 'app', operator: 'Near', values: ['x'] }] }, topologyKey: 'kubernetes.io/hostname' };
  const mk = (affinity: AffinityPod['spec']['affinity']): AffinityPod => ({ metadata: { name: 'p', namespace: 'default', labels: { app: 'x' } }, spec: { affinity } });
  assert.equal(podAffinityParseError(mk({ podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [bad] } })), 'parsing pod: requiredAffinityTerms: "Near" is not a valid label selector operator');
  assert.equal(
    podAffinityParseError(mk({ podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [bad], preferredDuringSchedulingIgnoredDuringExecution: [{ podAffinityTerm: bad }] } })),
    'parsing pod: [requiredAntiAffinityTerms: "Near" is not a valid label selector operator, preferredAntiAffinityTerms: "Near" is not a valid label selector operator]',
  );
  assert.equal(podAffinityParseError(mk(undefined)), undefined);
  const placed = [{ pod: mk({ podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [bad] } }), nodeLabels: host }];
  assert.equal(interPodAffinityFailure(mk(undefined), host, placed), undefined, 'its anti-affinity terms ignored, not thrown');
});
