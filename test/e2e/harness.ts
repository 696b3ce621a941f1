/**
 * @module End-to-end harness: starts a real kubito (the built CLI, `kubito up` in the
 * foreground) in a temporary data dir on a free port, and runs the real kubectl binaries
 * (1.27 ... 1.33, found beside the `kubectl` on PATH) against it with a private kubeconfig and
 * cache dir. Everything it starts is stopped by PID; everything it writes is in one temp dir.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanupCluster } from '../../src/node/launch.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const KUBITO_BIN = join(ROOT, 'bin', 'kubito.js');

/** The directory of the installed kubectl binaries. */
export function kubectlDir(): string {
  const which = spawnSync('sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' }).stdout.trim();
  if (!which) throw new Error('kubectl is not on PATH; the end-to-end tests need the real kubectl (1.27-1.33)');
  return dirname(realpathSync(which));
}

/** Path of kubectl for a minor version (`'1.27'`), or the default one for undefined. */
export function kubectlPath(version?: string): string {
  const path = join(kubectlDir(), version ? `kubectl.${version}` : 'kubectl');
  if (!existsSync(path)) throw new Error(`${path} is missing; the tests need kubectl ${version}`);
  return path;
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface KubectlOptions {
  version?: string;
  input?: string;
  env?: NodeJS.ProcessEnv;
  until?: RegExp;
}

export interface Cluster {
  /** The cluster's name (`--name`) and data dir (`--data-dir`), for `kubito` commands. */
  name: string;
  dataDir: string;
  dir: string;
  kubeconfig: string;
  server: string;
  process: ChildProcess;
  output: string[];
  /**
   * Runs kubectl (a version like '1.27', default: the one on PATH) and returns its output. With
   * `until`, kubectl is sent SIGTERM once its stdout matches (a `get -w` that has shown what the
   * test waits for), so the test need not sit out the command's own --request-timeout.
   */
  kubectl(args: string[], options?: KubectlOptions): Promise<KubectlResult>;
  /** Like kubectl(), but throws with the output when the exit code is not 0. */
  kubectlOk(args: string[], options?: { version?: string; input?: string }): Promise<string>;
  /** Runs `kubito <args> --name <name> --data-dir <dataDir>`. */
  kubito(args: string[]): Promise<KubectlResult>;
  stop(): Promise<void>;
}

export interface StartOptions {
  store?: 'sqlite' | 'memory';
  /** Reuse this directory (for restart tests) instead of a new temp dir. */
  dir?: string;
  extraArgs?: string[];
  /** Cluster name (names its network namespaces); default: unique per test process and start. */
  name?: string;
  /** Environment for `kubito up` (and the node agent it starts) over the test's own, e.g. KUBITO_LAUNCHER. */
  env?: NodeJS.ProcessEnv;
}

let started = 0;

/**
 * Machine safety: a test cluster never forwards DNS to the host's resolvers. Unless the test
 * passes its own `--dns-upstream` (a 127.0.0.x stub it runs), clusters start with `none`.
 */
function dnsUpstreamArgs(extra: string[] | undefined): string[] {
  return (extra ?? []).some((a) => a === '--dns-upstream' || a.startsWith('--dns-upstream=')) ? [] : ['--dns-upstream', 'none'];
}

/**
 * `kubito up`'s last line, `✓ kubito "NAME" ready in N ms`: the cluster is ready (its kubeconfig
 * written). Matched whole: a log line before it may contain "ready in" ("address already in use").
 */
export const READY_LINE = /✓ kubito "[^"]*" ready in \d+ ms/;

export async function startCluster(options: StartOptions = {}): Promise<Cluster> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'kubito-e2e-'));
  const name = options.name ?? `e2e${process.pid % 100000}-${++started}`;
  const kubeconfig = join(dir, 'kubeconfig');
  const child = spawn(process.execPath, [KUBITO_BIN, 'up', '--name', name, '--data-dir', join(dir, 'data'), '--kubeconfig', kubeconfig, '--api-port', '0', '--store', options.store ?? 'memory', ...dnsUpstreamArgs(options.extraArgs), ...(options.extraArgs ?? [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: options.env ? { ...process.env, ...options.env } : process.env,
  });
  const output: string[] = [];
  const server = await new Promise<string>((resolveReady, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`kubito did not become ready in 30 s:\n${output.join('')}`));
    }, 30_000);
    const onData = (chunk: Buffer): void => {
      output.push(chunk.toString());
      const text = output.join('');
      const m = /apiserver\s+(https:\/\/\S+)/.exec(text);
      if (m && READY_LINE.test(text)) {
        clearTimeout(timer);
        resolveReady(m[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => output.push(c.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`kubito exited with ${code} before it was ready:\n${output.join('')}`));
    });
  });
  const cacheDir = join(dir, 'kube-cache');
  const kubectl = (args: string[], opts: KubectlOptions = {}): Promise<KubectlResult> =>
    new Promise((resolveRun) => {
      const proc = spawn(kubectlPath(opts.version), ['--kubeconfig', kubeconfig, '--cache-dir', cacheDir, ...args], {
        stdio: ['pipe', 'pipe', 'pipe'],
        env: { ...process.env, ...(opts.env ?? {}), KUBECONFIG: kubeconfig, HOME: dir },
      });
      let stdout = '';
      let stderr = '';
      proc.stdout.on('data', (c: Buffer) => {
        stdout += c.toString();
        if (opts.until?.test(stdout) && proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      });
      proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      // kubectl may exit before reading stdin (an unknown flag): the closed pipe is not an error.
      proc.stdin.on('error', () => undefined);
      proc.stdin.end(opts.input ?? '');
      proc.on('close', (code) => resolveRun({ code: code ?? -1, stdout, stderr }));
    });
  return {
    name,
    dataDir: join(dir, 'data'),
    dir,
    kubeconfig,
    server,
    process: child,
    output,
    kubectl,
    async kubectlOk(args, opts = {}) {
      const r = await kubectl(args, opts);
      if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
      return r.stdout;
    },
    kubito(args) {
      return new Promise((resolveRun) => {
        const proc = spawn(process.execPath, [KUBITO_BIN, ...args, '--name', name, '--data-dir', join(dir, 'data')], { stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        proc.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
        proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        proc.on('close', (code) => resolveRun({ code: code ?? -1, stdout, stderr }));
      });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      // A killed kubito (crash tests) cannot clean up after itself: its namespaces and pods go here.
      await cleanupCluster(name, { dataDir: join(dir, 'data') });
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
