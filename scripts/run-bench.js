#!/usr/bin/env node
// Runs every compiled benchmark (dist/bench/*.bench.js), each printing one JSON row per line,
// and writes them all to bench/results/latest.json. Pass substrings to run a subset.
import { readdirSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';

const dir = join('dist', 'bench');
const filters = process.argv.slice(2);
const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.bench.js') && (!filters.length || filters.some((s) => f.includes(s)))) : [];
const rows = [];
let failed = false;
for (const file of files.sort()) {
  console.log(`== ${file}`);
  const result = spawnSync(process.execPath, ['--enable-source-maps', join(dir, file)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 600_000 });
  for (const line of result.stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const row = JSON.parse(line);
    rows.push({ name: row.name, value: row.value, unit: row.unit, baseline: row.baseline ?? null, baseline_value: row.baseline_value ?? null, ratio: row.ratio ?? null, goal: row.goal });
  }
  if (result.status !== 0) failed = true;
}
console.table(rows.map((r) => ({ name: r.name, value: r.value, unit: r.unit, baseline: r.baseline ?? '', baseline_value: r.baseline_value ?? '', ratio: r.ratio ?? '', goal: r.goal })));
mkdirSync(join('bench', 'results'), { recursive: true });
// latest.json is the list of rows (the contract of issue 8); when and where it ran goes beside it.
writeFileSync(join('bench', 'results', 'latest.json'), `${JSON.stringify(rows, null, 2)}\n`);
writeFileSync(join('bench', 'results', 'latest.meta.json'), `${JSON.stringify({ date: new Date().toISOString(), cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version, filters }, null, 2)}\n`);
process.exit(failed ? 1 : 0);
