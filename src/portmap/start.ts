/**
 * @module What the node agent calls once its proxy runs: the port mapper for the proxy's mode
 * (nftables and userspace: the `ip kubito-hostports` table; iptables: portmap's CNI-HOSTPORT
 * chains in the nat table), with `route_localnet` on the pods' bridge (portmap sets it on the
 * host-side interface, so that a connection from 127.0.0.1 DNATed to a pod may leave lo), then a
 * first sync, which also replaces whatever a previous agent left, both in the background.
 */
import type { Clock, InformerFactory } from '../client/index.js';
import type { CommandRunner } from '../proxy/types.js';
import { createPortMapApplier, type PortMapFamily } from './applier.js';
import { PortMap } from './controller.js';

export interface StartPortMapOptions {
  informers: InformerFactory;
  /** The proxy's mode in effect. */
  proxyMode: 'nftables' | 'iptables' | 'userspace';
  runner: CommandRunner;
  nodeName: string;
  /** The node's address on the pods' bridge (the node's own connections to it are mapped); default 10.244.0.1. */
  nodeIP?: string;
  /** The bridge the pods hang on (route_localnet); default kbr0. */
  bridge?: string;
  podPrefix?: number;
  clock: Clock;
  log(line: string): void;
}

/** The rule family for a proxy mode: iptables with iptables, nftables otherwise. */
export function portMapFamily(mode: StartPortMapOptions['proxyMode']): PortMapFamily {
  return mode === 'iptables' ? 'iptables' : 'nftables';
}

/** portmap's enableLocalnetRouting on the pods' bridge: 127/8 sources may cross it once DNATed. */
export function routeLocalnetStep(bridge = 'kbr0'): string[] {
  return ['sysctl', '-qw', `net.ipv4.conf.${bridge}.route_localnet=1`];
}

/**
 * Starts the port mapper; its first steps (the sysctl, the first apply) run in the background,
 * off the agent's start (`kubito up` does not wait for them; a pod's rules come with its IP).
 */
export function startPortMap(options: StartPortMapOptions): PortMap {
  const family = portMapFamily(options.proxyMode);
  const applier = createPortMapApplier(family, { runner: options.runner, podPrefix: options.podPrefix, nodeIPs: options.nodeIP ? [options.nodeIP] : undefined });
  const portMap = new PortMap({ informers: options.informers, nodeName: options.nodeName, applier, clock: options.clock, log: options.log });
  const sysctl = routeLocalnetStep(options.bridge);
  void options.runner.run(sysctl).then(async (r) => {
    if (r.code !== 0) options.log(`portmap: ${sysctl.join(' ')}: ${r.stderr.trim() || `exit ${r.code}`}`);
    // A failed first apply is logged by the controller, which keeps trying.
    if (await portMap.synced()) options.log(`portmap: hostPorts mapped with ${family} (${portMap.mappings().length} mappings)`);
  }, (err: unknown) => options.log(`portmap: ${err instanceof Error ? err.message : String(err)}`));
  return portMap;
}
