import { execFile } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { isKubeconfigError } from './errors.js';
import { mergeKubeconfig, removeFromKubeconfig } from './file.js';
import { renderKubeconfig } from './render.js';

const run = promisify(execFile);
const CA = '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n';
const dirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kubito-kcfile-'));
  dirs.push(dir);
  return dir;
}

after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const render = (name: string, token = `token-${name}`) =>
  renderKubeconfig({ name, server: 'https://127.0.0.1:6443', caCertPem: CA, token });
const mode = (path: string) => statSync(path).mode & 0o777;

async function kubectlView(path: string): Promise<{
  clusters: { name: string }[];
  users: { name: string; user: { token?: string } }[];
  contexts: { name: string }[];
  'current-context': string;
}> {
  const { stdout } = await run('kubectl', ['config', 'view', '--kubeconfig', path, '--raw', '-o', 'json'], { timeout: 20_000 });
  return JSON.parse(stdout);
}

const OTHERS = `apiVersion: v1
kind: Config
clusters:
- name: prod
  cluster:
    server: https://prod.example:6443
- name: kind-kind
  cluster:
    server: https://127.0.0.1:40000
users:
- name: prod-admin
  user:
    token: prod-token
- name: kind-kind
  user:
    token: kind-token
contexts:
- name: prod
  context:
    cluster: prod
    user: prod-admin
- name: kind-kind
  context:
    cluster: kind-kind
    user: kind-kind
current-context: prod
`;

test('creates the file 0600 and its folders 0700 when missing', async () => {
  const path = join(tempDir(), 'home', '.kube', 'config');
  const result = await mergeKubeconfig(path, render('dev'));
  assert.deepEqual(result, { path, created: true });
  assert.equal(mode(path), 0o600);
  assert.equal(mode(join(path, '..')), 0o700);
  assert.equal(readFileSync(path, 'utf8'), render('dev'));
  const view = await kubectlView(path);
  assert.equal(view['current-context'], 'kubito-dev');
});

test('other clusters survive a merge and a remove, as kubectl sees them', async () => {
  const dir = tempDir();
  const path = join(dir, 'config');
  writeFileSync(path, OTHERS, { mode: 0o600 });

  assert.deepEqual(await mergeKubeconfig(path, render('dev')), { path, created: false });
  await mergeKubeconfig(path, render('second'));
  await mergeKubeconfig(path, render('dev', 'rotated'));
  let view = await kubectlView(path);
  assert.deepEqual(view.clusters.map((c) => c.name).sort(), ['kind-kind', 'kubito-dev', 'kubito-second', 'prod']);
  assert.deepEqual(view.contexts.map((c) => c.name).sort(), ['kind-kind', 'kubito-dev', 'kubito-second', 'prod']);
  assert.equal(view.users.find((u) => u.name === 'kubito-dev')?.user.token, 'rotated');
  assert.equal(view.users.find((u) => u.name === 'prod-admin')?.user.token, 'prod-token');
  assert.equal(view['current-context'], 'kubito-dev');

  assert.equal(await removeFromKubeconfig(path, 'dev'), true);
  view = await kubectlView(path);
  assert.deepEqual(view.clusters.map((c) => c.name).sort(), ['kind-kind', 'kubito-second', 'prod']);
  assert.deepEqual(view.users.map((c) => c.name).sort(), ['kind-kind', 'kubito-second', 'prod-admin']);
  assert.equal(view['current-context'], '');

  assert.equal(await removeFromKubeconfig(path, 'second'), true);
  assert.equal(readFileSync(path, 'utf8'), OTHERS.replace('current-context: prod\n', ''));
  assert.deepEqual(readdirSync(dir), ['config']);
});

test('remove leaves a file without kubito entries, and a missing file, alone', async () => {
  const dir = tempDir();
  const path = join(dir, 'config');
  writeFileSync(path, OTHERS, { mode: 0o644 });
  assert.equal(await removeFromKubeconfig(path, 'dev'), false);
  assert.equal(readFileSync(path, 'utf8'), OTHERS);
  assert.equal(await removeFromKubeconfig(join(dir, 'nope', 'config'), 'dev'), false);
  assert.deepEqual(readdirSync(dir), ['config']);
});

test('an unreadable or unparsable file is an error and stays as it was', async () => {
  const dir = tempDir();
  const broken = join(dir, 'broken');
  writeFileSync(broken, 'clusters: [\n  - oops\n');
  await assert.rejects(mergeKubeconfig(broken, render('dev')), (err) => isKubeconfigError(err, 'Unreadable'));
  await assert.rejects(removeFromKubeconfig(broken, 'dev'), (err) => isKubeconfigError(err, 'Unreadable'));
  assert.equal(readFileSync(broken, 'utf8'), 'clusters: [\n  - oops\n');

  const list = join(dir, 'list');
  writeFileSync(list, '- a\n- b\n');
  await assert.rejects(mergeKubeconfig(list, render('dev')), (err) => isKubeconfigError(err, 'Invalid'));
  assert.equal(readFileSync(list, 'utf8'), '- a\n- b\n');

  const folder = join(dir, 'folder');
  mkdirSync(folder);
  await assert.rejects(mergeKubeconfig(folder, render('dev')), (err) => isKubeconfigError(err, 'Unreadable'));

  if (process.getuid?.() !== 0) {
    // root reads through any mode, so this case only means something for other users.
    const secret = join(dir, 'secret');
    writeFileSync(secret, OTHERS);
    chmodSync(secret, 0o000);
    await assert.rejects(mergeKubeconfig(secret, render('dev')), (err) => isKubeconfigError(err, 'Unreadable'));
  }
  assert.deepEqual(readdirSync(dir).sort(), ['broken', 'folder', 'list', ...(process.getuid?.() !== 0 ? ['secret'] : [])]);
});

test('a held lock is waited for, then refused; the lock and the file are left alone', async () => {
  const dir = tempDir();
  const path = join(dir, 'config');
  writeFileSync(path, OTHERS);
  writeFileSync(`${path}.lock`, '');
  await assert.rejects(mergeKubeconfig(path, render('dev'), { lockAttempts: 3, lockRetryMs: 0 }), (err) => isKubeconfigError(err, 'Locked'));
  assert.equal(readFileSync(path, 'utf8'), OTHERS);
  assert.deepEqual(readdirSync(dir).sort(), ['config', 'config.lock']);
  rmSync(`${path}.lock`);
  await mergeKubeconfig(path, render('dev'));
  assert.deepEqual(readdirSync(dir), ['config']);
});

test('a symlinked kubeconfig is written through, and keeps its mode', async () => {
  const dir = tempDir();
  const real = join(dir, 'real-config');
  const link = join(dir, 'config');
  writeFileSync(real, OTHERS);
  chmodSync(real, 0o640);
  symlinkSync(real, link);
  assert.deepEqual(await mergeKubeconfig(link, render('dev')), { path: real, created: false });
  assert.equal(readlinkSync(link), real);
  assert.equal(mode(real), 0o640);
  assert.match(readFileSync(real, 'utf8'), /kubito-dev/);
  assert.equal(await removeFromKubeconfig(link, 'dev'), true);
  assert.doesNotMatch(readFileSync(real, 'utf8'), /kubito-dev/);
  assert.equal(readlinkSync(link), real);
});

test('the rendered text must itself be a kubeconfig; nothing is created otherwise', async () => {
  const path = join(tempDir(), 'sub', 'config');
  await assert.rejects(mergeKubeconfig(path, 'clusters: 3\n'), (err) => isKubeconfigError(err, 'Invalid'));
  assert.throws(() => statSync(join(path, '..')), /ENOENT/);
});

test('as root: new files and folders go to the given owner; an existing file keeps its owner', { skip: process.getuid?.() !== 0 && 'needs root' }, async () => {
  const dir = tempDir();
  const owner = { uid: 54321, gid: 54322 };
  const path = join(dir, 'home', '.kube', 'config');
  await mergeKubeconfig(path, render('dev'), { owner });
  for (const p of [path, join(dir, 'home', '.kube'), join(dir, 'home')]) {
    assert.deepEqual({ uid: statSync(p).uid, gid: statSync(p).gid }, owner, p);
  }
  assert.equal(statSync(dir).uid, 0);
  const theirs = join(dir, 'theirs');
  writeFileSync(theirs, OTHERS);
  chownSync(theirs, 1234, 1235);
  await mergeKubeconfig(theirs, render('dev'), { owner });
  assert.deepEqual({ uid: statSync(theirs).uid, gid: statSync(theirs).gid }, { uid: 1234, gid: 1235 });
});
