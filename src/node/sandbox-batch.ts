/**
 * @module The node side of pods' sandboxes (netns, veth into the bridge: `createSandboxSteps`'
 * first step), for every pod that asks in the same turn of the event loop, in one `ip -force
 * -batch` process: one process for a burst instead of one per pod. While a batch runs, the next
 * requests gather for the one after. `-force` carries on past a failed line and names it
 * (`Command failed -:N`); the pods whose lines failed are told so, and make their sandbox the
 * one-pod way (which clears what is left of it first).
 */
import type { Runner } from './runner.js';
import { nodeSideLines, type SandboxPlan } from './sandbox-plan.js';

type Names = Pick<SandboxPlan, 'netns' | 'hostVeth'>;

/** The batch's input for these plans and, per line (from 1), the index of its plan. Pure. */
export function batchInput(plans: Names[]): { input: string; owners: number[] } {
  const lines: string[] = [];
  const owners: number[] = [];
  plans.forEach((plan, i) => {
    for (const line of nodeSideLines(plan)) {
      lines.push(line);
      owners.push(i);
    }
  });
  return { input: `${lines.join('\n')}\n`, owners };
}

/** ip's messages per failed line (`... \n Command failed -:N`), keyed by line number. Pure. */
export function failedLines(stderr: string): Map<number, string> {
  const out = new Map<number, string>();
  let said: string[] = [];
  for (const line of stderr.split('\n')) {
    const m = /^Command failed -:(\d+)$/.exec(line.trim());
    if (m) {
      out.set(Number(m[1]), said.join('\n'));
      said = [];
    } else if (line.trim()) {
      said.push(line.trim());
    }
  }
  return out;
}

interface Request {
  plan: Names;
  resolve(ok: boolean): void;
}

export class SandboxBatcher {
  readonly #runner: Runner;
  readonly #ip: string;
  readonly #max: number;
  #waiting: Request[] = [];
  #running = false;
  #log: (line: string) => void;

  constructor(runner: Runner, options: { ip?: string; maxBatch?: number; log?: (line: string) => void } = {}) {
    this.#runner = runner;
    this.#ip = options.ip ?? 'ip';
    this.#max = options.maxBatch ?? 64;
    this.#log = options.log ?? (() => undefined);
  }

  /**
   * Makes the plan's netns and veth with the other pods asking now. True when they are made;
   * false when its lines failed (or the batch could not run): the caller makes the sandbox alone.
   */
  nodeSide(plan: Names): Promise<boolean> {
    return new Promise((resolve) => {
      this.#waiting.push({ plan, resolve });
      if (!this.#running) {
        this.#running = true;
        setImmediate(() => void this.#drain());
      }
    });
  }

  async #drain(): Promise<void> {
    while (this.#waiting.length) {
      const batch = this.#waiting.splice(0, this.#max);
      const { input, owners } = batchInput(batch.map((r) => r.plan));
      const failed = new Set<number>();
      try {
        const result = await this.#runner.run([this.#ip, '-force', '-batch', '-'], { input, allowFailure: true });
        if (result.code !== 0) {
          const lines = failedLines(result.stderr);
          // No line named, or one that is not ours: the whole batch is in doubt.
          if (lines.size === 0 || [...lines.keys()].some((line) => owners[line - 1] === undefined)) batch.forEach((_, i) => failed.add(i));
          for (const [line, message] of lines) {
            const i = owners[line - 1];
            if (i === undefined) continue;
            failed.add(i);
            this.#log(`sandbox ${batch[i].plan.netns}: ${message || 'failed'}; making it alone`);
          }
        }
      } catch {
        batch.forEach((_, i) => failed.add(i));
      }
      batch.forEach((r, i) => r.resolve(!failed.has(i)));
    }
    this.#running = false;
  }
}
