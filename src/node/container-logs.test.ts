import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { logOptionsFromQuery, readContainerLog } from './container-logs.js';

const LOG = [
  '2024-01-01T00:00:01.5Z stdout F one',
  '2024-01-01T00:00:02Z stderr F two',
  '2024-01-01T00:00:03Z stdout P thr',
  '2024-01-01T00:00:03.1Z stdout F ee',
  '2024-01-01T00:00:04Z stdout F four',
  '',
].join('\n');

async function text(stream: Readable): Promise<string> {
  let out = '';
  for await (const chunk of stream) out += (chunk as Buffer).toString();
  return out;
}

function withLog(fn: (path: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kubito-logs-'));
  const path = join(dir, '0.log');
  writeFileSync(path, LOG);
  return fn(path).finally(() => rmSync(dir, { recursive: true, force: true }));
}

test('all, tail (a P+F pair is one line), timestamps, limitBytes, since', () =>
  withLog(async (path) => {
    const file = { path, running: () => false };
    assert.equal(await text(readContainerLog(file, {})), 'one\ntwo\nthree\nfour\n');
    assert.equal(await text(readContainerLog(file, { tailLines: 2 })), 'three\nfour\n');
    assert.equal(await text(readContainerLog(file, { tailLines: 0 })), '');
    assert.equal(await text(readContainerLog(file, { tailLines: 1, timestamps: true })), '2024-01-01T00:00:04Z four\n');
    assert.equal(await text(readContainerLog(file, { limitBytes: 6 })), 'one\ntw');
    const since = logOptionsFromQuery(new URLSearchParams('sinceTime=2024-01-01T00:00:03Z&tailLines=all&follow=false'), 0n);
    assert.equal(await text(readContainerLog(file, since)), 'three\nfour\n');
    assert.throws(() => logOptionsFromQuery(new URLSearchParams('tailLines=x'), 0n), /invalid tailLines/);
  }));

test('follow: new records arrive until the run has stopped and the file is drained', () =>
  withLog(async (path) => {
    let running = true;
    const stream = readContainerLog({ path, running: () => running }, { follow: true, tailLines: 1 }, 5);
    const chunks: string[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c.toString()));
    const ended = new Promise((r) => stream.on('end', r));
    await new Promise((r) => setTimeout(r, 20));
    appendFileSync(path, '2024-01-01T00:00:05Z stdout F five\n');
    running = false;
    await ended;
    assert.equal(chunks.join(''), 'four\nfive\n');
  }));
