/**
 * @module Container probes as the kubelet runs them (pkg/kubelet/prober): the result counter
 * (a result sticks after successThreshold successes or failureThreshold failures in a row),
 * the defaults (period 10 s, timeout 1 s, thresholds 1 and 3), and the three handlers with
 * upstream's failure texts: httpGet (2xx succeeds, 3xx with a warning; `HTTP probe failed with
 * statuscode: 500`; redirects as probe-http.ts), tcpSocket (a connection), exec (exit 0; the
 * output otherwise); a port that does not resolve is the prober's error, not a failure.
 */
import net from 'node:net';
import type { ContainerPort, HttpGetAction, Probe } from './pod-view.js';
import { actionUrl, dialError, httpGet, requestHeaders } from './probe-http.js';

export type ProbeKind = 'readiness' | 'liveness' | 'startup';

export interface ProbeTiming {
  initialDelayMs: number;
  periodMs: number;
  timeoutMs: number;
  successThreshold: number;
  failureThreshold: number;
}

export function probeTiming(probe: Probe): ProbeTiming {
  return {
    initialDelayMs: (probe.initialDelaySeconds ?? 0) * 1000,
    periodMs: (probe.periodSeconds || 10) * 1000,
    timeoutMs: (probe.timeoutSeconds || 1) * 1000,
    successThreshold: probe.successThreshold || 1,
    failureThreshold: probe.failureThreshold || 3,
  };
}

/**
 * The result a probe reports before it has run: readiness starts failed, liveness passed, and
 * startup unknown (its first counted result, either way, is a change).
 */
export function initialResult(kind: ProbeKind): boolean | undefined {
  if (kind === 'startup') return undefined;
  return kind === 'liveness';
}

/** Counts consecutive results; `record` says when the reported result changes. */
export class ProbeCounter {
  value: boolean | undefined;
  #last: boolean | undefined;
  #run = 0;
  readonly #timing: Pick<ProbeTiming, 'successThreshold' | 'failureThreshold'>;

  constructor(kind: ProbeKind, timing: Pick<ProbeTiming, 'successThreshold' | 'failureThreshold'>) {
    this.value = initialResult(kind);
    this.#timing = timing;
  }

  /** Records a result; true when the reported value changed. */
  record(ok: boolean): boolean {
    if (this.#last === ok) this.#run++;
    else {
      this.#last = ok;
      this.#run = 1;
    }
    const threshold = ok ? this.#timing.successThreshold : this.#timing.failureThreshold;
    if (this.#run < threshold) return false;
    if (this.value === ok) return false;
    this.value = ok;
    return true;
  }
}

export interface ProbeOutcome {
  ok: boolean;
  /**
   * A failure's output, as the Unhealthy event words it after "<Kind> probe failed: "; with
   * `warning`, a success's, after "<Kind> probe warning: " (the ProbeWarning event).
   */
  message: string;
  /** A success with a warning: an HTTP probe that stopped at a redirect to another host. */
  warning?: boolean;
  /**
   * The prober itself failed (upstream's err: a port that does not resolve, an exec that could
   * not run): the event says "<Kind> probe errored and resulted in unknown state: <error>" and
   * the result is thrown away (it counts towards no threshold).
   */
  error?: string;
}

/**
 * A probe's port (pkg/probe ResolveContainerPort): the number, else the container port of that
 * name, else the name read as a number; throws Go's error text otherwise.
 */
export function resolvePort(port: number | string, ports: ContainerPort[] | undefined): number {
  let n: number;
  if (typeof port === 'number') n = port;
  else {
    const named = ports?.find((p) => p.name === port)?.containerPort;
    if (named !== undefined) n = named;
    else if (/^[+-]?\d+$/.test(port)) n = Number(port);
    else throw new Error(`strconv.Atoi: parsing ${JSON.stringify(port)}: invalid syntax`);
  }
  if (n > 0 && n < 65536) return n;
  throw new Error(`invalid port number: ${n}`);
}

export function tcpProbe(host: string, port: number, timeoutMs: number): Promise<ProbeOutcome> {
  const address = `${host}:${port}`;
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ ok: false, message: `dial tcp ${address}: i/o timeout` });
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ ok: true, message: '' });
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ ok: false, message: dialError(err, address) });
    });
  });
}

/**
 * DoHTTPProbe: 2xx succeeds; 3xx (a redirect to another host, which is not followed, or a 3xx
 * that is no redirect) succeeds with a warning carrying the body; anything else fails with
 * `HTTP probe failed with statuscode: N` (never the body); a failed exchange with Go's error.
 */
export async function httpProbe(options: { action: HttpGetAction; host: string; port: number; timeoutMs: number; userAgent: string }): Promise<ProbeOutcome> {
  const url = actionUrl(options.action, options.host, options.port);
  let res;
  try {
    res = await httpGet(url, { headers: requestHeaders(options.action.httpHeaders, options.userAgent), timeoutMs: options.timeoutMs });
  } catch (err) {
    return { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
  if (res.status >= 200 && res.status < 300) return { ok: true, message: '' };
  if (res.status >= 300 && res.status < 400) return { ok: true, warning: true, message: `Probe terminated redirects, Response body: ${res.body}` };
  return { ok: false, message: `HTTP probe failed with statuscode: ${res.status}` };
}

/** pkg/probe/exec maxReadLength: the output an exec probe keeps. */
const MAX_EXEC_OUTPUT = 10 * 1024;

/**
 * Runs an exec probe through `run` (which executes argv in the container and returns its
 * stdout followed by its stderr, as CRI ExecSync does): exit 0 succeeds; another code fails
 * with the output (at most 10 KiB, possibly empty); a timeout fails with `command "..." timed
 * out`; an exec that could not run is an error.
 */
export async function execProbe(command: string[], timeoutMs: number, run: (argv: string[], timeoutMs: number) => Promise<{ code: number | null; output: string; timedOut: boolean; error?: string }>): Promise<ProbeOutcome> {
  const result = await run(command, timeoutMs);
  if (result.timedOut) return { ok: false, message: `command ${JSON.stringify(command.join(' '))} timed out` };
  if (result.error !== undefined) return { ok: false, message: '', error: result.error };
  const output = Buffer.from(result.output).subarray(0, MAX_EXEC_OUTPUT).toString();
  return { ok: result.code === 0, message: result.code === 0 ? '' : output };
}

export const PROBE_USER_AGENT = 'kube-probe/1.33';

/** Upper-case kind for event messages: `Readiness probe failed: ...`. */
export function probeTitle(kind: ProbeKind): string {
  return kind[0].toUpperCase() + kind.slice(1);
}
