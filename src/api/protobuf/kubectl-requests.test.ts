/**
 * @module Real request bodies: what kubectl 1.33 POSTs in protobuf for `kubectl create ...`
 * must decode to exactly the JSON kubectl 1.31 POSTs for the same command, and our encoder
 * must reproduce kubectl's bytes from that JSON. Captured by testdata-gen/capture.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../types.js';
import { decodeProtobufObject, encodeProtobufObject } from './envelope.js';

interface Fixture {
  command: string;
  /** The body kubectl 1.33 sent (Content-Type: application/vnd.kubernetes.protobuf), base64. */
  protobuf: string;
  /** The body kubectl 1.31 sent (Content-Type: application/json). */
  json: KubeObject;
}

const FIXTURES: Record<string, Fixture> = {
  serviceClusterIP: {
    command: 'kubectl create service clusterip nginx-service --tcp=80:80',
    protobuf:
      'azhzAAoNCgJ2MRIHU2VydmljZRKEAQozCg1uZ2lueC1zZXJ2aWNlEgAaACIAKgAyADgAQgBaFAoDYXBwEg1uZ2lueC1zZXJ2aWNlEkkKGAoFOD' +
      'AtODASA1RDUBhQIgYIABBQGgAoABIUCgNhcHASDW5naW54LXNlcnZpY2UaACIJQ2x1c3RlcklQOgBCAFIAWgBgAGgAGgIKABoAIgA=',
    json: {"kind":"Service","apiVersion":"v1","metadata":{"name":"nginx-service","creationTimestamp":null,"labels":{"app":"nginx-service"}},"spec":{"ports":[{"name":"80-80","protocol":"TCP","port":80,"targetPort":80}],"selector":{"app":"nginx-service"},"type":"ClusterIP"},"status":{"loadBalancer":{}}},
  },
  deployment: {
    command: 'kubectl create deployment nginx --image=nginx --replicas=2 --port=80',
    protobuf:
      'azhzAAoVCgdhcHBzL3YxEgpEZXBsb3ltZW50EsABCiMKBW5naW54EgAaACIAKgAyADgAQgBaDAoDYXBwEgVuZ2lueBKKAQgCEg4KDAoDYXBwEg' +
      'VuZ2lueBpuCh4KABIAGgAiACoAMgA4AEIAWgwKA2FwcBIFbmdpbngSTBIuCgVuZ2lueBIFbmdpbngqADIKCgAQABhQIgAqAEIAagByAIABAIgB' +
      'AJABAKIBABoAMgBCAEoAUgBYAGAAaACCAQCKAQCaAQDCAQAiAgoAKAA4ABoMCAAQABgAIAAoADgAGgAiAA==',
    json: {"kind":"Deployment","apiVersion":"apps/v1","metadata":{"name":"nginx","creationTimestamp":null,"labels":{"app":"nginx"}},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"nginx"}},"template":{"metadata":{"creationTimestamp":null,"labels":{"app":"nginx"}},"spec":{"containers":[{"name":"nginx","image":"nginx","ports":[{"containerPort":80}],"resources":{}}]}},"strategy":{}},"status":{}},
  },
  namespace: {
    command: 'kubectl create namespace foo',
    protobuf: 'azhzAAoPCgJ2MRIJTmFtZXNwYWNlEhsKEwoDZm9vEgAaACIAKgAyADgAQgASABoCCgAaACIA',
    json: {"kind":"Namespace","apiVersion":"v1","metadata":{"name":"foo","creationTimestamp":null},"spec":{},"status":{}},
  },
  configMap: {
    command: 'kubectl create configmap c --from-literal=a=b',
    protobuf: 'azhzAAoPCgJ2MRIJQ29uZmlnTWFwEhsKEQoBYxIAGgAiACoAMgA4AEIAEgYKAWESAWIaACIA',
    json: {"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"c","creationTimestamp":null},"data":{"a":"b"}},
  },
  secret: {
    command: 'kubectl create secret generic s --from-literal=x=y',
    protobuf: 'azhzAAoMCgJ2MRIGU2VjcmV0Eh0KEQoBcxIAGgAiACoAMgA4AEIAEgYKAXgSAXkaABoAIgA=',
    json: {"kind":"Secret","apiVersion":"v1","metadata":{"name":"s","creationTimestamp":null},"data":{"x":"eQ=="}},
  },
  serviceAccount: {
    command: 'kubectl create serviceaccount sa',
    protobuf: 'azhzAAoUCgJ2MRIOU2VydmljZUFjY291bnQSFAoSCgJzYRIAGgAiACoAMgA4AEIAGgAiAA==',
    json: {"kind":"ServiceAccount","apiVersion":"v1","metadata":{"name":"sa","creationTimestamp":null}},
  },
  serviceNodePort: {
    command: 'kubectl create service nodeport np --tcp=80:8080 --node-port=30080',
    protobuf:
      'azhzAAoNCgJ2MRIHU2VydmljZRJnCh0KAm5wEgAaACIAKgAyADgAQgBaCQoDYXBwEgJucBJCCh0KBzgwLTgwODASA1RDUBhQIgcIABCQPxoAKI' +
      'DrARIJCgNhcHASAm5wGgAiCE5vZGVQb3J0OgBCAFIAWgBgAGgAGgIKABoAIgA=',
    json: {"kind":"Service","apiVersion":"v1","metadata":{"name":"np","creationTimestamp":null,"labels":{"app":"np"}},"spec":{"ports":[{"name":"80-8080","protocol":"TCP","port":80,"targetPort":8080,"nodePort":30080}],"selector":{"app":"np"},"type":"NodePort"},"status":{"loadBalancer":{}}},
  },
  serviceExternalName: {
    command: 'kubectl create service externalname ex --external-name=example.com',
    protobuf:
      'azhzAAoNCgJ2MRIHU2VydmljZRJXCh0KAmV4EgAaACIAKgAyADgAQgBaCQoDYXBwEgJleBIyEgkKA2FwcBICZXgaACIMRXh0ZXJuYWxOYW1lOg' +
      'BCAFILZXhhbXBsZS5jb21aAGAAaAAaAgoAGgAiAA==',
    json: {"kind":"Service","apiVersion":"v1","metadata":{"name":"ex","creationTimestamp":null,"labels":{"app":"ex"}},"spec":{"selector":{"app":"ex"},"type":"ExternalName","externalName":"example.com"},"status":{"loadBalancer":{}}},
  },
  serviceLoadBalancer: {
    command: 'kubectl create service loadbalancer lb --tcp=5678:8080',
    protobuf:
      'azhzAAoNCgJ2MRIHU2VydmljZRJsCh0KAmxiEgAaACIAKgAyADgAQgBaCQoDYXBwEgJsYhJHCh4KCTU2NzgtODA4MBIDVENQGK4sIgcIABCQPx' +
      'oAKAASCQoDYXBwEgJsYhoAIgxMb2FkQmFsYW5jZXI6AEIAUgBaAGAAaAAaAgoAGgAiAA==',
    json: {"kind":"Service","apiVersion":"v1","metadata":{"name":"lb","creationTimestamp":null,"labels":{"app":"lb"}},"spec":{"ports":[{"name":"5678-8080","protocol":"TCP","port":5678,"targetPort":8080}],"selector":{"app":"lb"},"type":"LoadBalancer"},"status":{"loadBalancer":{}}},
  },
  deploymentMultiImage: {
    command: 'kubectl create deployment multi --image=nginx --image=busybox',
    protobuf:
      'azhzAAoVCgdhcHBzL3YxEgpEZXBsb3ltZW50Et0BCiMKBW11bHRpEgAaACIAKgAyADgAQgBaDAoDYXBwEgVtdWx0aRKnAQgBEg4KDAoDYXBwEg' +
      'VtdWx0aRqKAQoeCgASABoAIgAqADIAOABCAFoMCgNhcHASBW11bHRpEmgSIgoFbmdpbngSBW5naW54KgBCAGoAcgCAAQCIAQCQAQCiAQASJgoH' +
      'YnVzeWJveBIHYnVzeWJveCoAQgBqAHIAgAEAiAEAkAEAogEAGgAyAEIASgBSAFgAYABoAIIBAIoBAJoBAMIBACICCgAoADgAGgwIABAAGAAgAC' +
      'gAOAAaACIA',
    json: {"kind":"Deployment","apiVersion":"apps/v1","metadata":{"name":"multi","creationTimestamp":null,"labels":{"app":"multi"}},"spec":{"replicas":1,"selector":{"matchLabels":{"app":"multi"}},"template":{"metadata":{"creationTimestamp":null,"labels":{"app":"multi"}},"spec":{"containers":[{"name":"nginx","image":"nginx","resources":{}},{"name":"busybox","image":"busybox","resources":{}}]}},"strategy":{}},"status":{}},
  },
  deploymentCommand: {
    command: 'kubectl create deployment cmd --image=busybox --port=8080 -- sleep 3600',
    protobuf:
      'azhzAAoVCgdhcHBzL3YxEgpEZXBsb3ltZW50EsoBCh8KA2NtZBIAGgAiACoAMgA4AEIAWgoKA2FwcBIDY21kEpgBCAESDAoKCgNhcHASA2NtZB' +
      'p+ChwKABIAGgAiACoAMgA4AEIAWgoKA2FwcBIDY21kEl4SQAoHYnVzeWJveBIHYnVzeWJveBoFc2xlZXAaBDM2MDAqADILCgAQABiQPyIAKgBC' +
      'AGoAcgCAAQCIAQCQAQCiAQAaADIAQgBKAFIAWABgAGgAggEAigEAmgEAwgEAIgIKACgAOAAaDAgAEAAYACAAKAA4ABoAIgA=',
    json: {"kind":"Deployment","apiVersion":"apps/v1","metadata":{"name":"cmd","creationTimestamp":null,"labels":{"app":"cmd"}},"spec":{"replicas":1,"selector":{"matchLabels":{"app":"cmd"}},"template":{"metadata":{"creationTimestamp":null,"labels":{"app":"cmd"}},"spec":{"containers":[{"name":"busybox","image":"busybox","command":["sleep","3600"],"ports":[{"containerPort":8080}],"resources":{}}]}},"strategy":{}},"status":{}},
  },
  configMapBinary: {
    command: 'kubectl create configmap bin --from-file=blob=blob.bin --from-literal=text=hello',
    protobuf: 'azhzAAoPCgJ2MRIJQ29uZmlnTWFwEjQKEwoDYmluEgAaACIAKgAyADgAQgASDQoEdGV4dBIFaGVsbG8aDgoEYmxvYhIG//4AAYBBGgAiAA==',
    json: {"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"bin","creationTimestamp":null},"data":{"text":"hello"},"binaryData":{"blob":"//4AAYBB"}},
  },
  secretDockerRegistry: {
    command: 'kubectl create secret docker-registry reg --docker-server=r.example.com --docker-username=u --docker-password=p',
    protobuf:
      'azhzAAoMCgJ2MRIGU2VjcmV0EpUBChMKA3JlZxIAGgAiACoAMgA4AEIAEl4KES5kb2NrZXJjb25maWdqc29uEkl7ImF1dGhzIjp7InIuZXhhbX' +
      'BsZS5jb20iOnsidXNlcm5hbWUiOiJ1IiwicGFzc3dvcmQiOiJwIiwiYXV0aCI6ImRUcHcifX19Gh5rdWJlcm5ldGVzLmlvL2RvY2tlcmNvbmZp' +
      'Z2pzb24aACIA',
    json: {"kind":"Secret","apiVersion":"v1","metadata":{"name":"reg","creationTimestamp":null},"data":{".dockerconfigjson":"eyJhdXRocyI6eyJyLmV4YW1wbGUuY29tIjp7InVzZXJuYW1lIjoidSIsInBhc3N3b3JkIjoicCIsImF1dGgiOiJkVHB3In19fQ=="},"type":"kubernetes.io/dockerconfigjson"},
  },
};

describe('kubectl protobuf request bodies', () => {
  for (const [name, fx] of Object.entries(FIXTURES)) {
    it(`${name}: ${fx.command}`, () => {
      const bytes = Buffer.from(fx.protobuf, 'base64');
      assert.deepEqual(decodeProtobufObject(bytes), fx.json);
      assert.deepEqual(Buffer.from(encodeProtobufObject(fx.json)).toString('base64'), fx.protobuf);
    });
  }

  it('decodes kind and apiVersion first, like the JSON body', () => {
    const obj = decodeProtobufObject(Buffer.from(FIXTURES.deployment.protobuf, 'base64'));
    assert.deepEqual(Object.keys(obj).slice(0, 2), ['kind', 'apiVersion']);
  });

  it('keeps the proto2 empty strings kubectl writes out of the JSON (clusterIP, namespace...)', () => {
    const bytes = Buffer.from(FIXTURES.serviceClusterIP.protobuf, 'base64');
    // The wire carries clusterIP="" (field 3 of ServiceSpec: 0x1a 0x00) and metadata.namespace="".
    assert.ok(bytes.includes(Buffer.from('1a002209436c75737465724950', 'hex')));
    const svc = decodeProtobufObject(bytes) as KubeObject & { spec: Record<string, unknown> };
    assert.equal('clusterIP' in svc.spec, false);
    assert.equal('namespace' in svc.metadata, false);
    assert.equal(svc.metadata.creationTimestamp, null);
  });
});
