/**
 * @module The tables are Kubernetes 1.33's (k8s.io/api and k8s.io/apimachinery v0.33.1), as
 * the JSON schema registry is: fields added in 1.34 or later are not in them, so such a field
 * on the wire is an unknown field (skipped, as Go's generated Unmarshal skips it with
 * `skipGenerated`) and such a JSON key is dropped on encode (as Go's JSON decoding drops it).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../types.js';
import { findMessage } from './descriptor.js';
import { decodeProtobufObject, encodeProtobufObject } from './envelope.js';
import { envelope, msg } from './testdata/wire-bytes.js';
import { WIRE, type Writer } from './wire.js';

/**
 * What the tables held when generated from a 1.36 development tree (k8s.io/api 10b39a39,
 * apimachinery eed236ce) and v0.33.1 lacks: [message, field number, JSON name].
 */
const POST_133_FIELDS: Array<[string, number, string]> = [
  ['core.PodSpec', 41, 'hostnameOverride'],
  ['core.PodSpec', 43, 'schedulingGroup'],
  ['core.PodSpec', 44, 'evictionResponders'],
  ['core.PodStatus', 18, 'extendedResourceClaimStatus'],
  ['core.PodStatus', 19, 'allocatedResources'],
  ['core.PodStatus', 20, 'resources'],
  ['core.PodStatus', 21, 'nodeAllocatableResourceClaimStatuses'],
  ['core.PodStatus', 22, 'volumeHealth'],
  ['core.Container', 25, 'restartPolicyRules'],
  ['core.EphemeralContainerCommon', 25, 'restartPolicyRules'],
  ['core.EnvVarSource', 5, 'fileKeyRef'],
  ['core.VolumeProjection', 6, 'podCertificate'],
  ['core.VolumeMount', 8, 'bindMountOptions'],
  ['core.VolumeMountStatus', 5, 'volumeStatus'],
  ['core.EmptyDirVolumeSource', 3, 'mode'],
  ['core.GRPCAction', 3, 'mode'],
  ['core.HTTPGetAction', 6, 'protocol'],
  ['core.ResourceHealth', 6, 'message'],
  ['core.NodeSpec', 8, 'podPreemptionPolicy'],
  ['core.NodeStatus', 14, 'declaredFeatures'],
  ['core.KeyToPath', 4, 'user'],
  ['core.DownwardAPIVolumeFile', 5, 'user'],
  ['core.ServiceAccountTokenProjection', 4, 'user'],
  ['core.ClusterTrustBundleProjection', 6, 'user'],
  ['core.SecretVolumeSource', 5, 'defaultUser'],
  ['core.ConfigMapVolumeSource', 5, 'defaultUser'],
  ['core.DownwardAPIVolumeSource', 3, 'defaultUser'],
  ['core.ProjectedVolumeSource', 3, 'defaultUser'],
  ['meta.ListMeta', 5, 'shardInfo'],
];

/** Messages only reachable through the fields above. */
const POST_133_MESSAGES = [
  'core.ContainerRestartRule', 'core.ContainerRestartRuleOnExitCodes', 'core.FileKeySelector', 'core.PodCertificateProjection',
  'core.PodSchedulingGroup', 'core.EvictionResponder', 'core.PodExtendedResourceClaimStatus', 'core.ContainerExtendedResourceRequest',
  'core.NodeAllocatableResourceClaimStatus', 'core.NodeAllocatableMappedResources', 'core.NodeAllocatableOverheadResources',
  'core.PodVolumeHealth', 'core.VolumeHealthCondition', 'core.VolumeStatus', 'core.ImageVolumeStatus', 'core.NodePodPreemptionPolicy',
  'meta.ShardInfo',
];

/** Fields 1.33 added (so the tables are not older than 1.33 either): [message, number, JSON name]. */
const NEW_IN_133: Array<[string, number, string]> = [
  ['core.Lifecycle', 3, 'stopSignal'],
  ['core.PodStatus', 17, 'observedGeneration'],
  ['core.PodCondition', 7, 'observedGeneration'],
  ['core.ContainerStatus', 15, 'stopSignal'],
];

/** A Pod { metadata{name}, spec{containers[{name, image}], extra spec}, status{phase, extra status} }. */
function podBytes(o: { spec?: (w: Writer) => void; status?: (w: Writer) => void } = {}): Uint8Array {
  const container = msg((c) => c.tag(1, WIRE.bytes).string('c').tag(2, WIRE.bytes).string('nginx'));
  const spec = msg((s) => {
    s.tag(2, WIRE.bytes).bytes(container);
    o.spec?.(s);
  });
  const status = msg((s) => {
    s.tag(1, WIRE.bytes).string('Running');
    o.status?.(s);
  });
  const meta = msg((m) => m.tag(1, WIRE.bytes).string('p'));
  return envelope('v1', 'Pod', msg((w) => w.tag(1, WIRE.bytes).bytes(meta).tag(2, WIRE.bytes).bytes(spec).tag(3, WIRE.bytes).bytes(status)));
}

describe('tables are Kubernetes 1.33 (v0.33.1)', () => {
  it('have no field added after 1.33', () => {
    for (const [name, number, json] of POST_133_FIELDS) {
      const desc = findMessage(name);
      assert.ok(desc, name);
      assert.equal(desc.byNumber.get(number), undefined, `${name} field ${number} (${json})`);
      assert.equal(desc.fields.some((f) => f.json === json), false, `${name}.${json}`);
    }
    for (const name of POST_133_MESSAGES) assert.equal(findMessage(name), undefined, name);
  });

  it('have the fields 1.33 added', () => {
    for (const [name, number, json] of NEW_IN_133) assert.equal(findMessage(name)?.byNumber.get(number)?.json, json, `${name}.${json}`);
  });

  it('decode a post-1.33 field as an unknown field: skipped, whatever its wire type', () => {
    const plain = decodeProtobufObject(podBytes());
    const withNewer = decodeProtobufObject(
      podBytes({
        spec: (s) =>
          s
            .tag(41, WIRE.bytes) // hostnameOverride
            .string('h')
            .tag(43, WIRE.bytes) // schedulingGroup {podGroupName}
            .bytes(msg((g) => g.tag(1, WIRE.bytes).string('g')))
            .tag(44, WIRE.varint) // not even the wire type 1.36 gives evictionResponders
            .int(7),
        status: (s) =>
          s
            .tag(19, WIRE.bytes) // allocatedResources {cpu: 1}
            .bytes(msg((e) => e.tag(1, WIRE.bytes).string('cpu').tag(2, WIRE.bytes).bytes(msg((q) => q.tag(1, WIRE.bytes).string('1')))))
            .tag(20, WIRE.bytes) // resources {}
            .bytes(new Uint8Array(0)),
      }),
    );
    assert.deepEqual(withNewer, plain);
    const decoded = plain as Record<string, any>;
    assert.equal(decoded.spec.containers[0].image, 'nginx');
    assert.equal(decoded.status.phase, 'Running');

    // PodList.metadata (ListMeta) with shardInfo {selector}.
    const listMeta = msg((m) => m.tag(2, WIRE.bytes).string('42').tag(5, WIRE.bytes).bytes(msg((i) => i.tag(1, WIRE.bytes).string('shard=1'))));
    const list = decodeProtobufObject(envelope('v1', 'PodList', msg((w) => w.tag(1, WIRE.bytes).bytes(listMeta))));
    assert.deepEqual(list, { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '42' }, items: null });
  });

  it('drop post-1.33 JSON keys on encode, as Go decoding JSON into 1.33 structs does', () => {
    const pod = { kind: 'Pod', apiVersion: 'v1', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'nginx' }] }, status: { phase: 'Running' } };
    const newer = {
      ...pod,
      spec: { ...pod.spec, hostnameOverride: 'h', containers: [{ name: 'c', image: 'nginx', restartPolicyRules: [{ action: 'Restart' }] }] },
      status: { ...pod.status, resources: { limits: { cpu: '1' } } },
    };
    assert.deepEqual(encodeProtobufObject(newer), encodeProtobufObject(pod));
    const list = { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '1' }, items: [] };
    const sharded = { ...list, metadata: { ...list.metadata, shardInfo: { selector: 's' } } } as unknown as KubeObject;
    assert.deepEqual(encodeProtobufObject(sharded), encodeProtobufObject(list));
  });
});
