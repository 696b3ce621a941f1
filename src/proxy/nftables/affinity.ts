/**
 * @module ClientIP affinity across a full nftables sync. A full sync replaces the table (`add
 * table` + `delete table` + everything, one transaction), which would empty the dynamic
 * `affinity-…` sets and move every sticky client once. Before it, the backend lists the sets
 * (`nft -j list sets ip`), and the full script re-adds each client to the set of the same name
 * in the new table, with what is left of its timeout (at most the new set's timeout). Upstream
 * keeps the sets by never deleting them; kubito's single-transaction replace keeps the table
 * exact, and this keeps the clients. Pure: parsing and the lines to add.
 */
import { TABLE_REF } from './names.js';
import type { TableState } from './render.js';

/** One client remembered by an affinity set, and the seconds it has left. */
export interface AffinityClient {
  ip: string;
  expiresSeconds: number;
}

interface NftJsonSet {
  set?: { family?: string; table?: string; name?: string; elem?: unknown[] };
}

/**
 * The clients of every `affinity-` set of table `ip kube-proxy` in `nft -j list sets` output
 * (`{"elem": {"val": "10.244.0.5", "expires": 99}}`; an element without `expires` never expires
 * and is kept with the set's timeout). Unparseable text gives an empty map.
 */
export function parseAffinityClients(json: string): Map<string, AffinityClient[]> {
  const out = new Map<string, AffinityClient[]>();
  let doc: { nftables?: NftJsonSet[] };
  try {
    doc = JSON.parse(json) as { nftables?: NftJsonSet[] };
  } catch {
    return out;
  }
  for (const item of doc.nftables ?? []) {
    const set = item.set;
    if (!set || set.family !== 'ip' || set.table !== 'kube-proxy' || !set.name?.startsWith('affinity-')) continue;
    const clients: AffinityClient[] = [];
    for (const e of set.elem ?? []) {
      const body = typeof e === 'object' && e !== null && 'elem' in e ? (e as { elem: { val?: unknown; expires?: unknown } }).elem : { val: e };
      if (typeof body.val !== 'string') continue;
      clients.push({ ip: body.val, expiresSeconds: typeof body.expires === 'number' ? body.expires : Infinity });
    }
    if (clients.length) out.set(set.name, clients);
  }
  return out;
}

/** Whether a table has any affinity set (only then is listing the old sets worth a process). */
export function hasAffinitySets(table: TableState): boolean {
  for (const p of table.ports.values()) if (p.sets.length) return true;
  return false;
}

/**
 * `add element` lines putting the saved clients back into the sets of the same name that
 * `table` declares: each with `timeout` = the set's and `expires` = what it had left, capped at
 * that timeout. Clients with under a second left, and sets the table no longer has, are dropped.
 */
export function affinityCarryOver(saved: ReadonlyMap<string, AffinityClient[]>, table: TableState): string[] {
  if (!saved.size) return [];
  const lines: string[] = [];
  for (const p of table.ports.values()) {
    for (const s of p.sets) {
      const clients = saved.get(s.name);
      if (!clients) continue;
      const items = clients
        .map((c) => ({ ip: c.ip, left: Math.min(Math.floor(c.expiresSeconds), s.timeoutSeconds) }))
        .filter((c) => c.left >= 1)
        .map((c) => `${c.ip} timeout ${s.timeoutSeconds}s expires ${c.left}s`);
      if (items.length) lines.push(`add element ${TABLE_REF} ${s.name} { ${items.join(', ')} }`);
    }
  }
  return lines;
}
