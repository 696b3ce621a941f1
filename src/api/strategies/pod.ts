/**
 * @module Pod: born Pending with the QoS class the kubelet would compute; a pod bound to a node
 * is deleted gracefully (the node agent removes it after its containers stop), an unbound or
 * finished one at once, as upstream's pod strategy decides (CheckGracefulDelete); its spec
 * is validated as ValidatePodCreate / ValidatePodUpdate do (validation/pod-spec.ts) and takes only
 * the changes ValidatePodUpdate allows (pod-update.ts); ephemeral containers are added through
 * the ephemeralcontainers subresource alone (pod-ephemeral.ts).
 */
import type { KubeObject } from '../types.js';
import type { Strategy } from '../strategy.js';
import { defaultTo, defaultZero, keepAllButStatus, recordOf, records, section, specOf } from './common.js';
import type { FieldError } from '../errors.js';
import { goQuote } from '../validation/go-format.js';
import { hasInvalidDeletionCost, validatePodCreate, validatePodMetadataAndSpec } from '../validation/pod-spec.js';
import { VOLUME_SOURCE_FIELDS } from '../validation/pod-volumes.js';
import { validatePodSpecUpdate } from './pod-update.js';
import { EPHEMERAL_CONTAINERS, keepAllButEphemeralContainers, validateEphemeralContainersUpdate } from './pod-ephemeral.js';
import { defaultPodSpecResources, defaultRequestsToLimits, podQOSClass, podSpecResourcesNeedDefaults } from './resource-lists.js';

interface PodView {
  spec?: { nodeName?: string; terminationGracePeriodSeconds?: number; containers?: Array<Record<string, unknown>> };
  status?: { phase?: string };
}

function defaults(obj: KubeObject): void {
  const spec = section(obj, 'spec');
  defaultRequestsToLimits(spec);
  podSpecDefaults(spec);
  // SetDefaults_Pod: on the host's network a port is published as itself.
  if (spec.hostNetwork === true) {
    for (const list of ['containers', 'initContainers'] as const) {
      for (const c of records(spec[list])) for (const p of records(c.ports)) defaultZero(p, 'hostPort', p.containerPort);
    }
  }
  // Set on pods only, by the Priority admission plugin.
  defaultTo(spec, 'preemptionPolicy', 'PreemptLowerPriority');
  defaultTo(spec, 'priority', 0);
}

/** SetDefaults_PodSpec and SetDefaults_Container, for pods and for pod templates. */
export function podSpecDefaults(spec: Record<string, unknown>): void {
  defaultZero(spec, 'restartPolicy', 'Always');
  defaultTo(spec, 'terminationGracePeriodSeconds', 30);
  defaultZero(spec, 'dnsPolicy', 'ClusterFirst');
  defaultZero(spec, 'schedulerName', 'default-scheduler');
  defaultTo(spec, 'securityContext', {});
  defaultTo(spec, 'enableServiceLinks', true);
  mirrorServiceAccount(spec);
  defaultPodSpecResources(spec);
  // SetDefaults_Container applies to ephemeral containers too (SetObjectDefaults_Pod).
  for (const list of ['containers', 'initContainers', 'ephemeralContainers'] as const) {
    for (const c of records(spec[list])) containerDefaults(c);
  }
  for (const v of records(spec.volumes)) volumeDefaults(v);
}

/** SetDefaults_Volume (a volume without a source is an emptyDir), then its source's defaults. */
function volumeDefaults(v: Record<string, unknown>): void {
  if (!VOLUME_SOURCE_FIELDS.some((f) => v[f] !== undefined && v[f] !== null)) v.emptyDir = {};
  volumeSourceDefaults(v);
}

/**
 * A copy of a stored spec's volumes with their defaults, as upstream decodes a stored pod: a pod
 * an older kubito stored has volumes without the v1 volume defaults (no fieldRef apiVersion, no
 * token expirationSeconds), which validation would refuse.
 */
function storedVolumesDefaulted(volumes: unknown[]): unknown[] {
  const copy = structuredClone(volumes);
  for (const v of records(copy)) volumeDefaults(v);
  return copy;
}

/** 0644, the file mode SetDefaults_{Secret,ConfigMap,DownwardAPI,Projected}VolumeSource give. */
const DEFAULT_FILE_MODE = 0o644;

/** SetDefaults_ObjectFieldSelector on each downward API file's fieldRef. */
function downwardAPIItemDefaults(items: unknown): void {
  for (const item of records(items)) {
    const fieldRef = recordOf(item.fieldRef);
    if (fieldRef) defaultZero(fieldRef, 'apiVersion', 'v1');
  }
}

/**
 * The v1 volume source defaults (SetObjectDefaults_Pod): file modes 0644, a token's hour,
 * hostPath's unset type, the in-tree plugins' fixed defaults, a claim template's Filesystem
 * mode, and an image volume's pull policy as a container's (the ImageVolume gate's defaulting).
 */
function volumeSourceDefaults(v: Record<string, unknown>): void {
  const hostPath = recordOf(v.hostPath);
  if (hostPath) defaultTo(hostPath, 'type', '');
  for (const kind of ['secret', 'configMap', 'downwardAPI', 'projected']) {
    const src = recordOf(v[kind]);
    if (src) defaultTo(src, 'defaultMode', DEFAULT_FILE_MODE);
  }
  downwardAPIItemDefaults(recordOf(v.downwardAPI)?.items);
  for (const source of records(recordOf(v.projected)?.sources)) {
    const token = recordOf(source.serviceAccountToken);
    if (token) defaultTo(token, 'expirationSeconds', 3600);
    downwardAPIItemDefaults(recordOf(source.downwardAPI)?.items);
  }
  const iscsi = recordOf(v.iscsi);
  if (iscsi) defaultZero(iscsi, 'iscsiInterface', 'default');
  const rbd = recordOf(v.rbd);
  if (rbd) {
    defaultZero(rbd, 'pool', 'rbd');
    defaultZero(rbd, 'user', 'admin');
    defaultZero(rbd, 'keyring', '/etc/ceph/keyring');
  }
  const azureDisk = recordOf(v.azureDisk);
  if (azureDisk) {
    defaultTo(azureDisk, 'cachingMode', 'ReadWrite');
    defaultTo(azureDisk, 'kind', 'Shared');
    defaultTo(azureDisk, 'fsType', 'ext4');
    defaultTo(azureDisk, 'readOnly', false);
  }
  const scaleIO = recordOf(v.scaleIO);
  if (scaleIO) {
    defaultZero(scaleIO, 'storageMode', 'ThinProvisioned');
    defaultZero(scaleIO, 'fsType', 'xfs');
  }
  const claimSpec = recordOf(recordOf(recordOf(v.ephemeral)?.volumeClaimTemplate)?.spec);
  if (claimSpec) defaultTo(claimSpec, 'volumeMode', 'Filesystem');
  const image = recordOf(v.image);
  if (image) defaultZero(image, 'pullPolicy', imageTag(typeof image.reference === 'string' ? image.reference : '') === 'latest' ? 'Always' : 'IfNotPresent');
}

/**
 * The tag parsers.ParseImageName gives: the reference's own (`nginx:1.25`, `r:5000/app:v1@sha256:…`),
 * `latest` when it names neither a tag nor a digest, "" for a digest alone.
 */
export function imageTag(ref: string): string {
  if (!ref) return ''; // ParseImageName's error: the default's "ignore error" sees no tag
  const at = ref.indexOf('@');
  const name = at < 0 ? ref : ref.slice(0, at);
  const tag = name.split('/').pop()?.split(':')[1];
  return tag ?? (at < 0 ? 'latest' : '');
}


/** SetDefaults_Container, SetDefaults_ContainerPort, SetDefaults_Probe, SetDefaults_HTTPGetAction, SetDefaults_ObjectFieldSelector. */
function containerDefaults(c: Record<string, unknown>): void {
  defaultZero(c, 'terminationMessagePath', '/dev/termination-log');
  defaultZero(c, 'terminationMessagePolicy', 'File');
  // SetDefaults_Container: Always for `latest` (named or implied), else IfNotPresent — a digest
  // alone too.
  defaultZero(c, 'imagePullPolicy', imageTag(typeof c.image === 'string' ? c.image : '') === 'latest' ? 'Always' : 'IfNotPresent');
  defaultTo(c, 'resources', {});
  for (const p of records(c.ports)) defaultZero(p, 'protocol', 'TCP');
  for (const kind of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    const probe = recordOf(c[kind]);
    if (!probe) continue;
    defaultZero(probe, 'timeoutSeconds', 1);
    defaultZero(probe, 'periodSeconds', 10);
    defaultZero(probe, 'successThreshold', 1);
    defaultZero(probe, 'failureThreshold', 3);
    httpGetDefaults(probe.httpGet);
  }
  const lifecycle = recordOf(c.lifecycle);
  if (lifecycle) for (const hook of ['postStart', 'preStop']) httpGetDefaults(recordOf(lifecycle[hook])?.httpGet);
  for (const env of records(c.env)) {
    const fieldRef = recordOf(recordOf(env.valueFrom)?.fieldRef);
    if (fieldRef) defaultZero(fieldRef, 'apiVersion', 'v1');
  }
}

function httpGetDefaults(action: unknown): void {
  const httpGet = recordOf(action);
  if (!httpGet) return;
  defaultZero(httpGet, 'path', '/');
  defaultZero(httpGet, 'scheme', 'HTTP');
}

/**
 * v1's deprecated `serviceAccount` and `serviceAccountName` are one internal field: the name
 * wins, the deprecated one fills it when it is empty, and both read the same afterwards
 * (Convert_v1_PodSpec_To_core_PodSpec and back).
 */
function mirrorServiceAccount(spec: Record<string, unknown>): void {
  if (!spec.serviceAccountName && typeof spec.serviceAccount === 'string' && spec.serviceAccount) spec.serviceAccountName = spec.serviceAccount;
  if (typeof spec.serviceAccountName === 'string' && spec.serviceAccountName) spec.serviceAccount = spec.serviceAccountName;
}

/**
 * The stored pod's spec with its quantities and volume sources as defaulting leaves them: a pod
 * stored before they were (`0.5` where `500m` is meant, limits without the requests
 * SetDefaults_Pod copies from them, volumes without their 0644 modes) must not read as changed
 * when an update defaults them. Semantic.DeepEqual compares quantities by value upstream; here
 * they compare as text.
 */
function storedSpecDefaulted(prev: KubeObject): Record<string, unknown> {
  let spec = specOf(prev);
  if (podSpecResourcesNeedDefaults(spec) || defaultRequestsToLimits(spec, true)) {
    spec = structuredClone(spec);
    defaultRequestsToLimits(spec);
    defaultPodSpecResources(spec);
  }
  if (Array.isArray(spec.volumes)) spec = { ...spec, volumes: storedVolumesDefaulted(spec.volumes) };
  return spec;
}

function immutableQOSClass(next: KubeObject, prev: KubeObject): FieldError[] {
  const now = (next.status as Record<string, unknown> | undefined)?.qosClass ?? '';
  const before = (prev.status as Record<string, unknown> | undefined)?.qosClass ?? '';
  return now === before ? [] : [{ type: 'FieldValueInvalid', field: 'status.qosClass', detail: `Invalid value: ${goQuote(String(now))}: field is immutable` }];
}

/**
 * dropDisabledPodFields for the two volume features whose gates kube-apiserver 1.33 has off
 * by default (ImageVolume and ClusterTrustBundleProjection, both beta): their fields are
 * dropped from a new spec unless the old one already uses them, after defaulting — so a pod
 * with an image volume is refused as upstream refuses it ("must specify a volume type"),
 * rather than run without the volume (the node agent does not mount images). `old` is the
 * stored spec of an update, absent on create. For pods and for pod templates.
 */
export function dropDisabledPodSpecFields(spec: Record<string, unknown>, old?: Record<string, unknown>): void {
  const volumes = records(spec.volumes);
  const oldVolumes = records(old?.volumes);
  if (!oldVolumes.some((v) => v.image !== undefined && v.image !== null)) for (const v of volumes) delete v.image;
  const bundles = (list: Array<Record<string, unknown>>) => list.flatMap((v) => records(recordOf(v.projected)?.sources));
  if (!bundles(oldVolumes).some((src) => src.clusterTrustBundle !== undefined && src.clusterTrustBundle !== null)) {
    for (const src of bundles(volumes)) delete src.clusterTrustBundle;
  }
}

/** The tolerations the DefaultTolerationSeconds admission plugin adds (--default-not-ready-toleration-seconds and --default-unreachable-toleration-seconds: 300). */
const DEFAULT_TOLERATIONS = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
] as const;

/**
 * The DefaultTolerationSeconds admission plugin (on by default; pod creates and updates, not
 * subresources): a pod that tolerates neither taint's NoExecute (a toleration of that key or of
 * every key, with effect NoExecute or every effect) gets upstream's toleration for it, appended.
 */
export function defaultTolerationSeconds(spec: Record<string, unknown>): void {
  const tolerations = Array.isArray(spec.tolerations) ? (spec.tolerations as unknown[]) : [];
  const added = DEFAULT_TOLERATIONS.filter(({ key }) => !records(tolerations).some((t) => (t.key === key || !t.key) && (t.effect === 'NoExecute' || !t.effect)));
  if (added.length > 0) spec.tolerations = [...tolerations, ...added.map((t) => ({ ...t }))];
}

export const podStrategy: Strategy = {
  defaults,
  prepareForCreate(obj) {
    // Admission ran before (the ServiceAccount plugin, pod-service-account.ts, names the
    // account): defaulting again mirrors it into the deprecated spec.serviceAccount.
    defaults(obj);
    const spec = section(obj, 'spec');
    defaultTolerationSeconds(spec);
    dropDisabledPodSpecFields(spec);
    // The pod strategy's PrepareForCreate: status reset, its QoS class computed once.
    obj.status = { phase: 'Pending', qosClass: podQOSClass(spec) };
    // applySchedulingGatedCondition: a gated pod says so (kubectl get pods: SchedulingGated).
    if (Array.isArray(spec.schedulingGates) && spec.schedulingGates.length) {
      (obj.status as Record<string, unknown>).conditions = [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated', message: 'Scheduling is blocked due to non-empty scheduling gates', lastProbeTime: null, lastTransitionTime: null }];
    }
  },
  prepareForUpdate(next, prev) {
    defaults(next);
    defaultTolerationSeconds(section(next, 'spec'));
    dropDisabledPodSpecFields(section(next, 'spec'), recordOf(prev?.spec));
  },
  // podStatusStrategy.PrepareForUpdate: status alone; the QoS class, set at create and
  // immutable, backfilled when a status write leaves it out (as old kubelets' did).
  prepareForStatusUpdate(next, prev) {
    keepAllButStatus(next, prev);
    const status = next.status as Record<string, unknown> | undefined;
    const old = (prev.status as Record<string, unknown> | undefined)?.qosClass;
    if (status && !status.qosClass && old) status.qosClass = old;
  },
  // podEphemeralContainersStrategy: spec.ephemeralContainers is all such a write changes; the
  // stored pod's volumes read with their defaults, as upstream reads them (the whole spec is
  // validated again).
  subresourceUpdates: {
    [EPHEMERAL_CONTAINERS](next, prev) {
      keepAllButEphemeralContainers(next, prev);
      const spec = section(next, 'spec');
      if (Array.isArray(spec.volumes)) spec.volumes = storedVolumesDefaulted(spec.volumes);
    },
  },
  validate(obj) {
    return validatePodCreate(specOf(obj), obj.metadata as Record<string, unknown>);
  },
  validateUpdate(next, prev, subresource) {
    // ValidatePodStatusUpdate: the QoS class is immutable.
    if (subresource === 'status') return immutableQOSClass(next, prev);
    if (subresource === EPHEMERAL_CONTAINERS) return validateEphemeralContainersUpdate(next, prev);
    // The binding subresource sets spec itself (spec.nodeName).
    if (subresource) return [];
    // ValidatePodUpdate: the spec as on create (validatePodMetadataAndSpec), then what may change.
    const allowInvalidDeletionCost = hasInvalidDeletionCost(prev.metadata as Record<string, unknown>);
    return [...validatePodMetadataAndSpec(specOf(next), next.metadata as Record<string, unknown>, { allowInvalidDeletionCost }), ...validatePodSpecUpdate(specOf(next), storedSpecDefaulted(prev))];
  },
  gracefulDeletePeriod(obj, requested) {
    const pod = obj as KubeObject & PodView;
    if (!pod.spec?.nodeName) return undefined;
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') return undefined;
    const period = requested ?? pod.spec.terminationGracePeriodSeconds ?? 30;
    return period > 0 ? period : undefined;
  },
};
