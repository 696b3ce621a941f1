#!/usr/bin/env node
// Runs every compiled benchmark (dist/bench/*.bench.js), each printing one JSON row per line,
// and writes them all to bench/results/latest.json. Pass substrings to run a subset.
import { readdirSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

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
console.table(rows.map((r) => ({ name: r.name, value: r.value, unit: r.unit, goal: r.goal })));
mkdirSync(join('bench', 'results'), { recursive: true });
writeFileSync(join('bench', 'results', 'latest.json'), `${JSON.stringify({ date: new Date().toISOString(), rows }, null, 2)}\n`);
process.exit(failed ? 1 : 0);
