/**
 * @module Setting up and tearing down one pod's sandbox: its address (IPAM), network namespace
 * and veth (sandbox.ts), its /etc files (hostname, hosts, resolv.conf with the DNS warnings as
 * events), and its volumes (pod-volumes.ts: emptyDir, hostPath, configMap, secret, downwardAPI, projected).
 * hostNetwork pods use the node's namespace and address.
 */
import { readFileSync, rmSync } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import { join } from 'node:path';
import type { SandboxInfo } from './container.js';
import { podDnsConfig, renderResolvConf } from './dns-config.js';
import { podHostname, renderHostsFile, renderNodeHostsFile } from './hosts-file.js';
import { hostVeth, podDir, podNetns } from './names.js';
import type { Pod } from './pod-view.js';
import { setUpPodVolumes, type PodVolumes } from './pod-volumes.js';
import { CommandError } from './runner.js';
import type { RuntimeContext } from './runtime-context.js';
import { createSandbox, removeSandbox, runSteps, writePodFiles } from './sandbox.js';
import { createSandboxSteps, planSandbox, type SandboxPlan } from './sandbox-plan.js';

export interface Sandbox extends SandboxInfo {
  /** Undefined for hostNetwork pods (nothing to remove). */
  plan?: SandboxPlan;
  /**
   * A pool sandbox not yet settled (settleSandboxName). With `named` (the pool names it: the
   * shell chain), `netns` is still the pool's name, the pod's own (plan.netns) comes when `named`
   * resolves with undefined. Without (the native launcher names it, launch.c `--adopt-netns`),
   * `netns` is the pod's name and `adoptNetns` the pool's, which its containers enter by.
   */
  pooled?: { poolNetns: string; named?: Promise<string | undefined> };
  /** Stops the volumes' token renewals (pod-volumes.ts). */
  stopVolumes?: () => void;
}

/** The node's /etc/hosts (a hostNetwork pod's starts from it); empty when it cannot be read. */
function nodeHostsFile(): string {
  try {
    return readFileSync('/etc/hosts', 'utf8');
  } catch {
    return '';
  }
}

function podRef(pod: Pod): { namespace: string; name: string; uid: string } {
  return { namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid };
}

function sandboxNames(ctx: RuntimeContext, pod: Pod): { netns: string; hostVeth: string } {
  return { netns: podNetns(ctx.cluster, pod.metadata.uid), hostVeth: hostVeth(pod.metadata.uid) };
}

/**
 * What was made of a pod's sandbox before its start slot: nothing; its node side (netns and
 * veth, batched with the other pods', sandbox-batch.ts); or a whole network sandbox from the
 * warm pool (sandbox-pool.ts) holding the pod's address, being named for the pod by the pool
 * (`named`: undefined once it is, else why not) or, with the native launcher, by the launcher
 * of its first container (no `named`).
 */
export type Prepared =
  | { kind: 'none' }
  | { kind: 'node-side' }
  | { kind: 'pooled'; hostVeth: string; ip: string; poolNetns: string; named?: Promise<string | undefined> };

/**
 * Prepares the pod's network ahead of the rest: from the warm pool when it has a sandbox,
 * else its node side batched with the other pods'. hostNetwork pods: nothing.
 */
export async function prepareSandbox(ctx: RuntimeContext, pod: Pod): Promise<Prepared> {
  if (pod.spec.hostNetwork) return { kind: 'none' };
  const entry = ctx.pool?.take();
  if (entry) {
    // The native launcher binds the pod's name itself, in the same process that enters the
    // namespace (no mount process, no wait before Running).
    if (ctx.bin.launcher) {
      ctx.pool!.handOver(entry, pod.metadata.uid);
      return { kind: 'pooled', hostVeth: entry.hostVeth, ip: entry.ip, poolNetns: entry.netns };
    }
    // Not awaited: the first container may start by the pool's name (settleSandboxName).
    const named = ctx.pool!.adopt(entry, { netns: podNetns(ctx.cluster, pod.metadata.uid), owner: pod.metadata.uid });
    return { kind: 'pooled', hostVeth: entry.hostVeth, ip: entry.ip, poolNetns: entry.netns, named };
  }
  if (!ctx.sandboxes) return { kind: 'none' };
  return (await ctx.sandboxes.nodeSide(sandboxNames(ctx, pod))) ? { kind: 'node-side' } : { kind: 'none' };
}

/** Removes what prepareSandbox made for a pod that never got its sandbox. */
export async function discardPrepared(ctx: RuntimeContext, pod: Pod, prepared: Prepared): Promise<void> {
  if (prepared.kind === 'none') return;
  if (prepared.kind === 'pooled') {
    await prepared.named;
    await removeSandbox(ctx.runner, { netns: podNetns(ctx.cluster, pod.metadata.uid), hostVeth: prepared.hostVeth });
    await removeSandbox(ctx.runner, { netns: prepared.poolNetns, hostVeth: prepared.hostVeth });
    ctx.ipam.release(pod.metadata.uid);
    return;
  }
  await removeSandbox(ctx.runner, sandboxNames(ctx, pod));
}

/**
 * The pod's sandbox: network (all of it, or with `prepared` the pod side only), /etc files,
 * volumes. A failed network set-up leaves none of it.
 */
export async function setUpSandbox(ctx: RuntimeContext, pod: Pod, options: { prepared?: Prepared; current?: () => Pod } = {}): Promise<Sandbox> {
  const dir = podDir(ctx.dataDir, podRef(pod));
  // The volumes (API reads, a TokenRequest) while the network is made; a pod without any waits for nothing.
  const volumes = pod.spec.volumes?.length ? setUpPodVolumes(ctx, pod, dir, { current: options.current, scratch: ctx.scratchDir ? join(ctx.scratchDir, pod.metadata.uid) : undefined }) : undefined;
  volumes?.catch(() => undefined);
  try {
    return await sandboxWithVolumes(ctx, pod, options, dir, volumes);
  } catch (err) {
    // No sandbox (its network or files failed): the volumes made meanwhile are no one's, their token renewals stop.
    void volumes?.then((v) => v.stop(), () => undefined);
    throw err;
  }
}

async function sandboxWithVolumes(ctx: RuntimeContext, pod: Pod, options: { prepared?: Prepared }, dir: string, volumes: Promise<PodVolumes> | undefined): Promise<Sandbox> {
  // Made by writePodFiles below (its etc/ subdirectory), off the event loop.
  let plan: SandboxPlan | undefined;
  let podIP = ctx.hostIP;
  let netns = ctx.nodeNetns;
  let network: Promise<void> = Promise.resolve();
  let pooled: Sandbox['pooled'];
  let adoptNetns: string | undefined;
  if (!pod.spec.hostNetwork) {
    const prepared = options.prepared ?? { kind: 'none' };
    // A pooled sandbox's address is the pod's already (the pool handed it over).
    podIP = prepared.kind === 'pooled' ? prepared.ip : ctx.ipam.allocate(pod.metadata.uid);
    plan = planSandbox({ cluster: ctx.cluster, uid: pod.metadata.uid, ip: podIP, cidr: ctx.cidr });
    netns = plan.netns;
    if (prepared.kind === 'pooled') {
      plan.hostVeth = prepared.hostVeth;
      pooled = { poolNetns: prepared.poolNetns, named: prepared.named };
      if (prepared.named) netns = prepared.poolNetns;
      else adoptNetns = prepared.poolNetns;
    } else {
      network = (prepared.kind === 'node-side' ? podSideOnly(ctx, plan) : createWhole(ctx, plan)).catch((err: unknown) => {
        ctx.ipam.release(pod.metadata.uid);
        throw err;
      });
    }
  }
  // A hostNetwork pod has the node's hostname and hosts file (the kubelet sets neither: the
  // runtime leaves it the host's UTS namespace; nodeHostsFileContent).
  const { hostname, domain } = pod.spec.hostNetwork
    ? { hostname: osHostname(), domain: '' }
    : podHostname({ name: pod.metadata.name, namespace: pod.metadata.namespace, hostname: pod.spec.hostname, subdomain: pod.spec.subdomain }, ctx.clusterDomain);
  const dns = podDnsConfig({ namespace: pod.metadata.namespace, name: pod.metadata.name, dnsPolicy: pod.spec.dnsPolicy, hostNetwork: pod.spec.hostNetwork, dnsConfig: pod.spec.dnsConfig }, ctx.dns);
  for (const [reason, message] of dns.warnings) ctx.events.event(pod, 'Warning', reason, message);
  // The files are written while `ip` sets up the network; at once on the tmpfs scratch dir
  // (runnerDir(): /dev/shm where writable), where a synchronous write is cheaper than a promise's.
  const files = writePodFiles(ctx.scratchDir ? join(ctx.scratchDir, pod.metadata.uid) : dir, {
    hostname: pod.spec.setHostnameAsFQDN && domain ? `${hostname}.${domain}` : hostname,
    hosts: pod.spec.hostNetwork ? renderNodeHostsFile(nodeHostsFile(), pod.spec.hostAliases) : renderHostsFile({ podIPs: [podIP], hostname, domain, hostAliases: pod.spec.hostAliases }),
    resolvConf: renderResolvConf(dns.config),
  }, { sync: ctx.scratchDir?.startsWith('/dev/shm/') ?? false });
  files.catch(() => undefined);
  await network;
  const etc = await files;
  ctx.trace?.mark(pod, 'sandbox-files');
  let podVolumes: PodVolumes | undefined;
  try {
    podVolumes = await volumes;
  } catch (err) {
    // What this call made goes (a prepared sandbox is the caller's to discard), then the kubelet's FailedMount.
    if (plan && options.prepared?.kind !== 'pooled' && options.prepared?.kind !== 'node-side') await removeSandbox(ctx.runner, plan).catch(() => undefined);
    if (!pod.spec.hostNetwork && options.prepared?.kind !== 'pooled') ctx.ipam.release(pod.metadata.uid);
    throw err;
  }
  return { plan, netns, adoptNetns, podIP, hostname: pod.spec.setHostnameAsFQDN && domain ? `${hostname}.${domain}` : hostname, etc, volumes: podVolumes?.paths ?? new Map(), pooled, stopVolumes: podVolumes?.stop };
}

/**
 * Once nothing is about to enter a pool sandbox by the pool's name (its first containers run):
 * the pod's own name takes over and the pool's goes; should naming it have failed, the pool's
 * name stays the sandbox's (and is what its removal removes). With the native launcher the
 * launcher named it already (only checked here); where no launcher did (none ran: an image
 * that cannot be run; or its bind failed) the pool names it now, unless `teardown` (the
 * sandbox is about to go: its pool name is then the one removed). Idempotent.
 */
export async function settleSandboxName(ctx: RuntimeContext, pod: Pod, sandbox: Sandbox | undefined, options: { teardown?: boolean } = {}): Promise<void> {
  const pooled = sandbox?.pooled;
  if (!sandbox?.plan || !pooled) return;
  let why: string | undefined;
  let forget = true;
  if (pooled.named) {
    why = await pooled.named;
  } else {
    const names = ctx.pool ? await ctx.pool.names(pooled.poolNetns, sandbox.plan.netns) : 'pool';
    if (names === 'moved') forget = false;
    else if (names === 'pool') why = options.teardown || !ctx.pool ? 'not named' : await ctx.pool.bindName(pooled.poolNetns, sandbox.plan.netns);
  }
  if (sandbox.pooled !== pooled) return;
  sandbox.pooled = undefined;
  sandbox.adoptNetns = undefined;
  if (why === undefined) {
    sandbox.netns = sandbox.plan.netns;
    if (forget) ctx.pool?.forget(pooled.poolNetns);
  } else {
    if (!options.teardown) ctx.log(`pod ${pod.metadata.namespace}/${pod.metadata.name}: its sandbox keeps the pool's name ${pooled.poolNetns} (${why})`);
    sandbox.netns = pooled.poolNetns;
    sandbox.plan.netns = pooled.poolNetns;
  }
}

async function createWhole(ctx: RuntimeContext, plan: SandboxPlan): Promise<void> {
  try {
    await createSandbox(ctx.runner, plan);
  } catch (err) {
    // A namespace left by an agent that died (or a failed batch) is replaced, not reused.
    if (!(err instanceof CommandError) || !/exists/i.test(err.stderr)) throw err;
    await createSandbox(ctx.runner, plan);
  }
}

async function podSideOnly(ctx: RuntimeContext, plan: SandboxPlan): Promise<void> {
  try {
    await runSteps(ctx.runner, createSandboxSteps(plan).slice(1));
  } catch (err) {
    await removeSandbox(ctx.runner, plan);
    throw err;
  }
}

/** Removes the sandbox's network and frees its address; the pod's files stay (logs). */
export async function tearDownSandbox(ctx: RuntimeContext, pod: Pod, sandbox: Sandbox | undefined): Promise<void> {
  sandbox?.stopVolumes?.();
  await settleSandboxName(ctx, pod, sandbox, { teardown: true });
  if (sandbox?.plan) await removeSandbox(ctx.runner, sandbox.plan);
  if (!pod.spec.hostNetwork) ctx.ipam.release(pod.metadata.uid);
}

/** Removes everything the pod left under the data dir (after its final delete). */
export function removePodFiles(ctx: Pick<RuntimeContext, 'dataDir' | 'scratchDir'>, pod: Pod): void {
  rmSync(podDir(ctx.dataDir, podRef(pod)), { recursive: true, force: true });
  if (ctx.scratchDir) rmSync(join(ctx.scratchDir, pod.metadata.uid), { recursive: true, force: true });
}
