/** @module Table tests of volume and volume mount validation: bad specs → kube-apiserver 1.33's exact causes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorString } from './field-errors.js';
import { validatePodCreate, validatePodTemplateSpec } from './pod-spec.js';
import { validateKeyToPath } from './pod-volumes.js';
import { validateLocalNonReservedPath } from './volume-paths.js';

type Obj = Record<string, unknown>;

function ctr(over: Obj = {}): Obj {
  return { name: 'c', image: 'busybox', terminationMessagePolicy: 'File', imagePullPolicy: 'Always', ...over };
}

/** A defaulted pod spec with these volumes and the first container's mounts. */
function spec(volumes: Obj[], mounts: Obj[] = [], over: Obj = {}): Obj {
  return { containers: [ctr({ volumeMounts: mounts })], volumes, restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', terminationGracePeriodSeconds: 30, serviceAccountName: 'default', ...over };
}

function errors(s: Obj, name = 'p'): string[] {
  return validatePodCreate(s, { name }).map(fieldErrorString);
}

const SUBDOMAIN = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const MODE = 'must be a number between 0 and 0777 (octal), both inclusive';
const token = (over: Obj = {}): Obj => ({ serviceAccountToken: { path: 'token', expirationSeconds: 3600, ...over } });

const CASES: Array<{ name: string; spec: Obj; want: string[] }> = [
  {
    name: 'configMap: name, items, modes',
    spec: spec([{ name: 'v', configMap: { name: '', defaultMode: 512, items: [{ key: '', path: '' }, { key: 'k', path: '../a', mode: -1 }, { key: 'k', path: '/etc/x' }, { key: 'k', path: '..data' }] } }]),
    want: [
      'spec.volumes[0].configMap.name: Required value',
      `spec.volumes[0].configMap.defaultMode: Invalid value: 512: ${MODE}`,
      'spec.volumes[0].configMap.items[0].key: Required value',
      'spec.volumes[0].configMap.items[0].path: Required value',
      `spec.volumes[0].configMap.items[1].path: Invalid value: "../a": must not contain '..'`,
      `spec.volumes[0].configMap.items[1].mode: Invalid value: -1: ${MODE}`,
      'spec.volumes[0].configMap.items[2].path: Invalid value: "/etc/x": must be a relative path',
      `spec.volumes[0].configMap.items[3].path: Invalid value: "..data": must not start with '..'`,
    ],
  },
  {
    name: 'secret: secretName and a mode of 0777 passes',
    spec: spec([{ name: 'v', secret: { secretName: '', defaultMode: 0o777, items: [{ key: 'a', path: 'a/../../b' }] } }]),
    want: ['spec.volumes[0].secret.secretName: Required value', `spec.volumes[0].secret.items[0].path: Invalid value: "a/../../b": must not contain '..'`],
  },
  {
    name: 'hostPath: path required, backsteps, type',
    spec: spec([{ name: 'a', hostPath: { path: '' } }, { name: 'b', hostPath: { path: '/x/../y', type: 'Dir' } }]),
    want: [
      'spec.volumes[0].hostPath.path: Required value',
      `spec.volumes[1].hostPath.path: Invalid value: "/x/../y": must not contain '..'`,
      'spec.volumes[1].hostPath.type: Unsupported value: "Dir": supported values: "", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"',
    ],
  },
  {
    name: 'emptyDir: a negative sizeLimit',
    spec: spec([{ name: 'v', emptyDir: { medium: 'Memory', sizeLimit: '-1Mi' } }, { name: 'w', emptyDir: { sizeLimit: '0' } }]),
    want: ['spec.volumes[0].emptyDir.sizeLimit: Forbidden: SizeLimit field must be a valid resource quantity'],
  },
  {
    name: 'a volume with errors is not mountable: Not found',
    spec: spec([{ name: 'v', persistentVolumeClaim: { claimName: '' } }], [{ name: 'v', mountPath: '/v' }]),
    want: ['spec.volumes[0].persistentVolumeClaim.claimName: Required value', 'spec.containers[0].volumeMounts[0].name: Not found: "v"'],
  },
  {
    name: 'downwardAPI: item errors at downwardAPI (no index), field paths, resources',
    spec: spec([{
      name: 'v',
      downwardAPI: {
        defaultMode: 420,
        items: [
          { path: '', fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } },
          { path: 'l', fieldRef: { apiVersion: 'v1', fieldPath: "metadata.labels['a b']" } },
          { path: 'r', resourceFieldRef: { resource: 'limits.cpu' } },
          { path: 'r2', resourceFieldRef: { containerName: 'c', resource: 'limits.gpu' } },
          { path: 'r3', resourceFieldRef: { containerName: 'c', resource: 'limits.cpu', divisor: '2' } },
          { path: 'n' },
          { path: 'both', mode: 1000, fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' }, resourceFieldRef: { containerName: 'c', resource: 'limits.cpu' } },
        ],
      },
    }]),
    want: [
      'spec.volumes[0].downwardAPI.path: Required value',
      'spec.volumes[0].downwardAPI.fieldRef.fieldPath: Unsupported value: "spec.nodeName": supported values: "metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "metadata.uid"',
      `spec.volumes[0].downwardAPI.fieldRef: Invalid value: "a b": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
      'spec.volumes[0].downwardAPI.resourceFieldRef.containerName: Required value',
      'spec.volumes[0].downwardAPI.resourceFieldRef.resource: Unsupported value: "limits.gpu": supported values: "limits.cpu", "limits.ephemeral-storage", "limits.memory", "requests.cpu", "requests.ephemeral-storage", "requests.memory"',
      `spec.volumes[0].downwardAPI.resourceFieldRef.divisor: Invalid value: "limits.cpu": only divisor's values 1m and 1 are supported with the cpu resource`,
      'spec.volumes[0].downwardAPI: Required value: one of fieldRef and resourceFieldRef is required',
      'spec.volumes[0].downwardAPI: Invalid value: "resource": fieldRef and resourceFieldRef can not be specified simultaneously',
      `spec.volumes[0].downwardAPI.mode: Invalid value: 1000: ${MODE}`,
    ],
  },
  {
    name: 'projected: one kind per source, token lifetime and path, duplicate paths',
    spec: spec([{
      name: 'v',
      projected: {
        defaultMode: 420,
        sources: [
          token({ expirationSeconds: 599, path: '' }),
          token({ expirationSeconds: 2 ** 32 + 1, path: '../t' }),
          { configMap: { name: 'cm', items: [{ key: 'a', path: 'x' }] }, secret: { name: '', items: [{ key: 'b', path: 'x' }] } },
          { downwardAPI: { items: [{ path: 'x', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } }] } },
          {},
        ],
      },
    }]),
    want: [
      'spec.volumes[0].projected.sources[0].serviceAccountToken.expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes',
      'spec.volumes[0].projected.path: Required value',
      'spec.volumes[0].projected.sources[1].serviceAccountToken.expirationSeconds: Invalid value: 4294967297: may not specify a duration larger than 2^32 seconds',
      `spec.volumes[0].projected.path: Invalid value: "../t": must not contain '..'`,
      'spec.volumes[0].projected.sources[2].secret.name: Required value',
      'spec.volumes[0].projected: Invalid value: "cm": conflicting duplicate paths',
      'spec.volumes[0].projected.sources[2]: Forbidden: may not specify more than 1 volume type per source',
      'spec.volumes[0].projected: Invalid value: "x": conflicting duplicate paths',
    ],
  },
  {
    name: 'projected: clusterTrustBundle by name, by signer, neither, both',
    spec: spec([{
      name: 'v',
      projected: {
        sources: [
          { clusterTrustBundle: { name: 'example.com:signer:bad_name', path: 'a' } },
          { clusterTrustBundle: { signerName: 'nodomain/x', labelSelector: { matchLabels: { 'a b': 'c' } }, path: 'b' } },
          { clusterTrustBundle: { path: '' } },
          { clusterTrustBundle: { name: 'n', signerName: 'example.com/s', path: 'a' } },
        ],
      },
    }]),
    want: [
      `spec.volumes[0].projected.sources[0].clusterTrustBundle.name: Invalid value: "example.com:signer:bad_name": not a valid clustertrustbundlename: ${SUBDOMAIN}`,
      'spec.volumes[0].projected.sources[1].clusterTrustBundle.signerName: Invalid value: "nodomain": should be a domain with at least two segments separated by dots',
      `spec.volumes[0].projected.sources[1].clusterTrustBundle.labelSelector.matchLabels: Invalid value: "a b": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
      'spec.volumes[0].projected.sources[2].clusterTrustBundle: Required value: either name or signerName must be specified',
      'spec.volumes[0].projected.sources[2].clusterTrustBundle.path: Required value',
      'spec.volumes[0].projected.sources[3].clusterTrustBundle: Invalid value: core.ClusterTrustBundleProjection{Name:(*string)(0xc000000000), SignerName:(*string)(0xc000000000), LabelSelector:(*v1.LabelSelector)(nil), Optional:(*bool)(nil), Path:"a"}: only one of name and signerName may be used',
      'spec.volumes[0].projected: Invalid value: "a": conflicting duplicate paths',
    ],
  },
  {
    name: 'in-tree plugins: required fields and upstream paths',
    spec: spec([
      { name: 'a', gcePersistentDisk: { pdName: '', partition: 256 } },
      { name: 'b', nfs: { server: 's', path: 'rel' } },
      { name: 'c', iscsi: { targetPortal: '', iqn: 'bad', lun: 300, chapAuthSession: true, initiatorName: 'iqn.2020-01.x' } },
      { name: 'd', cephfs: { monitors: [] } },
      { name: 'e', csi: { driver: 'Bad_Driver', nodePublishSecretRef: { name: 'Bad' } } },
      { name: 'f', flexVolume: { driver: 'd', options: { 'kubernetes.io/x': 'y', 'a.k8s.io': 'b', ok: 'c' } } },
      { name: 'g', fc: { targetWWNs: ['w'], wwids: ['i'] } },
      { name: 'h', azureDisk: { diskName: 'd', diskURI: 'ftp://x', kind: 'Shared', cachingMode: 'ReadWrite' } },
    ]),
    want: [
      'spec.volumes[0].persistentDisk.pdName: Required value',
      'spec.volumes[0].persistentDisk.partition: Invalid value: 256: must be between 1 and 255, inclusive',
      'spec.volumes[1].nfs.path: Invalid value: "rel": must be an absolute path',
      'spec.volumes[2].iscsi.targetPortal: Required value',
      'spec.volumes[2].iscsi.iqn: Invalid value: "bad": must be valid format starting with iqn, eui, or naa',
      'spec.volumes[2].iscsi.lun: Invalid value: 300: must be between 0 and 255, inclusive',
      'spec.volumes[2].iscsi.secretRef: Required value',
      'spec.volumes[2].iscsi.initiatorname: Invalid value: "iqn.2020-01.x": must be valid format',
      'spec.volumes[3].cephfs.monitors: Required value',
      `spec.volumes[4].csi.driver: Invalid value: "Bad_Driver": ${SUBDOMAIN}`,
      `spec.volumes[4].csi.name: Invalid value: "Bad": ${SUBDOMAIN}`,
      'spec.volumes[5].flexVolume.options[a.k8s.io]: Invalid value: "a.k8s.io": kubernetes.io and k8s.io namespaces are reserved',
      'spec.volumes[5].flexVolume.options[kubernetes.io/x]: Invalid value: "kubernetes.io/x": kubernetes.io and k8s.io namespaces are reserved',
      'spec.volumes[6].fc.targetWWNs: Invalid value: []string{"w"}: targetWWNs and wwids can not be specified simultaneously',
      'spec.volumes[6].fc.lun: Required value: lun is required if targetWWNs is specified',
      'spec.volumes[7].azureDisk.diskURI: Unsupported value: "ftp://x": supported values: "https://{account-name}.blob.core.windows.net/{container-name}/{disk-name}.vhd"',
    ],
  },
  {
    name: 'two sources, none, and a bad name',
    spec: spec([{ name: 'a', emptyDir: {}, configMap: { name: '' }, secret: { secretName: 's' } }, { name: 'B' }]),
    want: [
      'spec.volumes[0].secret: Forbidden: may not specify more than 1 volume type',
      'spec.volumes[0].configMap: Forbidden: may not specify more than 1 volume type',
      'spec.volumes[1]: Required value: must specify a volume type',
      `spec.volumes[1].name: Invalid value: "B": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
    ],
  },
  {
    name: 'ephemeral: claim template metadata and spec, the claim name, no PVC of a created claim',
    spec: spec([
      { name: 'e', ephemeral: { volumeClaimTemplate: { metadata: { name: 'x', uid: 'u', labels: { a: 'b' } }, spec: { accessModes: ['ReadWriteOncePod', 'ReadWriteOnce', 'Many'], resources: { requests: { storage: '0' } }, volumeMode: 'Raw' } } } },
      { name: 'f', ephemeral: {} },
      { name: 'g', persistentVolumeClaim: { claimName: 'p-e' } },
    ]),
    want: [
      'spec.volumes[0].ephemeral.volumeClaimTemplate.metadata.name: Forbidden: cannot be set',
      'spec.volumes[0].ephemeral.volumeClaimTemplate.metadata.uID: Forbidden: cannot be set',
      'spec.volumes[0].ephemeral.volumeClaimTemplate.spec.accessModes: Unsupported value: "Many": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"',
      'spec.volumes[0].ephemeral.volumeClaimTemplate.spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes',
      'spec.volumes[0].ephemeral.volumeClaimTemplate.spec.resources[storage]: Invalid value: "0": must be greater than zero',
      'spec.volumes[0].ephemeral.volumeClaimTemplate.spec.volumeMode: Unsupported value: "Raw": supported values: "Block", "Filesystem"',
      'spec.volumes[1].ephemeral.volumeClaimTemplate: Required value',
      'spec.volumes[2].persistentVolumeClaim.claimName: Invalid value: "p-e": must not reference a PVC that gets created for an ephemeral volume',
    ],
  },
  {
    name: 'image volume: reference on pods, pull policy; mounted by subPath or subPathExpr (1.33), the path rules as for any volume',
    spec: spec([{ name: 'i', image: { reference: '', pullPolicy: 'Sometimes' } }, { name: 'j', image: { reference: 'r', pullPolicy: 'Always' } }], [
      { name: 'j', mountPath: '/j', subPath: 's', subPathExpr: 'e' },
      { name: 'j', mountPath: '/k', subPath: 'etc' },
      { name: 'j', mountPath: '/l', subPathExpr: '$(DIR)/..' },
    ]),
    want: [
      'spec.volumes[0].image.reference: Required value',
      'spec.volumes[0].image.pullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"',
      'spec.containers[0].volumeMounts[0].subPathExpr: Invalid value: "e": subPathExpr and subPath are mutually exclusive',
      `spec.containers[0].volumeMounts.subPathExpr: Invalid value: "$(DIR)/..": must not contain '..'`,
    ],
  },
  {
    name: 'volumeMounts: name, path, uniqueness, subPath, propagation, recursiveReadOnly',
    spec: spec([{ name: 'v', emptyDir: {} }], [
      { name: '', mountPath: '' },
      { name: 'v', mountPath: '/a', subPath: '/abs/../x' },
      { name: 'v', mountPath: '/a', subPathExpr: '$(X)/..' },
      { name: 'v', mountPath: '/b', mountPropagation: 'Bidirectional' },
      { name: 'v', mountPath: '/c', mountPropagation: 'Sideways' },
      { name: 'v', mountPath: '/d', recursiveReadOnly: 'Enabled', mountPropagation: 'HostToContainer' },
      { name: 'v', mountPath: '/e', recursiveReadOnly: 'Always', readOnly: true },
      { name: 'v', mountPath: '/f', recursiveReadOnly: 'IfPossible', readOnly: true },
    ]),
    want: [
      'spec.containers[0].volumeMounts[0].name: Required value',
      'spec.containers[0].volumeMounts[0].name: Not found: ""',
      'spec.containers[0].volumeMounts[0].mountPath: Required value',
      'spec.containers[0].volumeMounts.subPath: Invalid value: "/abs/../x": must be a relative path',
      `spec.containers[0].volumeMounts.subPath: Invalid value: "/abs/../x": must not contain '..'`,
      'spec.containers[0].volumeMounts[2].mountPath: Invalid value: "/a": must be unique',
      `spec.containers[0].volumeMounts.subPathExpr: Invalid value: "$(X)/..": must not contain '..'`,
      'spec.containers[0].volumeMounts.mountPropagation: Forbidden: Bidirectional mount propagation is available only to privileged containers',
      'spec.containers[0].volumeMounts.mountPropagation: Unsupported value: "Sideways": supported values: "Bidirectional", "HostToContainer", "None"',
      'spec.containers[0].volumeMounts.recursiveReadOnly: Forbidden: may only be specified when readOnly is true',
      'spec.containers[0].volumeMounts.recursiveReadOnly: Forbidden: may only be specified when mountPropagation is None or not specified',
      'spec.containers[0].volumeMounts.recursiveReadOnly: Unsupported value: "Always": supported values: "Disabled", "Enabled", "IfPossible"',
    ],
  },
  {
    name: 'Bidirectional in a privileged container passes',
    spec: spec([{ name: 'v', emptyDir: {} }], [], { containers: [ctr({ securityContext: { privileged: true }, volumeMounts: [{ name: 'v', mountPath: '/v', mountPropagation: 'Bidirectional' }] })] }),
    want: [],
  },
  {
    name: 'volumeDevices: claims only, unique, no clash with mounts',
    spec: spec([{ name: 'c', persistentVolumeClaim: { claimName: 'x' } }, { name: 'e', emptyDir: {} }], [], {
      containers: [ctr({
        volumeMounts: [{ name: 'c', mountPath: '/m' }],
        volumeDevices: [{ name: 'c', devicePath: '/m' }, { name: 'e', devicePath: '/dev/../x' }, { name: 'nope', devicePath: '' }, { name: 'c', devicePath: '' }],
      })],
    }),
    want: [
      'spec.containers[0].volumeMounts[0].name: Invalid value: "c": must not already exist in volumeDevices',
      'spec.containers[0].volumeDevices[0].name: Invalid value: "c": must not already exist in volumeMounts',
      'spec.containers[0].volumeDevices[0].devicePath: Invalid value: "/m": must not already exist as a path in volumeMounts',
      'spec.containers[0].volumeDevices[1].name: Invalid value: "e": can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode',
      `spec.containers[0].volumeDevices[1].devicePath: Invalid value: "/dev/../x": can not contain backsteps ('..')`,
      'spec.containers[0].volumeDevices[2].name: Not found: "nope"',
      'spec.containers[0].volumeDevices[2].devicePath: Required value',
      'spec.containers[0].volumeDevices[3].name: Invalid value: "c": must be unique',
      'spec.containers[0].volumeDevices[3].devicePath: Required value',
      'spec.containers[0].volumeDevices[3].devicePath: Invalid value: "": must be unique',
      'spec.containers[0].volumeDevices[3].name: Invalid value: "c": must not already exist in volumeMounts',
    ],
  },
  {
    name: 'the ServiceAccount admission volume and a full projected set pass',
    spec: spec([{
      name: 'kube-api-access-abcde',
      projected: {
        defaultMode: 420,
        sources: [
          token({ expirationSeconds: 3607 }),
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
          { clusterTrustBundle: { signerName: 'example.com/signer', labelSelector: {}, path: 'bundle.pem' } },
        ],
      },
    }], [{ name: 'kube-api-access-abcde', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true, recursiveReadOnly: 'IfPossible' }]),
    want: [],
  },
];

for (const c of CASES) {
  test(c.name, () => {
    assert.deepEqual(errors(c.spec), c.want);
  });
}

test('the claim an ephemeral volume creates must be a valid name (pods only)', () => {
  const s = spec([{ name: 'v', ephemeral: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } } } }]);
  assert.deepEqual(errors(s, 'p'), []);
  const long = 'p'.repeat(252);
  assert.deepEqual(errors(s, long), [`spec.volumes[0].name: Invalid value: "v": PVC name "${long}-v": must be no more than 253 characters`]);
});

test('a template needs no image reference; its mounts are checked like a pod\'s', () => {
  const template = { metadata: { labels: { a: 'b' } }, spec: spec([{ name: 'i', image: { reference: '', pullPolicy: 'IfNotPresent' } }], [{ name: 'i', mountPath: '/i', subPath: '../x' }]) };
  assert.deepEqual(validatePodTemplateSpec(template, 'spec.template').map(fieldErrorString), [
    `spec.template.spec.containers[0].volumeMounts.subPath: Invalid value: "../x": must not contain '..'`,
  ]);
});

test('path rules: relative, no .. element, not starting with ..', () => {
  const cases: Array<[string, string[]]> = [
    ['a/b', []],
    ['a..b', []],
    ['..a', ["p: Invalid value: \"..a\": must not start with '..'"]],
    ['../a', ["p: Invalid value: \"../a\": must not contain '..'"]],
    ['/..', ['p: Invalid value: "/..": must be a relative path', "p: Invalid value: \"/..\": must not contain '..'"]],
    ['a/..', ["p: Invalid value: \"a/..\": must not contain '..'"]],
  ];
  for (const [target, want] of cases) assert.deepEqual(validateLocalNonReservedPath(target, 'p').map(fieldErrorString), want, target);
  assert.deepEqual(validateKeyToPath({ key: 'k', path: 'ok', mode: 0 }, 'i').map(fieldErrorString), []);
});
