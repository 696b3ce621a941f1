#!/usr/bin/env node
// Builds kubito's one native part, the DNS server's batched UDP transport
// (src/dns/native/udp-mmsg.c, N-API), into build/dns-udp.node with the machine's C compiler
// ($CC, else cc) against Node's own headers (<node prefix>/include/node). Run by `npm run
// build` and `prepare`. It never fails the build: without a compiler, the headers or Linux, it
// prints one line and the DNS server uses Node's dgram (src/dns/udp-transport.ts).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, realpathSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const source = join(root, 'src', 'dns', 'native', 'udp-mmsg.c');
const out = join(root, 'build', 'dns-udp.node');
const include = join(dirname(dirname(realpathSync(process.execPath))), 'include', 'node');

function skip(why) {
  rmSync(out, { force: true }); // a module from an earlier build may not match this Node
  console.log(`kubito: native DNS UDP transport not built (${why}); the DNS server will use dgram`);
  process.exit(0);
}

if (process.platform !== 'linux') skip(`recvmmsg/sendmmsg are Linux's, this is ${process.platform}`);
if (!existsSync(source)) skip(`no ${source}`);
if (!existsSync(join(include, 'node_api.h')) || !existsSync(join(include, 'uv.h'))) skip(`no Node headers in ${include}`);
mkdirSync(dirname(out), { recursive: true });
const tmp = `${out}.${process.pid}.tmp`;
const cc = process.env.CC || 'cc';
const r = spawnSync(cc, ['-O2', '-Wall', '-shared', '-fPIC', '-fvisibility=hidden', `-I${include}`, '-o', tmp, source], { encoding: 'utf8' });
if (r.error || r.status !== 0) {
  rmSync(tmp, { force: true });
  const first = (r.error?.message ?? r.stderr ?? '').split('\n').find((l) => l.trim() !== '') ?? `exit ${r.status}`;
  skip(`${cc}: ${first.trim()}`);
}
renameSync(tmp, out);
