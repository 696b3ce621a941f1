/**
 * @module What a container's processes run as, from the pod's and the container's
 * securityContext, as the kubelet computes it (pkg/securitycontext
 * DetermineEffectiveSecurityContext; kuberuntime determineEffectiveSecurityContext and
 * verifyRunAsNonRoot) and containerd + runc apply it (the user and its groups — the image's
 * /etc/group memberships merged, the primary gid added —, the capability set, no_new_privs, a
 * read-only root). Pure: the launcher (`--user`, `--groups`, `--caps`, `--no-new-privs`,
 * `--readonly-root`; native/launch.c) and util-linux `setpriv` (exec, exec probes, the shell
 * chain) apply it.
 */
import type { ContainerSpec, Pod, SecurityContext } from './pod-view.js';

/** How a container's processes are started; `undefined` where nothing in a securityContext asks for a change. */
export interface ProcessIdentity {
  /** Set uid, gid and groups (false: they stay the launcher's, root's, as without a securityContext). */
  setUser: boolean;
  uid: number;
  gid: number;
  /** Supplementary groups, sorted and unique (the kernel keeps them sorted). */
  groups: number[];
  /** PR_SET_NO_NEW_PRIVS (allowPrivilegeEscalation: false). */
  noNewPrivs: boolean;
  /** The capability bounding set (a root program's permitted and effective sets); undefined: unchanged. */
  caps?: bigint;
  readOnlyRoot: boolean;
  /** HOME as runc sets it when the environment has none: the image's passwd entry, else `/`. */
  home: string;
  /** Bind the image's /etc/passwd and /etc/group (a catalog image that has them). */
  imageEtc: boolean;
}

/** The users and groups of an image's /etc/passwd and /etc/group (the catalog busybox's: images.ts). */
export interface ImageAccounts {
  passwd: Array<{ name: string; uid: number; gid: number; home: string }>;
  group: Array<{ name: string; gid: number; members: string[] }>;
}

/** Linux capability numbers (include/uapi/linux/capability.h), by the API's names (no `CAP_`). */
export const CAPABILITIES: readonly string[] = [
  'CHOWN', 'DAC_OVERRIDE', 'DAC_READ_SEARCH', 'FOWNER', 'FSETID', 'KILL', 'SETGID', 'SETUID', 'SETPCAP', 'LINUX_IMMUTABLE',
  'NET_BIND_SERVICE', 'NET_BROADCAST', 'NET_ADMIN', 'NET_RAW', 'IPC_LOCK', 'IPC_OWNER', 'SYS_MODULE', 'SYS_RAWIO', 'SYS_CHROOT', 'SYS_PTRACE',
  'SYS_PACCT', 'SYS_ADMIN', 'SYS_BOOT', 'SYS_NICE', 'SYS_RESOURCE', 'SYS_TIME', 'SYS_TTY_CONFIG', 'MKNOD', 'LEASE', 'AUDIT_WRITE',
  'AUDIT_CONTROL', 'SETFCAP', 'MAC_OVERRIDE', 'MAC_ADMIN', 'SYSLOG', 'WAKE_ALARM', 'BLOCK_SUSPEND', 'AUDIT_READ', 'PERFMON', 'BPF',
  'CHECKPOINT_RESTORE',
];

/** containerd's default set for a container that is not privileged (oci defaults): 0xa80425fb. */
export const DEFAULT_CAPABILITIES: readonly string[] = [
  'CHOWN', 'DAC_OVERRIDE', 'FSETID', 'FOWNER', 'MKNOD', 'NET_RAW', 'SETGID', 'SETUID', 'SETFCAP', 'SETPCAP', 'NET_BIND_SERVICE', 'SYS_CHROOT', 'KILL', 'AUDIT_WRITE',
];

/** The API's name as containerd passes it to runc (`CAP_` + the name, upper-cased); undefined for ALL. */
function runtimeName(name: string): string | undefined {
  return name.toUpperCase() === 'ALL' ? undefined : `CAP_${name.toUpperCase()}`;
}

/** The bit runc gives a name, 0n for one it does not know (it ignores those, with a warning). */
function bit(name: string): bigint {
  const i = CAPABILITIES.indexOf(name.toUpperCase());
  return i < 0 ? 0n : 1n << BigInt(i);
}

/**
 * The names runc would ignore (`ignoring unknown or unavailable capabilities: [...]`), as it
 * sees them (`CAP_NOPE`; a name given as `CAP_X` becomes `CAP_CAP_X`), sorted.
 */
export function unknownCapabilities(caps: { add?: string[]; drop?: string[] }): string[] {
  const names = [...(caps.add ?? []), ...(caps.drop ?? [])].filter((c) => runtimeName(c) !== undefined && bit(c) === 0n);
  return [...new Set(names.map((c) => runtimeName(c)!))].sort();
}

/**
 * The bounding set containerd's CRI plugin makes (WithCapabilities): the default set; `ALL` in
 * add gives every one, `ALL` in drop none; then the others added, then the others dropped. A
 * name runc does not know changes nothing (runc ignores it, with a warning).
 */
export function capabilityMask(caps: { add?: string[]; drop?: string[] }): bigint {
  let mask = DEFAULT_CAPABILITIES.reduce((m, c) => m | bit(c), 0n);
  const all = (list?: string[]): boolean => !!list?.some((c) => c.toUpperCase() === 'ALL');
  if (all(caps.add)) mask = (1n << BigInt(CAPABILITIES.length)) - 1n;
  if (all(caps.drop)) mask = 0n;
  for (const c of caps.add ?? []) mask |= bit(c);
  for (const c of caps.drop ?? []) mask &= ~bit(c);
  return mask;
}

/** The container's fields over the pod's (DetermineEffectiveSecurityContext). */
function effective(pod: Pod, container: ContainerSpec): SecurityContext {
  const p = pod.spec.securityContext ?? {};
  const c = container.securityContext ?? {};
  return { ...c, runAsUser: c.runAsUser ?? p.runAsUser, runAsGroup: c.runAsGroup ?? p.runAsGroup, runAsNonRoot: c.runAsNonRoot ?? p.runAsNonRoot };
}

/** `name_namespace(uid)`, the kubelet's format.Pod. */
function formatPod(pod: Pod): string {
  return `${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;
}

/**
 * The kubelet's verifyRunAsNonRoot: its message (a CreateContainerConfigError), or undefined.
 * `imageUid`: the image's user (images.ts imageUid: root but for pause's 65535).
 */
export function verifyRunAsNonRoot(pod: Pod, container: ContainerSpec, imageUid = 0): string | undefined {
  const sc = effective(pod, container);
  if (!sc.runAsNonRoot) return undefined;
  const where = `(pod: ${JSON.stringify(formatPod(pod))}, container: ${container.name})`;
  if (sc.runAsUser !== undefined) return sc.runAsUser === 0 ? `container's runAsUser breaks non-root policy ${where}` : undefined;
  return imageUid === 0 ? `container has runAsNonRoot and image will run as root ${where}` : undefined;
}

/**
 * The container's identity, or undefined when no securityContext field asks for a change (the
 * common pod: nothing more to do).
 */
export function processIdentity(pod: Pod, container: ContainerSpec, image?: ImageAccounts): ProcessIdentity | undefined {
  const p = pod.spec.securityContext ?? {};
  const c = container.securityContext ?? {};
  const sc = effective(pod, container);
  const setUser = sc.runAsUser !== undefined || sc.runAsGroup !== undefined || p.fsGroup !== undefined || !!p.supplementalGroups?.length;
  const noNewPrivs = c.allowPrivilegeEscalation === false;
  const caps = !c.privileged && c.capabilities ? capabilityMask(c.capabilities) : undefined;
  const readOnlyRoot = c.readOnlyRootFilesystem === true;
  if (!setUser && !noNewPrivs && caps === undefined && !readOnlyRoot) return undefined;
  const uid = sc.runAsUser ?? 0;
  const account = image?.passwd.find((e) => e.uid === uid);
  // containerd: the gid of the image's passwd entry, else 0; then the groups naming the user in
  // the image's /etc/group (Merge, the default), the primary gid, fsGroup, supplementalGroups.
  const gid = sc.runAsGroup ?? account?.gid ?? 0;
  const groups = new Set<number>([gid]);
  if (account && p.supplementalGroupsPolicy !== 'Strict') for (const g of image!.group) if (g.members.includes(account.name)) groups.add(g.gid);
  if (p.fsGroup !== undefined) groups.add(p.fsGroup);
  for (const g of p.supplementalGroups ?? []) groups.add(g);
  return {
    setUser,
    uid,
    gid,
    groups: [...groups].sort((a, b) => a - b),
    noNewPrivs,
    caps,
    readOnlyRoot,
    home: account?.home ?? (uid === 0 ? '/root' : '/'),
    imageEtc: setUser && !!image,
  };
}

/**
 * The kubelet's FsUserFrom: the runAsUser every (init and regular) container runs as, when they
 * all name the same one; else undefined. A token file is owned by it (projected volumes).
 */
export function fsUserOf(pod: Pod): number | undefined {
  let user: number | undefined;
  for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
    const u = effective(pod, c).runAsUser;
    if (u === undefined || (user !== undefined && user !== u)) return undefined;
    user = u;
  }
  return user;
}

/** The native launcher's words for it (native/launch.c). Pure. */
export function launcherIdentityArgs(id: ProcessIdentity): string[] {
  const argv: string[] = [];
  if (id.readOnlyRoot) argv.push('--readonly-root');
  if (id.caps !== undefined) argv.push('--caps', id.caps.toString(16));
  if (id.setUser) argv.push('--user', `${id.uid}:${id.gid}`, '--groups', id.groups.join(','));
  if (id.noNewPrivs) argv.push('--no-new-privs');
  return argv;
}

/** util-linux setpriv's argv prefix applying it (exec into the container, the shell chain). Pure. */
export function setprivArgv(setpriv: string, id: ProcessIdentity): string[] {
  const argv = [setpriv];
  if (id.caps !== undefined) {
    const names = CAPABILITIES.filter((_n, i) => (id.caps! >> BigInt(i)) & 1n).map((n) => `+${n.toLowerCase()}`);
    argv.push(`--bounding-set=${['-all', ...names].join(',')}`, '--inh-caps=-all');
  }
  if (id.setUser) argv.push(`--regid=${id.gid}`, id.groups.length ? `--groups=${id.groups.join(',')}` : '--clear-groups', `--reuid=${id.uid}`);
  if (id.noNewPrivs) argv.push('--no-new-privs');
  return [...argv, '--'];
}

/** The catalog busybox image's /etc/passwd and /etc/group (docker.io/library/busybox). */
export const BUSYBOX_PASSWD = [
  'root:x:0:0:root:/root:/bin/sh',
  'daemon:x:1:1:daemon:/usr/sbin:/bin/false',
  'bin:x:2:2:bin:/bin:/bin/false',
  'sys:x:3:3:sys:/dev:/bin/false',
  'sync:x:4:100:sync:/bin:/bin/sync',
  'mail:x:8:8:mail:/var/spool/mail:/bin/false',
  'www-data:x:33:33:www-data:/var/www:/bin/false',
  'operator:x:37:37:Operator:/var:/bin/false',
  'nobody:x:65534:65534:nobody:/home:/bin/false',
  '',
].join('\n');

export const BUSYBOX_GROUP = [
  'root:x:0:', 'daemon:x:1:', 'bin:x:2:', 'sys:x:3:', 'adm:x:4:', 'tty:x:5:', 'disk:x:6:', 'lp:x:7:', 'mail:x:8:', 'kmem:x:9:',
  'wheel:x:10:root', 'cdrom:x:11:', 'dialout:x:18:', 'floppy:x:19:', 'video:x:28:', 'audio:x:29:', 'tape:x:32:', 'www-data:x:33:',
  'operator:x:37:', 'utmp:x:43:', 'plugdev:x:46:', 'staff:x:50:', 'lock:x:54:', 'netdev:x:82:', 'users:x:100:', 'nogroup:x:65534:',
  '',
].join('\n');

/** Parses /etc/passwd and /etc/group text. Pure. */
export function parseAccounts(passwd: string, group: string): ImageAccounts {
  const rows = (text: string): string[][] => text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(':'));
  return {
    passwd: rows(passwd).map((f) => ({ name: f[0], uid: Number(f[2]), gid: Number(f[3]), home: f[5] || '/' })),
    group: rows(group).map((f) => ({ name: f[0], gid: Number(f[2]), members: (f[3] ?? '').split(',').filter(Boolean) })),
  };
}
