#!/usr/bin/env node
// Runs every compiled test file (dist/**/*.test.js) with Node's own test runner, whose summary
// CI reads. Node 20's --test takes no globs, so the files are found here. Pass paths or
// substrings to run a subset: `node scripts/run-tests.js storage apiserver`.
//
// The files run two at a time, longest first (scripts/test-times.json, seconds per file from
// the last `--write-times` run; a file not in it counts as 30 s under test/e2e, 0 elsewhere), so
// both lanes end together: `node --test` would sort them by name, and the slow end-to-end files
// would start last. Node's `run()` keeps the order given, so a child process runs them through it
// (with --enable-source-maps, which the test files' processes inherit) and prints its TAP.
// `--write-times` updates the table with this run's durations (top-level tests summed per file).
//
// The runner's TAP goes through unchanged, but for one addition: the failing tests, each with
// its full name and its error, are repeated just above the summary. A CI log is often read
// from its end only, and a failure 2,000 tests up would otherwise be out of sight.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Files at a time: 2 (CI's two cores); KUBITO_TEST_CONCURRENCY=N to measure another figure. */
const CONCURRENCY = Number(process.env.KUBITO_TEST_CONCURRENCY) || 2;
const TIMES = join(dirname(fileURLToPath(import.meta.url)), 'test-times.json');
/** Seconds assumed for a test file the table does not know yet. */
const UNKNOWN_E2E_SECONDS = 30;

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

/**
 * The files longest first (by `times`, seconds per path relative to dist/), so that lanes taking
 * the next file as one ends finish together; ties keep their name order.
 */
export function scheduleOrder(files, times) {
  const seconds = (f) => {
    const key = relative('dist', f).split('\\').join('/');
    return times[key] ?? (key.startsWith('test/e2e/') ? UNKNOWN_E2E_SECONDS : 0);
  };
  return files
    .map((f) => ({ f, s: seconds(f) }))
    .sort((a, b) => b.s - a.s || (a.f < b.f ? -1 : a.f > b.f ? 1 : 0))
    .map((x) => x.f);
}

function readTimes() {
  try {
    return JSON.parse(readFileSync(TIMES, 'utf8'));
  } catch {
    return {};
  }
}

/** The child: runs `files` in this order through node:test's run() and prints its TAP. */
async function runFiles(files, writeTimes) {
  const { run } = await import('node:test');
  const { tap } = await import('node:test/reporters');
  const perFile = {};
  const stream = run({ files: files.map((f) => resolve(f)), concurrency: CONCURRENCY });
  const count = (data) => {
    if (data.nesting !== 0 || !data.file) return;
    // With source maps on, the file is the test's TypeScript source (../src/x.test.ts from dist/).
    const rel = relative(resolve('dist'), data.file).split('\\').join('/');
    const key = rel.startsWith('../') ? rel.slice(3).replace(/\.ts$/, '.js') : rel;
    perFile[key] = (perFile[key] ?? 0) + (data.details?.duration_ms ?? 0) / 1000;
  };
  stream.on('test:pass', count);
  stream.on('test:fail', (data) => {
    count(data);
    if (!data.todo) process.exitCode = 1;
  });
  stream.compose(tap).pipe(process.stdout);
  if (writeTimes) {
    stream.on('end', () => {
      // This run's files replace their entries (under 1 s: none); files gone from dist/ drop out.
      const merged = { ...readTimes() };
      for (const [key, seconds] of Object.entries(perFile)) {
        if (seconds >= 1) merged[key] = Math.round(seconds);
        else delete merged[key];
      }
      const table = {};
      for (const key of Object.keys(merged).sort()) if (existsSync(join('dist', key))) table[key] = merged[key];
      writeFileSync(TIMES, `${JSON.stringify(table, null, 2)}\n`);
    });
  }
}

function main() {
  const args = process.argv.slice(2);
  if (args[0] === '--run-files') {
    const writeTimes = args[1] === '--write-times';
    return runFiles(args.slice(writeTimes ? 2 : 1), writeTimes);
  }
  const writeTimes = args.includes('--write-times');
  const filters = args.filter((a) => a !== '--write-times');
  const files = find('dist')
    .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
    .sort();
  if (files.length === 0) {
    console.error('no test files found under dist/ (did the build run?)');
    process.exit(1);
  }
  const ordered = scheduleOrder(files, readTimes());
  console.log(`running ${files.length} test files: ${ordered.map((f) => relative('dist', f)).join(' ')}`);
  const self = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, ['--enable-source-maps', self, '--run-files', ...(writeTimes ? ['--write-times'] : []), ...ordered], {
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
