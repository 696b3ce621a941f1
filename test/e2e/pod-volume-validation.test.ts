/**
 * @module Pod volume and volume mount validation through the real kubectl (1.27, PATH's 1.32,
 * 1.33): a bad pod's causes as kubectl prints them, the volume defaults the server applies
 * before validating (a token's hour, 0644 modes, a fieldRef's v1), and a Deployment whose
 * template mounts a bad subPath refused at `spec.template.spec...`.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, type Cluster } from './harness.js';

const BAD_ITEM = `apiVersion: v1
kind: Pod
metadata:
  name: bad-item
spec:
  containers:
  - name: c
    image: busybox
  volumes:
  - name: cfg
    configMap:
      name: app
      items:
      - key: a
        path: ../a
`;

const BAD_MOUNTS = `apiVersion: v1
kind: Pod
metadata:
  name: bad-mounts
spec:
  containers:
  - name: c
    image: busybox
    volumeMounts:
    - name: data
      mountPath: /data
      subPath: /abs
    - name: data
      mountPath: /data
      mountPropagation: Bidirectional
    - name: missing
      mountPath: /m
  volumes:
  - name: data
    emptyDir: {}
  - name: tok
    projected:
      defaultMode: 1000
      sources:
      - serviceAccountToken:
          path: token
          expirationSeconds: 60
`;

const DEFAULTED = `apiVersion: v1
kind: Pod
metadata:
  name: defaulted
spec:
  containers:
  - name: c
    image: busybox
  volumes:
  - name: info
    projected:
      sources:
      - serviceAccountToken:
          path: token
      - downwardAPI:
          items:
          - path: name
            fieldRef:
              fieldPath: metadata.name
`;

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: c
        image: busybox
        volumeMounts:
        - name: data
          mountPath: /data
          subPath: ../up
      volumes:
      - name: data
        emptyDir: {}
`;

describe('pod volume validation with the real kubectl', () => {
  let cluster: Cluster;

  before(async () => {
    cluster = await startCluster();
  });
  after(async () => cluster.stop());

  for (const version of ['1.27', undefined, '1.33']) {
    const label = version ?? 'on PATH';

    test(`kubectl ${label}: a configMap item path with a backstep`, async () => {
      const r = await cluster.kubectl(['create', '--dry-run=server', '-f', '-'], { version, input: BAD_ITEM });
      assert.equal(r.code, 1);
      assert.equal(r.stderr, `The Pod "bad-item" is invalid: spec.volumes[0].configMap.items[0].path: Invalid value: "../a": must not contain '..'\n`);
    });

    test(`kubectl ${label}: mounts and a projected token, every cause listed`, async () => {
      const r = await cluster.kubectl(['apply', '-f', '-'], { version, input: BAD_MOUNTS });
      assert.equal(r.code, 1);
      assert.equal(
        r.stderr,
        'The Pod "bad-mounts" is invalid: \n' +
          '* spec.volumes[1].projected.defaultMode: Invalid value: 1000: must be a number between 0 and 0777 (octal), both inclusive\n' +
          '* spec.volumes[1].projected.sources[0].serviceAccountToken.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes\n' +
          '* spec.containers[0].volumeMounts.subPath: Invalid value: "/abs": must be a relative path\n' +
          '* spec.containers[0].volumeMounts[1].mountPath: Invalid value: "/data": must be unique\n' +
          '* spec.containers[0].volumeMounts.mountPropagation: Forbidden: Bidirectional mount propagation is available only to privileged containers\n' +
          '* spec.containers[0].volumeMounts[2].name: Not found: "missing"\n',
      );
    });

    test(`kubectl ${label}: a template's subPath is refused under spec.template`, async () => {
      const r = await cluster.kubectl(['create', '--dry-run=server', '-f', '-'], { version, input: DEPLOYMENT });
      assert.equal(r.code, 1);
      assert.equal(r.stderr, `The Deployment "web" is invalid: spec.template.spec.containers[0].volumeMounts.subPath: Invalid value: "../up": must not contain '..'\n`);
    });
  }

  test('the server defaults a projected volume before validating it', async () => {
    const out = await cluster.kubectlOk(['create', '--dry-run=server', '-f', '-', '-o', 'jsonpath={.spec.volumes[0].projected}'], { input: DEFAULTED });
    const projected = JSON.parse(out) as { defaultMode: number; sources: Array<Record<string, { expirationSeconds?: number; items?: Array<{ fieldRef: { apiVersion: string } }> }>> };
    assert.equal(projected.defaultMode, 420);
    assert.equal(projected.sources[0].serviceAccountToken.expirationSeconds, 3600);
    assert.equal(projected.sources[1].downwardAPI.items![0].fieldRef.apiVersion, 'v1');
  });
});
