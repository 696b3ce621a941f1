import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HOUR, MINUTE, NOW, ago, makeDeployment, makeReplicaSet } from './testing/builders.js';
import { kubectlGet, lines } from './testing/kubectl-print.js';

test('kubectl get deployments (-o wide)', () => {
  const deployments = [
    makeDeployment('default', 'nginx', (d) => {
      d.metadata.creationTimestamp = ago(3 * MINUTE + 36);
    }),
    makeDeployment('default', 'rolling', (d) => {
      d.metadata.creationTimestamp = ago(3 * HOUR + 7 * MINUTE);
      d.spec.replicas = 3;
      d.spec.template.spec.containers = [
        { name: 'app', image: 'registry.k8s.io/e2e-test-images/agnhost:2.39' },
        { name: 'log', image: 'busybox' },
      ];
      d.spec.selector = { matchLabels: { app: 'rolling' }, matchExpressions: [{ key: 'track', operator: 'In', values: ['stable', 'canary'] }] };
      d.status = { replicas: 4, readyReplicas: 2, updatedReplicas: 1, availableReplicas: 2 };
    }),
    makeDeployment('default', 'fresh', (d) => {
      delete d.spec.replicas; // apps/v1 defaults it to 1
      delete d.spec.selector;
      d.status = {};
    }),
  ];
  assert.equal(
    kubectlGet('apps/v1', 'Deployment', deployments, { now: NOW }),
    lines(
      'NAME      READY   UP-TO-DATE   AVAILABLE   AGE',
      'nginx     2/2     2            2           3m36s',
      'rolling   2/3     1            2           3h7m',
      'fresh     0/1     0            0           0s',
    ),
  );
  assert.equal(
    kubectlGet('apps/v1', 'Deployment', deployments, { now: NOW, wide: true }),
    lines(
      'NAME      READY   UP-TO-DATE   AVAILABLE   AGE     CONTAINERS   IMAGES                                                 SELECTOR',
      'nginx     2/2     2            2           3m36s   nginx        nginx                                                  app=nginx',
      'rolling   2/3     1            2           3h7m    app,log      registry.k8s.io/e2e-test-images/agnhost:2.39,busybox   app=rolling,track in (canary,stable)',
      'fresh     0/1     0            0           0s      fresh        nginx                                                  ',
    ),
  );
});

test('kubectl get replicasets -o wide', () => {
  const sets = [
    makeReplicaSet('default', 'nginx-7c5ddbdf54', (rs) => {
      rs.metadata.creationTimestamp = ago(3 * MINUTE + 36);
    }),
    makeReplicaSet('default', 'nginx-5f6d8c9b7', (rs) => {
      rs.spec.replicas = 0;
      rs.status = { replicas: 0 };
      rs.spec.selector = {};
    }),
  ];
  assert.equal(
    kubectlGet('apps/v1', 'ReplicaSet', sets, { now: NOW, wide: true }),
    lines(
      'NAME               DESIRED   CURRENT   READY   AGE     CONTAINERS   IMAGES   SELECTOR',
      'nginx-7c5ddbdf54   2         2         2       3m36s   nginx        nginx    app=nginx,pod-template-hash=7c5ddbdf54',
      'nginx-5f6d8c9b7    0         0         0       0s      nginx        nginx    <none>',
    ),
  );
});
