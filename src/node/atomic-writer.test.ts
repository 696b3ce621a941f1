import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataDirName, writeAtomically } from './atomic-writer.js';
import type { Payload } from './volume-payload.js';

const file = (text: string, mode = 0o644) => ({ data: Buffer.from(text), mode });

test('the kubelet\'s layout: ..data -> a timestamped dir, top-level entries as symlinks into ..data, modes exact', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubito-aw-'));
  try {
    const payload: Payload = new Map([['token', file('t1', 0o600)], ['sub/dir/ca.crt', file('pem')]]);
    assert.equal(writeAtomically(join(dir, 'v'), payload, { now: new Date(Date.UTC(2026, 10, 29, 21, 30, 5)) }), true);
    const v = join(dir, 'v');
    const data = readlinkSync(join(v, '..data'));
    assert.match(data, /^\.\.2026_11_29_21_30_05\.\d+$/);
    assert.equal(readlinkSync(join(v, 'token')), '..data/token');
    assert.equal(readlinkSync(join(v, 'sub')), '..data/sub');
    assert.equal(readFileSync(join(v, 'sub/dir/ca.crt'), 'utf8'), 'pem');
    assert.equal(statSync(join(v, 'token')).mode & 0o777, 0o600);
    assert.equal(statSync(join(v, 'sub/dir')).mode & 0o777, 0o755);
    // The same payload again: nothing written.
    assert.equal(writeAtomically(v, new Map(payload)), false);
    assert.equal(readlinkSync(join(v, '..data')), data);
    // An update: a new directory, the old one gone, a dropped key's symlink gone, a new one made.
    assert.equal(writeAtomically(v, new Map([['token', file('t2', 0o600)], ['namespace', file('ns')]])), true);
    const next = readlinkSync(join(v, '..data'));
    assert.notEqual(next, data);
    assert.deepEqual(readdirSync(v).sort(), ['..data', next, 'namespace', 'token'].sort());
    assert.equal(readFileSync(join(v, 'token'), 'utf8'), 't2');
    assert.equal(lstatSync(join(v, 'namespace')).isSymbolicLink(), true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('paths the kubelet refuses write nothing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubito-aw-'));
  try {
    for (const bad of ['/abs', 'a/../b', '..x', '']) assert.throws(() => writeAtomically(join(dir, 'v'), new Map([[bad, file('x')]])), /invalid path/);
    assert.deepEqual(readdirSync(dir), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('dataDirName: Go\'s ..2006_01_02_15_04_05. layout, UTC', () => {
  assert.equal(dataDirName(new Date(Date.UTC(2026, 0, 2, 3, 4, 5)), 42), '..2026_01_02_03_04_05.42');
});

test('paths are cleaned as the kubelet\'s validatePayload cleans them (filepath.Clean): ./a and b/ are a and b', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubito-aw-'));
  try {
    const v = join(dir, 'v');
    assert.equal(writeAtomically(v, new Map([['./a', file('1')], ['b/', file('2')], ['c//d', file('3')]])), true);
    assert.deepEqual(['a', 'b', 'c/d'].map((p) => readFileSync(join(v, p), 'utf8')), ['1', '2', '3']);
    assert.equal(readlinkSync(join(v, 'a')), '..data/a');
    assert.equal(writeAtomically(v, new Map([['a', file('1')], ['b', file('2')], ['c/d', file('3')]])), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
