/**
 * @module Encode/decode round trips for every kind with a table, and the Go-JSON rules the
 * decoder applies, checked on hand-built wire bytes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../types.js';
import { decodeProtobufObject, encodeProtobufObject, isProtobufContentType } from './envelope.js';
import {
  sampleDeleteOptions,
  sampleEmptyEndpointSlice,
  sampleEndpointSlice,
  sampleEndpoints,
  sampleLease,
  sampleNode,
  samplePod,
  sampleReplicaSet,
  sampleServiceList,
  sampleStatus,
} from './testdata/more-samples.js';
import { envelope, msg } from './testdata/wire-bytes.js';
import { WIRE } from './wire.js';

function plain(obj: KubeObject): KubeObject {
  return JSON.parse(JSON.stringify(obj)) as KubeObject;
}

/** Test access into decoded objects, whose shape the assertions check. */
type Loose = Record<string, any>;

describe('round trips', () => {
  const samples = {
    samplePod,
    sampleNode,
    sampleEndpoints,
    sampleEndpointSlice,
    sampleEmptyEndpointSlice,
    sampleLease,
    sampleReplicaSet,
    sampleDeleteOptions,
    sampleStatus,
    sampleServiceList,
  };
  for (const [name, make] of Object.entries(samples)) {
    it(`${name}: decode(encode(x)) == x, and encoding is stable`, () => {
      const obj = plain(make());
      const bytes = encodeProtobufObject(obj);
      const back = decodeProtobufObject(bytes);
      assert.deepEqual(back, obj);
      assert.deepEqual(encodeProtobufObject(back), bytes);
    });
  }
});

describe('reviews (authorization.k8s.io/v1, authentication.k8s.io/v1)', () => {
  it('a SubjectAccessReview with extra (ExtraValue: a message of one repeated string) and a SelfSubjectReview round-trip', () => {
    const sar = {
      kind: 'SubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec: { resourceAttributes: { namespace: 'default', verb: 'get', resource: 'pods' }, user: 'jane', groups: ['dev'], extra: { scopes: ['a', 'b'], empty: null }, uid: '7' },
      status: { allowed: true },
    } as unknown as KubeObject;
    const bytes = encodeProtobufObject(sar);
    assert.deepEqual(decodeProtobufObject(bytes), sar);
    const me = { kind: 'SelfSubjectReview', apiVersion: 'authentication.k8s.io/v1', metadata: { creationTimestamp: null }, status: { userInfo: { username: 'u', groups: ['g'], extra: { k: ['v'] } } } } as unknown as KubeObject;
    assert.deepEqual(decodeProtobufObject(encodeProtobufObject(me)), me);
  });
});

describe('Go JSON rules on hand-built bytes', () => {
  it('an empty Service shows the value structs Go always prints', () => {
    assert.deepEqual(decodeProtobufObject(envelope('v1', 'Service', new Uint8Array(0))), {
      kind: 'Service',
      apiVersion: 'v1',
      metadata: { creationTimestamp: null },
      spec: {},
      status: { loadBalancer: {} },
    });
  });

  it('keeps a pointer field set to zero, drops an omitempty one, always shows a no-omitempty one', () => {
    // DeploymentSpec {1 replicas: 0, 5 minReadySeconds: 0}; ReplicaSetStatus.replicas has no omitempty.
    const spec = msg((w) => w.tag(1, WIRE.varint).int(0).tag(5, WIRE.varint).int(0));
    const deploy = decodeProtobufObject(envelope('apps/v1', 'Deployment', msg((w) => w.tag(2, WIRE.bytes).bytes(spec)))) as Loose;
    assert.equal(deploy.spec.replicas, 0);
    assert.equal('minReadySeconds' in deploy.spec, false);
    const rs = decodeProtobufObject(envelope('apps/v1', 'ReplicaSet', new Uint8Array(0))) as Loose;
    assert.deepEqual(rs.status, { replicas: 0 });
  });

  it('inlines embedded structs (Volume.volumeSource, Probe.handler)', () => {
    const volume = msg((w) =>
      w.tag(1, WIRE.bytes).string('cache').tag(2, WIRE.bytes).bytes(msg((v) => v.tag(2, WIRE.bytes).bytes(new Uint8Array(0)))),
    );
    // Probe {1 handler: ProbeHandler {3 tcpSocket: TCPSocketAction {1 port: IntOrString {1 type: 1, 3 strVal}}}, 4 periodSeconds}
    const port = msg((p) => p.tag(1, WIRE.varint).int(1).tag(3, WIRE.bytes).string('http'));
    const handler = msg((h) => h.tag(3, WIRE.bytes).bytes(msg((t) => t.tag(1, WIRE.bytes).bytes(port))));
    const probe = msg((w) => w.tag(1, WIRE.bytes).bytes(handler).tag(4, WIRE.varint).int(7));
    const container = msg((w) => w.tag(1, WIRE.bytes).string('c').tag(10, WIRE.bytes).bytes(probe));
    const spec = msg((w) => w.tag(1, WIRE.bytes).bytes(volume).tag(2, WIRE.bytes).bytes(container));
    const pod = decodeProtobufObject(envelope('v1', 'Pod', msg((w) => w.tag(2, WIRE.bytes).bytes(spec)))) as Loose;
    assert.deepEqual(pod.spec.volumes, [{ name: 'cache', emptyDir: {} }]);
    assert.deepEqual(pod.spec.containers[0].livenessProbe, { tcpSocket: { port: 'http' }, periodSeconds: 7 });
    assert.deepEqual(pod.spec.containers[0].resources, {});
  });

  it('skips unknown fields of every wire type, groups included', () => {
    const meta = msg((w) =>
      w
        .tag(1, WIRE.bytes)
        .string('x')
        .tag(90, WIRE.varint)
        .int(-5)
        .tag(91, WIRE.fixed64)
        .raw(new Uint8Array(8))
        .tag(92, WIRE.bytes)
        .string('junk')
        .tag(93, WIRE.fixed32)
        .raw(new Uint8Array(4))
        .tag(94, WIRE.startGroup)
        .tag(1, WIRE.varint)
        .int(1)
        .tag(95, WIRE.startGroup)
        .tag(95, WIRE.endGroup)
        .tag(94, WIRE.endGroup)
        .tag(3, WIRE.bytes)
        .string('ns'),
    );
    const ns = decodeProtobufObject(envelope('v1', 'Namespace', msg((w) => w.tag(1, WIRE.bytes).bytes(meta))));
    assert.deepEqual(ns.metadata, { name: 'x', namespace: 'ns', creationTimestamp: null });
  });

  it('merges a message field that occurs twice and lets the last scalar win', () => {
    const first = msg((w) => w.tag(1, WIRE.bytes).string('a').tag(11, WIRE.bytes).bytes(msg((e) => e.tag(1, WIRE.bytes).string('k').tag(2, WIRE.bytes).string('1'))));
    const second = msg((w) => w.tag(1, WIRE.bytes).string('b').tag(11, WIRE.bytes).bytes(msg((e) => e.tag(1, WIRE.bytes).string('k').tag(2, WIRE.bytes).string('2'))));
    const raw = msg((w) => w.tag(1, WIRE.bytes).bytes(first).tag(1, WIRE.bytes).bytes(second));
    assert.deepEqual(decodeProtobufObject(envelope('v1', 'ConfigMap', raw)).metadata, { name: 'b', creationTimestamp: null, labels: { k: '2' } });
  });

  it('reads map entries with a missing key or value as zero values', () => {
    const raw = msg((w) => w.tag(2, WIRE.bytes).bytes(msg((e) => e.tag(1, WIRE.bytes).string('only-key'))).tag(2, WIRE.bytes).bytes(msg((e) => e.tag(2, WIRE.bytes).string('only-value'))));
    assert.deepEqual(decodeProtobufObject(envelope('v1', 'ConfigMap', raw)).data, { 'only-key': '', '': 'only-value' });
  });

  it('accepts packed and unpacked repeated varints, and ten-byte negative int32s', () => {
    const packed = msg((w) => w.int(3000).int(4000));
    const sc = msg((w) => w.tag(4, WIRE.bytes).bytes(packed).tag(4, WIRE.varint).int(5000));
    const terminated = msg((w) => w.tag(1, WIRE.varint).int(-1));
    const state = msg((w) => w.tag(3, WIRE.bytes).bytes(terminated));
    const status = msg((w) => w.tag(8, WIRE.bytes).bytes(msg((c) => c.tag(1, WIRE.bytes).string('c').tag(2, WIRE.bytes).bytes(state))));
    const raw = msg((w) => w.tag(2, WIRE.bytes).bytes(msg((s) => s.tag(14, WIRE.bytes).bytes(sc))).tag(3, WIRE.bytes).bytes(status));
    assert.equal(terminated.length, 11);
    const pod = decodeProtobufObject(envelope('v1', 'Pod', raw)) as Loose;
    assert.deepEqual(pod.spec.securityContext.supplementalGroups, [3000, 4000, 5000]);
    assert.equal(pod.status.containerStatuses[0].state.terminated.exitCode, -1);
  });

  it('prints bytes in base64 and int64 as numbers', () => {
    const raw = msg((w) => w.tag(2, WIRE.bytes).bytes(msg((e) => e.tag(1, WIRE.bytes).string('k').tag(2, WIRE.bytes).bytes(Uint8Array.of(0, 255, 1)))));
    assert.deepEqual(decodeProtobufObject(envelope('v1', 'Secret', raw)).data, { k: 'AP8B' });
    const meta = msg((w) => w.tag(7, WIRE.varint).int(2 ** 40));
    assert.equal(decodeProtobufObject(envelope('v1', 'Secret', msg((w) => w.tag(1, WIRE.bytes).bytes(meta)))).metadata.generation, 2 ** 40);
  });

  it('shows empty no-omitempty lists as null, as upstream JSON does', () => {
    const list = decodeProtobufObject(envelope('v1', 'ServiceList', new Uint8Array(0)));
    assert.deepEqual(list, { kind: 'ServiceList', apiVersion: 'v1', metadata: {}, items: null });
  });

  it('fills an empty apiVersion or kind from the defaults, as for the request path', () => {
    const obj = decodeProtobufObject(envelope('', '', new Uint8Array(0)), { defaults: { apiVersion: 'v1', kind: 'ServiceAccount' } });
    assert.deepEqual(obj, { kind: 'ServiceAccount', apiVersion: 'v1', metadata: { creationTimestamp: null } });
  });

  it('knows DeleteOptions and Status in any group version', () => {
    const raw = msg((w) => w.tag(4, WIRE.bytes).string('Foreground'));
    assert.deepEqual(decodeProtobufObject(envelope('apps/v1', 'DeleteOptions', raw)), { kind: 'DeleteOptions', apiVersion: 'apps/v1', propagationPolicy: 'Foreground' });
  });

  it('recognises the protobuf media type with or without parameters', () => {
    assert.equal(isProtobufContentType('application/vnd.kubernetes.protobuf'), true);
    assert.equal(isProtobufContentType('Application/VND.kubernetes.protobuf; charset=binary'), true);
    assert.equal(isProtobufContentType('application/vnd.kubernetes.protobuf;stream=watch'), true);
    assert.equal(isProtobufContentType('application/json'), false);
    assert.equal(isProtobufContentType(undefined), false);
  });
});
