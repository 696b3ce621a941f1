/**
 * @module Coalesces a stream's writes of one event-loop turn into one write. A change that
 * reaches a watch as several events in one turn (a store commit of many writes, a burst of
 * bookmarks) then costs the socket one chunk, one TLS record and one system call instead of
 * one per event. Nothing waits past the turn: the joined text is written in the same loop
 * iteration's check phase (setImmediate), and at once before the stream ends.
 */

/** Where the joined text goes (a ServerResponse in server.ts). */
export interface TurnTarget {
  write(chunk: string | Buffer): void;
  end(): void;
}

/** Schedules the flush at the end of the current turn; injectable for tests. */
export type TurnScheduler = (flush: () => void) => void;

export interface TurnWriter {
  write(chunk: string | Buffer): void;
  /** Writes what is pending, then ends the target. */
  end(): void;
}

function endOfTurn(flush: () => void): void {
  setImmediate(flush);
}

/** A writer that joins the chunks written in one turn into a single `target.write`. */
export function turnWriter(target: TurnTarget, options: { schedule?: TurnScheduler } = {}): TurnWriter {
  const schedule = options.schedule ?? endOfTurn;
  let pending: (string | Buffer)[] = [];
  let scheduled = false;
  let ended = false;
  const flush = (): void => {
    scheduled = false;
    if (pending.length === 0) return;
    const chunks = pending;
    pending = [];
    if (chunks.length === 1) target.write(chunks[0]);
    else if (chunks.every((c) => typeof c === 'string')) target.write(chunks.join(''));
    else target.write(Buffer.concat(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c))));
  };
  return {
    write(chunk) {
      if (ended || chunk.length === 0) return;
      pending.push(chunk);
      if (!scheduled) {
        scheduled = true;
        schedule(flush);
      }
    },
    end() {
      if (ended) return;
      flush();
      ended = true;
      target.end();
    },
  };
}
