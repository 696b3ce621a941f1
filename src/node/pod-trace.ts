/**
 * @module Per-pod phase timestamps, for measuring where a pod's start goes (bench/pods.bench.ts):
 * with `KUBITO_POD_TRACE=<file>` in the agent's environment, each `mark(pod, phase)` records
 * `<epoch ms, 0.1 ms> <namespace>/<name> <phase>` and the lines are appended to the file at
 * `flush()` (the agent's stop) or every 2,000 lines, off the event loop: a trace must not cost
 * the burst it measures. Without it, `mark` does nothing.
 */
import { appendFile } from 'node:fs/promises';

export interface PodTracer {
  mark(pod: { metadata: { namespace: string; name: string } }, phase: string): void;
  /** Writes what is buffered. */
  flush(): Promise<void>;
}

/** The tracer's lines (pure): one per mark. */
export function traceLine(epochMs: number, pod: { metadata: { namespace: string; name: string } }, phase: string): string {
  return `${epochMs.toFixed(1)} ${pod.metadata.namespace}/${pod.metadata.name} ${phase}\n`;
}

export class FilePodTracer implements PodTracer {
  readonly #file: string;
  // The marks as taken (time, pod, phase): formatted at flush, not in the burst being measured.
  #marks: Array<[number, { metadata: { namespace: string; name: string } }, string]> = [];
  #writing: Promise<void> = Promise.resolve();

  constructor(file: string) {
    this.#file = file;
  }

  mark(pod: { metadata: { namespace: string; name: string } }, phase: string): void {
    this.#marks.push([performance.now(), pod, phase]);
    if (this.#marks.length >= 2000) void this.flush();
  }

  /** Writes what is buffered; resolves once it is on disk. */
  flush(): Promise<void> {
    const text = this.#marks.map(([at, pod, phase]) => traceLine(performance.timeOrigin + at, pod, phase)).join('');
    this.#marks = [];
    if (text) this.#writing = this.#writing.then(() => appendFile(this.#file, text)).catch(() => undefined);
    return this.#writing;
  }
}

/** The tracer the environment asks for, or none. */
export function podTracerFromEnv(env: NodeJS.ProcessEnv = process.env): FilePodTracer | undefined {
  return env.KUBITO_POD_TRACE ? new FilePodTracer(env.KUBITO_POD_TRACE) : undefined;
}
