/**
 * @module What the kubelet's stream endpoints need from the agent core: start a process inside
 * a container's context, reach a running container's stdio, dial a pod's port. The agent core
 * implements these three interfaces; the endpoints (exec.ts, attach.ts, port-forward.ts) only
 * move bytes. Lookups fail with the typed errors below, which become the kubelet's answers
 * before the upgrade (404 "pod does not exist", 500 `container not found ("x")`).
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import type { Duplex, Writable } from 'node:stream';
import type { TerminalSize } from '../../apiserver/streams/remote-command.js';

export type { TerminalSize } from '../../apiserver/streams/remote-command.js';

export interface PodRef {
  namespace: string;
  pod: string;
}

export interface ContainerRef extends PodRef {
  container: string;
}

/** This agent runs no pod of that name. */
export class PodNotFoundError extends Error {
  constructor(ref: PodRef) {
    super(`pod ${ref.namespace}/${ref.pod} does not exist`);
    this.name = 'PodNotFoundError';
  }
}

/**
 * The exec'd program cannot start (not found, not executable, no working directory): the
 * runtime's words, which the session reports as its failure Status, as the kubelet does.
 */
export class ExecStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExecStartError';
  }
}

/** The pod has no running container of that name. */
export class ContainerNotFoundError extends Error {
  readonly container: string;

  constructor(container: string) {
    super(`container not found ("${container}")`);
    this.name = 'ContainerNotFoundError';
    this.container = container;
  }
}

/** A host command line, as the agent would hand it to child_process.spawn. */
export interface HostCommand {
  file: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface SpawnOptions {
  /** The command as the user gave it (`kubectl exec -- ARGV`); the agent resolves argv[0] as the container's image resolves commands. */
  argv: string[];
  /**
   * When present, applied last to the complete host command (after namespace entry and image
   * resolution): the TTY wrapper of pty.ts, which must be outermost and is itself a host program.
   */
  wrap?: (command: HostCommand) => HostCommand;
}

/** Starts processes in a running container's context (its pod's namespaces, env, working dir). */
export interface PodProcessSpawner {
  /**
   * Starts `options.argv` with piped stdin/stdout/stderr. Throws PodNotFoundError or
   * ContainerNotFoundError at once when there is nothing to run in; a command that cannot be
   * started later reports through the child's 'error' event (ENOENT: not found).
   */
  spawn(ref: ContainerRef, options: SpawnOptions): ChildProcessWithoutNullStreams;
}

/** What `attach` reaches: the stdio of a running container's main process. */
export interface AttachableContainer {
  /** The container runs on a pseudo-terminal (spec.containers[].tty): output comes on stdout only. */
  readonly tty: boolean;
  /** Its stdin, kept open by the agent when spec.containers[].stdin is true; absent otherwise. */
  readonly stdin?: Writable;
  /** spec.containers[].stdinOnce: the first attached client's end of input closes the container's stdin. */
  readonly stdinOnce: boolean;
  /** Delivers output produced from now on; `exit` when the process ends. Returns the unsubscribe function. */
  subscribe(listener: AttachListener): () => void;
  /** Resizes its terminal (tty containers); pty.ts `resizePty` does it for a `script`-wrapped process. */
  resize?(size: TerminalSize): Promise<void> | void;
}

export interface AttachListener {
  output(stream: 'stdout' | 'stderr', chunk: Buffer): void;
  exit(): void;
}

export interface ContainerAttacher {
  /** The running container; throws PodNotFoundError or ContainerNotFoundError. */
  attach(ref: ContainerRef): AttachableContainer;
}

export interface PodDialer {
  /**
   * port-forward's dial: `localhost:port` as seen from inside the pod (its network namespace;
   * a server bound to the pod's 127.0.0.1 alone is reached), as containerd and CRI-O. Rejects
   * with PodNotFoundError for an unknown pod, or with an Error whose message says why the port
   * could not be reached (it reaches kubectl as "error forwarding port ...: <message>").
   */
  dial(ref: PodRef, port: number): Promise<{ socket: Duplex; podUID: string }>;
}
