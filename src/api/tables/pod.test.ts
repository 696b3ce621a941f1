import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findKind } from '../resources.js';
import { toTable } from './table.js';
import {
  DAY,
  MINUTE,
  NOW,
  ago,
  lastTerminated,
  makePod,
  running,
  terminated,
  waiting,
  type Obj,
} from './testing/builders.js';
import { kubectlGet, lines } from './testing/kubectl-print.js';

const get = (pods: Obj[], opts: { wide?: boolean } = {}) => kubectlGet('v1', 'Pod', pods, { now: NOW, ...opts });

/** A pod still being set up: Pending, not Ready, no IP yet. */
function pending(pod: Obj): void {
  pod.status.phase = 'Pending';
  delete pod.status.podIP;
  delete pod.status.podIPs;
  pod.status.conditions = [
    { type: 'Initialized', status: 'False' },
    { type: 'Ready', status: 'False' },
    { type: 'PodScheduled', status: 'True' },
  ];
}

const PODS: Obj[] = [
  makePod('default', 'nginx', (p) => {
    p.metadata.creationTimestamp = ago(3 * MINUTE + 36);
    p.status.containerStatuses = [running('main', { restartCount: 5, lastState: lastTerminated(5 * MINUTE) })];
  }),
  makePod('default', 'creating', (p) => {
    pending(p);
    p.status.containerStatuses = [waiting('main', 'ContainerCreating')];
  }),
  makePod('default', 'unscheduled', (p) => {
    p.status = { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }] };
    delete p.spec.nodeName;
  }),
  makePod('default', 'gated', (p) => {
    p.status = { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] };
    delete p.spec.nodeName;
  }),
  makePod('default', 'crashing', (p) => {
    p.status.conditions[1].status = 'False';
    p.status.containerStatuses = [waiting('main', 'CrashLoopBackOff', { restartCount: 4, lastState: lastTerminated(30) })];
  }),
  makePod('default', 'bad-image', (p) => {
    pending(p);
    p.status.containerStatuses = [waiting('main', 'ImagePullBackOff')];
  }),
  makePod('default', 'done', (p) => {
    p.status.phase = 'Succeeded';
    p.status.containerStatuses = [terminated('main', 0, 'Completed')];
  }),
  makePod('default', 'failed', (p) => {
    p.status.phase = 'Failed';
    p.status.containerStatuses = [terminated('main', 1, 'Error')];
  }),
  makePod('default', 'killed', (p) => {
    p.status.phase = 'Failed';
    p.status.containerStatuses = [terminated('main', 137)];
  }),
  makePod('default', 'signalled', (p) => {
    p.status.phase = 'Failed';
    p.status.containerStatuses = [terminated('main', 0, undefined, { state: { terminated: { exitCode: 0, signal: 9 } } })];
  }),
  makePod('default', 'evicted', (p) => {
    p.status = { phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.' };
  }),
  makePod('default', 'half-done', (p) => {
    p.spec.containers.push({ name: 'sidecar', image: 'busybox' });
    p.status.conditions[1].status = 'False';
    p.status.containerStatuses = [terminated('main', 0, 'Completed'), running('sidecar')];
  }),
  makePod('default', 'half-done-ready', (p) => {
    p.spec.containers.push({ name: 'sidecar', image: 'busybox' });
    p.status.containerStatuses = [terminated('main', 0, 'Completed'), running('sidecar')];
  }),
  makePod('default', 'leaving', (p) => {
    p.metadata.deletionTimestamp = ago(-30);
  }),
  makePod('default', 'lost', (p) => {
    p.metadata.deletionTimestamp = ago(10 * MINUTE);
    p.status.reason = 'NodeLost';
  }),
  makePod('default', 'done-leaving', (p) => {
    p.metadata.deletionTimestamp = ago(-30);
    p.status.phase = 'Succeeded';
    p.status.containerStatuses = [terminated('main', 0, 'Completed')];
  }),
];

test('kubectl get pods: every STATUS upstream derives from the containers', () => {
  assert.equal(
    get(PODS),
    lines(
      'NAME              READY   STATUS              RESTARTS      AGE',
      'nginx             1/1     Running             5 (5m ago)    3m36s',
      'creating          0/1     ContainerCreating   0             0s',
      'unscheduled       0/1     Pending             0             0s',
      'gated             0/1     SchedulingGated     0             0s',
      'crashing          0/1     CrashLoopBackOff    4 (30s ago)   0s',
      'bad-image         0/1     ImagePullBackOff    0             0s',
      'done              0/1     Completed           0             0s',
      'failed            0/1     Error               0             0s',
      'killed            0/1     ExitCode:137        0             0s',
      'signalled         0/1     Signal:9            0             0s',
      'evicted           0/1     Evicted             0             0s',
      'half-done         1/2     NotReady            0             0s',
      'half-done-ready   1/2     Running             0             0s',
      'leaving           1/1     Terminating         0             0s',
      'lost              1/1     Unknown             0             0s',
      'done-leaving      0/1     Completed           0             0s',
    ),
  );
});

test('init containers: Init:N/M, Init:<reason>, PodInitializing, and sidecars', () => {
  const withInit = (name: string, mutate: (p: Obj) => void) =>
    makePod('default', name, (p) => {
      pending(p);
      p.spec.initContainers = [
        { name: 'setup', image: 'busybox' },
        { name: 'migrate', image: 'busybox' },
      ];
      p.status.containerStatuses = [waiting('main', 'PodInitializing')];
      mutate(p);
    });
  const pods = [
    withInit('init-first', (p) => {
      p.status.initContainerStatuses = [running('setup', { ready: false }), waiting('migrate', 'PodInitializing')];
    }),
    withInit('init-second', (p) => {
      p.status.initContainerStatuses = [terminated('setup', 0, 'Completed'), running('migrate', { ready: false })];
    }),
    withInit('init-crash', (p) => {
      p.status.initContainerStatuses = [
        terminated('setup', 0, 'Completed'),
        waiting('migrate', 'CrashLoopBackOff', { restartCount: 3, lastState: lastTerminated(90) }),
      ];
    }),
    withInit('init-error', (p) => {
      p.status.initContainerStatuses = [terminated('setup', 1, 'Error'), waiting('migrate', 'PodInitializing')];
    }),
    withInit('init-exit', (p) => {
      p.status.initContainerStatuses = [terminated('setup', 2), waiting('migrate', 'PodInitializing')];
    }),
    withInit('init-done', (p) => {
      p.status.conditions[0].status = 'True';
      p.status.initContainerStatuses = [terminated('setup', 0, 'Completed'), terminated('migrate', 0, 'Completed')];
    }),
    makePod('default', 'with-sidecar', (p) => {
      p.spec.initContainers = [{ name: 'proxy', image: 'envoy', restartPolicy: 'Always' }];
      p.status.initContainerStatuses = [running('proxy', { restartCount: 1, lastState: lastTerminated(2 * DAY + 3 * 3600) })];
    }),
    makePod('default', 'sidecar-starting', (p) => {
      pending(p);
      p.spec.initContainers = [{ name: 'proxy', image: 'envoy', restartPolicy: 'Always' }];
      p.status.initContainerStatuses = [running('proxy', { ready: false, started: false })];
      p.status.containerStatuses = [waiting('main', 'PodInitializing')];
    }),
  ];
  assert.equal(
    get(pods),
    lines(
      'NAME               READY   STATUS                  RESTARTS       AGE',
      'init-first         0/1     Init:0/2                0              0s',
      'init-second        0/1     Init:1/2                0              0s',
      'init-crash         0/1     Init:CrashLoopBackOff   3 (90s ago)    0s',
      'init-error         0/1     Init:Error              0              0s',
      'init-exit          0/1     Init:ExitCode:2         0              0s',
      'init-done          0/1     PodInitializing         0              0s',
      'with-sidecar       2/2     Running                 1 (2d3h ago)   0s',
      'sidecar-starting   0/2     Init:0/1                0              0s',
    ),
  );
});

test('kubectl get pods -o wide: IP, node, nominated node, readiness gates', () => {
  const pods = [
    makePod('default', 'nginx', (p) => {
      p.metadata.creationTimestamp = ago(3 * MINUTE + 36);
    }),
    makePod('default', 'gated', (p) => {
      p.spec.readinessGates = [{ conditionType: 'example.com/lb' }, { conditionType: 'example.com/dns' }];
      p.status.conditions.push({ type: 'example.com/lb', status: 'True' }, { type: 'example.com/dns', status: 'False' });
    }),
    makePod('default', 'dual-stack', (p) => {
      delete p.status.podIP;
      p.status.podIPs = [{ ip: 'fd00::6' }, { ip: '10.244.0.9' }];
    }),
    makePod('default', 'preemptor', (p) => {
      pending(p);
      delete p.spec.nodeName;
      p.status.nominatedNodeName = 'node-2';
      p.status.containerStatuses = [];
    }),
  ];
  assert.equal(
    get(pods, { wide: true }),
    lines(
      'NAME         READY   STATUS    RESTARTS   AGE     IP           NODE     NOMINATED NODE   READINESS GATES',
      'nginx        1/1     Running   0          3m36s   10.244.0.6   node-1   <none>           <none>',
      'gated        1/1     Running   0          0s      10.244.0.6   node-1   <none>           1/2',
      'dual-stack   1/1     Running   0          0s      fd00::6      node-1   <none>           <none>',
      'preemptor    0/1     Pending   0          0s      <none>       <none>   node-2           <none>',
    ),
  );
});

test('finished pods carry the Completed row condition, with upstream reasons and messages', () => {
  const pods = PODS.filter((p) => ['nginx', 'done', 'failed'].includes(p.metadata.name!));
  const table = toTable(findKind('v1', 'Pod')!, pods, { now: NOW });
  assert.deepEqual(
    table.rows!.map((r) => r.conditions),
    [
      undefined,
      [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }],
      [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }],
    ],
  );
  assert.deepEqual(table.rows![0].cells, ['nginx', '1/1', 'Running', '5 (5m ago)', '3m36s', '10.244.0.6', 'node-1', '<none>', '<none>']);
});

test("upstream's TestPrintPod vectors (pkg/printers/internalversion/printers_test.go)", () => {
  const pod = (name: string, containers: number, status: Record<string, unknown>, initContainers = 0): Obj => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: { containers: Array.from({ length: containers }, () => ({})), initContainers: Array.from({ length: initContainers }, () => ({})) },
    status,
  });
  const run = { running: {} };
  const cases: Array<[Obj, string[]]> = [
    [pod('test1', 2, { phase: 'podPhase', containerStatuses: [{ ready: true, restartCount: 3, state: run }, { restartCount: 3 }] }), ['test1', '1/2', 'podPhase', '6']],
    [pod('test2', 2, { phase: 'podPhase', containerStatuses: [{ ready: true, restartCount: 3, state: run }, { restartCount: 3, state: { waiting: { reason: 'ContainerWaitingReason' } } }] }), ['test2', '1/2', 'ContainerWaitingReason', '6']],
    [pod('test3', 2, { phase: 'podPhase', containerStatuses: [{ restartCount: 3, state: { waiting: { reason: 'ContainerWaitingReason' } } }, { restartCount: 3, state: { terminated: { reason: 'ContainerTerminatedReason' } } }] }), ['test3', '0/2', 'ContainerWaitingReason', '6']],
    [pod('test4', 2, { phase: 'podPhase', containerStatuses: [{ ready: true, restartCount: 3, state: run }, { ready: true, restartCount: 3 }] }), ['test4', '1/2', 'podPhase', '6']],
    [pod('test5', 2, { reason: 'podReason', phase: 'podPhase', containerStatuses: [{ ready: true, restartCount: 3, state: run }, { ready: true, restartCount: 3 }] }), ['test5', '1/2', 'podReason', '6']],
    [pod('test7', 1, { phase: 'podPhase', initContainerStatuses: [{ restartCount: 3, state: run, lastState: { terminated: { finishedAt: ago(10) } } }], containerStatuses: [{ state: { waiting: {} } }] }, 1), ['test7', '0/1', 'Init:0/1', '3 (10s ago)']],
    [pod('test10', 1, { phase: 'podPhase', initContainerStatuses: [{ restartCount: 2, state: { terminated: {} }, lastState: { terminated: { finishedAt: ago(120) } } }, { restartCount: 3, state: run, lastState: { terminated: { finishedAt: ago(10) } } }], containerStatuses: [{ state: { waiting: {} } }] }, 2), ['test10', '0/1', 'Init:1/2', '5 (10s ago)']],
    [pod('test11', 1, { phase: 'Running', initContainerStatuses: [{ restartCount: 2, state: { terminated: {} }, lastState: { terminated: { finishedAt: ago(120) } } }], containerStatuses: [{ restartCount: 4, state: run, lastState: { terminated: { finishedAt: ago(20) } } }] }, 1), ['test11', '0/1', 'Running', '4 (20s ago)']],
    [pod('test14', 2, { phase: 'Running', containerStatuses: [{ ready: true, restartCount: 6, state: run, lastState: { terminated: { finishedAt: ago(5 * DAY) } } }, { ready: true, restartCount: 3, state: run, lastState: { terminated: { finishedAt: ago(20 * DAY) } } }] }), ['test14', '2/2', 'Running', '9 (5d ago)']],
  ];
  const info = findKind('v1', 'Pod')!;
  for (const [obj, want] of cases) {
    const cells = toTable(info, [obj], { now: NOW }).rows![0].cells;
    assert.deepEqual(cells.slice(0, 4), want, want[0]);
    assert.equal(cells[4], '<unknown>');
  }
});
