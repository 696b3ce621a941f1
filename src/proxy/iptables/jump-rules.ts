/**
 * @module The rules from the built-in chains into kube-proxy's own (upstream's
 * `iptablesJumpChains`): `<extra> -m comment --comment "<c>" -j <chain>`, at the top of the
 * built-in chain. Upstream checks and inserts each with its own `iptables -C`/`-I`; kubito finds
 * them in the `iptables-save` a full sync reads anyway (`missingJumpRules`) and inserts the
 * missing ones with `-I <chain> 1` lines inside the full restore (`jumpInsertLine`): two
 * processes instead of some thirty. Pure.
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

/** The rule as iptables-save prints it (and iptables-restore reads it): `-A <from> <args>`, spaces quoted. */
export function jumpRuleText(rule: JumpRule, op: '-A' | '-I' = '-A'): string {
  const args = rule.args.map((a) => (a.includes(' ') ? `"${a}"` : a)).join(' ');
  return op === '-A' ? `-A ${rule.from} ${args}` : `-I ${rule.from} 1 ${args}`;
}

/**
 * The jump rules an `iptables-save` text lacks (each looked for in its table's section). Only the
 * built-in chains' rules are kept: at 10,000 Services the save holds ~60,000 other rules, and a
 * full sync reads it every time.
 */
export function missingJumpRules(save: string): JumpRule[] {
  const from = new Set(JUMP_RULES.map((r) => r.from));
  const lines = new Map<string, Set<string>>();
  let table = '';
  for (let i = 0; i < save.length; ) {
    let end = save.indexOf('\n', i);
    if (end < 0) end = save.length;
    const c = save.charCodeAt(i);
    if (c === 42 /* * */) table = save.slice(i + 1, end).trimEnd();
    else if (c === 45 /* - */ && save.startsWith('-A ', i)) {
      const space = save.indexOf(' ', i + 3);
      if (space > 0 && space < end && from.has(save.slice(i + 3, space))) {
        let set = lines.get(table);
        if (!set) lines.set(table, (set = new Set()));
        set.add(save.slice(i, end).trimEnd());
      }
    }
    i = end + 1;
  }
  return JUMP_RULES.filter((r) => !lines.get(r.table)?.has(jumpRuleText(r)));
}
