/** @module The CLI's hints: npx or not, the --name flag, and the apt-get line for a missing image program. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kubitoCommand, missingImageWarnings, nameFlag } from './hints.js';

test('hints name npx kubito when run through npx, kubito otherwise', () => {
  assert.equal(kubitoCommand({ npm_command: 'exec' }), 'npx kubito');
  assert.equal(kubitoCommand({ npm_command: 'test' }), 'kubito');
  assert.equal(kubitoCommand({}), 'kubito');
});

test('the default cluster needs no --name', () => {
  assert.equal(nameFlag('kubito'), '');
  assert.equal(nameFlag('dev'), ' --name dev');
});

test('a missing nginx or busybox gets the apt-get line that installs it', () => {
  const only = (present: string[]) => (program: string): string | undefined => (present.includes(program) ? `/usr/bin/${program}` : undefined);
  assert.deepEqual(missingImageWarnings(only(['nginx', 'busybox'])), []);
  const noNginx = missingImageWarnings(only(['busybox']));
  assert.equal(noNginx.length, 1);
  assert.match(noNginx[0], /^! images +nginx not installed: pods with the image nginx will fail with ErrImagePull; install: sudo apt-get install -y nginx-light$/);
  assert.match(missingImageWarnings(only(['nginx']))[0], /busybox not installed: .*image busybox .*apt-get install -y busybox$/);
  assert.match(missingImageWarnings(only([]))[0], /nginx and busybox not installed: .*apt-get install -y nginx-light busybox$/);
});
