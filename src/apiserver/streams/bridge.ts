/**
 * @module Joins kubectl's end of an exec/attach session to the kubelet's: output channels flow
 * to kubectl, stdin and resize flow to the kubelet, end-of-data signals cross over, and the
 * kubelet's error-channel status becomes kubectl's. Back-pressure pauses the faster side.
 */
import type { ChannelTransport } from './channels.js';
import { Channel, failureStatus } from './remote-command.js';

/**
 * Runs the session until either side ends it. `translateStatus` rewrites the kubelet's final
 * status for kubectl (the WebSocket wire's translator words).
 */
export function bridgeChannels(client: ChannelTransport, kubelet: ChannelTransport, translateStatus: (status: Buffer) => Buffer = (s) => s): void {
  const status: Buffer[] = [];
  kubelet.on('data', (channel, chunk) => {
    if (channel === Channel.error) {
      status.push(chunk);
      return;
    }
    if (channel === Channel.stdout || channel === Channel.stderr) {
      if (!client.write(channel, chunk)) kubelet.pause();
    }
  });
  client.on('drain', () => kubelet.resume());
  kubelet.on('eof', (channel) => {
    if (channel === Channel.stdout || channel === Channel.stderr) client.closeChannel(channel);
  });
  kubelet.on('close', (reason) => {
    const body = status.length
      ? translateStatus(Buffer.concat(status))
      : Buffer.from(JSON.stringify(failureStatus(reason ? `error executing command in container: ${reason}` : 'the node agent ended the session without a status')));
    client.finish(body);
  });

  client.on('data', (channel, chunk) => {
    if (channel === Channel.stdin || channel === Channel.resize) {
      if (!kubelet.write(channel, chunk)) client.pause();
    }
  });
  kubelet.on('drain', () => client.resume());
  client.on('eof', (channel) => {
    if (channel === Channel.stdin) kubelet.closeChannel(channel);
  });
  client.on('close', () => kubelet.abort('client went away'));
}
