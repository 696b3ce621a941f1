/**
 * @module Container probes as the kubelet runs them (pkg/kubelet/prober): the result counter
 * (a result sticks after successThreshold successes or failureThreshold failures in a row),
 * the defaults (period 10 s, timeout 1 s, thresholds 1 and 3), and the three handlers with
 * upstream's failure texts: httpGet (2xx and 3xx succeed; `HTTP probe failed with statuscode:
 * 500`), tcpSocket (a connection), exec (exit 0; the output otherwise).
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { ContainerPort, Probe } from './pod-view.js';

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
  /** Why it failed, as the Unhealthy event words it after "<Kind> probe failed: ". */
  message: string;
}

/** A probe's port: a number, or the name of one of the container's ports. */
export function resolvePort(port: number | string, ports: ContainerPort[] | undefined): number | undefined {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  return ports?.find((p) => p.name === port)?.containerPort;
}

function describeSocketError(err: NodeJS.ErrnoException, address: string): string {
  if (err.code === 'ECONNREFUSED') return `dial tcp ${address}: connect: connection refused`;
  if (err.code === 'EHOSTUNREACH') return `dial tcp ${address}: connect: no route to host`;
  if (err.code === 'ETIMEDOUT') return `dial tcp ${address}: i/o timeout`;
  return `dial tcp ${address}: ${err.message}`;
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
      resolve({ ok: false, message: describeSocketError(err, address) });
    });
  });
}

export function httpProbe(options: { scheme: 'HTTP' | 'HTTPS'; host: string; port: number; path: string; headers: Array<{ name: string; value: string }>; timeoutMs: number; userAgent: string }): Promise<ProbeOutcome> {
  const path = options.path.startsWith('/') ? options.path : `/${options.path}`;
  const url = `${options.scheme.toLowerCase()}://${options.host}:${options.port}${path}`;
  const headers: Record<string, string> = { 'User-Agent': options.userAgent, Accept: '*/*' };
  for (const h of options.headers) headers[h.name] = h.value;
  const send = options.scheme === 'HTTPS' ? https.request : http.request;
  return new Promise((resolve) => {
    let done = false;
    const finish = (outcome: ProbeOutcome): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.destroy();
      resolve(outcome);
    };
    const req = send(url, { method: 'GET', headers, agent: false, rejectUnauthorized: false }, (res) => {
      const code = res.statusCode ?? 0;
      res.resume();
      if (code >= 200 && code < 400) finish({ ok: true, message: '' });
      else finish({ ok: false, message: `HTTP probe failed with statuscode: ${code}` });
    });
    const timer = setTimeout(() => finish({ ok: false, message: `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` }), options.timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => finish({ ok: false, message: `Get "${url}": ${describeSocketError(err, `${options.host}:${options.port}`)}` }));
    req.end();
  });
}

/** Runs an exec probe through `run` (which executes argv in the container and returns its output). */
export async function execProbe(command: string[], timeoutMs: number, run: (argv: string[], timeoutMs: number) => Promise<{ code: number | null; output: string; timedOut: boolean }>): Promise<ProbeOutcome> {
  const result = await run(command, timeoutMs);
  if (result.timedOut) return { ok: false, message: `command ${JSON.stringify(command.join(' '))} timed out` };
  if (result.code === 0) return { ok: true, message: '' };
  return { ok: false, message: result.output || `command ${JSON.stringify(command.join(' '))} exited with ${result.code}` };
}

export const PROBE_USER_AGENT = 'kube-probe/1.33';

/** Upper-case kind for event messages: `Readiness probe failed: ...`. */
export function probeTitle(kind: ProbeKind): string {
  return kind[0].toUpperCase() + kind.slice(1);
}
