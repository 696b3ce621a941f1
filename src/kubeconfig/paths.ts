/**
 * @module Which kubeconfig file to use, by kubectl's rules (as kind applies them): $KUBECONFIG
 * is a list of files (':'-separated on Unix); new entries go into the first file of the list
 * that exists, or the last one when none does; without $KUBECONFIG, ~/.kube/config.
 */
import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface KubeconfigPathOptions {
  /** Whether a path is an existing file; injectable for tests. */
  isFile?: (path: string) => boolean;
}

/** Every kubeconfig file kubectl would read, in order (empty entries and duplicates dropped). */
export function kubeconfigPaths(env: NodeJS.ProcessEnv = process.env): string[] {
  const listed = [...new Set((env['KUBECONFIG'] ?? '').split(delimiter).filter((p) => p !== ''))];
  if (listed.length > 0) return listed;
  return [join(env['HOME'] || homedir(), '.kube', 'config')];
}

/** The file to merge kubito's context into when no `--kubeconfig` was given. */
export function defaultKubeconfigPath(env: NodeJS.ProcessEnv = process.env, opts: KubeconfigPathOptions = {}): string {
  const paths = kubeconfigPaths(env);
  if (paths.length === 1) return paths[0]!;
  const isFile = opts.isFile ?? existingFile;
  return paths.find(isFile) ?? paths[paths.length - 1]!;
}

function existingFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
