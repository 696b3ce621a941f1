/**
 * @module The streamed full render: the same chains with the same rules in the same order as
 * `renderIptables` (upstream's layout), every jump after its target's declaration, in pieces of
 * about the asked size; `finish` carries the stale chains and the missing jumps.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeDesiredState } from '../tracker/desired.js';
import { TEST_NODE } from '../tracker/fixtures.js';
import { manyServices } from '../testing/many-services.js';
import { SCENARIO_SERVICES, SCENARIO_SLICES } from '../tracker/scenario.js';
import { JUMP_RULES } from './jump-rules.js';
import { IptablesRenderCache, renderIptables } from './render.js';
import { streamIptablesFull } from './render-stream.js';

/** A restore text as the kernel ends up with it: per table, declared chains, each chain's rules, deletions, insertions. */
function parse(text: string): { tables: Map<string, { declared: Set<string>; rules: Map<string, string[]>; deleted: string[]; inserted: string[] }>; undeclaredJumps: string[] } {
  const tables = new Map<string, { declared: Set<string>; rules: Map<string, string[]>; deleted: string[]; inserted: string[] }>();
  const undeclaredJumps: string[] = [];
  let t: ReturnType<typeof tables.get>;
  for (const line of text.split('\n')) {
    if (line.startsWith('*')) tables.set(line.slice(1), (t = { declared: new Set(), rules: new Map(), deleted: [], inserted: [] }));
    else if (line.startsWith(':')) t!.declared.add(line.slice(1).split(' ')[0]);
    else if (line.startsWith('-X ')) t!.deleted.push(line.slice(3));
    else if (line.startsWith('-I ')) t!.inserted.push(line);
    else if (line.startsWith('-A ')) {
      const chain = line.split(' ')[1];
      const target = / -j (KUBE-\S+)/.exec(line)?.[1];
      if (target && !t!.declared.has(target)) undeclaredJumps.push(line);
      t!.rules.set(chain, [...(t!.rules.get(chain) ?? []), line]);
    }
  }
  return { tables, undeclaredJumps };
}

function streamed(state: ReturnType<typeof computeDesiredState>, kernel: Parameters<ReturnType<typeof streamIptablesFull>['finish']>[0], chunkBytes?: number) {
  const s = streamIptablesFull(state, { chunkBytes });
  const chunks = [...s.body()];
  const tail = s.finish(kernel);
  return { chunks, tail, text: chunks.join('') + tail.text };
}

const KERNEL = { existingNatChains: ['KUBE-SERVICES', 'KUBE-SVC-XPGD46QRK7WJZT7O', 'KUBE-SEP-AAAAAAAAAAAAAAAA', 'OTHER-CHAIN'], insertJumps: JUMP_RULES.slice(-3) };

test('the scenario cluster streamed holds what renderIptables writes, each jump after its target', () => {
  const state = computeDesiredState(SCENARIO_SERVICES, SCENARIO_SLICES, TEST_NODE);
  const upstream = renderIptables(state, KERNEL);
  const { text, tail } = streamed(state, KERNEL);
  const a = parse(upstream.text);
  const b = parse(text);
  assert.deepEqual(b.undeclaredJumps, []);
  assert.deepEqual([...b.tables.keys()].sort(), [...a.tables.keys()].sort());
  for (const [name, table] of a.tables) {
    const other = b.tables.get(name)!;
    assert.deepEqual([...other.declared].sort(), [...table.declared].sort(), name);
    assert.deepEqual(other.rules, table.rules, name);
    assert.deepEqual(other.deleted, table.deleted, name);
    assert.deepEqual(other.inserted, table.inserted, name);
  }
  assert.deepEqual(tail.deletedChains, upstream.deletedChains);
  assert.deepEqual(tail.deletedChains, ['KUBE-SEP-AAAAAAAAAAAAAAAA']);
  assert.deepEqual(tail.portChains, upstream.portChains);
  assert.deepEqual(tail.topLevel, upstream.topLevel);
  // Each table's text ends with its COMMIT; the rules a jump needs come first.
  assert.match(text, /^\*nat\n[\s\S]*\nCOMMIT\n\*filter\n[\s\S]*\nCOMMIT\n$/);
});

test('pieces of about the asked size, the same text with or without a cache', () => {
  const state = manyServices(60);
  const { chunks, text } = streamed(state, { existingNatChains: [], insertJumps: [] }, 2048);
  assert.ok(chunks.length > 5, `${chunks.length} pieces`);
  for (const c of chunks.slice(0, -1)) assert.ok(c.length >= 2048 && c.length < 2048 + 4096, `${c.length}`);
  const cache = new IptablesRenderCache();
  const cached = streamIptablesFull(state, { cache });
  assert.equal([...cached.body()].join('') + cached.finish({ existingNatChains: [], insertJumps: [] }).text, streamed(state, { existingNatChains: [], insertJumps: [] }).text);
  assert.equal(parse(text).undeclaredJumps.length, 0);
  assert.throws(() => streamIptablesFull(state).finish({ existingNatChains: [], insertJumps: [] }), /before body/);
});
