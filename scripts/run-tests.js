#!/usr/bin/env node
// Runs every compiled test file (dist/**/*.test.js) with Node's own test runner, whose summary
// CI reads. Node 20's --test takes no globs, so the files are found here. Pass paths or
// substrings to run a subset: `node scripts/run-tests.js storage apiserver`.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

function find(dir, out = []) {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) find(path, out);
    else if (entry.endsWith('.test.js')) out.push(path);
  }
  return out;
}

const filters = process.argv.slice(2);
const files = find('dist')
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error('no test files found under dist/ (did the build run?)');
  process.exit(1);
}
console.log(`running ${files.length} test files: ${files.map((f) => relative('dist', f)).join(' ')}`);
const result = spawnSync(process.execPath, ['--enable-source-maps', '--test', '--test-concurrency=2', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
