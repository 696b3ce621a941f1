// The test command's failure recap: run Node's test runner on a small file with a passing test,
// a failing one inside a suite and a failing top-level one, and read its real TAP through it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const script = new URL('../../../scripts/run-tests.js', import.meta.url);

test('the recap names each failed test with its suites and its error, and no suite failed only by its subtests', async () => {
  const { FailureRecap } = await import(script.href);
  const dir = mkdtempSync(join(tmpdir(), 'kubito-recap-'));
  try {
    const file = join(dir, 'sample.test.mjs');
    writeFileSync(
      file,
      [
        "import { test, describe } from 'node:test';",
        "test('passes', () => {});",
        "describe('outer suite', () => {",
        "  describe('inner suite', () => {",
        "    test('inner fails', () => { throw new Error('inner boom'); });",
        "    test('inner passes', () => {});",
        '  });',
        '});',
        "test('top fails', () => { throw new Error('top boom'); });",
      ].join('\n'),
    );
    // NODE_TEST_CONTEXT would make the inner runner speak to this one in its child protocol.
    const env = { ...process.env };
    delete env.NODE_TEST_CONTEXT;
    const run = spawnSync(process.execPath, ['--test', file], { encoding: 'utf8', env });
    assert.equal(run.status, 1);
    const recap = new FailureRecap();
    for (const line of run.stdout.split('\n')) recap.read(line);
    const paths = recap.failures.map((f: { path: string[] }) => f.path.join(' > '));
    assert.deepEqual(paths, ['outer suite > inner suite > inner fails', 'top fails']);
    const rendered: string[] = recap.render();
    assert.equal(rendered[0], '# failing tests: 2');
    assert.ok(rendered.every((l) => l.startsWith('#')), 'every recap line is a TAP comment');
    assert.ok(rendered.some((l) => l.includes('inner boom')));
    assert.ok(rendered.some((l) => l.includes('top boom')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
