/**
 * @module SPDY/3 header compression: each direction of a session is ONE zlib stream seeded with
 * the SPDY/3 dictionary, every header block ending in a sync flush (so the peer can inflate it
 * without waiting for more). Node's zlib is asynchronous, so both classes serialize their calls:
 * results come back in call order and the shared zlib state stays consistent.
 */
import { constants, createDeflate, createInflate, type Deflate, type Inflate } from 'node:zlib';
import { SPDY3_DICTIONARY } from './spdy-dictionary.js';

class Flusher {
  readonly #stream: Deflate | Inflate;
  #output: Buffer[] = [];
  #failure: Error | undefined;
  #tail: Promise<unknown> = Promise.resolve();
  /** Rejects the call in progress (zlib reports errors by event, and then never calls back). */
  #rejectCurrent: ((err: Error) => void) | undefined;

  constructor(stream: Deflate | Inflate) {
    this.#stream = stream;
    stream.on('data', (chunk: Buffer) => this.#output.push(chunk));
    stream.on('error', (err: Error) => {
      this.#failure = err;
      this.#rejectCurrent?.(err);
    });
  }

  run(input: Buffer): Promise<Buffer> {
    const result = this.#tail.then(
      () =>
        new Promise<Buffer>((resolve, reject) => {
          if (this.#failure) return reject(this.#failure);
          this.#rejectCurrent = reject;
          this.#stream.write(input);
          this.#stream.flush(constants.Z_SYNC_FLUSH, () => {
            this.#rejectCurrent = undefined;
            if (this.#failure) return reject(this.#failure);
            const out = Buffer.concat(this.#output);
            this.#output = [];
            resolve(out);
          });
        }),
    );
    this.#tail = result.catch(() => undefined);
    return result;
  }

  close(): void {
    this.#stream.destroy();
  }
}

/** Compresses the header blocks one side of a session sends. */
export class HeaderCompressor {
  readonly #flusher = new Flusher(createDeflate({ dictionary: SPDY3_DICTIONARY }));

  compress(block: Buffer): Promise<Buffer> {
    return this.#flusher.run(block);
  }

  close(): void {
    this.#flusher.close();
  }
}

/** Inflates the header blocks one side of a session receives. Rejects on corrupt input. */
export class HeaderDecompressor {
  readonly #flusher = new Flusher(createInflate({ dictionary: SPDY3_DICTIONARY }));

  decompress(compressed: Buffer): Promise<Buffer> {
    return this.#flusher.run(compressed);
  }

  close(): void {
    this.#flusher.close();
  }
}
