/**
 * @module A full iptables sync's restore text, produced in pieces for a restore that is already
 * running: `iptables-restore` spends most of a big full sync parsing its input (10,000 Services:
 * ~0.8 s of a ~0.9 s restore), so handing it the rules port by port while the next ports render
 * overlaps the two (and the `iptables-save` the sync reads for leftovers and missing jumps: only
 * `finish` needs it).
 *
 * Same rules as `renderIptables(state, { existingNatChains, insertJumps })`, in an order
 * iptables-restore accepts as it reads: a jump needs its target chain declared first, so each
 * port's chains are declared and filled together, then the top-level chains' rules (which jump
 * to them); the nat table comes first and the small filter table last. Chain contents, rule
 * order within each chain, and the kernel's result are the same; `renderIptables` keeps
 * upstream's layout (all declarations, then all rules) for partial syncs and the golden files.
 */
import type { DesiredState } from '../types.js';
import type { JumpRule } from './jump-rules.js';
import { jumpRuleText } from './jump-rules.js';
import { isServiceChainName } from './names.js';
import {
  filterTailRules,
  masqueradeMark,
  natHeadRules,
  natTailRule,
  piecesOf,
  renderContextOf,
  TOP_LEVEL_CHAINS,
  unusedServiceChains,
  type IptablesRenderCache,
  type PortPieces,
} from './render.js';

/** What the kernel holds, from the `iptables-save` a full sync reads. */
export interface KernelFacts {
  existingNatChains: Iterable<string>;
  insertJumps: readonly JumpRule[];
}

export interface StreamedFull {
  /** The nat table up to its tail, in pieces of about `chunkBytes`. Run it to the end before `finish`. */
  body(): Generator<string>;
  /** The rest (stale chains deleted, jumps inserted, nat COMMIT, the filter table) and what was written. */
  finish(kernel: KernelFacts): { text: string; portChains: Map<string, readonly string[]>; deletedChains: string[]; topLevel: readonly string[] };
}

/** A full render fed to a running restore (see the module comment). */
export function streamIptablesFull(state: DesiredState, options: { cache?: IptablesRenderCache; chunkBytes?: number } = {}): StreamedFull {
  const chunkBytes = options.chunkBytes ?? 64 * 1024;
  const mark = masqueradeMark(state);
  const context = options.cache ? options.cache.context(state) : renderContextOf(state);
  const pieces: PortPieces[] = [];
  let done = false;
  return {
    *body() {
      let chunk = ['*nat', ...TOP_LEVEL_CHAINS.nat.map((c) => `:${c} - [0:0]`), ...natHeadRules(mark), ''].join('\n');
      for (const sp of state.servicePorts) {
        const p = piecesOf(sp, context, options.cache);
        pieces.push(p);
        if (p.chainDecls) chunk += `${p.chainDecls}\n`;
        if (p.chainRules) chunk += `${p.chainRules}\n`;
        if (chunk.length >= chunkBytes) {
          yield chunk;
          chunk = '';
        }
      }
      for (const p of pieces) {
        if (p.natTop) chunk += `${p.natTop}\n`;
        if (chunk.length >= chunkBytes) {
          yield chunk;
          chunk = '';
        }
      }
      chunk += `${natTailRule()}\n`;
      yield chunk;
      done = true;
    },
    finish(kernel) {
      if (!done) throw new Error('streamIptablesFull: finish() before body() ran to its end');
      const portChains = new Map<string, readonly string[]>();
      for (const p of pieces) portChains.set(p.key, p.chains);
      // The set of every chain in use only when the kernel holds service chains at all (not
      // in a first sync into an empty namespace: 30,000 names at 10,000 Services).
      const stale = [...kernel.existingNatChains].filter(isServiceChainName);
      let deletedChains: string[] = [];
      if (stale.length) {
        const active = new Set<string>();
        for (const p of pieces) for (const c of p.chains) active.add(c);
        deletedChains = unusedServiceChains(stale, active);
      }
      const lines: string[] = [];
      for (const c of deletedChains) lines.push(`:${c} - [0:0]`);
      for (const c of deletedChains) lines.push(`-X ${c}`);
      for (const r of kernel.insertJumps) if (r.table === 'nat') lines.push(jumpRuleText(r, '-I'));
      lines.push('COMMIT', '*filter', ...TOP_LEVEL_CHAINS.filter.map((c) => `:${c} - [0:0]`));
      for (const p of pieces) if (p.filterTop) lines.push(p.filterTop);
      lines.push(...filterTailRules(mark));
      for (const r of kernel.insertJumps) if (r.table === 'filter') lines.push(jumpRuleText(r, '-I'));
      lines.push('COMMIT', '');
      return { text: lines.join('\n'), portChains, deletedChains, topLevel: [mark, ...pieces.map((p) => p.top)] };
    },
  };
}
