/**
 * @module Lifecycle hooks as the kubelet runs them (pkg/kubelet/lifecycle/handlers.go Run): an
 * exec in the container, an HTTP GET (its status code is not looked at: only a failed exchange
 * fails it; User-Agent `kube-lifecycle/<major.minor>`, redirects as probes take them), or a
 * sleep. A failure is returned as the message the kubelet keeps for the container's waiting
 * state (`PostStartHookError`); the events say only `PostStartHook failed` / `PreStopHook
 * failed`, so that no secret leaks into them.
 */
import type { Clock } from '../client/index.js';
import type { ContainerPort, LifecycleHandler } from './pod-view.js';
import { actionUrl, httpGet, requestHeaders } from './probe-http.js';
import { resolvePort } from './probes.js';

export const LIFECYCLE_USER_AGENT = 'kube-lifecycle/1.33';

/** What running a hook needs of its container. */
export interface HookTarget {
  /** The container's name and the pod as format.Pod prints it: `name_namespace(uid)`. */
  container: string;
  pod: string;
  podIP: string;
  ports: ContainerPort[] | undefined;
  clock: Clock;
  /** Runs argv in the container: stdout then stderr, the stderr alone, its exit code; `error` when it could not run. */
  exec(argv: string[]): Promise<{ code: number | null; output: string; stderr: string; error?: string }>;
}

/** Go's %v of a []string: `[sh -c exit 1]`. */
function goStrings(words: string[]): string {
  return `[${words.join(' ')}]`;
}

/** Runs `handler`; resolves undefined when it succeeded, else the failure's message. */
export async function runHook(handler: LifecycleHandler, target: HookTarget): Promise<string | undefined> {
  const where = `for Container ${JSON.stringify(target.container)} in Pod ${JSON.stringify(target.pod)}`;
  if (handler.exec) {
    const command = handler.exec.command ?? [];
    const result = await target.exec(command);
    if (result.error === undefined && result.code === 0) return undefined;
    // CRI ExecSync's CodeExitError: "command '<argv>' exited with N: <stderr>".
    const error = result.error ?? `command '${command.join(' ')}' exited with ${result.code ?? 137}: ${result.stderr}`;
    return `Exec lifecycle hook (${goStrings(command)}) ${where} failed - error: ${error}, message: ${JSON.stringify(result.output)}`;
  }
  if (handler.httpGet) {
    const action = handler.httpGet;
    try {
      const port = resolvePort(action.port, target.ports);
      await httpGet(actionUrl(action, action.host || target.podIP, port), { headers: requestHeaders(action.httpHeaders, LIFECYCLE_USER_AGENT), timeoutMs: 0 });
      return undefined;
    } catch (err) {
      return `HTTP lifecycle hook (${action.path ?? ''}) ${where} failed - error: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
  if (handler.sleep) {
    await new Promise<void>((r) => target.clock.setTimeout(r, handler.sleep!.seconds * 1000));
    return undefined;
  }
  return `Cannot run handler: invalid handler: ${JSON.stringify(handler)}`;
}
