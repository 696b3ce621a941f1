/**
 * @module Golden tests of the answer function: testdata/answers.txt holds, per case, the query
 * (`> name TYPE`, optionally `unsynced`) and the reply in zone-file notation. UPDATE_GOLDEN=1
 * rewrites the file from the current answers (review the diff before committing).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { answer, completeChase } from './answer.js';
import { testdataPath } from '../testing/golden.js';
import { fixtureIndex, FIXTURE_CONFIG } from './fixtures.js';
import { formatMessage } from './present.js';
import { CLASS_IN, TYPE, type Message } from './wire.js';

// The source tree's file (text files are not compiled into dist/).
const FILE = testdataPath(import.meta.url, 'answers.txt');

function query(name: string, type: string): Message {
  const t = (TYPE as Record<string, number>)[type] ?? Number(type.replace(/^TYPE/, ''));
  return {
    header: { id: 1, qr: false, opcode: 0, aa: false, tc: false, rd: true, ra: false, ad: false, cd: false, rcode: 0 },
    question: [{ name, type: t, class: CLASS_IN }],
    answer: [], authority: [], additional: [],
  };
}

function run(line: string): string {
  const [name, type, ...flags] = line.slice(2).trim().split(/\s+/);
  const src = fixtureIndex({ synced: !flags.includes('unsynced') });
  const out = answer(query(name, type), src, FIXTURE_CONFIG);
  if (out.kind === 'forward') return ';; forward';
  if (out.kind === 'chase') {
    const found = completeChase(out, [{ name: out.target, type: TYPE.A, class: CLASS_IN, ttl: 300, data: { address: '192.0.2.1' } }]);
    const failed = completeChase(out, undefined);
    return `;; chase ${out.target} ${type}\n${formatMessage(found)}\n;; chase failed\n${formatMessage(failed)}`;
  }
  return formatMessage(out.message);
}

test('answers match testdata/answers.txt', () => {
  const text = readFileSync(FILE, 'utf8');
  const blocks = text.trim().split(/\n\s*\n/);
  const rendered: string[] = [];
  let failures = 0;
  for (const block of blocks) {
    const lines = block.split('\n');
    const comments = lines.filter((l) => l.startsWith('#'));
    const q = lines.find((l) => l.startsWith('> '));
    assert.ok(q, `block without a query:\n${block}`);
    const expected = lines.slice(lines.indexOf(q) + 1).join('\n');
    const got = run(q);
    rendered.push([...comments, q, got].join('\n'));
    if (process.env.UPDATE_GOLDEN) continue;
    if (got !== expected) {
      failures++;
      assert.equal(got, expected, `case ${q}`);
    }
  }
  if (process.env.UPDATE_GOLDEN) writeFileSync(FILE, rendered.join('\n\n') + '\n');
  assert.equal(failures, 0);
  assert.ok(blocks.length >= 40);
});
