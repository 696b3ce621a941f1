/**
 * @module Rich sample objects, in Go's JSON normal form (no zero omitempty fields, value
 * structs present). testdata-gen/capture.ts encodes each with our encoder, serves it to the
 * real kubectl 1.33 as a protobuf reply and checks that kubectl's `-o json` prints exactly
 * this object back (Go decoded our bytes into it); the bytes are pinned in
 * kubectl-replies.test.ts. Fields newer than kubectl 1.33's Go types are left out (Go
 * would drop them). Changing an object here means recapturing those bytes.
 */
import type { KubeObject } from '../../types.js';

const T0 = '2024-01-02T03:04:05Z';
const T1 = '2024-01-02T03:05:06Z';

/** ObjectMeta with every field a stored object carries. */
export function sampleMeta(name: string, extra: Record<string, unknown> = {}): KubeObject['metadata'] {
  return {
    name,
    namespace: 'default',
    uid: `0b5c7a2e-1f3d-4c8e-9a6b-${name.padEnd(12, '0').slice(0, 12)}`,
    resourceVersion: '1234',
    generation: 3,
    creationTimestamp: T0,
    labels: { app: name, tier: 'frontend' },
    annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"kind":"X"}\n', empty: '' },
    ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: 'a1b2', controller: true, blockOwnerDeletion: false }],
    finalizers: ['example.com/keep'],
    managedFields: [
      {
        manager: 'kubectl-create',
        operation: 'Update',
        apiVersion: 'v1',
        time: T0,
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } } },
      },
      { manager: 'kube-controller-manager', operation: 'Update', apiVersion: 'v1', time: T1, fieldsType: 'FieldsV1', fieldsV1: { 'f:status': {} }, subresource: 'status' },
    ],
    ...extra,
  };
}

export function sampleService(): KubeObject {
  return {
    kind: 'Service',
    apiVersion: 'v1',
    metadata: sampleMeta('web'),
    spec: {
      ports: [
        { name: 'http', protocol: 'TCP', appProtocol: 'http', port: 80, targetPort: 'http', nodePort: 30080 },
        { name: 'dns', protocol: 'UDP', port: 53, targetPort: 5353, nodePort: 30053 },
      ],
      selector: { app: 'web' },
      clusterIP: '10.96.0.20',
      clusterIPs: ['10.96.0.20'],
      type: 'LoadBalancer',
      externalIPs: ['192.0.2.10'],
      sessionAffinity: 'ClientIP',
      loadBalancerSourceRanges: ['10.0.0.0/8'],
      externalTrafficPolicy: 'Local',
      healthCheckNodePort: 31000,
      publishNotReadyAddresses: true,
      sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      allocateLoadBalancerNodePorts: false,
      loadBalancerClass: 'example.com/lb',
      internalTrafficPolicy: 'Cluster',
      trafficDistribution: 'PreferClose',
    },
    status: {
      loadBalancer: {
        ingress: [
          { ip: '192.0.2.1', ipMode: 'VIP', ports: [{ port: 80, protocol: 'TCP' }, { port: 53, protocol: 'UDP', error: 'Pending' }] },
          { hostname: 'lb.example.com' },
        ],
      },
      conditions: [{ type: 'Ready', status: 'True', observedGeneration: 2, lastTransitionTime: T1, reason: 'Ok', message: 'all good' }],
    },
  };
}

/** A PodSpec using most of what kubectl users write. */
export function samplePodSpec(): Record<string, unknown> {
  return {
    volumes: [
      { name: 'cfg', configMap: { name: 'web-config', items: [{ key: 'nginx.conf', path: 'nginx.conf', mode: 420 }], defaultMode: 420, optional: true } },
      { name: 'cache', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
      { name: 'scratch', emptyDir: {} },
      { name: 'creds', secret: { secretName: 'web-creds', defaultMode: 256 } },
      { name: 'host', hostPath: { path: '/var/log', type: 'Directory' } },
      { name: 'data', persistentVolumeClaim: { claimName: 'web-data', readOnly: true } },
      {
        name: 'info',
        downwardAPI: {
          items: [
            { path: 'labels', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.labels' } },
            { path: 'cpu', resourceFieldRef: { containerName: 'web', resource: 'limits.cpu', divisor: '1m' } },
          ],
        },
      },
      {
        name: 'proj',
        projected: {
          sources: [
            { serviceAccountToken: { audience: 'api', expirationSeconds: 3600, path: 'token' } },
            { configMap: { name: 'ca', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
            { secret: { name: 'extra', optional: false } },
          ],
          defaultMode: 420,
        },
      },
    ],
    initContainers: [{ name: 'init', image: 'busybox', command: ['sh', '-c', 'echo hi'], resources: {}, restartPolicy: 'Always' }],
    containers: [
      {
        name: 'web',
        image: 'nginx:1.27',
        command: ['nginx'],
        args: ['-g', 'daemon off;'],
        workingDir: '/srv',
        ports: [
          { name: 'http', containerPort: 80, protocol: 'TCP' },
          { name: 'metrics', hostPort: 19090, containerPort: 9090, protocol: 'UDP', hostIP: '127.0.0.1' },
        ],
        envFrom: [{ prefix: 'CFG_', configMapRef: { name: 'web-env', optional: false } }, { secretRef: { name: 'web-secret-env' } }],
        env: [
          { name: 'PLAIN', value: 'x' },
          { name: 'EMPTY' },
          { name: 'POD_IP', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.podIP' } } },
          { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password', optional: true } } },
          { name: 'LIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
          { name: 'CM', valueFrom: { configMapKeyRef: { name: 'c', key: 'k' } } },
        ],
        resources: { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '250m', 'ephemeral-storage': '1Gi', memory: '128Mi' } },
        resizePolicy: [{ resourceName: 'cpu', restartPolicy: 'NotRequired' }],
        volumeMounts: [
          { name: 'cfg', readOnly: true, mountPath: '/etc/nginx/nginx.conf', subPath: 'nginx.conf' },
          { name: 'cache', mountPath: '/cache', mountPropagation: 'HostToContainer' },
        ],
        livenessProbe: {
          httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP', httpHeaders: [{ name: 'X-Probe', value: '1' }] },
          initialDelaySeconds: 5,
          timeoutSeconds: 1,
          periodSeconds: 10,
          successThreshold: 1,
          failureThreshold: 3,
        },
        readinessProbe: { tcpSocket: { port: 80 }, periodSeconds: 5 },
        startupProbe: { exec: { command: ['cat', '/tmp/ready'] }, periodSeconds: 1, failureThreshold: 30, terminationGracePeriodSeconds: 10 },
        lifecycle: { postStart: { httpGet: { path: '/', port: 80, host: '127.0.0.1' } }, preStop: { exec: { command: ['nginx', '-s', 'quit'] } } },
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
        imagePullPolicy: 'IfNotPresent',
        securityContext: {
          capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] },
          privileged: false,
          runAsUser: 1000,
          runAsGroup: 1000,
          runAsNonRoot: true,
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          seccompProfile: { type: 'RuntimeDefault' },
        },
        stdin: true,
        tty: true,
      },
      { name: 'sidecar', image: 'busybox', args: ['sleep', 'infinity'], resources: {}, livenessProbe: { grpc: { port: 9000, service: 'health' } } },
    ],
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 30,
    dnsPolicy: 'ClusterFirst',
    nodeSelector: { 'kubernetes.io/os': 'linux' },
    serviceAccountName: 'web',
    serviceAccount: 'web',
    automountServiceAccountToken: false,
    shareProcessNamespace: true,
    securityContext: {
      runAsUser: 1000,
      supplementalGroups: [3000, 4000],
      fsGroup: 2000,
      sysctls: [{ name: 'net.core.somaxconn', value: '1024' }],
      fsGroupChangePolicy: 'OnRootMismatch',
    },
    imagePullSecrets: [{ name: 'regcred' }],
    hostname: 'web',
    subdomain: 'web-sub',
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] }] },
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, preference: { matchExpressions: [{ key: 'ssd', operator: 'Exists' }] } }],
      },
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 100, podAffinityTerm: { labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' } },
        ],
      },
    },
    schedulerName: 'default-scheduler',
    tolerations: [
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' },
    ],
    hostAliases: [{ ip: '127.0.0.1', hostnames: ['foo.local'] }],
    priorityClassName: 'high',
    priority: 1000,
    dnsConfig: { nameservers: ['1.1.1.1'], searches: ['svc.cluster.local'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] },
    readinessGates: [{ conditionType: 'example.com/ready' }],
    enableServiceLinks: false,
    preemptionPolicy: 'PreemptLowerPriority',
    overhead: { cpu: '10m' },
    topologySpreadConstraints: [
      { maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } }, minDomains: 2 },
    ],
    os: { name: 'linux' },
  };
}

export function sampleDeployment(): KubeObject {
  return {
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    metadata: sampleMeta('web'),
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['frontend', 'edge'] }] },
      template: { metadata: { creationTimestamp: null, labels: { app: 'web', tier: 'frontend' } }, spec: samplePodSpec() },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: 1 } },
      minReadySeconds: 5,
      revisionHistoryLimit: 10,
      paused: true,
      progressDeadlineSeconds: 600,
    },
    status: {
      observedGeneration: 3,
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 2,
      availableReplicas: 2,
      unavailableReplicas: 1,
      conditions: [
        { type: 'Available', status: 'True', lastUpdateTime: T0, lastTransitionTime: T1, reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' },
      ],
      collisionCount: 1,
    },
  };
}

export function sampleNamespace(): KubeObject {
  return {
    kind: 'Namespace',
    apiVersion: 'v1',
    metadata: sampleMeta('foo', { namespace: undefined, deletionTimestamp: T1, deletionGracePeriodSeconds: 0 }),
    spec: { finalizers: ['kubernetes'] },
    status: {
      phase: 'Terminating',
      conditions: [{ type: 'NamespaceDeletionContentFailure', status: 'False', lastTransitionTime: T1, reason: 'ContentDeleted', message: 'done' }],
    },
  };
}

export function sampleSecret(): KubeObject {
  return {
    kind: 'Secret',
    apiVersion: 'v1',
    metadata: sampleMeta('tls'),
    immutable: true,
    data: { 'tls.crt': Buffer.from('-----BEGIN CERTIFICATE-----\n').toString('base64'), 'tls.key': 'AAEC/f7/', empty: '' },
    stringData: { note: 'plain text' },
    type: 'kubernetes.io/tls',
  };
}

export function sampleConfigMap(): KubeObject {
  return {
    kind: 'ConfigMap',
    apiVersion: 'v1',
    metadata: sampleMeta('cfg'),
    immutable: false,
    data: { 'nginx.conf': 'events {}\n', 'ünïcode': 'é ✓ 😀', empty: '' },
    binaryData: { blob: Buffer.from(Array.from({ length: 256 }, (_, i) => i)).toString('base64') },
  };
}

export function sampleServiceAccount(): KubeObject {
  return {
    kind: 'ServiceAccount',
    apiVersion: 'v1',
    metadata: sampleMeta('sa'),
    secrets: [{ kind: 'Secret', namespace: 'default', name: 'sa-token', uid: 'u1', apiVersion: 'v1', resourceVersion: '7', fieldPath: 'data' }],
    imagePullSecrets: [{ name: 'regcred' }],
    automountServiceAccountToken: true,
  };
}

export function sampleEventList(): KubeObject {
  const ref = { kind: 'Pod', namespace: 'default', name: 'web-1', uid: 'p1', apiVersion: 'v1', resourceVersion: '42', fieldPath: 'spec.containers{web}' };
  return {
    kind: 'EventList',
    apiVersion: 'v1',
    metadata: { resourceVersion: '99' },
    items: [
      // Zero times first: the order `kubectl events` prints them in.
      {
        metadata: { name: 'bare', namespace: 'default', creationTimestamp: null },
        involvedObject: {},
        source: {},
        firstTimestamp: null,
        lastTimestamp: null,
        eventTime: null,
        reportingComponent: '',
        reportingInstance: '',
      },
      {
        metadata: sampleMeta('web-1.17a', { managedFields: undefined, ownerReferences: undefined, finalizers: undefined }),
        involvedObject: ref,
        reason: 'Pulled',
        message: 'Successfully pulled image "nginx"',
        source: { component: 'kubelet', host: 'node-1' },
        firstTimestamp: T0,
        lastTimestamp: T1,
        count: 4,
        type: 'Normal',
        eventTime: '2024-01-02T03:04:05.123456Z',
        series: { count: 3, lastObservedTime: '2024-01-02T03:05:06.000001Z' },
        action: 'Pulling',
        related: { kind: 'Node', name: 'node-1' },
        reportingComponent: 'kubelet',
        reportingInstance: 'node-1',
      },
    ],
  };
}
