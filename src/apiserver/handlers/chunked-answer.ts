/**
 * @module A long answer written to the socket in pieces (chunked transfer encoding) as it is
 * made, instead of one body text: a list of thousands of items as one string is a flat copy of
 * every item's text, then a second copy behind the HTTP head, then its UTF-8 bytes, all held at
 * once; in pieces, each piece is encoded once and the TLS layer takes them as buffers. Upstream
 * streams long lists too (1.33's StreamingCollectionEncodingToJSON).
 */
import type { HandlerResponse, StreamSink } from '../http-types.js';
import { TABLE_CHUNK } from '../registry/rest-storage.js';
import { headersFor, type Scope } from './scope.js';

/** Lists longer than this are streamed in chunks of TABLE_CHUNK items (below it one body costs no more). */
export const STREAM_LISTS_ABOVE = 2 * TABLE_CHUNK;

/**
 * A 200 answer made of `first` (made before the answer starts, so that a failure in it is still
 * a Status) and then each text `rest` yields, then `closing`. A failure past the status line
 * ends the answer without `closing`: the client sees a truncated (invalid) document, never a
 * short one that looks whole.
 */
export function chunkedAnswer(scope: Scope, contentType: string, parts: { first: string; rest: Iterator<string | Buffer>; closing: string }): HandlerResponse {
  return {
    kind: 'stream',
    status: 200,
    contentType,
    headers: headersFor(scope),
    start(sink: StreamSink) {
      sink.write(parts.first);
      // All pieces in this turn: yielding between them would let other work in and lengthen
      // this answer.
      try {
        for (let step = parts.rest.next(); !step.done; step = parts.rest.next()) sink.write(step.value);
        sink.write(parts.closing);
      } catch {
        // Past the status line (see above).
      }
      sink.end();
      return () => undefined;
    },
  };
}
