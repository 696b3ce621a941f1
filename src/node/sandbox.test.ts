import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writePodFiles } from './sandbox.js';

test('writePodFiles: the /etc files, and an fstab binding each over the /etc file that exists here', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubito-podfiles-'));
  try {
    const paths = await writePodFiles(dir, { hosts: '127.0.0.1 localhost\n', resolvConf: 'nameserver 10.96.0.10\n', hostname: 'web' });
    assert.equal(readFileSync(paths.hostname, 'utf8'), 'web\n');
    assert.equal(readFileSync(paths.hosts, 'utf8'), '127.0.0.1 localhost\n');
    const expected = ([[paths.hosts, '/etc/hosts'], [paths.resolvConf, '/etc/resolv.conf'], [paths.hostname, '/etc/hostname']] as const)
      .filter(([, target]) => existsSync(target))
      .map(([source, target]) => `${source} ${target} none bind 0 0\n`)
      .join('');
    assert.equal(readFileSync(paths.fstab, 'utf8'), expected);
    assert.match(expected, /\/etc\/hosts none bind 0 0/, 'this machine has /etc/hosts');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('writePodFiles with sync writes the same files before it returns', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubito-podfiles-'));
  try {
    const files = { hosts: '10.244.0.9 web\n', resolvConf: 'nameserver 10.96.0.10\n', hostname: 'web' };
    const pending = writePodFiles(join(dir, 'sync'), files, { sync: true });
    assert.equal(readFileSync(join(dir, 'sync', 'etc', 'hosts'), 'utf8'), '10.244.0.9 web\n', 'written before the promise settles');
    const paths = await pending;
    const viaPromises = await writePodFiles(join(dir, 'async'), files);
    for (const key of ['hosts', 'resolvConf', 'hostname', 'fstab'] as const) {
      assert.equal(readFileSync(paths[key], 'utf8'), readFileSync(viaPromises[key], 'utf8').replaceAll(join(dir, 'async'), join(dir, 'sync')));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
