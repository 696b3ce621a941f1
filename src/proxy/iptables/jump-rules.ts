/**
 * @module The rules kube-proxy installs outside iptables-restore, from the built-in chains into
 * its own (upstream's `iptablesJumpChains`): `<extra> -m comment --comment "<c>" -j <chain>`,
 * inserted at the top of the built-in chain once (`-C` to check, `-I` to insert). Pure.
 */
import { KUBE_EXTERNAL_SERVICES, KUBE_FORWARD, KUBE_NODEPORTS, KUBE_POSTROUTING, KUBE_PROXY_FIREWALL, KUBE_SERVICES } from './names.js';

export interface JumpRule {
  table: 'filter' | 'nat';
  /** The built-in chain the rule sits in. */
  from: string;
  /** kube-proxy's chain it jumps to. */
  to: string;
  /** The rule's arguments after `-t <table> -C|-I|-D <from>`. */
  args: string[];
}

const NEW = ['-m', 'conntrack', '--ctstate', 'NEW'];

function jump(table: JumpRule['table'], to: string, from: string, comment: string, extra: string[] = []): JumpRule {
  return { table, from, to, args: [...extra, '-m', 'comment', '--comment', comment, '-j', to] };
}

export const JUMP_RULES: readonly JumpRule[] = [
  jump('filter', KUBE_EXTERNAL_SERVICES, 'INPUT', 'kubernetes externally-visible service portals', NEW),
  jump('filter', KUBE_EXTERNAL_SERVICES, 'FORWARD', 'kubernetes externally-visible service portals', NEW),
  jump('filter', KUBE_NODEPORTS, 'INPUT', 'kubernetes health check service ports'),
  jump('filter', KUBE_SERVICES, 'FORWARD', 'kubernetes service portals', NEW),
  jump('filter', KUBE_SERVICES, 'OUTPUT', 'kubernetes service portals', NEW),
  jump('filter', KUBE_FORWARD, 'FORWARD', 'kubernetes forwarding rules'),
  jump('filter', KUBE_PROXY_FIREWALL, 'INPUT', 'kubernetes load balancer firewall', NEW),
  jump('filter', KUBE_PROXY_FIREWALL, 'OUTPUT', 'kubernetes load balancer firewall', NEW),
  jump('filter', KUBE_PROXY_FIREWALL, 'FORWARD', 'kubernetes load balancer firewall', NEW),
  jump('nat', KUBE_SERVICES, 'OUTPUT', 'kubernetes service portals'),
  jump('nat', KUBE_SERVICES, 'PREROUTING', 'kubernetes service portals'),
  jump('nat', KUBE_POSTROUTING, 'POSTROUTING', 'kubernetes postrouting rules'),
];

/** The chains the jump rules need, per table, declared (without flushing) before `-C`/`-I`. */
export function jumpTargets(table: JumpRule['table']): string[] {
  return [...new Set(JUMP_RULES.filter((r) => r.table === table).map((r) => r.to))];
}
