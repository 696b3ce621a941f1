/**
 * @module Where kubito's native parts live and how an addon is loaded. scripts/build-native.js
 * compiles each part (its PARTS list) into `<package root>/build/`, and never fails the build:
 * a part may be absent, or built for another Node. So every loader asks `loadAddon`, which
 * answers the module or the reason it can't be used, once per path, and each caller keeps its
 * pure-Node fallback.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `<package root>/build/<file>`, the package root being the nearest folder with a package.json. */
export function builtPath(file: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'build', file);
}

const loaded = new Map<string, unknown>();

/**
 * The addon at `path`, or an Error saying why not (not built, wrong ABI, or not the module
 * `isOurs` expects, named `what` in the message). Remembered per path: Node can't unload one.
 */
export function loadAddon<T>(path: string, what: string, isOurs: (mod: Partial<T>) => boolean): T | Error {
  const known = loaded.get(path);
  if (known !== undefined) return known as T | Error;
  let result: T | Error;
  try {
    if (!existsSync(path)) throw new Error(`${path} not built`);
    const mod = createRequire(import.meta.url)(path) as Partial<T>;
    if (!isOurs(mod)) throw new Error(`${path} is not ${what}`);
    result = mod as T;
  } catch (err) {
    result = err instanceof Error ? err : new Error(String(err));
  }
  loaded.set(path, result);
  return result;
}
