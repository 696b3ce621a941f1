/**
 * @module The official Python client (`kubernetes`, Debian's python3-kubernetes) driven from the
 * end-to-end tests: one small script, run as a child of Debian's `/usr/bin/python3` with the
 * cluster's kubeconfig, that lists, creates or watches Services and prints one JSON object a
 * line. The pyenv `python3` on PATH has no such package, so the interpreter path is explicit.
 * Every child is stopped by PID: on its deadline, or by `stopPythonChildren()` in an after hook.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

export const PYTHON = '/usr/bin/python3';

/** What the script prints for a Service (the Python model's fields, in API spelling). */
export interface PyService {
  name: string;
  namespace: string;
  clusterIP: string;
  resourceVersion: string;
  type: string;
  ports: number[];
  labels: Record<string, string>;
}

export interface PyWatchEvent extends PyService {
  /** ADDED, MODIFIED, DELETED (or BOOKMARK, ERROR). */
  eventType: string;
}

/**
 * argv: kubeconfig, command, namespace, args. Commands:
 *   list                           -> {"resourceVersion": ..., "items": [service...]}
 *   create NAME...                 -> one service line per created Service
 *   watch RV TIMEOUT [UNTIL_NAME]  -> one event line per event, then {"end": true, "seconds": S}; stops after
 *                                     the DELETED event of UNTIL_NAME, or when the server ends the
 *                                     stream after TIMEOUT seconds (timeout_seconds).
 * Going through the client's models (V1Service, ...) is the point: they reject what the
 * Python client cannot decode.
 */
const SCRIPT = String.raw`
import json, sys, time
from kubernetes import client, config, watch

kubeconfig, cmd, ns = sys.argv[1:4]
args = sys.argv[4:]
config.load_kube_config(config_file=kubeconfig)
v1 = client.CoreV1Api()

def out(obj):
    print(json.dumps(obj), flush=True)

def svc(s):
    return {
        'name': s.metadata.name,
        'namespace': s.metadata.namespace,
        'clusterIP': s.spec.cluster_ip,
        'resourceVersion': s.metadata.resource_version,
        'type': s.spec.type,
        'ports': [p.port for p in (s.spec.ports or [])],
        'labels': s.metadata.labels or {},
    }

if cmd == 'list':
    lst = v1.list_namespaced_service(ns)
    out({'resourceVersion': lst.metadata.resource_version, 'items': [svc(s) for s in lst.items]})
elif cmd == 'create':
    for name in args:
        body = client.V1Service(
            metadata=client.V1ObjectMeta(name=name, labels={'client': 'python'}),
            spec=client.V1ServiceSpec(
                selector={'app': name},
                ports=[client.V1ServicePort(name='http', port=80, target_port=8080)],
            ),
        )
        out(svc(v1.create_namespaced_service(ns, body)))
elif cmd == 'watch':
    rv, timeout = args[0], int(args[1])
    until = args[2] if len(args) > 2 else None
    w = watch.Watch()
    started = time.monotonic()
    for ev in w.stream(v1.list_namespaced_service, ns, resource_version=rv, timeout_seconds=timeout):
        out(dict(svc(ev['object']), eventType=ev['type']))
        if until and ev['type'] == 'DELETED' and ev['object'].metadata.name == until:
            w.stop()
    out({'end': True, 'seconds': round(time.monotonic() - started, 3)})
else:
    raise SystemExit('unknown command ' + cmd)
`;

const children = new Set<ChildProcess>();

/** Throws with the fix when Debian's python3 or its kubernetes package is missing. */
export function checkPythonClient(): string {
  const r = spawnSync(PYTHON, ['-c', 'import kubernetes; print(kubernetes.__version__)'], { encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`${PYTHON} cannot import kubernetes; install it with: apt-get install -y python3-kubernetes\n${r.stderr ?? r.error}`);
  }
  return r.stdout.trim();
}

export interface PythonRun {
  /** Every JSON line printed, in order. */
  lines: unknown[];
  stderr: string;
}

/**
 * Runs the script and resolves with its output lines; rejects with stderr when it exits non-zero
 * or when it outlives `timeoutMs` (default 20 s; then it is killed). `onLine` sees each line as
 * it arrives, so a test can act between watch events.
 */
export function runPython(kubeconfig: string, args: string[], options: { onLine?: (line: unknown) => void; timeoutMs?: number } = {}): Promise<PythonRun> {
  const child = spawn(PYTHON, ['-c', SCRIPT, kubeconfig, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const lines: unknown[] = [];
  let stderr = '';
  let pending = '';
  let failure: unknown;
  child.stdout!.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const text = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      if (text.trim() === '') continue;
      const line: unknown = JSON.parse(text);
      lines.push(line);
      try {
        options.onLine?.(line);
      } catch (err) {
        // A failed check in onLine ends the run with that error.
        failure ??= err;
        child.kill('SIGKILL');
      }
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolveRun, reject) => {
    const timer = setTimeout(() => {
      failure ??= new Error(`python ${args.join(' ')} still running after ${options.timeoutMs ?? 20_000} ms; output so far:\n${JSON.stringify(lines)}\n${stderr}`);
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 20_000);
    child.once('error', (err) => {
      failure ??= err;
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      if (failure) reject(failure);
      else if (code !== 0) reject(new Error(`python ${args.join(' ')} exited with ${code ?? signal}:\n${stderr}`));
      else resolveRun({ lines, stderr });
    });
  });
}

/** Kills (by PID) every script still running; for after hooks. */
export function stopPythonChildren(): void {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
}
