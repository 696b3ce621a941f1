/**
 * @module Writes an nginx container's prefix directory (`<pod dir>/<container>/nginx`) from
 * nginx-config.ts and returns the server's argv.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { podDir } from './names.js';
import { nginxFiles } from './nginx-config.js';
import { inUserNamespace } from './rootless.js';
import type { RuntimeContext } from './runtime-context.js';

export function prepareNginx(ctx: Pick<RuntimeContext, 'dataDir' | 'bin' | 'asRoot'>, pod: { namespace: string; name: string; uid: string }, container: string, ports: number[]): string[] {
  const prefix = join(podDir(ctx.dataDir, pod), container, 'nginx');
  const mimeTypes = existsSync('/etc/nginx/mime.types') ? '/etc/nginx/mime.types' : undefined;
  const plan = nginxFiles(prefix, { ports, asRoot: ctx.asRoot, singleProcess: inUserNamespace(), nginxPath: ctx.bin.nginx ?? 'nginx', mimeTypes, ipv6: existsSync('/proc/net/if_inet6') });
  for (const d of plan.dirs) mkdirSync(join(prefix, d), { recursive: true });
  for (const [rel, content] of Object.entries(plan.files)) {
    const path = join(prefix, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
  return plan.argv;
}
