/**
 * @module The kubelet's `kubito.portforward.v1` endpoint: one WebSocket per forwarded TCP
 * connection, binary messages carrying the raw bytes both ways and an EMPTY binary message
 * meaning "no more bytes from me" (a TCP half-close). When one direction has finished, the other
 * gets a grace period (1 s, as containerd's port forwarder) and then both are closed, with
 * close code 1000. A pod port that cannot be reached closes with 1011 and the reason.
 */
import type { Duplex } from 'node:stream';
import { CloseCode, type WebSocketConnection } from '../../apiserver/streams/websocket.js';

/** How long the second direction may continue after the first has finished. */
export const HALF_CLOSE_GRACE_MS = 1_000;

/** Copies bytes between the WebSocket and the pod connection until both are done. */
export function servePortForwardConnection(ws: WebSocketConnection, options: { socket: Duplex; graceMs?: number }): void {
  const { socket } = options;
  let fromClientDone = false;
  let fromPodDone = false;
  let grace: NodeJS.Timeout | undefined;
  let closed = false;
  const closeAll = (code: number = CloseCode.normal, reason = ''): void => {
    if (closed) return;
    closed = true;
    if (grace) clearTimeout(grace);
    ws.close(code, reason);
    socket.destroy();
  };
  const directionDone = (): void => {
    if (fromClientDone && fromPodDone) return closeAll();
    if (!grace) {
      grace = setTimeout(() => closeAll(), options.graceMs ?? HALF_CLOSE_GRACE_MS);
      grace.unref();
    }
  };
  socket.on('data', (chunk: Buffer) => {
    if (!ws.send(chunk)) socket.pause();
  });
  ws.on('drain', () => socket.resume());
  socket.on('end', () => {
    if (fromPodDone) return;
    fromPodDone = true;
    ws.send(Buffer.alloc(0));
    directionDone();
  });
  socket.on('error', () => closeAll());
  socket.on('close', () => {
    if (!fromPodDone) {
      fromPodDone = true;
      ws.send(Buffer.alloc(0));
    }
    directionDone();
  });
  socket.on('drain', () => ws.resume());
  ws.on('message', (chunk, binary) => {
    if (!binary || fromClientDone) return;
    if (chunk.length === 0) {
      fromClientDone = true;
      if (!socket.writableEnded) socket.end();
      directionDone();
      return;
    }
    if (!socket.destroyed && !socket.write(chunk)) ws.pause();
  });
  ws.on('close', () => {
    closed = true;
    if (grace) clearTimeout(grace);
    socket.destroy();
  });
}
