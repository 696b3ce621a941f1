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
      let stopped = false;
      // As fast as the client takes it: each piece is written once the last has left (a
      // socket's 'drain'), so that a slow client never makes the server hold the whole answer,
      // and the TLS layer encrypts a piece at a time into buffers it reuses (all 9 MB of a
      // 10,000-Service list handed over at once cost the first answer on a connection ~5x the
      // CPU: its buffers grown and faulted in). Sinks without onDrain take everything at once.
      const pump = (): void => {
        try {
          for (let step = parts.rest.next(); !step.done; step = parts.rest.next()) {
            if (stopped) return;
            if (sink.write(step.value) === false && sink.onDrain) return sink.onDrain(pump);
          }
          sink.write(parts.closing);
        } catch {
          // Past the status line (see above).
        }
        sink.end();
      };
      if (sink.write(parts.first) === false && sink.onDrain) sink.onDrain(pump);
      else pump();
      return () => {
        stopped = true;
      };
    },
  };
}
