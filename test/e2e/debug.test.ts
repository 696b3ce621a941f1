/**
 * @module Ephemeral containers end to end (issue 4): `kubectl debug` against a real `kubito up`,
 * with the default kubectl (1.32) and, for the interactive path, 1.27 and 1.33 too. A debug
 * container in an nginx pod reaches the pod's port on localhost, reads the pod's
 * /etc/resolv.conf and sees the target container's processes (--target: its PID namespace);
 * its output comes through `kubectl logs -c`, its status ends terminated with exit code 0, and
 * the pod's READY, phase and restarts do not change. `kubectl debug -it` gives a working shell,
 * and so does `kubectl attach -it` to one started with --attach=false;
 * exec works in a running debug container; a second one gets its own name; bad adds are
 * refused with upstream's messages; deleting the pod stops them with the rest.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isClusterNetns } from '../../src/node/names.js';
import { kubectlPath, startCluster, type Cluster } from './harness.js';
import { WEB_POD } from './manifests.js';
import { runOnTerminal } from './terminal.js';
import { waitFor } from './wait.js';

/** Host pids whose command line is exactly argv (the debug container's program). */
function pidsRunning(argv: string[]): number[] {
  const want = `${argv.join('\0')}\0`;
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).filter((d) => {
    try {
      return readFileSync(`/proc/${d}/cmdline`, 'utf8') === want;
    } catch {
      return false;
    }
  }).map(Number);
}

const canRun = process.platform === 'linux' && process.getuid?.() === 0 && spawnSync('ip', ['netns', 'list']).status === 0;

interface EphemeralStatus {
  name: string;
  ready: boolean;
  restartCount: number;
  state: { running?: unknown; waiting?: { reason?: string }; terminated?: { exitCode: number; reason?: string } };
}

describe('kubectl debug (ephemeral containers)', { skip: canRun ? false : 'needs root and network namespaces' }, () => {
  let cluster: Cluster;
  let clusterName = '';
  const ok = (args: string[], version?: string) => cluster.kubectlOk(args, { version });
  const kubectlArgv = (version: string | undefined, args: string[]): string[] => [kubectlPath(version), '--kubeconfig', cluster.kubeconfig, '--cache-dir', join(cluster.dir, `kube-cache-${version ?? 'default'}`), ...args];
  const env = (): NodeJS.ProcessEnv => ({ ...process.env, KUBECONFIG: cluster.kubeconfig, HOME: cluster.dir });
  const statuses = async (pod: string): Promise<EphemeralStatus[]> => JSON.parse((await ok(['get', 'pod', pod, '-o', 'jsonpath={.status.ephemeralContainerStatuses}'])) || '[]') as EphemeralStatus[];
  const statusOf = async (pod: string, name: string): Promise<EphemeralStatus | undefined> => (await statuses(pod)).find((s) => s.name === name);
  const terminated = (pod: string, name: string) => waitFor(`${name} terminated`, async () => {
    const s = await statusOf(pod, name);
    return s?.state.terminated ? s : undefined;
  });

  before(async () => {
    cluster = await startCluster();
    clusterName = (await waitFor('a node', async () => (await ok(['get', 'nodes', '-o', 'jsonpath={.items[0].metadata.name}'])).trim() || undefined)).replace(/-node$/, '');
    const r = await cluster.kubectl(['apply', '-f', '-'], { input: WEB_POD });
    assert.equal(r.code, 0, r.stderr);
    await waitFor('web Ready', async () => ((await ok(['get', 'pod', 'web', '-o', 'jsonpath={.status.containerStatuses[0].ready}'])) === 'true' ? true : undefined));
  });

  after(async () => {
    await cluster?.stop();
    const left = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout.split('\n').map((l) => l.split(' ')[0]).filter((n) => clusterName && isClusterNetns(clusterName, n));
    assert.deepEqual(left, [], 'network namespaces left behind');
  });

  test('a debug container targeting nginx: the pod\'s localhost, its resolv.conf, the target\'s processes; logs; terminated 0', async () => {
    const script = 'wget -qO- http://localhost:80/ | grep -o "Welcome to nginx!" | head -n 1; cat /etc/resolv.conf; ps; echo ENV=$HOSTNAME';
    const r = await cluster.kubectl(['debug', 'web', '--image=busybox', '--target=nginx', '-c', 'debugger', '--', 'sh', '-c', script]);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout + r.stderr, /Targeting container "nginx"/);
    const s = await terminated('web', 'debugger');
    assert.equal(s.state.terminated?.exitCode, 0);
    assert.equal(s.state.terminated?.reason, 'Completed');
    assert.equal(s.ready, false);
    assert.equal(s.restartCount, 0);
    const logs = await ok(['logs', 'web', '-c', 'debugger']);
    assert.match(logs, /Welcome to nginx!/);
    assert.match(logs, /nameserver 10\.96\.0\.10/);
    assert.match(logs, /search default\.svc\.cluster\.local svc\.cluster\.local cluster\.local/);
    // The target's PID namespace: nginx's master is PID 1 there, and the debugger sees it.
    assert.match(logs, /\n\s*1 \S+\s+.*nginx: master process/);
    assert.match(logs, /ENV=web\n/);
    // The pod is as it was: READY counts regular containers, no restarts, still Running.
    const line = await ok(['get', 'pod', 'web', '--no-headers']);
    assert.match(line, /^web\s+1\/1\s+Running\s+0\s/);
    const describe = await ok(['describe', 'pod', 'web']);
    assert.match(describe, /\nEphemeral Containers:\n {2}debugger:\n/);
    const section = describe.slice(describe.indexOf('Ephemeral Containers:'));
    assert.match(section, /\n {4}Image: +busybox\n/);
    assert.match(section, /\n {4}State: +Terminated\n {6}Reason: +Completed\n {6}Exit Code: +0\n/);
    assert.match(section, /\n {4}Ready: +False\n {4}Restart Count: +0\n/);
  });

  test('a second debug container gets its own name; exec into a running one works; it never makes the pod unready', async () => {
    const r = await cluster.kubectl(['debug', 'web', '--image=busybox', '--', 'sleep', '3607']);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    const name = /Defaulting debug container name to (debugger-[a-z0-9]+)\./.exec(r.stdout + r.stderr)?.[1];
    assert.ok(name, r.stdout + r.stderr);
    const names = (await ok(['get', 'pod', 'web', '-o', 'jsonpath={.spec.ephemeralContainers[*].name}'])).split(' ');
    assert.deepEqual(names, ['debugger', name]);
    await waitFor(`${name} running`, async () => ((await statusOf('web', name))?.state.running ? true : undefined));
    const out = await ok(['exec', 'web', '-c', name, '--', 'sh', '-c', 'cat /etc/hostname; echo pid1=$(cat /proc/1/comm)']);
    // Without --target the debug container has a PID namespace of its own (sleep is its PID 1).
    assert.equal(out, 'web\npid1=sleep\n');
    assert.match(await ok(['get', 'pod', 'web', '--no-headers']), /^web\s+1\/1\s+Running\s+0\s/);
    assert.equal(pidsRunning(['sleep', '3607']).length, 1);
  });

  test('bad adds are refused with upstream\'s messages', async () => {
    const target = await cluster.kubectl(['debug', 'web', '--image=busybox', '--target=nope', '-c', 'bad', '--', 'true']);
    assert.notEqual(target.code, 0);
    assert.match(target.stderr, /Pod "web" is invalid: spec\.ephemeralContainers\[2\]\.targetContainerName: Not found: "nope"/);
    // Removing one through PUT of the subresource (a whole Pod without it).
    const pod = JSON.parse(await ok(['get', 'pod', 'web', '-o', 'json'])) as { spec: { ephemeralContainers: unknown[] } };
    pod.spec.ephemeralContainers = pod.spec.ephemeralContainers.slice(1);
    const put = await cluster.kubectl(['replace', '--raw', '/api/v1/namespaces/default/pods/web/ephemeralcontainers', '-f', '-'], { input: JSON.stringify(pod) });
    assert.notEqual(put.code, 0);
    assert.match(put.stderr, /The Pod "web" is invalid: spec\.ephemeralContainers: Forbidden: existing ephemeral containers "debugger" may not be removed\n/);
    // Through the pod itself they may not change at all.
    const patch = await cluster.kubectl(['patch', 'pod', 'web', '-p', '{"spec":{"ephemeralContainers":[{"name":"sneaky","image":"busybox"}]}}']);
    assert.notEqual(patch.code, 0);
    assert.match(patch.stderr, /spec: Forbidden: pod updates may not change fields other than/);
  });

  for (const version of [undefined, '1.27', '1.33']) {
    test(`kubectl ${version ?? 'default'} debug -it: a working shell in the target's namespaces`, async () => {
      const name = `shell-${(version ?? 'default').replace('.', '')}`;
      const r = await runOnTerminal(kubectlArgv(version, ['debug', '-it', 'web', '--image=busybox', '--target=nginx', '-c', name, '--', 'sh']), [
        { expect: /If you don't see a command prompt, try pressing enter\./, send: 'echo ok-$((1+1)) $(cat /proc/1/cmdline | tr "\\0" " " | cut -c1-13)\r' },
        { expect: /ok-2 nginx: master\r?\n/, send: 'exit 0\r' },
      ], { env: env(), timeoutMs: 60_000 });
      assert.equal(r.code, 0, r.output);
      const s = await terminated('web', name);
      assert.equal(s.state.terminated?.exitCode, 0);
      assert.match(await ok(['get', 'pod', 'web', '--no-headers']), /^web\s+1\/1\s+Running\s+0\s/);
    });
  }

  test('kubectl attach -it to a debug container started without attaching', async () => {
    const r = await cluster.kubectl(['debug', 'web', '--image=busybox', '-i', '-t', '--attach=false', '-c', 'later', '--', 'sh']);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    await waitFor('later running', async () => ((await statusOf('web', 'later'))?.state.running ? true : undefined));
    const attach = await runOnTerminal(kubectlArgv(undefined, ['attach', '-it', 'web', '-c', 'later']), [
      { expect: /If you don't see a command prompt, try pressing enter\./, send: 'echo at-$((20+22))\r' },
      { expect: /at-42\r?\n/, send: 'exit 3\r' },
    ], { env: env(), timeoutMs: 60_000 });
    assert.equal(attach.code, 0, attach.output);
    const s = await terminated('web', 'later');
    assert.equal(s.state.terminated?.exitCode, 3);
    assert.equal(s.state.terminated?.reason, 'Error');
    assert.match(await ok(['get', 'pod', 'web', '--no-headers']), /^web\s+1\/1\s+Running\s+0\s/);
  });

  test('a targeted debug container ends with its program: what it left in the background is killed (containerd: ShouldKillAllOnExit)', async () => {
    // Joined to nginx's PID namespace, the debug container's background job is reparented to
    // nginx's master when sh exits. containerd's shim kills every process of a container that
    // shares another's PID namespace once its init exits (runc ShouldKillAllOnExit, KillAll),
    // so the status is terminated at once and the job is gone.
    const r = await cluster.kubectl(['debug', 'web', '--image=busybox', '--target=nginx', '-c', 'bgjob', '--', 'sh', '-c', 'sleep 3608 & echo started']);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    const s = await waitFor('bgjob terminated', async () => {
      const st = await statusOf('web', 'bgjob');
      return st?.state.terminated ? st : undefined;
    }, 10_000);
    assert.equal(s.state.terminated?.exitCode, 0);
    assert.deepEqual(pidsRunning(['sleep', '3608']), []);
  });

  test('the nginx image listens on [::]:80 too (its entrypoint adds it where the kernel has IPv6): the pod answers on ::1 and on localhost', async () => {
    const script = 'for u in http://[::1]:80/ http://localhost/; do echo "$u $(wget -qO- $u | grep -o "Welcome to nginx!" | head -n 1)"; done';
    const r = await cluster.kubectl(['debug', 'web', '--image=busybox', '-c', 'v6', '--', 'sh', '-c', script]);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.equal((await terminated('web', 'v6')).state.terminated?.exitCode, 0);
    assert.equal(await ok(['logs', 'web', '-c', 'v6']), 'http://[::1]:80/ Welcome to nginx!\nhttp://localhost/ Welcome to nginx!\n');
  });

  test('when the pod ends, a running debug container gets the stop signal and the grace period, as the others would (not SIGKILL)', async () => {
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: ends\nspec:\n  restartPolicy: Never\n  containers:\n  - name: c\n    image: busybox\n    command: ["sleep", "8"]\n';
    assert.equal((await cluster.kubectl(['apply', '-f', '-'], { input: pod })).code, 0);
    await waitFor('ends Running', async () => ((await ok(['get', 'pod', 'ends', '-o', 'jsonpath={.status.phase}'])) === 'Running' ? true : undefined));
    const script = 'trap "echo got TERM; exit 7" TERM; echo ready; while :; do sleep 1; done';
    const r = await cluster.kubectl(['debug', 'ends', '--image=busybox', '-c', 'trapper', '--', 'sh', '-c', script]);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    await waitFor('trapper running', async () => ((await statusOf('ends', 'trapper'))?.state.running ? true : undefined));
    const s = await waitFor('trapper terminated', async () => {
      const st = await statusOf('ends', 'trapper');
      return st?.state.terminated ? st : undefined;
    }, 30_000);
    assert.equal(s.state.terminated?.exitCode, 7);
    assert.equal(await ok(['get', 'pod', 'ends', '-o', 'jsonpath={.status.phase}']), 'Succeeded');
    assert.match(await ok(['logs', 'ends', '-c', 'trapper']), /^ready\ngot TERM\n$/);
    assert.equal((await cluster.kubectl(['delete', 'pod', 'ends', '--wait=true', '--timeout=30s'])).code, 0);
  });

  test('kubectl debug -i with a targeted shell that leaves a background job returns when the shell exits', async () => {
    const began = Date.now();
    const r = await cluster.kubectl(['debug', '-i', 'web', '--image=busybox', '--target=nginx', '-c', 'bgin', '--', 'sh'], { input: 'sleep 3614 &\necho hi\nexit 0\n' });
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /^hi$/m);
    assert.ok(Date.now() - began < 20_000, `returned after ${Date.now() - began} ms`);
    assert.equal((await terminated('web', 'bgin')).state.terminated?.exitCode, 0);
    assert.deepEqual(pidsRunning(['sleep', '3614']), []);
  });

  test('a debug container added to a pod that has finished gets no status (the kubelet ignores a terminal pod\'s updates)', async () => {
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: done\nspec:\n  restartPolicy: Never\n  containers:\n  - name: c\n    image: busybox\n    command: ["true"]\n';
    assert.equal((await cluster.kubectl(['apply', '-f', '-'], { input: pod })).code, 0);
    await waitFor('done Succeeded', async () => ((await ok(['get', 'pod', 'done', '-o', 'jsonpath={.status.phase}'])) === 'Succeeded' ? true : undefined));
    const r = await cluster.kubectl(['debug', 'done', '--image=busybox', '-c', 'late', '--', 'true']);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.equal(await ok(['get', 'pod', 'done', '-o', 'jsonpath={.spec.ephemeralContainers[*].name}']), 'late');
    await new Promise((r) => setTimeout(r, 3000));
    assert.deepEqual(await statuses('done'), []);
    assert.equal(await ok(['get', 'pod', 'done', '-o', 'jsonpath={.status.phase}']), 'Succeeded');
    assert.equal((await cluster.kubectl(['delete', 'pod', 'done', '--wait=true', '--timeout=30s'])).code, 0);
  });

  test('deleting the pod stops its debug containers with the rest', async () => {
    const r = await cluster.kubectl(['delete', 'pod', 'web', '--wait=true', '--timeout=30s']);
    assert.equal(r.code, 0, r.stderr);
    await waitFor('web gone', async () => ((await cluster.kubectl(['get', 'pod', 'web'])).code !== 0 ? true : undefined));
    assert.deepEqual(pidsRunning(['sleep', '3607']), []);
  });
});
