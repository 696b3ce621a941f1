import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContainerSpec, Pod } from './pod-view.js';
import { BUSYBOX_GROUP, BUSYBOX_PASSWD, capabilityMask, fsUserOf, launcherIdentityArgs, parseAccounts, processIdentity, setprivArgv, unknownCapabilities, verifyRunAsNonRoot } from './security-context.js';

const busybox = parseAccounts(BUSYBOX_PASSWD, BUSYBOX_GROUP);

function makePod(name: string, tweak: (p: Pod) => void = () => undefined): Pod {
  const pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', uid: 'u-1' }, spec: { containers: [{ name: 'main', image: 'busybox' }], securityContext: {} } };
  tweak(pod);
  return pod;
}

const main = (pod: Pod): ContainerSpec => pod.spec.containers[0];

test('no securityContext field that changes anything: no identity (the common pod pays nothing)', () => {
  const pod = makePod('plain');
  assert.equal(processIdentity(pod, main(pod), busybox), undefined);
  const privileged = makePod('priv', (p) => (p.spec.containers[0].securityContext = { privileged: true, runAsNonRoot: false }));
  assert.equal(processIdentity(privileged, main(privileged), busybox), undefined);
});

test('the docs\' security-context-demo: uid 1000, gid 3000, groups fsGroup and the primary gid, no_new_privs', () => {
  const pod = makePod('security-context-demo', (p) => {
    p.spec.securityContext = { runAsUser: 1000, runAsGroup: 3000, fsGroup: 2000 };
    p.spec.containers[0].securityContext = { allowPrivilegeEscalation: false };
  });
  const id = processIdentity(pod, main(pod), busybox)!;
  assert.deepEqual({ ...id }, { setUser: true, uid: 1000, gid: 3000, groups: [2000, 3000], noNewPrivs: true, caps: undefined, readOnlyRoot: false, home: '/', imageEtc: true });
  assert.deepEqual(launcherIdentityArgs(id), ['--user', '1000:3000', '--groups', '2000,3000', '--no-new-privs']);
  assert.deepEqual(setprivArgv('/usr/bin/setpriv', id), ['/usr/bin/setpriv', '--regid=3000', '--groups=2000,3000', '--reuid=1000', '--no-new-privs', '--']);
});

test('container fields override the pod\'s; supplementalGroups merge with the image\'s groups unless Strict', () => {
  const pod = makePod('override', (p) => {
    p.spec.securityContext = { runAsUser: 1000, runAsGroup: 3000, supplementalGroups: [4000, 50] };
    p.spec.containers[0].securityContext = { runAsUser: 2000 };
  });
  assert.deepEqual(processIdentity(pod, main(pod), busybox)!.groups, [50, 3000, 4000]);
  assert.equal(processIdentity(pod, main(pod), busybox)!.uid, 2000);
  // root in busybox's /etc/group: wheel (10), as containerd adds it; Strict leaves it out.
  const root = makePod('root', (p) => (p.spec.securityContext = { runAsUser: 0 }));
  assert.deepEqual(processIdentity(root, main(root), busybox)!.groups, [0, 10]);
  assert.equal(processIdentity(root, main(root), busybox)!.home, '/root');
  const strict = makePod('strict', (p) => (p.spec.securityContext = { runAsUser: 0, supplementalGroupsPolicy: 'Strict' }));
  assert.deepEqual(processIdentity(strict, main(strict), busybox)!.groups, [0]);
  // runAsUser without a group: the image's passwd gid (nobody: 65534), else 0.
  const nobody = makePod('nobody', (p) => (p.spec.securityContext = { runAsUser: 65534 }));
  assert.equal(processIdentity(nobody, main(nobody), busybox)!.gid, 65534);
  assert.equal(processIdentity(nobody, main(nobody), undefined)!.gid, 0);
});

test('capabilities as containerd\'s CRI plugin builds them from the default set', () => {
  assert.equal(capabilityMask({}).toString(16), 'a80425fb');
  assert.equal(capabilityMask({ add: ['NET_ADMIN', 'SYS_TIME'] }).toString(16), 'aa0435fb');
  assert.equal(capabilityMask({ drop: ['ALL'] }), 0n);
  assert.equal(capabilityMask({ drop: ['ALL'], add: ['NET_BIND_SERVICE'] }), 1n << 10n);
  assert.equal(capabilityMask({ add: ['ALL'], drop: ['CHOWN'] }), (1n << 41n) - 2n);
  // containerd prefixes each name with CAP_ (upper-cased) and runc ignores the ones it does not
  // know, with a warning: an unknown name, or one already prefixed (CAP_CAP_NET_ADMIN), changes nothing.
  assert.equal(capabilityMask({ add: ['NOPE', 'CAP_NET_ADMIN'], drop: ['CAP_CHOWN'] }).toString(16), 'a80425fb');
  assert.equal(capabilityMask({ add: ['net_admin'], drop: ['chown'] }).toString(16), 'a80435fa');
  assert.deepEqual(unknownCapabilities({ add: ['NOPE', 'CAP_NET_ADMIN', 'all', 'net_raw'], drop: ['CAP_CHOWN', 'ALL'] }), ['CAP_CAP_CHOWN', 'CAP_CAP_NET_ADMIN', 'CAP_NOPE']);
  const unknown = makePod('unknown-caps', (p) => (p.spec.containers[0].securityContext = { capabilities: { add: ['NOPE'] } }));
  assert.equal(processIdentity(unknown, main(unknown), busybox)!.caps!.toString(16), 'a80425fb');
  const pod = makePod('caps', (p) => (p.spec.containers[0].securityContext = { capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true }));
  const id = processIdentity(pod, main(pod), busybox)!;
  assert.deepEqual(launcherIdentityArgs(id), ['--readonly-root', '--caps', '0']);
  assert.deepEqual(setprivArgv('setpriv', id), ['setpriv', '--bounding-set=-all', '--inh-caps=-all', '--']);
  // privileged: every capability (capabilities are ignored, as the runtime does).
  const priv = makePod('priv', (p) => (p.spec.containers[0].securityContext = { privileged: true, capabilities: { drop: ['ALL'] } }));
  assert.equal(processIdentity(priv, main(priv), busybox), undefined);
});

test('runAsNonRoot: the kubelet\'s messages', () => {
  const image = makePod('nonroot', (p) => (p.spec.securityContext = { runAsNonRoot: true }));
  assert.equal(verifyRunAsNonRoot(image, main(image)), 'container has runAsNonRoot and image will run as root (pod: "nonroot_default(u-1)", container: main)');
  const zero = makePod('zero', (p) => {
    p.spec.securityContext = { runAsNonRoot: true };
    p.spec.containers[0].securityContext = { runAsUser: 0 };
  });
  assert.equal(verifyRunAsNonRoot(zero, main(zero)), 'container\'s runAsUser breaks non-root policy (pod: "zero_default(u-1)", container: main)');
  const fine = makePod('fine', (p) => (p.spec.securityContext = { runAsNonRoot: true, runAsUser: 1000 }));
  assert.equal(verifyRunAsNonRoot(fine, main(fine)), undefined);
  const off = makePod('off', (p) => {
    p.spec.securityContext = { runAsNonRoot: true };
    p.spec.containers[0].securityContext = { runAsNonRoot: false };
  });
  assert.equal(verifyRunAsNonRoot(off, main(off)), undefined);
});

test('fsUser: the one runAsUser of every init and regular container, else none', () => {
  const all = makePod('all', (p) => {
    p.spec.securityContext = { runAsUser: 1000 };
    p.spec.initContainers = [{ name: 'init', image: 'busybox' }];
  });
  assert.equal(fsUserOf(all), 1000);
  const mixed = makePod('mixed', (p) => {
    p.spec.securityContext = { runAsUser: 1000 };
    p.spec.containers.push({ name: 'other', image: 'busybox', securityContext: { runAsUser: 2000 } });
  });
  assert.equal(fsUserOf(mixed), undefined);
  assert.equal(fsUserOf(makePod('none')), undefined);
});
