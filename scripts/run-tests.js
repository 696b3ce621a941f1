#!/usr/bin/env node
// Runs every compiled test file (dist/**/*.test.js) with Node's own test runner, whose summary
// CI reads. Node 20's --test takes no globs, so the files are found here. Pass paths or
// substrings to run a subset: `node scripts/run-tests.js storage apiserver`.
//
// The runner's TAP goes through unchanged, but for one addition: the failing tests, each with
// its full name and its error, are repeated just above the summary. A CI log is often read
// from its end only, and a failure 2,000 tests up would otherwise be out of sight.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

function find(dir, out = []) {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) find(path, out);
    else if (entry.endsWith('.test.js')) out.push(path);
  }
  return out;
}

/** Reads TAP lines and keeps each failed test (not the suites failed only by their subtests). */
export class FailureRecap {
  #names = [];
  #open = undefined; // { depth, path, lines }
  failures = [];

  read(line) {
    if (this.#open) {
      const indent = '  '.repeat(this.#open.depth * 2);
      if (line === `${indent}  ...`) {
        const failure = this.#open;
        this.#open = undefined;
        if (!failure.lines.some((l) => l.includes("failureType: 'subtestsFailed'"))) this.failures.push(failure);
      } else if (line.startsWith(`${indent}  `) && line.trim() !== '---' && !line.includes('duration_ms:')) {
        this.#open.lines.push(line.slice(indent.length + 2));
      }
      return;
    }
    const subtest = /^( *)# Subtest: (.*)$/.exec(line);
    if (subtest) {
      const depth = subtest[1].length / 4;
      this.#names.length = depth;
      this.#names[depth] = subtest[2];
      return;
    }
    const notOk = /^( *)not ok \d+ - (.*?)(?: # .*)?$/.exec(line);
    // `# TODO` and `# SKIP` directives do not count as failures.
    if (notOk && !/ # (TODO|SKIP)\b/i.test(line)) {
      const depth = notOk[1].length / 4;
      this.#open = { depth, path: [...this.#names.slice(0, depth), notOk[2]], lines: [] };
    }
  }

  /** TAP comment lines naming each failure and its first lines of error. */
  render(maxLines = 25) {
    const out = [`# failing tests: ${this.failures.length}`];
    for (const f of this.failures) {
      out.push(`# - ${f.path.join(' > ')}`);
      const shown = f.lines.slice(0, maxLines);
      for (const l of shown) out.push(`#     ${l}`);
      if (f.lines.length > shown.length) out.push(`#     (${f.lines.length - shown.length} more lines above)`);
    }
    return out;
  }
}

function main() {
  const filters = process.argv.slice(2);
  const files = find('dist')
    .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
    .sort();
  if (files.length === 0) {
    console.error('no test files found under dist/ (did the build run?)');
    process.exit(1);
  }
  console.log(`running ${files.length} test files: ${files.map((f) => relative('dist', f)).join(' ')}`);
  const child = spawn(process.execPath, ['--enable-source-maps', '--test', '--test-concurrency=2', ...files], {
    stdio: ['inherit', 'pipe', 'inherit'],
  });
  const recap = new FailureRecap();
  let recapped = false;
  const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
  lines.on('line', (line) => {
    if (!recapped && /^# tests \d+$/.test(line)) {
      recapped = true;
      if (recap.failures.length > 0) for (const l of recap.render()) process.stdout.write(`${l}\n`);
    }
    recap.read(line);
    process.stdout.write(`${line}\n`);
  });
  child.on('close', (code, signal) => {
    process.exitCode = code ?? (signal ? 1 : 0);
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
