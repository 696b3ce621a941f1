/**
 * @module The kubelet's exec session over `v5.channel.k8s.io`: stdin (channel 0) to the
 * process, its stdout and stderr to channels 1 and 2, resize messages (4) to its terminal, and
 * at the end the v4 Status on channel 3 (Success, or NonZeroExitCode with the ExitCode cause)
 * before the WebSocket closes. If the client goes away first the process is killed.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import type { ChannelTransport } from '../../apiserver/streams/channels.js';
import { Channel, exitStatus, failureStatus, signalExitCode, TerminalSizeReader, type StreamOptions } from '../../apiserver/streams/remote-command.js';
import { resizePty } from './pty.js';
import { Resizer } from './resizer.js';

/**
 * Kills the process and, when it leads its own process group (the agent spawns exec'd
 * processes detached), everything in that group.
 */
function killAll(child: ChildProcessWithoutNullStreams): void {
  try {
    if (child.pid) {
      process.kill(-child.pid, 'SIGKILL');
      return;
    }
  } catch {
    // not a group leader: kill the process alone
  }
  child.kill('SIGKILL');
}

function spawnFailure(argv0: string, err: NodeJS.ErrnoException): Record<string, unknown> {
  const why = err.code === 'ENOENT' ? `exec: "${argv0}": executable file not found in $PATH` : err.message;
  return failureStatus(`Internal error occurred: error executing command in container: ${why}`);
}

/** Runs one exec session until the process ends or the client leaves. */
export function serveExec(channels: ChannelTransport, session: { child: ChildProcessWithoutNullStreams; streams: StreamOptions; argv: readonly string[] }): void {
  const { child, streams: options } = session;
  let finished = false;
  const finish = (status: Record<string, unknown>): void => {
    if (finished) return;
    finished = true;
    channels.finish(Buffer.from(JSON.stringify(status)));
  };
  const pipeOut = (source: NodeJS.ReadableStream & { pause(): void; resume(): void }, channel: number, wanted: boolean): void => {
    source.on('data', (chunk: Buffer) => {
      if (wanted && !finished && !channels.write(channel, chunk)) source.pause();
    });
  };
  pipeOut(child.stdout, Channel.stdout, options.stdout);
  pipeOut(child.stderr, Channel.stderr, options.stderr);
  channels.on('drain', () => {
    child.stdout.resume();
    child.stderr.resume();
  });
  child.stdin.on('error', () => undefined);
  if (!options.stdin) child.stdin.end();

  const sizes = new TerminalSizeReader();
  const resizer = new Resizer((size) => (child.pid ? resizePty(child.pid, size) : undefined));
  channels.on('data', (channel, chunk) => {
    if (channel === Channel.stdin && options.stdin) {
      if (!child.stdin.writableEnded && !child.stdin.write(chunk)) {
        channels.pause();
        child.stdin.once('drain', () => channels.resume());
      }
    } else if (channel === Channel.resize && options.tty) {
      for (const size of sizes.push(chunk)) resizer.push(size);
    }
  });
  channels.on('eof', (channel) => {
    if (channel === Channel.stdin) child.stdin.end();
  });
  channels.on('close', () => {
    if (!finished && child.exitCode === null && child.signalCode === null) killAll(child);
    finished = true;
  });
  child.on('error', (err) => finish(spawnFailure(session.argv[0], err)));
  child.on('close', (code, signal) => {
    if (code === null && signal === null) return;
    finish(exitStatus(code ?? signalExitCode(signal!), session.argv));
  });
}
