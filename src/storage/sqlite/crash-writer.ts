/**
 * @module The child process of the SQLite crash test: `crash-writer <dataDir>` creates keys in a
 * loop and prints `<key> <revision>` for each create once it has resolved (acknowledged), until
 * it is killed. Stdout is a pipe, which Node writes synchronously on POSIX, so a printed line
 * means the write had been acknowledged before the process could die.
 */

import { openSqliteStore } from './sqlite-store.js';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: crash-writer <dataDir>');
// A short history, so the writer also compacts while it is being killed.
const store = await openSqliteStore({ dataDir, historySize: 50 });
for (let i = 0; ; i++) {
  const written = await store.create(`/crash/${i}`, JSON.stringify({ i, pad: 'x'.repeat(200) }));
  process.stdout.write(`${written.key} ${written.modRevision}\n`);
}
