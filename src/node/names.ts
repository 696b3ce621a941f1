/**
 * @module Names of everything the node agent creates in the kernel, in one place, so that
 * creation and clean-up agree. Every network namespace is `kubito-<cluster>-node` or
 * `kubito-<cluster>-p<8 hex>`; veths live only inside the node namespace (`kv<8 hex>`), so
 * deleting the namespaces removes them too.
 */
import { accessSync, constants as fsConstants } from 'node:fs';
import { join } from 'node:path';

/** The node's network namespace. */
export function nodeNetns(cluster: string): string {
  return `kubito-${cluster}-node`;
}

/** The 8 hex digits that name a pod's sandbox: the start of its uid, dashes removed. */
export function sandboxId(uid: string): string {
  const hex = uid.replace(/[^0-9a-fA-F]/g, '').toLowerCase();
  if (hex.length < 8) throw new Error(`pod uid ${JSON.stringify(uid)} has fewer than 8 hex digits`);
  return hex.slice(0, 8);
}

/** A pod's network namespace. */
export function podNetns(cluster: string, uid: string): string {
  return `kubito-${cluster}-p${sandboxId(uid)}`;
}

/** The node-side end of a pod's veth pair (≤ 15 characters, as the kernel requires). */
export function hostVeth(uid: string): string {
  return `kv${sandboxId(uid)}`;
}

/** A warm pool sandbox's namespace (sandbox-pool.ts), until a pod takes it. */
export function poolNetns(cluster: string, id: string): string {
  return `kubito-${cluster}-w${id}`;
}

/** True for the cluster's warm pool sandbox names. */
export function isPoolNetns(cluster: string, name: string): boolean {
  return name.startsWith(`kubito-${cluster}-w`) && /^w[0-9a-f]{8}$/.test(name.slice(`kubito-${cluster}-`.length));
}

/** A warm pool sandbox's veth, node end; it keeps the name once a pod has the sandbox. */
export function poolHostVeth(id: string): string {
  return `kw${id}`;
}

/**
 * True for the namespaces `cleanupCluster(cluster)` may remove: exactly this cluster's node
 * namespace pod namespaces and warm pool sandboxes (a cluster named `a` never matches `kubito-a-b-node`).
 */
export function isClusterNetns(cluster: string, name: string): boolean {
  const prefix = `kubito-${cluster}-`;
  if (!name.startsWith(prefix)) return false;
  const rest = name.slice(prefix.length);
  return rest === 'node' || /^[pw][0-9a-f]{8}$/.test(rest);
}

/** Where the agent keeps its state and sockets under the data dir. */
export function runDir(dataDir: string): string {
  return join(dataDir, 'run');
}

export function apiSocket(dataDir: string): string {
  return join(dataDir, 'run', 'api.sock');
}

export function kubeletSocket(dataDir: string): string {
  return join(dataDir, 'run', 'kubelet.sock');
}

/** A pod's directory: logs, generated files (hosts, resolv.conf, nginx prefix), emptyDirs. */
export function podDir(dataDir: string, pod: { namespace: string; name: string; uid: string }): string {
  return join(dataDir, 'pods', `${pod.namespace}_${pod.name}_${pod.uid}`);
}

/** `<pod dir>/<container>/<restart>.log`, the CRI log file of one run of a container. */
export function containerLogPath(dataDir: string, pod: { namespace: string; name: string; uid: string }, container: string, restart: number): string {
  return join(podDir(dataDir, pod), container, `${restart}.log`);
}

/** What the agent prints on stdout once its Node is registered: `node agent ready: <node>`. */
export const READY_LINE = 'node agent ready:';

/** The API's TLS on a Unix socket (the control plane serves it): pods' API connections go here. */
export function apiTlsSocket(dataDir: string): string {
  return join(dataDir, 'run', 'api-tls.sock');
}

/**
 * The agent's runner directory: `/dev/shm/kubito-<cluster>-runner` (tmpfs) where /dev/shm is
 * writable, else `<fallback>`. One agent per cluster runs at a time; clean-up removes it.
 */
/**
 * `/run/kubito-<cluster>`: what containers run as another user must reach whatever the data
 * dir's place (the busybox applets: agent-tools.ts). Removed with the cluster.
 */
export function publicToolsDir(cluster: string): string {
  return join('/run', `kubito-${cluster}`);
}

export function runnerDir(cluster: string, fallback: string): string {
  return isWritableDir('/dev/shm') ? join('/dev/shm', `kubito-${cluster}-runner`) : fallback;
}

function isWritableDir(path: string): boolean {
  try {
    accessSync(path, fsConstants.W_OK | fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}
