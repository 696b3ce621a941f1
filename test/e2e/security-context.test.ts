/**
 * @module The pod's and the container's securityContext, end to end with the real kubectl: the
 * "Configure a Security Context for a Pod or Container" page's pods (runAsUser, runAsGroup,
 * fsGroup on an emptyDir, allowPrivilegeEscalation: false, the container-level override),
 * runAsNonRoot refusals (CreateContainerConfigError), exec probes and `kubectl exec` as the
 * container's user, the service account token readable by a non-root user, capabilities and a
 * read-only root file system.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { startCluster, type Cluster } from './harness.js';
import { waitFor } from './wait.js';

const canRun = process.platform === 'linux' && process.getuid?.() === 0 && spawnSync('ip', ['netns', 'list']).status === 0;

/** The docs' pods/security/security-context.yaml, as published. */
const DEMO = `apiVersion: v1
kind: Pod
metadata:
  name: security-context-demo
spec:
  securityContext:
    runAsUser: 1000
    runAsGroup: 3000
    fsGroup: 2000
  volumes:
  - name: sec-ctx-vol
    emptyDir: {}
  containers:
  - name: sec-ctx-demo
    image: busybox
    command: [ "sh", "-c", "sleep 1h" ]
    volumeMounts:
    - name: sec-ctx-vol
      mountPath: /data/demo
    securityContext:
      allowPrivilegeEscalation: false
`;

/** pods/security/security-context-2.yaml with the catalog busybox for the page's node-hello image. */
const DEMO_2 = `apiVersion: v1
kind: Pod
metadata:
  name: security-context-demo-2
spec:
  securityContext:
    runAsUser: 1000
  containers:
  - name: sec-ctx-demo-2
    image: busybox
    command: [ "sh", "-c", "echo out >/dev/stdout; echo err >/dev/stderr; exec sleep 1h" ]
    securityContext:
      runAsUser: 2000
      allowPrivilegeEscalation: false
    readinessProbe:
      exec:
        command: ["sh", "-c", "test $(id -u) = 2000"]
      periodSeconds: 1
`;

function nonRootPod(name: string, containerUser?: number, image = 'busybox'): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  terminationGracePeriodSeconds: 1
  securityContext:
    runAsNonRoot: true
  containers:
  - name: main
    image: ${image}
${image === 'busybox' ? '    command: ["sleep", "3600"]\n' : ''}${containerUser === undefined ? '' : `    securityContext:\n      runAsUser: ${containerUser}\n`}`;
}

const TOKEN_POD = `apiVersion: v1
kind: Pod
metadata:
  name: sc-token
spec:
  terminationGracePeriodSeconds: 1
  securityContext:
    runAsUser: 1000
    runAsNonRoot: true
    fsGroup: 2000
  containers:
  - name: main
    image: busybox
    command: ["sleep", "3600"]
`;

const LOCKED_POD = `apiVersion: v1
kind: Pod
metadata:
  name: sc-locked
spec:
  terminationGracePeriodSeconds: 1
  volumes:
  - name: tmp
    emptyDir: {}
  containers:
  - name: main
    image: busybox
    command: ["sleep", "3600"]
    volumeMounts:
    - {name: tmp, mountPath: /tmp/kubito-sc-tmp}
    securityContext:
      readOnlyRootFilesystem: true
      capabilities:
        drop: ["ALL"]
        # CAP_SYS_ADMIN: containerd passes CAP_CAP_SYS_ADMIN, which runc ignores (with a warning).
        add: ["NET_BIND_SERVICE", "CAP_SYS_ADMIN"]
`;

/** The pods each suite starts at once (their starts overlap), in one multi-document apply. */
const NATIVE_PODS = [DEMO, DEMO_2, nonRootPod('sc-image-root'), nonRootPod('sc-user-zero', 0), nonRootPod('sc-pause', undefined, 'registry.k8s.io/pause:3.10'), TOKEN_POD, LOCKED_POD];
/** The shell chain applies the identity with setpriv and mount: its own pods only (runAsNonRoot and fsGroup are the agent's, the same for both). */
const SHELL_PODS = [DEMO_2, LOCKED_POD];

function suite(launcher: 'native' | 'shell'): void {
  describe(`securityContext (kubelet + runc semantics; ${launcher} launcher)`, { skip: canRun ? false : 'needs root and network namespaces' }, () => {
    let cluster: Cluster;
    const ok = (args: string[], options: { input?: string; version?: string } = {}) => cluster.kubectlOk(args, options);
    const running = (name: string) =>
      waitFor(`${name} Running`, async () => ((await ok(['get', 'pod', name, '-o', 'jsonpath={.status.phase}'])).trim() === 'Running' ? true : undefined), 60_000);

    before(async () => {
      cluster = await startCluster({ env: { KUBITO_LAUNCHER: launcher } });
      assert.match(cluster.output.join(''), new RegExp(`container launcher: ${launcher} `), 'the node agent runs the launcher under test');
      await waitFor('a Ready node', async () => (/\sReady\s/.test(await ok(['get', 'nodes'])) ? true : undefined), 30_000);
      await ok(['apply', '-f', '-'], { input: (launcher === 'native' ? NATIVE_PODS : SHELL_PODS).join('---\n') });
    });

    after(async () => {
      const name = cluster?.name;
      await cluster?.stop();
      for (const path of ['/tmp/kubito-sc-tmp', '/tmp/kubito-sc-test', '/run/kubito-sc-test', '/kubito-sc-test', '/data']) assert.equal(existsSync(path), false, `${path} appeared on the host`);
      // The applets' public directory (the tests' data dir is not searchable by others) goes with the cluster.
      if (name) assert.equal(existsSync(`/run/kubito-${name}`), false, `/run/kubito-${name} is left`);
    });

    // /data/demo: the host has no /data, which only the native launcher overlays (src/node/README.md).
    if (launcher === 'native') test('the docs\' security-context-demo: id, ps, the emptyDir\'s group and setgid bit, a new file\'s group, NoNewPrivs', async () => {
      await running('security-context-demo');
      assert.ok(existsSync(`/run/kubito-${cluster.name}/busybox/bin/id`), 'the applets are linked from the public directory');
      const exec = (cmd: string, version?: string) => ok(['exec', 'security-context-demo', '--', 'sh', '-c', cmd], { version });
      // As upstream prints it (busybox's id: the groups sorted, no names for ids the image lacks).
      for (const version of [undefined, '1.27', '1.33']) assert.equal(await ok(['exec', 'security-context-demo', '--', 'id'], { version }), 'uid=1000 gid=3000 groups=2000,3000\n', `kubectl ${version ?? '(PATH)'}`);
      // The page's steps in one exec (each kubectl costs a second on a busy machine), split by `--`.
      const [ps, dirMode, file, nnp] = (await exec('ps; echo --; ls -ld /data/demo; echo --; cd /data/demo && echo hello > testfile && ls -l; echo --; grep NoNewPrivs /proc/self/status /proc/1/status')).split('--\n');
      // The host's busybox (Debian's build has no TIME column; the image's shows one).
      assert.match(ps, /^PID\s+USER\s+(TIME\s+)?COMMAND\n\s+1 1000\s+(\S+\s+)?sleep 1h\n/, ps);
      assert.match(ps, /\n\s+\d+ 1000\s+(\S+\s+)?ps\n/, ps);
      assert.match(dirMode, /^drwxrwsrwx\s+2 root\s+2000\s/);
      assert.match(file, /-rw-r--r--\s+1 1000\s+2000\s+6 .* testfile\n/);
      assert.equal(nnp, '/proc/self/status:NoNewPrivs:\t1\n/proc/1/status:NoNewPrivs:\t1\n');
      // The status reports the user its process was given (KEP-3619's containerStatuses[].user).
      assert.equal(await ok(['get', 'pod', 'security-context-demo', '-o', 'jsonpath={.status.containerStatuses[0].user.linux}']), '{"gid":3000,"supplementalGroups":[2000,3000],"uid":1000}');
    });

    test('a container\'s runAsUser overrides the pod\'s, for its process (its /dev/stdout and /dev/stderr too), exec and its exec probe', async () => {
      await waitFor('security-context-demo-2 Ready', async () => ((await ok(['get', 'pod', 'security-context-demo-2', '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'])).trim() === 'True' ? true : undefined), 60_000);
      const [ps, id] = (await ok(['exec', 'security-context-demo-2', '--', 'sh', '-c', 'ps -o user,pid,args; echo --; id'])).split('--\n');
      assert.match(ps, /\n2000\s+1 sleep 1h\n/, ps);
      assert.equal(id, 'uid=2000 gid=0(root) groups=0(root)\n');
      // runc gives the container's stdio to its user (fixStdioPermissions): a program that opens
      // /dev/stdout (nginx's logs, `echo >/dev/stderr`) writes its log.
      const logs = await ok(['logs', 'security-context-demo-2']);
      assert.deepEqual(logs.split('\n').sort(), ['', 'err', 'out'], logs);
    });

    if (launcher === 'native') test('runAsNonRoot: CreateContainerConfigError with the kubelet\'s words, in get and in describe\'s events; the pause image (user 65535) passes', async () => {
      const refused = async (name: string, why: string): Promise<void> => {
        const row = await waitFor(`${name} CreateContainerConfigError`, async () => {
          const out = await ok(['get', 'pod', name]);
          return /CreateContainerConfigError/.test(out) ? out : undefined;
        }, 30_000);
        assert.match(row, new RegExp(`${name}\\s+0/1\\s+CreateContainerConfigError\\s+0\\s`));
        const [uid, waiting] = (await ok(['get', 'pod', name, '-o', 'jsonpath={.metadata.uid}|{.status.containerStatuses[0].state.waiting.message}'])).split('|');
        const message = `${why} (pod: "${name}_default(${uid})", container: main)`;
        assert.equal(waiting.trim(), message);
        const describe = await ok(['describe', 'pod', name], { version: '1.33' });
        assert.ok(describe.includes(`Error: ${message}`), describe);
        assert.match(describe, /Warning\s+Failed\s+.*kubelet\s+Error: /);
      };
      await Promise.all([
        refused('sc-image-root', 'container has runAsNonRoot and image will run as root'),
        refused('sc-user-zero', "container's runAsUser breaks non-root policy"),
      ]);
      // The pause image's user is 65535 (its Dockerfile's USER 65535:65535): it passes.
      await running('sc-pause');
    });

    if (launcher === 'native') test('a non-root user with fsGroup reads its service account token (0640, owned by its runAsUser, group fsGroup)', async () => {
      await running('sc-token');
      const dir = '/var/run/secrets/kubernetes.io/serviceaccount';
      const [mode, token, rest] = (await ok(['exec', 'sc-token', '--', 'sh', '-c', `stat -L -c '%a %u %g' ${dir}/token; echo --; cat ${dir}/token; echo; echo --; cat ${dir}/namespace; stat -L -c %g ${dir}/ca.crt`])).split('--\n');
      assert.equal(mode, '640 1000 2000\n');
      assert.match(token, /^eyJ[\w-]+\.[\w-]+\.[\w-]+\n$/);
      assert.equal(rest, 'default2000\n');
    });

    test('capabilities drop ALL add NET_BIND_SERVICE (and an unknown name, ignored), and a read-only root with a writable emptyDir', async () => {
      await running('sc-locked');
      // /tmp and /run: directories kubito overlays (the host lacks /tmp/kubito-sc-tmp and
      // /run/secrets), read-only as the image's would be; the volume below stays writable.
      const [caps, exec, touch, volume, overlaid] = (await ok(['exec', 'sc-locked', '--', 'sh', '-c', 'grep Cap /proc/1/status; echo --; grep CapEff /proc/self/status; echo --; touch /kubito-sc-test 2>&1; echo "$?"; echo --; echo w > /tmp/kubito-sc-tmp/f && cat /tmp/kubito-sc-tmp/f; echo --; for d in /tmp /run; do touch $d/kubito-sc-test 2>&1; echo "$?"; done'])).split('--\n');
      assert.match(caps, /CapPrm:\s+0000000000000400\nCapEff:\s+0000000000000400\nCapBnd:\s+0000000000000400\n/, caps);
      assert.match(exec, /^CapEff:\s+0000000000000400\n$/);
      assert.match(touch, /Read-only file system\n1\n$/);
      assert.equal(volume, 'w\n');
      assert.match(overlaid, /^touch: \/tmp\/kubito-sc-test: Read-only file system\n1\ntouch: \/run\/kubito-sc-test: Read-only file system\n1\n$/);
      // The remount is the container's mount namespace's alone: the host's root stays writable.
      assert.doesNotMatch(spawnSync('findmnt', ['-n', '-o', 'OPTIONS', '/'], { encoding: 'utf8' }).stdout, /^ro(,|$)/);
    });
  });
}

suite('native');
suite('shell');
