/**
 * @module The kubelet API's stream endpoints, installed on the agent's kubelet server:
 * `installStreams(kubelet, pods)` registers `/exec`, `/attach` and `/portForward` upgrade
 * handlers backed by the agent's pod access (which implements the three interfaces of
 * types.ts), and `/dial` (dial.ts: a TCP connection from the node's namespace, for the API
 * server's proxy subresources). Call it once at start-up; `close()` on the result drops open sessions.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { writeHttpResponse } from '../../apiserver/streams/raw-http.js';
import type { KubeletApi } from '../kubelet-server.js';
import { serveDial } from './dial.js';
import { KubeletStreams } from './kubelet-streams.js';
import type { ContainerAttacher, PodDialer, PodProcessSpawner } from './types.js';

export { KubeletStreams, parseStreamPath } from './kubelet-streams.js';
export { resizePty, wrapInPty } from './pty.js';
export * from './types.js';

export function installStreams(kubelet: KubeletApi, pods: PodProcessSpawner & ContainerAttacher & PodDialer): KubeletStreams {
  const streams = new KubeletStreams({ spawner: pods, attacher: pods, dialer: pods });
  const handler = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if (!streams.handleUpgrade(req, socket, head)) writeHttpResponse(socket, { status: 404, body: '404 page not found\n' });
  };
  for (const route of ['exec', 'attach', 'portForward'] as const) kubelet.onUpgrade(route, handler);
  kubelet.onUpgrade('dial', (req, socket, head) => serveDial(req, socket, head));
  return streams;
}
