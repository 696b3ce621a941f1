/** @module diagnoseService: one broken Service per cause, and the cause it must name. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diagnoseMissingService, diagnoseService, type DiagnosisInput, type PodView, type ServiceView, type SliceView } from './diagnose.js';

function svc(spec: ServiceView['spec'], namespace = 'default'): ServiceView {
  return { metadata: { name: 'nginx', namespace }, spec: { type: 'ClusterIP', clusterIP: '10.96.0.20', ...spec } };
}

function pod(name: string, options: { labels?: Record<string, string>; namespace?: string; ready?: boolean; ports?: Array<{ name?: string; containerPort: number }>; waiting?: string; ip?: string } = {}): PodView {
  const ready = options.ready ?? true;
  return {
    metadata: { name, namespace: options.namespace ?? 'default', labels: options.labels ?? { app: 'nginx' } },
    spec: { containers: [{ name: 'nginx', ports: options.ports ?? [{ name: 'http', containerPort: 80 }] }] },
    status: {
      phase: 'Running',
      podIP: options.ip ?? '10.244.0.5',
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
      containerStatuses: [{ name: 'nginx', ready, state: options.waiting ? { waiting: { reason: options.waiting } } : {} }],
    },
  };
}

function slice(addresses: string[], port = 80, ready = true): SliceView {
  return { metadata: { labels: { 'kubernetes.io/service-name': 'nginx' } }, endpoints: addresses.map((a) => ({ addresses: [a], conditions: { ready } })), ports: [{ port }] };
}

const HTTP = [{ name: 'service-http', port: 80, targetPort: 'http' as const }];

// Each broken Service: the cause doctor must name first, and the fix it must give.
const CASES: Array<{ name: string; input: DiagnosisInput; level: 'ok' | 'warning' | 'problem'; cause: RegExp; fix?: RegExp }> = [
  {
    name: 'healthy: both pods are endpoints',
    input: { service: svc({ selector: { app: 'nginx' }, ports: HTTP }), pods: [pod('a', { ip: '10.244.0.5' }), pod('b', { ip: '10.244.0.6' })], slices: [slice(['10.244.0.5', '10.244.0.6'])] },
    level: 'ok',
    cause: /2 pods selected; ready endpoints: 10\.244\.0\.5:80, 10\.244\.0\.6:80/,
  },
  {
    name: 'selector matches no pod (a near miss is shown)',
    input: { service: svc({ selector: { app: 'ngnix' }, ports: HTTP }), pods: [pod('a')], slices: [slice([])] },
    level: 'problem',
    cause: /selector app=ngnix matches no pod in namespace default\. Pods here carry app=nginx/,
    fix: /kubectl get pods -n default --show-labels; kubectl set selector svc nginx <key>=<value> -n default/,
  },
  {
    name: 'pods are in another namespace',
    input: { service: svc({ selector: { app: 'nginx' }, ports: HTTP }, 'default'), pods: [], otherPods: [pod('a', { namespace: 'web' })], slices: [] },
    level: 'problem',
    cause: /matches no pod in namespace default, but matches 1 in web: a Service only selects pods of its own namespace/,
    fix: /Create the Service in web \(kubectl expose \.\.\. -n web\), or run the pods in default/,
  },
  {
    name: 'targetPort name not among the pods\' ports',
    input: { service: svc({ selector: { app: 'nginx' }, ports: HTTP }), pods: [pod('a', { ports: [{ name: 'web', containerPort: 80 }] })], slices: [slice([])] },
    level: 'problem',
    cause: /targetPort "http" names no TCP container port of any selected pod \(they offer web=80\)/,
    fix: /Name the container port "http" in the pod template .*or set targetPort to the port number/,
  },
  {
    name: 'pods not ready',
    input: { service: svc({ selector: { app: 'nginx' }, ports: HTTP }), pods: [pod('a', { ready: false, waiting: 'ImagePullBackOff' })], slices: [slice(['10.244.0.5'], 80, false)] },
    level: 'problem',
    cause: /1 of 1 selected pods are not ready, so they get no traffic: a \(ImagePullBackOff\)/,
    fix: /kubectl describe pod a -n default shows why/,
  },
  {
    name: 'no ports',
    input: { service: svc({ selector: { app: 'nginx' }, ports: [] }), pods: [pod('a')], slices: [] },
    level: 'problem',
    cause: /has no ports/,
    fix: /kubectl patch svc nginx -n default -p '\{"spec":\{"ports":\[\{"port":80,"targetPort":80\}\]\}\}'/,
  },
  {
    name: 'no selector and no hand-written endpoints',
    input: { service: svc({ ports: [{ port: 80 }] }), pods: [pod('a')], slices: [] },
    level: 'problem',
    cause: /has no selector, so no controller picks its pods/,
    fix: /kubectl set selector svc nginx app=<label> -n default\), or write an Endpoints object named nginx \(mirrored into an EndpointSlice\) or an EndpointSlice labelled kubernetes\.io\/service-name=nginx/,
  },
  {
    name: 'a numeric targetPort no container declares',
    input: { service: svc({ selector: { app: 'nginx' }, ports: [{ port: 80, targetPort: 8080 }] }), pods: [pod('a')], slices: [slice(['10.244.0.5'], 8080)] },
    level: 'warning',
    cause: /the selected pods declare other container ports, not 8080/,
    fix: /set targetPort to it/,
  },
  {
    name: 'pods that declare no ports are fine with a numeric targetPort',
    input: { service: svc({ selector: { app: 'nginx' }, ports: [{ port: 80, targetPort: 80 }] }), pods: [pod('a', { ports: [] })], slices: [slice(['10.244.0.5'])] },
    level: 'ok',
    cause: /1 pod selected; ready endpoints: 10\.244\.0\.5:80\./,
  },
  {
    name: 'a NodePort not exposed on the host',
    input: {
      service: svc({ type: 'NodePort', selector: { app: 'nginx' }, ports: [{ name: 'service-http', port: 80, targetPort: 'http', nodePort: 30080 }] }),
      pods: [pod('a')],
      slices: [slice(['10.244.0.5'])],
      host: { nodePorts: { 30080: false } },
    },
    level: 'problem',
    cause: /NodePort 30080 does not answer on the host at 127\.0\.0\.1:30080/,
    fix: /FailedToBindHostPort event \(kubectl describe svc nginx -n default\): another program may hold port 30080/,
  },
  {
    name: 'pods in ImagePullBackOff because the host lacks nginx: the pull error and the apt-get line',
    input: {
      service: svc({ selector: { app: 'nginx' }, ports: HTTP }),
      pods: [{ ...pod('a', { ready: false }), status: { phase: 'Pending', conditions: [{ type: 'Ready', status: 'False' }], containerStatuses: [{ name: 'nginx', ready: false, state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "nginx"' } } }] } }],
      slices: [slice([])],
      events: [
        { involvedObject: { kind: 'Pod', name: 'a', namespace: 'default' }, type: 'Warning', reason: 'Failed', message: 'Failed to pull image "nginx": the image docker.io/library/nginx runs the host\'s nginx, which is not installed; install nginx-light (apt-get install nginx-light)' },
        { involvedObject: { kind: 'Pod', name: 'a', namespace: 'default' }, type: 'Warning', reason: 'Failed', message: 'Error: ErrImagePull' },
        { involvedObject: { kind: 'Pod', name: 'a', namespace: 'default' }, type: 'Normal', reason: 'BackOff', message: 'Back-off pulling image "nginx"' },
      ],
    },
    level: 'problem',
    cause: /a \(ImagePullBackOff: Failed to pull image "nginx": the image docker\.io\/library\/nginx runs the host's nginx, which is not installed/,
    fix: /^Install what the image runs on this machine: sudo apt-get install -y nginx-light; the pods retry on their own/,
  },
  {
    name: 'some pods not ready: a warning naming them',
    input: { service: svc({ selector: { app: 'nginx' }, ports: HTTP }), pods: [pod('a', { ip: '10.244.0.5' }), pod('b', { ready: false, waiting: 'CrashLoopBackOff' })], slices: [slice(['10.244.0.5'])] },
    level: 'warning',
    cause: /1 of 2 selected pods are not ready, so they get no traffic: b \(CrashLoopBackOff\)/,
    fix: /kubectl describe pod b -n default/,
  },
  {
    name: 'a load balancer address not answering on the host',
    input: {
      service: { ...svc({ type: 'LoadBalancer', selector: { app: 'nginx' }, ports: [{ name: 'service-http', port: 80, targetPort: 'http', nodePort: 30080 }] }), status: { loadBalancer: { ingress: [{ ip: '127.0.100.1' }] } } },
      pods: [pod('a')],
      slices: [slice(['10.244.0.5'])],
      host: { nodePorts: { 30080: true }, loadBalancer: { '127.0.100.1:80': false } },
    },
    level: 'problem',
    cause: /The load balancer address 127\.0\.100\.1:80 does not answer on the host/,
    fix: /FailedToBindHostPort event/,
  },
  {
    name: 'ExternalName has no endpoints by design',
    input: { service: svc({ type: 'ExternalName', externalName: 'db.example.com' }), pods: [], slices: [] },
    level: 'ok',
    cause: /CNAME to db\.example\.com; it has no endpoints by design/,
  },
];

for (const c of CASES) {
  test(`doctor names the cause: ${c.name}`, () => {
    const findings = diagnoseService(c.input);
    const first = findings[0];
    assert.equal(first.level, c.level, JSON.stringify(findings, null, 2));
    assert.match(first.message, c.cause);
    if (c.level !== 'ok') {
      assert.ok(c.fix, `case ${c.name} names the fix it expects`);
      assert.match(first.fix ?? '', c.fix, 'a problem says what to do');
    } else assert.equal(first.fix, undefined);
  });
}

test('doctor names the cause: the Service is in another namespace (a forgotten -n)', () => {
  const finding = diagnoseMissingService('nginx', 'default', ['web', 'web', 'shop']);
  assert.equal(finding.level, 'problem');
  assert.equal(finding.message, 'There is no Service nginx in namespace default, but there is one in shop, web.');
  assert.match(finding.fix ?? '', /^Name the namespace: kubito doctor svc\/nginx -n shop /);
});

test('doctor names the cause: no Service of that name anywhere', () => {
  const finding = diagnoseMissingService('ngnix', 'default', []);
  assert.equal(finding.message, 'There is no Service ngnix in any namespace.');
  assert.match(finding.fix ?? '', /kubectl get svc -A/);
});
