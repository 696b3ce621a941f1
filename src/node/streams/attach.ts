/**
 * @module The kubelet's attach session over `v5.channel.k8s.io`: the container's output from now
 * on goes to channels 1 and 2 (1 only with a TTY), channel 0 feeds its stdin, resize messages
 * size its terminal. The session ends with Success when the container's process exits. With
 * stdinOnce, the client's end of input (or its leaving) closes the container's stdin, as
 * container runtimes do.
 */
import type { ChannelTransport } from '../../apiserver/streams/channels.js';
import { Channel, exitStatus, TerminalSizeReader, type StreamOptions } from '../../apiserver/streams/remote-command.js';
import { Resizer } from './resizer.js';
import type { AttachableContainer } from './types.js';

export function serveAttach(channels: ChannelTransport, session: { container: AttachableContainer; streams: StreamOptions }): void {
  const { container, streams: options } = session;
  let finished = false;
  const closeStdin = (): void => {
    if (container.stdinOnce && container.stdin && !container.stdin.writableEnded) container.stdin.end();
  };
  const unsubscribe = container.subscribe({
    output(stream, chunk) {
      if (finished) return;
      if (stream === 'stdout' && options.stdout) channels.write(Channel.stdout, chunk);
      else if (stream === 'stderr' && options.stderr) channels.write(Channel.stderr, chunk);
    },
    exit() {
      if (finished) return;
      finished = true;
      unsubscribe();
      channels.finish(Buffer.from(JSON.stringify(exitStatus(0))));
    },
  });
  const sizes = new TerminalSizeReader();
  const resizer = new Resizer((size) => container.resize?.(size));
  channels.on('data', (channel, chunk) => {
    if (channel === Channel.stdin && options.stdin) {
      if (container.stdin && !container.stdin.writableEnded) container.stdin.write(chunk);
    } else if (channel === Channel.resize && options.tty) {
      for (const size of sizes.push(chunk)) resizer.push(size);
    }
  });
  channels.on('eof', (channel) => {
    if (channel === Channel.stdin) closeStdin();
  });
  channels.on('close', () => {
    if (finished) return;
    finished = true;
    unsubscribe();
    if (options.stdin) closeStdin();
  });
}
