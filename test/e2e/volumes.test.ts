/**
 * @module Volumes at mountPaths the host does not have, and the kubelet's configMap, downwardAPI
 * and projected volumes, end to end: real busybox pods driven by the real kubectl, with the
 * native launcher (the default) and with the shell chain (KUBITO_LAUNCHER=shell). Nothing may
 * appear on the host's file system.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { startCluster, type Cluster } from './harness.js';
import { waitFor } from './wait.js';

const canRun = process.platform === 'linux' && process.getuid?.() === 0 && spawnSync('ip', ['netns', 'list']).status === 0;

const CONFIG = `apiVersion: v1
kind: ConfigMap
metadata:
  name: kt-config
  labels:
    app: kt
data:
  greeting: hello from a configmap
  nested: deep
`;

/** Paths the host lacks: /etc/kubito-test-config (under /etc) and /data/x (under /: the root overlay). */
function volumesPod(name: string, options: { root: boolean }): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels:
    app: kt
    tier: front
  annotations:
    note: one two
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 1
  volumes:
  - name: config
    configMap:
      name: kt-config
      items:
      - key: greeting
        path: greeting.txt
      - key: nested
        path: sub/dir/nested.txt
        mode: 0600
  - name: scratch
    emptyDir: {}
  - name: podinfo
    downwardAPI:
      items:
      - path: name
        fieldRef: {fieldPath: metadata.name}
      - path: labels
        fieldRef: {fieldPath: metadata.labels}
      - path: annotations
        fieldRef: {fieldPath: metadata.annotations}
      - path: mem
        resourceFieldRef: {containerName: main, resource: limits.memory, divisor: 1Mi}
  - name: both
    projected:
      defaultMode: 0440
      sources:
      - configMap:
          name: kt-config
          items: [{key: greeting, path: greeting}]
      - downwardAPI:
          items:
          - path: ns
            fieldRef: {fieldPath: metadata.namespace}
  containers:
  - name: main
    image: busybox
    resources:
      limits: {memory: 64Mi}
    command: ["sh", "-c", "cat /etc/kubito-test-config/greeting.txt; echo; stat -L -c %a /etc/kubito-test-config/sub/dir/nested.txt; cat /etc/kubito-test-config/sub/dir/nested.txt; echo; readlink /etc/kubito-test-config/..data | grep -q '^\\\\.\\\\.20' && echo atomic; echo written > ${options.root ? '/data/x' : '/etc/kubito-test-scratch/x'}/file && cat ${options.root ? '/data/x' : '/etc/kubito-test-scratch/x'}/file; cat /var/run/kubito-test-podinfo/name; echo; cat /var/run/kubito-test-podinfo/labels; echo; cat /var/run/kubito-test-podinfo/annotations; echo; cat /var/run/kubito-test-podinfo/mem; echo; cat /etc/kubito-test-both/greeting /etc/kubito-test-both/ns; echo; stat -L -c %a /etc/kubito-test-both/ns; grep -c . /etc/hosts >/dev/null && echo hosts-ok; echo done"]
    volumeMounts:
    - name: config
      mountPath: /etc/kubito-test-config
      readOnly: true
    - name: scratch
      mountPath: ${options.root ? '/data/x' : '/etc/kubito-test-scratch/x'}
    - name: podinfo
      mountPath: /var/run/kubito-test-podinfo
    - name: both
      mountPath: /etc/kubito-test-both
`;
}

const HOST_PATHS = ['/etc/kubito-test-config', '/etc/kubito-test-scratch', '/etc/kubito-test-both', '/data', '/run/kubito-test-podinfo', '/run/kubito-test-shared'];

function suite(launcher: 'native' | 'shell'): void {
  describe(`volumes at paths the host lacks (${launcher} launcher)`, { skip: canRun ? false : 'needs root and network namespaces' }, () => {
    let cluster: Cluster;
    const ok = (args: string[], input?: string) => cluster.kubectlOk(args, { input });

    before(async () => {
      for (const p of HOST_PATHS) assert.equal(existsSync(p), false, `the host has ${p} before the test`);
      cluster = await startCluster({ env: { KUBITO_LAUNCHER: launcher } });
      assert.match(cluster.output.join(''), new RegExp(`container launcher: ${launcher} `), 'the node agent runs the launcher under test');
      await waitFor('a Ready node', async () => (/\sReady\s/.test(await ok(['get', 'nodes'])) ? true : undefined), 30_000);
      await ok(['apply', '-f', '-'], CONFIG);
    });

    after(async () => {
      await cluster?.stop();
      for (const p of HOST_PATHS) assert.equal(existsSync(p), false, `${p} appeared on the host`);
    });

    const root = launcher === 'native';
    test(`configMap, emptyDir${root ? ' (under /)' : ''}, downwardAPI and projected volumes are readable and writable in the pod`, async () => {
      // create, not apply: no last-applied-configuration annotation in the annotations file.
      await ok(['create', '-f', '-'], volumesPod('kt-volumes', { root }));
      const phase = await waitFor('the pod to finish', async () => {
        const p = (await ok(['get', 'pod', 'kt-volumes', '-o', 'jsonpath={.status.phase}'])).trim();
        return p === 'Succeeded' || p === 'Failed' ? p : undefined;
      }, 60_000);
      const log = await ok(['logs', 'kt-volumes']);
      const events = await ok(['get', 'events', '--field-selector', 'involvedObject.name=kt-volumes']);
      assert.equal(phase, 'Succeeded', `${log}\n${events}`);
      assert.equal(
        log,
        [
          'hello from a configmap',
          '600',
          'deep',
          'atomic',
          'written',
          'kt-volumes',
          'app="kt"\ntier="front"',
          'note="one two"',
          '64',
          'hello from a configmapdefault',
          '440',
          'hosts-ok',
          'done',
          '',
        ].join('\n'),
      );
      assert.doesNotMatch(events, /FailedMount/);
      for (const p of HOST_PATHS) assert.equal(existsSync(p), false, `${p} appeared on the host`);
    });

    test('two containers share an emptyDir at two paths the host lacks; kubectl exec sees the container\'s mounts', async () => {
      const first = root ? '/data/x' : '/etc/kubito-test-scratch/x';
      const pod = `apiVersion: v1
kind: Pod
metadata:
  name: kt-shared
spec:
  terminationGracePeriodSeconds: 1
  volumes:
  - name: shared
    emptyDir: {}
  containers:
  - name: one
    image: busybox
    command: ["sleep", "3600"]
    volumeMounts:
    - {name: shared, mountPath: ${first}}
  - name: two
    image: busybox
    command: ["sleep", "3600"]
    volumeMounts:
    - {name: shared, mountPath: /var/run/kubito-test-shared/y, readOnly: true}
`;
      await ok(['apply', '-f', '-'], pod);
      await waitFor('kt-shared Running', async () => ((await ok(['get', 'pod', 'kt-shared', '-o', 'jsonpath={.status.phase}'])).trim() === 'Running' ? true : undefined), 60_000);
      await ok(['exec', 'kt-shared', '-c', 'one', '--', 'sh', '-c', `echo shared > ${first}/f`]);
      assert.equal(await ok(['exec', 'kt-shared', '-c', 'two', '--', 'cat', '/var/run/kubito-test-shared/y/f']), 'shared\n');
      const ro = await cluster.kubectl(['exec', 'kt-shared', '-c', 'two', '--', 'touch', '/var/run/kubito-test-shared/y/g']);
      assert.notEqual(ro.code, 0);
      assert.match(ro.stderr + ro.stdout, /Read-only file system/);
      // The container's /proc is its own (PID 1 its program) and the host's mounts below the overlaid directories are kept.
      assert.equal((await ok(['exec', 'kt-shared', '-c', 'two', '--', 'cat', '/proc/1/comm'])).trim(), 'sleep');
      assert.equal(await ok(['exec', 'kt-shared', '-c', 'one', '--', 'sh', '-c', 'test -c /dev/null && echo dev-ok']), 'dev-ok\n');
      for (const p of [...HOST_PATHS, '/run/kubito-test-shared']) assert.equal(existsSync(p), false, `${p} appeared on the host`);
      await ok(['delete', 'pod', 'kt-shared', '--wait=false']);
    });

    if (root) {
      test('kubectl debug node/NODE: the node\'s root file system at /host (a hostPath at a path the host lacks)', async () => {
        const node = (await ok(['get', 'nodes', '-o', 'jsonpath={.items[0].metadata.name}'])).trim();
        const out = await ok(['debug', `node/${node}`, '--image=busybox', '--', 'sh', '-c', 'test -d /host/etc && test -d /host/proc && echo host-ok']);
        const name = /pod\/(\S+)|(node-debugger-\S+)/.exec(out);
        const pod = (name?.[1] ?? name?.[2] ?? '').replace(/\.$/, '');
        await waitFor('the debugger to finish', async () => (/Succeeded|Failed/.test(await ok(['get', 'pod', pod, '-o', 'jsonpath={.status.phase}'])) ? true : undefined), 60_000);
        assert.equal(await ok(['logs', pod]), 'host-ok\n');
        assert.equal(existsSync('/host'), false);
      });
    }

    test('a missing ConfigMap keeps the pod ContainerCreating with the kubelet\'s FailedMount, and it starts once the ConfigMap exists', async () => {
      const pod = `apiVersion: v1
kind: Pod
metadata:
  name: kt-missing
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 1
  volumes:
  - name: later
    configMap: {name: kt-later}
  containers:
  - name: main
    image: busybox
    command: ["cat", "/etc/kubito-test-config/k"]
    volumeMounts:
    - {name: later, mountPath: /etc/kubito-test-config}
`;
      await ok(['apply', '-f', '-'], pod);
      await waitFor('FailedMount', async () => {
        const events = await ok(['get', 'events', '--field-selector', 'involvedObject.name=kt-missing,reason=FailedMount', '-o', 'jsonpath={.items[*].message}']);
        return events.includes('MountVolume.SetUp failed for volume "later" : configmap "kt-later" not found') ? true : undefined;
      }, 30_000);
      assert.match(await ok(['get', 'pod', 'kt-missing']), /ContainerCreating/);
      await ok(['create', 'configmap', 'kt-later', '--from-literal=k=v']);
      await waitFor('the pod to succeed', async () => ((await ok(['get', 'pod', 'kt-missing', '-o', 'jsonpath={.status.phase}'])).trim() === 'Succeeded' ? true : undefined), 60_000);
      assert.equal((await ok(['logs', 'kt-missing'])).trim(), 'v');
    });
  });
}

suite('native');
suite('shell');
