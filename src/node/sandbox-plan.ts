/**
 * @module What a pod sandbox is, as data: its names, its address and the `ip` commands that make
 * and remove it, plus the node namespace's own set-up. Pure; `sandbox.ts` runs the commands.
 *
 * Network: the node namespace has a bridge `kbr0` holding the /24's first address; each pod gets
 * a netns with `lo` up and `eth0`, the pod end of a veth pair whose node end (`kv<8 hex>`) is a
 * port of `kbr0` (hairpin on, so a pod reaches itself through a Service VIP); a pod's only route
 * out is the default one via the bridge address. Pods on the node share one L2 segment.
 */
import { formatCidr, gatewayOf, type Cidr } from './ipam.js';
import { hostVeth, nodeNetns, podNetns } from './names.js';
import { bridgeMacFor } from '../proxy/node-network.js';

export const BRIDGE = 'kbr0';

export interface SandboxPlan {
  netns: string;
  hostVeth: string;
  ip: string;
  prefix: number;
  gateway: string;
}

export function planSandbox(options: { cluster: string; uid: string; ip: string; cidr: Cidr }): SandboxPlan {
  return {
    netns: podNetns(options.cluster, options.uid),
    hostVeth: hostVeth(options.uid),
    ip: options.ip,
    prefix: options.cidr.prefix,
    gateway: gatewayOf(options.cidr),
  };
}

/** A step: argv, and ip's batch input when argv ends in `-batch -`. */
export interface Step {
  argv: string[];
  input?: string;
}

/**
 * The commands that create a sandbox, run from inside the node namespace (two processes: the
 * node-side batch, which makes the netns too — `ip` returns to its own namespace after
 * `netns add` —, and the pod-side batch).
 */
export function createSandboxSteps(plan: SandboxPlan): Step[] {
  return [
    { argv: ['ip', '-batch', '-'], input: [...nodeSideLines(plan), ''].join('\n') },
    {
      argv: ['ip', '-n', plan.netns, '-batch', '-'],
      input: [
        'link set lo up',
        `addr add ${plan.ip}/${plan.prefix} dev eth0`,
        'link set eth0 up',
        `route add default via ${plan.gateway} dev eth0`,
        '',
      ].join('\n'),
    },
  ];
}

/** The node side of a sandbox as `ip -batch` lines: its netns, and the veth into the bridge. */
export function nodeSideLines(plan: Pick<SandboxPlan, 'netns' | 'hostVeth'>): string[] {
  return [
    `netns add ${plan.netns}`,
    `link add ${plan.hostVeth} type veth peer name eth0 netns ${plan.netns}`,
    `link set ${plan.hostVeth} master ${BRIDGE}`,
    `link set ${plan.hostVeth} type bridge_slave hairpin on`,
    `link set ${plan.hostVeth} up`,
  ];
}

/**
 * The commands that remove a sandbox: the netns (its eth0 goes with it, and so the veth pair),
 * then the node end in case the netns was already gone. Each may fail harmlessly.
 */
export function removeSandboxSteps(plan: Pick<SandboxPlan, 'netns' | 'hostVeth'>): Step[] {
  return [{ argv: ['ip', 'netns', 'delete', plan.netns] }, { argv: ['ip', 'link', 'delete', plan.hostVeth] }];
}

/**
 * The commands that make the node namespace (run from the host namespace, as root): the netns,
 * loopback, the bridge with the gateway address, forwarding on, and bridged traffic through
 * netfilter (so Service rules see pod-to-pod packets on the bridge). Nothing here touches the
 * host namespace's interfaces, routes or firewall.
 */
export function createNodeSteps(options: { cluster: string; cidr: Cidr }): Step[] {
  const netns = nodeNetns(options.cluster);
  const gateway = gatewayOf(options.cidr);
  return [
    { argv: ['ip', 'netns', 'add', netns] },
    {
      argv: ['ip', '-n', netns, '-batch', '-'],
      input: [
        'link set lo up',
        // Its own MAC from the start: a bridge without one takes its lowest port's, and changes it
        // when that pod goes, leaving the other pods' ARP entries for the gateway stale (~20 s).
        `link add ${BRIDGE} address ${bridgeMacFor(gateway)} type bridge`,
        `addr add ${gateway}/${options.cidr.prefix} dev ${BRIDGE}`,
        `link set ${BRIDGE} up`,
        '',
      ].join('\n'),
    },
    // tcp_timestamps=2: timestamps on, one clock for every connection the node namespace opens
    // (no per-connection random offset). Its dials to a NodePort or VIP are masqueraded, and the
    // NAT gives a connection another source port when a 120 s conntrack TIME_WAIT entry holds
    // its own; the backend's 60 s TIME_WAIT for that port then holds a timestamp of another
    // connection's clock, PAWS rejects the SYN half the time and the dial waits a 1 s retransmit
    // (src/hostports/README.md). Per namespace; pods keep theirs.
    { argv: ['ip', 'netns', 'exec', netns, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=1', 'net.ipv4.tcp_timestamps=2'] },
  ];
}

/** Best effort after createNodeSteps: the bridge netfilter switch exists only with br_netfilter. */
export function nodeBridgeNetfilterStep(cluster: string): Step {
  return { argv: ['ip', 'netns', 'exec', nodeNetns(cluster), 'sysctl', '-q', '-w', 'net.bridge.bridge-nf-call-iptables=1'] };
}

/** Describes the plan in one line, for logs. */
export function describeSandbox(plan: SandboxPlan, cidr: Cidr): string {
  return `${plan.netns} ${plan.ip}/${plan.prefix} via ${plan.gateway} (${plan.hostVeth} on ${BRIDGE}, ${formatCidr(cidr)})`;
}
