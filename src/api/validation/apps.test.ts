/** @module Table-driven tests of Deployment and ReplicaSet spec validation: exact fields, types and texts (kube-apiserver 1.33). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorString } from './field-errors.js';
import { goIntOrString, goLabelSelector, validateDeploymentSpec, validateDeploymentUpdate, validateReplicaSetSpec, validateReplicaSetUpdate } from './apps.js';

type Obj = Record<string, unknown>;

function podSpec(over: Obj = {}): Obj {
  return {
    containers: [{ name: 'c', image: 'nginx', terminationMessagePolicy: 'File', imagePullPolicy: 'Always' }],
    restartPolicy: 'Always',
    dnsPolicy: 'ClusterFirst',
    terminationGracePeriodSeconds: 30,
    ...over,
  };
}

/** A Deployment spec as it is after apps/v1 defaulting. */
function deployment(over: Obj = {}, specOver: Obj = {}): Obj {
  return {
    replicas: 1,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: podSpec(specOver) },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    revisionHistoryLimit: 10,
    progressDeadlineSeconds: 600,
    ...over,
  };
}

const NO_MATCH = '`selector` does not match template `labels`';

const DEPLOYMENT_CASES: Array<{ name: string; spec: Obj; want: string[] }> = [
  { name: 'valid', spec: deployment(), want: [] },
  {
    name: 'no selector: required, and nothing matches the template',
    spec: deployment({ selector: undefined }),
    want: ['spec.selector: Required value', `spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: ${NO_MATCH}`],
  },
  {
    name: 'empty selector',
    spec: deployment({ selector: {} }),
    want: ['spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment'],
  },
  {
    name: 'selector does not match the template labels',
    spec: deployment({ selector: { matchLabels: { app: 'api', tier: 'x' } } }),
    want: [`spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: ${NO_MATCH}`],
  },
  {
    name: 'template without labels',
    spec: deployment({ template: { spec: podSpec() } }),
    want: [`spec.template.metadata.labels: Invalid value: map[string]string(nil): ${NO_MATCH}`],
  },
  {
    name: 'label selector validation',
    spec: deployment({ selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: [] }, { key: 'x', operator: 'Near' }] } }),
    want: [
      "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
      'spec.selector.matchExpressions[1].operator: Invalid value: "Near": not a valid selector operator',
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web"}, MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"tier", Operator:"In", Values:[]string{}}, v1.LabelSelectorRequirement{Key:"x", Operator:"Near", Values:[]string(nil)}}}: invalid label selector',
    ],
  },
  {
    name: 'negative counts',
    spec: deployment({ replicas: -1, minReadySeconds: -2, revisionHistoryLimit: -3, progressDeadlineSeconds: -4 }),
    want: [
      'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
      'spec.minReadySeconds: Invalid value: -2: must be greater than or equal to 0',
      'spec.revisionHistoryLimit: Invalid value: -3: must be greater than or equal to 0',
      'spec.progressDeadlineSeconds: Invalid value: -4: must be greater than or equal to 0',
      'spec.progressDeadlineSeconds: Invalid value: -4: must be greater than minReadySeconds',
    ],
  },
  {
    name: 'progressDeadlineSeconds must exceed minReadySeconds',
    spec: deployment({ minReadySeconds: 600 }),
    want: ['spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds'],
  },
  {
    name: 'strategy type enum',
    spec: deployment({ strategy: { type: 'BlueGreen' } }),
    want: ['spec.strategy: Unsupported value: apps.DeploymentStrategy{Type:"BlueGreen", RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}: supported values: "Recreate", "RollingUpdate"'],
  },
  {
    name: 'Recreate with rollingUpdate',
    spec: deployment({ strategy: { type: 'Recreate', rollingUpdate: { maxSurge: 1 } } }),
    want: ["spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"],
  },
  {
    name: 'maxSurge and maxUnavailable both 0',
    spec: deployment({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '0%', maxUnavailable: 0 } } }),
    want: ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: may not be 0 when `maxSurge` is 0'],
  },
  {
    name: 'bad percents, negative ints, over 100%',
    spec: deployment({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: -1, maxUnavailable: '150%' } } }),
    want: [
      'spec.strategy.rollingUpdate.maxSurge: Invalid value: -1: must be greater than or equal to 0',
      'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"150%"}: must not be greater than 100%',
    ],
  },
  {
    name: 'a string that is not a percent',
    spec: deployment({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 'lots', maxUnavailable: 1 } } }),
    want: [
      "spec.strategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"lots\"}: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
    ],
  },
  {
    name: 'template restartPolicy Always only, no activeDeadlineSeconds',
    spec: deployment({}, { restartPolicy: 'OnFailure', activeDeadlineSeconds: 10 }),
    want: [
      'spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"',
      'spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported',
    ],
  },
  {
    name: 'the template spec is a pod spec at spec.template.spec',
    spec: deployment({}, { containers: [{ name: 'C', image: '', terminationMessagePolicy: 'File', imagePullPolicy: 'Always', ports: [{ containerPort: 0, protocol: 'TCP' }] }] }),
    want: [
      "spec.template.spec.containers[0].name: Invalid value: \"C\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
      'spec.template.spec.containers[0].image: Required value',
      'spec.template.spec.containers[0].ports[0].containerPort: Required value',
    ],
  },
];

for (const c of DEPLOYMENT_CASES) {
  test(`deployment: ${c.name}`, () => {
    assert.deepEqual(validateDeploymentSpec(c.spec).map(fieldErrorString), c.want);
  });
}

test('replicaset: replicas and minReadySeconds first, then the selector and template', () => {
  const rs = { replicas: -1, minReadySeconds: -1, selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'y' } }, spec: podSpec() } };
  assert.deepEqual(validateReplicaSetSpec(rs).map(fieldErrorString), [
    'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    'spec.minReadySeconds: Invalid value: -1: must be greater than or equal to 0',
    `spec.template.metadata.labels: Invalid value: map[string]string{"app":"y"}: ${NO_MATCH}`,
  ]);
  // Upstream says "deployment" for a ReplicaSet's empty selector too.
  assert.match(validateReplicaSetSpec({ ...rs, replicas: 1, minReadySeconds: 0, selector: { matchLabels: {} } }).map(fieldErrorString)[0], /^spec\.selector: Invalid value: v1\.LabelSelector\{MatchLabels:map\[string\]string\{\}, .*empty selector is invalid for deployment$/);
});

test('update: the selector is immutable (apps/v1), printed as the new selector', () => {
  const prev = deployment();
  const next = deployment({ selector: { matchLabels: { app: 'web', v: '2' } }, template: { metadata: { labels: { app: 'web', v: '2' } }, spec: podSpec() } });
  assert.deepEqual(validateDeploymentUpdate(next, prev).map(fieldErrorString), [
    'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web", "v":"2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
  ]);
  // Spelling an empty list for an absent one is no change.
  assert.deepEqual(validateDeploymentUpdate(deployment({ selector: { matchLabels: { app: 'web' }, matchExpressions: [] } }), prev), []);
  assert.deepEqual(validateDeploymentUpdate(deployment({ replicas: 5 }), prev), []);
});

test('update of a ReplicaSet: spec errors twice (ValidateReplicaSet and ValidateReplicaSetUpdate), then the selector', () => {
  const prev = { replicas: 1, selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'x' } }, spec: podSpec() } };
  const next = { ...prev, replicas: -1, selector: { matchLabels: { app: 'x', b: 'c' } } };
  const errs = validateReplicaSetUpdate(next, prev).map(fieldErrorString);
  const neg = 'spec.replicas: Invalid value: -1: must be greater than or equal to 0';
  const mismatch = `spec.template.metadata.labels: Invalid value: map[string]string{"app":"x"}: ${NO_MATCH}`;
  assert.deepEqual(errs, [neg, mismatch, neg, mismatch, 'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"x", "b":"c"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable']);
});

test('Go renderings', () => {
  assert.equal(goIntOrString(3), 'intstr.IntOrString{Type:0, IntVal:3, StrVal:""}');
  assert.equal(goIntOrString('5%'), 'intstr.IntOrString{Type:1, IntVal:0, StrVal:"5%"}');
  assert.equal(goLabelSelector({ matchLabels: { b: '2', a: '1' }, matchExpressions: [] }), 'v1.LabelSelector{MatchLabels:map[string]string{"a":"1", "b":"2"}, MatchExpressions:[]v1.LabelSelectorRequirement{}}');
});
