/**
 * @module A small fixture of real Kubernetes definitions for patch and apply tests, with the
 * merge metadata upstream declares in k8s.io/api core/v1, apps/v1 and apimachinery meta/v1
 * types.go (`patchStrategy`/`patchMergeKey` tags, `+listType`/`+listMapKey`/`+structType`/
 * `+mapType` markers, `+default`). Descriptions are left out.
 */
import type { Schema } from '../../../api/schema/types.js';
import { lookupFromRecord } from '../schema-lookup.js';

const CORE = 'io.k8s.api.core.v1.';
const APPS = 'io.k8s.api.apps.v1.';
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';

const str: Schema = { type: 'string' };
const int: Schema = { type: 'integer', format: 'int32' };
const bool: Schema = { type: 'boolean' };
const ref = (name: string, ext: Partial<Schema> = {}): Schema => ({ ref: name, ...ext });
const strMap = (ext: Partial<Schema> = {}): Schema => ({ type: 'object', additionalProperties: str, ...ext });
const obj = (properties: Record<string, Schema>, ext: Partial<Schema> = {}): Schema => ({ type: 'object', properties, ...ext });
const list = (items: Schema, ext: Partial<Schema>): Schema => ({ type: 'array', items, ...ext });
const mergeList = (items: Schema, keys: string[], mergeKey: string, strategy = 'merge'): Schema =>
  list(items, {
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': keys,
    'x-kubernetes-patch-merge-key': mergeKey,
    'x-kubernetes-patch-strategy': strategy,
  });
const typeMeta = { apiVersion: str, kind: str };

export const K8S_DEFINITIONS: Record<string, Schema> = {
  [INT_OR_STRING]: { type: 'string', format: 'int-or-string' },
  [META + 'Time']: { type: 'string', format: 'date-time' },
  [META + 'ObjectMeta']: obj({
    name: str,
    generateName: str,
    namespace: str,
    uid: str,
    resourceVersion: str,
    generation: { type: 'integer', format: 'int64' },
    creationTimestamp: ref(META + 'Time'),
    deletionTimestamp: ref(META + 'Time'),
    labels: strMap(),
    annotations: strMap(),
    // metadata.ownerReferences: patchStrategy=merge, patchMergeKey=uid, listType=map, listMapKey=uid.
    ownerReferences: mergeList(ref(META + 'OwnerReference'), ['uid'], 'uid'),
    // metadata.finalizers: patchStrategy=merge, listType=set.
    finalizers: list(str, { 'x-kubernetes-list-type': 'set', 'x-kubernetes-patch-strategy': 'merge' }),
    managedFields: list(ref(META + 'ManagedFieldsEntry'), { 'x-kubernetes-list-type': 'atomic' }),
  }),
  [META + 'OwnerReference']: obj(
    { apiVersion: str, kind: str, name: str, uid: str, controller: bool, blockOwnerDeletion: bool },
    { 'x-kubernetes-map-type': 'atomic' },
  ),
  [META + 'ManagedFieldsEntry']: obj({
    manager: str,
    operation: str,
    apiVersion: str,
    time: ref(META + 'Time'),
    fieldsType: str,
    fieldsV1: { type: 'object' },
    subresource: str,
  }),
  [META + 'LabelSelector']: obj(
    {
      matchLabels: strMap(),
      matchExpressions: list(obj({ key: str, operator: str, values: list(str, { 'x-kubernetes-list-type': 'atomic' }) }), {
        'x-kubernetes-list-type': 'atomic',
      }),
    },
    { 'x-kubernetes-map-type': 'atomic' },
  ),

  [CORE + 'Service']: obj({ ...typeMeta, metadata: ref(META + 'ObjectMeta'), spec: ref(CORE + 'ServiceSpec'), status: ref(CORE + 'ServiceStatus') }),
  [CORE + 'ServiceSpec']: obj({
    // ServiceSpec.ports: patchStrategy=merge, patchMergeKey=port, listType=map, listMapKey=port,protocol.
    ports: mergeList(ref(CORE + 'ServicePort'), ['port', 'protocol'], 'port'),
    selector: strMap({ 'x-kubernetes-map-type': 'atomic' }),
    clusterIP: str,
    clusterIPs: list(str, { 'x-kubernetes-list-type': 'atomic' }),
    type: str,
    sessionAffinity: str,
    externalTrafficPolicy: str,
    internalTrafficPolicy: str,
    ipFamilies: list(str, { 'x-kubernetes-list-type': 'atomic' }),
    ipFamilyPolicy: str,
  }),
  [CORE + 'ServicePort']: obj({
    name: str,
    protocol: { type: 'string', default: 'TCP' },
    appProtocol: str,
    port: int,
    targetPort: ref(INT_OR_STRING),
    nodePort: int,
  }),
  [CORE + 'ServiceStatus']: obj({ loadBalancer: obj({ ingress: list(obj({ ip: str, hostname: str }), { 'x-kubernetes-list-type': 'atomic' }) }) }),

  [CORE + 'Pod']: obj({ ...typeMeta, metadata: ref(META + 'ObjectMeta'), spec: ref(CORE + 'PodSpec'), status: obj({ phase: str, podIP: str }) }),
  [CORE + 'PodTemplateSpec']: obj({ metadata: ref(META + 'ObjectMeta'), spec: ref(CORE + 'PodSpec') }),
  [CORE + 'PodSpec']: obj({
    // PodSpec.volumes: patchStrategy=merge,retainKeys, patchMergeKey=name, listType=map, listMapKey=name.
    volumes: mergeList(ref(CORE + 'Volume'), ['name'], 'name', 'merge,retainKeys'),
    initContainers: mergeList(ref(CORE + 'Container'), ['name'], 'name'),
    // PodSpec.containers: patchStrategy=merge, patchMergeKey=name, listType=map, listMapKey=name.
    containers: mergeList(ref(CORE + 'Container'), ['name'], 'name'),
    restartPolicy: str,
    terminationGracePeriodSeconds: { type: 'integer', format: 'int64' },
    dnsPolicy: str,
    nodeSelector: strMap({ 'x-kubernetes-map-type': 'atomic' }),
    serviceAccountName: str,
    nodeName: str,
    schedulerName: str,
    // PodSpec.tolerations: no patch strategy, listType=atomic.
    tolerations: list(ref(CORE + 'Toleration'), { 'x-kubernetes-list-type': 'atomic' }),
  }),
  [CORE + 'Toleration']: obj({ key: str, operator: str, value: str, effect: str, tolerationSeconds: { type: 'integer', format: 'int64' } }),
  [CORE + 'Volume']: obj({
    name: str,
    emptyDir: obj({ medium: str, sizeLimit: str }),
    configMap: obj({ name: str, defaultMode: int }),
    hostPath: obj({ path: str, type: str }),
  }),
  [CORE + 'Container']: obj({
    name: str,
    image: str,
    command: list(str, { 'x-kubernetes-list-type': 'atomic' }),
    args: list(str, { 'x-kubernetes-list-type': 'atomic' }),
    // Container.ports: patchStrategy=merge, patchMergeKey=containerPort, listType=map, listMapKey=containerPort,protocol.
    ports: mergeList(ref(CORE + 'ContainerPort'), ['containerPort', 'protocol'], 'containerPort'),
    // Container.env: patchStrategy=merge, patchMergeKey=name, listType=map, listMapKey=name.
    env: mergeList(ref(CORE + 'EnvVar'), ['name'], 'name'),
    resources: obj({ limits: strMap(), requests: strMap() }),
    // Container.volumeMounts: patchStrategy=merge, patchMergeKey=mountPath, listType=map, listMapKey=mountPath.
    volumeMounts: mergeList(ref(CORE + 'VolumeMount'), ['mountPath'], 'mountPath'),
    imagePullPolicy: str,
    terminationMessagePath: str,
    terminationMessagePolicy: str,
  }),
  [CORE + 'ContainerPort']: obj({ name: str, hostPort: int, containerPort: int, protocol: { type: 'string', default: 'TCP' }, hostIP: str }),
  [CORE + 'EnvVar']: obj({ name: str, value: str }),
  [CORE + 'VolumeMount']: obj({ name: str, readOnly: bool, mountPath: str, subPath: str }),

  [APPS + 'Deployment']: obj({ ...typeMeta, metadata: ref(META + 'ObjectMeta'), spec: ref(APPS + 'DeploymentSpec'), status: ref(APPS + 'DeploymentStatus') }),
  [APPS + 'DeploymentSpec']: obj({
    replicas: int,
    selector: ref(META + 'LabelSelector'),
    template: ref(CORE + 'PodTemplateSpec'),
    // DeploymentSpec.strategy: patchStrategy=retainKeys.
    strategy: ref(APPS + 'DeploymentStrategy', { 'x-kubernetes-patch-strategy': 'retainKeys' }),
    minReadySeconds: int,
    revisionHistoryLimit: int,
    progressDeadlineSeconds: int,
  }),
  [APPS + 'DeploymentStrategy']: obj({ type: str, rollingUpdate: obj({ maxUnavailable: ref(INT_OR_STRING), maxSurge: ref(INT_OR_STRING) }) }),
  [APPS + 'DeploymentStatus']: obj({ observedGeneration: { type: 'integer', format: 'int64' }, replicas: int, readyReplicas: int, availableReplicas: int }),
};

export const K8S_LOOKUP = lookupFromRecord(K8S_DEFINITIONS);
export const SERVICE = CORE + 'Service';
export const POD = CORE + 'Pod';
export const DEPLOYMENT = APPS + 'Deployment';
