/**
 * @module What the kubelet API reaches pods through, over the pod workers: the stream
 * endpoints' spawner, attacher and dialer (`streams/types.ts`), and the log lookup for
 * /containerLogs, with the kubelet's refusals (pod does not exist, container not found,
 * waiting to start...).
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { spawn } from 'node:child_process';
import net from 'node:net';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { EXEC_PREFIX, startErrorOf } from './container-checks.js';
import { execArgv } from './container-process.js';
import type { Container } from './container.js';
import type { LogFile } from './container-logs.js';
import { findExecutable, type HostBinaries } from './host-tools.js';
import type { LogLookup } from './kubelet-server.js';
import { sandboxId } from './names.js';
import { dialLocalhost, NetnsClosedError, type PortForwardDialChoice } from './netns-dial.js';
import { PodAccessError, type ContainerRef, type PodRef } from './pod-access.js';
import type { PodWorker } from './pod-worker.js';
import {
  ContainerNotFoundError,
  ExecStartError,
  PodNotFoundError,
  type AttachableContainer,
  type ContainerAttacher,
  type ContainerRef as StreamContainerRef,
  type HostCommand,
  type PodDialer,
  type PodProcessSpawner,
  type PodRef as StreamPodRef,
  type SpawnOptions,
} from './streams/types.js';

export class RuntimePodAccess implements PodProcessSpawner, ContainerAttacher, PodDialer, LogLookup {
  #workers: (ref: PodRef) => PodWorker | undefined;
  #bin: HostBinaries;
  #portForward: PortForwardDialChoice;
  #netnsDir: string;

  /**
   * `portForward`: how `dial` reaches a pod's port (netns-dial.ts `choosePortForwardDial`; default
   * the pod's IP). `netnsDir`: where named network namespaces are (/run/netns).
   */
  constructor(options: { worker: (ref: PodRef) => PodWorker | undefined; bin: HostBinaries; portForward?: PortForwardDialChoice; netnsDir?: string }) {
    this.#workers = options.worker;
    this.#bin = options.bin;
    this.#portForward = options.portForward ?? { kind: 'pod-ip', reason: 'not asked' };
    this.#netnsDir = options.netnsDir ?? '/run/netns';
  }

  #running(ref: StreamContainerRef): Container {
    const w = this.#workers({ namespace: ref.namespace, name: ref.pod });
    if (!w) throw new PodNotFoundError(ref);
    const c = w.container(ref.container);
    if (!c || !c.running || !c.latest?.process?.programPid()) throw new ContainerNotFoundError(ref.container);
    return c;
  }

  /** exec: nsenter into the running container's namespaces, with its env and working dir. */
  spawn(ref: StreamContainerRef, options: SpawnOptions): ChildProcessWithoutNullStreams {
    const c = this.#running(ref);
    const run = c.latest!;
    const argv = c.execCommand(options.argv);
    // As runc would refuse it (containers run on the host's file system: the same lookup).
    const startError = startErrorOf(argv, run.env.PATH ?? '', run.workingDir, EXEC_PREFIX);
    if (startError) throw new ExecStartError(`failed to exec in container: failed to start exec "${randomBytes(32).toString('hex')}": ${startError}`);
    const [file, ...args] = execArgv(run.process!.programPid()!, argv, { workingDir: run.workingDir, tty: false, identity: run.identity }, this.#bin);
    let command: HostCommand = { file, args, env: { ...run.env } };
    if (options.wrap) command = options.wrap(command);
    // The wrapper is a host program: find it on the agent's PATH, not the container's.
    const program = command.file.includes('/') ? command.file : (findExecutable(command.file) ?? command.file);
    return spawn(program, command.args, { env: command.env, cwd: command.cwd, stdio: 'pipe', detached: true });
  }

  attach(ref: StreamContainerRef): AttachableContainer {
    const attachable = this.#running(ref).attachable();
    if (!attachable) throw new ContainerNotFoundError(ref.container);
    return attachable;
  }

  /**
   * port-forward: localhost:port inside the pod's network namespace, as containerd; a
   * hostNetwork pod's is the agent's own. With the pod-ip dial, dialPodIP.
   *
   * A warm pool sandbox is renamed for the pod at any moment (its first launcher binds the pod's
   * name, then the agent removes the pool's: launch.c `adopt_netns`, settleSandboxName), so the
   * names are not looked at first but entered, the pool's first, as the launcher does: where
   * one is gone (the dial's open says ENOENT) the next is, and a pool's name is gone only once
   * the pod's is there. No window between a check and an open.
   */
  async dial(ref: StreamPodRef, port: number): Promise<{ socket: Duplex; podUID: string }> {
    const mod = this.#portForward.module;
    if (this.#portForward.kind === 'pod-ip' || !mod) return this.dialPodIP(ref, port);
    const w = this.#workers({ namespace: ref.namespace, name: ref.pod });
    if (!w) throw new PodNotFoundError(ref);
    const sandbox = w.sandbox;
    if (!sandbox?.podIP) throw new Error(`pod ${ref.pod} has no IP address yet`);
    const uid = w.pod.metadata.uid;
    const dial = (netnsPath?: string): Promise<Duplex> => dialLocalhost(mod, { netnsPath, sandbox: sandboxId(uid), port });
    if (w.pod.spec.hostNetwork) return { socket: await dial(), podUID: uid };
    const names = [...new Set([sandbox.adoptNetns, sandbox.pooled?.poolNetns, sandbox.netns, sandbox.plan?.netns])].filter((n): n is string => !!n);
    for (const [i, name] of names.entries()) {
      try {
        return { socket: await dial(join(this.#netnsDir, name)), podUID: uid };
      } catch (err) {
        if (!(err instanceof NetnsClosedError) || i === names.length - 1) throw err;
      }
    }
    throw new NetnsClosedError(sandboxId(uid));
  }

  /** A connection from the node's network namespace to the pod's IP: port-forward's dial where the addon is missing or KUBITO_PORT_FORWARD_DIAL=pod-ip. */
  dialPodIP(ref: StreamPodRef, port: number): Promise<{ socket: Duplex; podUID: string }> {
    const w = this.#workers({ namespace: ref.namespace, name: ref.pod });
    if (!w) return Promise.reject(new PodNotFoundError(ref));
    const ip = w.sandbox?.podIP;
    if (!ip) return Promise.reject(new Error(`pod ${ref.pod} has no IP address yet`));
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: ip, port });
      socket.once('connect', () => resolve({ socket, podUID: w.pod.metadata.uid }));
      socket.once('error', (err: NodeJS.ErrnoException) => {
        const why = err.code === 'ECONNREFUSED' ? 'connect: connection refused' : err.message;
        reject(new Error(`failed to connect to ${ip}:${port} inside the pod's network namespace: dial tcp4 ${ip}:${port}: ${why}`));
      });
    });
  }

  containerLog(ref: ContainerRef, options: { previous: boolean }): LogFile {
    const w = this.#workers(ref);
    if (!w) throw new PodAccessError(404, `pod ${JSON.stringify(ref.name)} does not exist\n`);
    const c = w.container(ref.container);
    if (!c) throw new PodAccessError(404, `container ${JSON.stringify(ref.container)} not found in pod ${JSON.stringify(ref.name)}\n`);
    const latest = c.latest;
    let run = latest;
    if (options.previous) {
      // lastState: the run before a running one, or the last one while waiting to restart.
      run = latest && latest.finishedMs !== undefined && c.waiting ? latest : c.previous;
      if (!run) throw new PodAccessError(400, `previous terminated container "${ref.container}" in pod "${ref.name}" not found`);
    }
    if (!run) {
      const reason = c.waiting?.reason ?? 'ContainerCreating';
      // The kubelet's words for the common pull failures (kubelet_pods.go validateContainerLogStatus).
      const why = reason === 'ErrImagePull' ? "image can't be pulled" : reason === 'ImagePullBackOff' ? 'trying and failing to pull image' : reason;
      throw new PodAccessError(400, `container "${ref.container}" in pod "${ref.name}" is waiting to start: ${why}`);
    }
    const target = run;
    return { path: target.logPath, running: () => target.finishedMs === undefined };
  }
}
