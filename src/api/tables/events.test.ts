import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MINUTE, NOW, ago, makeEvent, makeEventV1 } from './testing/builders.js';
import { kubectlGet, lines } from './testing/kubectl-print.js';

const EVENTS = [
  makeEvent('default', 'nginx.17c1', (e) => {
    e.firstTimestamp = ago(3 * MINUTE + 36);
    e.lastTimestamp = ago(3 * MINUTE + 36);
  }),
  makeEvent('default', 'nginx.17c2', (e) => {
    e.reason = 'BackOff';
    e.type = 'Warning';
    e.message = 'Back-off restarting failed container main in pod nginx_default(uid)\n';
    e.involvedObject.fieldPath = 'spec.containers{main}';
    e.source = { component: 'kubelet', host: 'node-1' };
    e.count = 7;
    e.firstTimestamp = ago(10 * MINUTE);
    e.lastTimestamp = ago(5);
  }),
  // Written through the new API: no first/last timestamps, only eventTime, and a series.
  makeEvent('default', 'nginx.17c3', (e) => {
    delete e.firstTimestamp;
    delete e.lastTimestamp;
    delete e.count;
    delete e.source;
    e.reason = 'Pulled';
    e.eventTime = ago(2 * MINUTE).replace('Z', '.000000Z');
    e.series = { count: 3, lastObservedTime: ago(40).replace('Z', '.000001Z') };
    e.reportingComponent = 'kubelet';
    e.reportingInstance = 'node-1';
  }),
  // A singleton event of the new API: count 0 reads as 1; Last Seen falls back to eventTime.
  makeEvent('default', 'svc.17c4', (e) => {
    delete e.firstTimestamp;
    delete e.lastTimestamp;
    delete e.count;
    e.involvedObject = { kind: 'Service', namespace: 'default', name: 'nginx' };
    e.reason = 'Type';
    e.message = 'ClusterIP -> NodePort';
    e.source = { component: 'service-controller' };
    e.eventTime = ago(65).replace('Z', '.000000Z');
  }),
  makeEvent('default', 'cluster.17c5', (e) => {
    delete e.firstTimestamp;
    delete e.lastTimestamp;
    e.involvedObject = { kind: 'Node' };
    e.reason = 'Starting';
    e.message = '';
  }),
];

test('kubectl get events: LAST SEEN from lastTimestamp, eventTime or the series; OBJECT kind/name', () => {
  assert.equal(
    kubectlGet('v1', 'Event', EVENTS, { now: NOW }),
    lines(
      'LAST SEEN   TYPE      REASON      OBJECT          MESSAGE',
      '3m36s       Normal    Scheduled   pod/nginx       Successfully assigned default/nginx to node-1',
      '5s          Warning   BackOff     pod/nginx       Back-off restarting failed container main in pod nginx_default(uid)',
      '40s         Normal    Pulled      pod/nginx       Successfully assigned default/nginx to node-1',
      '65s         Normal    Type        service/nginx   ClusterIP -> NodePort',
      '<unknown>   Normal    Starting    node            ',
    ),
  );
});

test('kubectl get events -o wide: SUBOBJECT, SOURCE, FIRST SEEN, COUNT, NAME', () => {
  assert.equal(
    kubectlGet('v1', 'Event', EVENTS.slice(1, 4), { now: NOW, wide: true }),
    lines(
      'LAST SEEN   TYPE      REASON    OBJECT          SUBOBJECT               SOURCE               MESSAGE                                                               FIRST SEEN   COUNT   NAME',
      '5s          Warning   BackOff   pod/nginx       spec.containers{main}   kubelet, node-1      Back-off restarting failed container main in pod nginx_default(uid)   10m          7       nginx.17c2',
      '40s         Normal    Pulled    pod/nginx                               kubelet, node-1      Successfully assigned default/nginx to node-1                         2m           3       nginx.17c3',
      '65s         Normal    Type      service/nginx                           service-controller   ClusterIP -> NodePort                                                 65s          1       svc.17c4',
    ),
  );
});

test('events.k8s.io/v1 Events print through the same columns', () => {
  const events = [
    makeEventV1('default', 'nginx.17d1', (e) => {
      e.eventTime = ago(90).replace('Z', '.000000Z');
    }),
    makeEventV1('default', 'nginx.17d2', (e) => {
      e.type = 'Warning';
      e.reason = 'BackOff';
      e.note = 'Back-off pulling image "nginx:nope"';
      e.regarding.fieldPath = 'spec.containers{main}';
      e.deprecatedSource = { component: 'kubelet', host: 'node-1' };
      e.deprecatedFirstTimestamp = ago(10 * MINUTE);
      e.deprecatedLastTimestamp = ago(20);
      e.deprecatedCount = 4;
    }),
  ];
  assert.equal(
    kubectlGet('events.k8s.io/v1', 'Event', events, { now: NOW, wide: true }),
    lines(
      'LAST SEEN   TYPE      REASON      OBJECT      SUBOBJECT               SOURCE                                        MESSAGE                                         FIRST SEEN   COUNT   NAME',
      '90s         Normal    Scheduled   pod/nginx                           default-scheduler, default-scheduler-node-1   Successfully assigned default/nginx to node-1   90s          1       nginx.17d1',
      '20s         Warning   BackOff     pod/nginx   spec.containers{main}   kubelet, node-1                               Back-off pulling image "nginx:nope"             10m          4       nginx.17d2',
    ),
  );
});
