/**
 * @module Golden files for tests: `testdata/<name>` beside the test's source (the
 * compiled test in dist/ reads the source tree's file, since text files are not compiled).
 * `UPDATE_GOLDEN=1` rewrites them from the actual output.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The path of `testdata/<name>` next to the module at `moduleUrl`, in the source tree. */
export function testdataPath(moduleUrl: string, name: string): string {
  const here = dirname(fileURLToPath(moduleUrl));
  const direct = join(here, 'testdata', name);
  const marker = `${sep}dist${sep}src${sep}`;
  if (existsSync(direct) || !here.includes(marker)) return direct;
  return join(here.replace(marker, `${sep}src${sep}`), 'testdata', name);
}

/** The golden text (after an update, the actual text). */
export function readGolden(moduleUrl: string, name: string, actual: string): string {
  const path = testdataPath(moduleUrl, name);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
  }
  return readFileSync(path, 'utf8');
}
