/**
 * @module A WebSocket seen as a plain byte stream, for the SPDY-in-WebSocket tunnel of
 * `kubectl port-forward` 1.31+ (client-go tunneling_connection.go): every binary message is a
 * slice of the SPDY byte stream, cut anywhere (the client sends one message per Write), so
 * reading concatenates them; each write becomes one binary message. Closing either side closes
 * the other.
 */
import { Duplex } from 'node:stream';
import { CloseCode, type WebSocketConnection } from './websocket.js';

export function websocketByteStream(ws: WebSocketConnection): Duplex {
  const stream = new Duplex({
    read() {
      ws.resume();
    },
    write(chunk: Buffer, _encoding, callback) {
      if (ws.send(chunk)) callback();
      else ws.once('drain', () => callback());
    },
    final(callback) {
      ws.close(CloseCode.normal);
      callback();
    },
    destroy(error, callback) {
      ws.close(CloseCode.normal);
      callback(error);
    },
  });
  ws.on('message', (data, binary) => {
    if (!binary) {
      ws.close(CloseCode.unsupportedData, 'the tunnel carries binary messages only');
      return;
    }
    if (data.length && !stream.push(data)) ws.pause();
  });
  ws.on('close', () => {
    stream.push(null);
    stream.destroy();
  });
  return stream;
}
