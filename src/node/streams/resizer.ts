/**
 * @module Applies terminal sizes in order, one at a time, skipping sizes overtaken while one was
 * being applied (kubectl attach sends its size plus one and then its size, at once).
 */
import type { TerminalSize } from './types.js';

export class Resizer {
  readonly #apply: (size: TerminalSize) => Promise<unknown> | void;
  #next: TerminalSize | undefined;
  #running = false;

  constructor(apply: (size: TerminalSize) => Promise<unknown> | void) {
    this.#apply = apply;
  }

  push(size: TerminalSize): void {
    this.#next = size;
    if (!this.#running) void this.#drain();
  }

  async #drain(): Promise<void> {
    this.#running = true;
    while (this.#next) {
      const size = this.#next;
      this.#next = undefined;
      try {
        await this.#apply(size);
      } catch {
        // a failed resize leaves the old size; nothing to report to the client
      }
    }
    this.#running = false;
  }
}
