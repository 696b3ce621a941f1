import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startErrorOf, terminationMessage } from './container-checks.js';

test('StartError messages, as containerd words them', () => {
  assert.equal(startErrorOf(['sh'], '/usr/bin:/bin', '/'), undefined);
  assert.match(startErrorOf(['no-such-program-kubito'], '/nonexistent', '/')!, /exec: "no-such-program-kubito": executable file not found in \$PATH: unknown$/);
  assert.match(startErrorOf(['/no/such'], '', '/')!, /exec: "\/no\/such": stat \/no\/such: no such file or directory: unknown$/);
  assert.match(startErrorOf(['sh'], '/bin', '/no/such/dir')!, /chdir to cwd \("\/no\/such\/dir"\) set in config\.json failed/);
});

test('FallbackToLogsOnError takes the log\'s last lines for a failed run only', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubito-checks-'));
  try {
    const log = join(dir, '0.log');
    writeFileSync(log, '2024-01-01T00:00:00Z stderr F panic: boom\n2024-01-01T00:00:01Z stderr F exit now\n');
    assert.equal(terminationMessage({ terminationMessagePolicy: 'FallbackToLogsOnError' }, log, 2), 'panic: boom\nexit now');
    assert.equal(terminationMessage({ terminationMessagePolicy: 'FallbackToLogsOnError' }, log, 0), undefined);
    assert.equal(terminationMessage({ terminationMessagePolicy: 'File' }, log, 2), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
