/**
 * @module The remote-command (exec/attach) channel protocol, independent of the wire: channel
 * numbers of `v5.channel.k8s.io` (also used for SPDY streams by their `streamtype`), the
 * protocol names to negotiate, the v4/v5 Status written on the error channel (so kubectl exits
 * with the command's code), and the resize messages. K/K
 * staging/src/k8s.io/apimachinery/pkg/util/remotecommand/constants.go and
 * pkg/kubelet/cri/streaming/remotecommand/exec.go.
 */
import { constants } from 'node:os';

export const Channel = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;

/** The WebSocket subprotocol kubectl 1.30+ offers for exec/attach (and the kubelet API speaks). */
export const WS_V5 = 'v5.channel.k8s.io';
/** SPDY `X-Stream-Protocol-Version`s this server speaks; v5 is v4 on SPDY (CLOSE is WebSocket-only). */
export const SPDY_REMOTE_COMMAND_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
/** The port-forward protocol over SPDY (`X-Stream-Protocol-Version`). */
export const SPDY_PORT_FORWARD_PROTOCOL = 'portforward.k8s.io';
/** The WebSocket subprotocol of the SPDY-in-WebSocket tunnel kubectl 1.31+ uses for port-forward. */
export const WS_PORT_FORWARD_TUNNEL = 'SPDY/3.1+portforward.k8s.io';

/** SPDY stream types (the `streamtype` header) by channel. */
export const STREAM_TYPES: Record<string, number> = { error: Channel.error, stdin: Channel.stdin, stdout: Channel.stdout, stderr: Channel.stderr, resize: Channel.resize };

export interface StreamOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

function truthy(value: string | null): boolean {
  return value === '1' || value?.toLowerCase() === 'true';
}

/**
 * The streams a request asks for (`stdin=true|1`, ...). With a TTY stderr is dropped (the
 * terminal merges it into stdout), as the kubelet does. Throws if none is asked for.
 */
export function streamOptions(query: URLSearchParams): StreamOptions {
  const tty = truthy(query.get('tty'));
  const options = { stdin: truthy(query.get('stdin')), stdout: truthy(query.get('stdout')), stderr: truthy(query.get('stderr')) && !tty, tty };
  if (!options.stdin && !options.stdout && !options.stderr) throw new RangeError('you must specify at least 1 of stdin, stdout, stderr');
  return options;
}

/** The SPDY streams a client will open for these options (the error stream always). */
export function expectedStreamTypes(options: StreamOptions): string[] {
  return ['error', ...(options.stdin ? ['stdin'] : []), ...(options.stdout ? ['stdout'] : []), ...(options.stderr ? ['stderr'] : []), ...(options.tty ? ['resize'] : [])];
}

/** The first protocol in the client's order that the server speaks (httpstream.Handshake). */
export function negotiateProtocol(offered: string[], supported: string[]): string | undefined {
  return offered.find((p) => supported.includes(p));
}

/**
 * The error-channel Status of a finished command: Success, or NonZeroExitCode with its ExitCode
 * cause and the kubelet's message around containerd's CodeExitError, which names the command
 * as Go prints a []string (`error executing command [sh -c exit 3], exit code 3`).
 */
export function exitStatus(exitCode: number, command: readonly string[] = []): Record<string, unknown> {
  if (exitCode === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}

/**
 * The status kube-apiserver's stream translator (WebSocket clients, 1.30+) writes for the
 * kubelet's: its SPDY client decodes a NonZeroExitCode status into "command terminated with exit
 * code N" and codeExitToStatusError wraps that again. Any other status passes as it is.
 */
export function translatedStatus(body: Buffer): Buffer {
  let status: { status?: string; reason?: string; details?: { causes?: { reason?: string; message?: string }[] } };
  try {
    status = JSON.parse(body.toString('utf8'));
  } catch {
    return body;
  }
  if (status.status !== 'Failure' || status.reason !== 'NonZeroExitCode') return body;
  const code = status.details?.causes?.find((c) => c.reason === 'ExitCode')?.message;
  if (code === undefined || !/^\d+$/.test(code)) return body;
  const translated = exitStatus(Number(code));
  translated.message = `command terminated with non-zero exit code: command terminated with exit code ${code}`;
  return Buffer.from(JSON.stringify(translated));
}

/** The exit code a shell (and a container runtime) reports for a process ended by a signal: 128 + its number. */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}

/** An error-channel Status for a failure that is not an exit code (kubectl prints the message, exits 1). */
export function failureStatus(message: string, options: { code?: number; reason?: string } = {}): Record<string, unknown> {
  return { metadata: {}, status: 'Failure', message, reason: options.reason ?? 'InternalError', code: options.code ?? 500 };
}

export interface TerminalSize {
  width: number;
  height: number;
}

/**
 * Reads resize messages, JSON objects `{"Width":W,"Height":H}` one after another (newline
 * separated on SPDY, one per message on WebSocket). Incomplete input waits for more; garbage
 * is dropped.
 */
export class TerminalSizeReader {
  #pending = '';

  push(chunk: Buffer | string): TerminalSize[] {
    this.#pending += chunk.toString();
    const sizes: TerminalSize[] = [];
    for (;;) {
      const start = this.#pending.indexOf('{');
      if (start < 0) {
        this.#pending = '';
        return sizes;
      }
      const end = this.#pending.indexOf('}', start);
      if (end < 0) {
        this.#pending = this.#pending.slice(start);
        return sizes;
      }
      const text = this.#pending.slice(start, end + 1);
      this.#pending = this.#pending.slice(end + 1);
      try {
        const value = JSON.parse(text) as { Width?: unknown; Height?: unknown };
        const width = Number(value.Width);
        const height = Number(value.Height);
        if (Number.isInteger(width) && Number.isInteger(height) && width >= 0 && height >= 0 && width < 65536 && height < 65536) sizes.push({ width, height });
      } catch {
        // not JSON: skip it
      }
    }
  }
}

/** Frames a v5 channel message: the channel byte, then the data. */
export function channelMessage(channel: number, data: Buffer | string): Buffer {
  const payload = typeof data === 'string' ? Buffer.from(data) : data;
  const out = Buffer.allocUnsafe(1 + payload.length);
  out[0] = channel;
  payload.copy(out, 1);
  return out;
}

/** The v5 CLOSE signal for a channel (`[255, channel]`). */
export function closeMessage(channel: number): Buffer {
  return Buffer.from([Channel.close, channel]);
}
