/**
 * @module One container of a pod across its runs: starting a run (image, environment, launch),
 * its log file and live output, its probes, stopping it (stop signal, grace, SIGKILL), and its
 * ContainerStatus (state, lastState, ready, started, restartCount) as the kubelet reports it.
 * Decisions about *when* to start or restart belong to the pod worker.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, rmSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { TimerHandle } from '../client/index.js';
import { ContainerConfigError, containerEnv, expandArgs } from './container-env.js';
import { ContainerProcess, execArgv, giveFifos, makeFifos, exitCodeOf, resizeTerminal } from './container-process.js';
import { containerMounts, type ContainerMounts } from './volume-mounts.js';
import { CriLogWriter, openLogFile, type LogStream } from './cri-log.js';
import { startErrorOf, terminationMessage } from './container-checks.js';
import { ImagePullError, imageArgv, imageId, imageUid, parseImageRef, planImage, type ImagePlan } from './images.js';
import { containerLogPath, podDir } from './names.js';
import type { ExitInfo } from './exec.js';
import type { AttachableContainer, AttachListener, TerminalSize } from './streams/types.js';
import type { ContainerSpec, ContainerState, ContainerStatus, LifecycleHandler, Pod } from './pod-view.js';
import { runHook, type HookTarget } from './lifecycle-hooks.js';
import { ProbeLoop } from './probe-loop.js';
import { grpcProbe } from './probe-grpc.js';
import { execProbe, httpProbe, PROBE_USER_AGENT, resolvePort, tcpProbe, type ProbeKind, type ProbeOutcome } from './probes.js';
import type { RuntimeContext } from './runtime-context.js';
import { spawnCommand } from './exec.js';
import { waitListening } from './listening.js';
import { prepareNginx } from './nginx-files.js';
import { serviceEnvMap } from './service-env.js';
import { processIdentity, unknownCapabilities, verifyRunAsNonRoot, type ProcessIdentity } from './security-context.js';

/** The longest delay a Node timer takes. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** What the pod's sandbox gives its containers. */
export interface SandboxInfo {
  netns: string;
  /** A pool sandbox the native launcher enters and names `netns` (LaunchSpec.adoptNetns). */
  adoptNetns?: string;
  podIP: string;
  hostname: string;
  /** The /etc files; `fstab` binds them all at once (sandbox.ts writePodFiles). */
  etc: { hosts: string; resolvConf: string; hostname: string; fstab?: string };
  /** Volume name -> host directory. */
  volumes: Map<string, string>;
}

export interface Run {
  index: number;
  containerID: string;
  startedAt: string;
  startedMs: number;
  finishedAt?: string;
  finishedMs?: number;
  exitCode?: number;
  reason?: string;
  message?: string;
  logPath: string;
  /** The pod's address when it started (hooks' and probes' default host). */
  podIP: string;
  process?: ContainerProcess;
  env: Record<string, string>;
  workingDir: string;
  tty: boolean;
  listeners: Set<(stream: LogStream, chunk: Buffer) => void>;
  exited: Promise<ExitInfo>;
  /** Resolves once the program's process exists (start() sets it). */
  programStarted?: Promise<void>;
  /** The securityContext's user, groups and privileges, which exec and exec probes get too. */
  identity?: ProcessIdentity;
}

/** Why a start did not produce a running process. */
export type StartFailure = { kind: 'image'; message: string } | { kind: 'config'; message: string };

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

export class Container {
  readonly spec: ContainerSpec;
  readonly init: boolean;
  /** An ephemeral container (kubectl debug): started once, never ready, no probes. */
  readonly ephemeral: boolean;
  latest: Run | undefined;
  previous: Run | undefined;
  waiting: { reason: string; message?: string } | undefined = { reason: 'ContainerCreating' };
  ready = false;
  started = false;
  plan: ImagePlan | undefined;
  #probes: ProbeLoop[] = [];
  /** The run being stopped (stop()): a second stop runs no second preStop hook. */
  #stopping: Run | undefined;
  /** The run whose postStart hook runs: until it is done the status shows the container as before its start. */
  #postStarting: Run | undefined;
  /** The waiting state before that run's start (ContainerCreating, CrashLoopBackOff), shown meanwhile. */
  #waitingBefore: Container['waiting'];
  /** When this container's probe workers began (its first run's start, clock ms). */
  #probeEpoch: number | undefined;
  #ctx: RuntimeContext;
  #pod: () => Pod;
  #onChange: () => void;
  /** The host pid of a container's PID 1 by its name, while it runs (an ephemeral container's target). */
  #programOf: ((name: string) => number | undefined) | undefined;
  #mountWarned = new Set<string>();
  /** The first run's log directory made, its log file opened and its FIFOs made ahead (prepareAhead). */
  #ahead: { index: number; made: Promise<void>; fd: Promise<number>; fifos: Promise<string[]> | undefined; logPath: string } | undefined;

  constructor(spec: ContainerSpec, options: { init: boolean; ephemeral?: boolean; ctx: RuntimeContext; pod: () => Pod; onChange: () => void; programOf?: (name: string) => number | undefined }) {
    this.spec = spec;
    this.init = options.init;
    this.ephemeral = !!options.ephemeral;
    this.#programOf = options.programOf;
    this.#ctx = options.ctx;
    this.#pod = options.pod;
    this.#onChange = options.onChange;
  }

  /** A restartable init container (a sidecar: an init container with restartPolicy Always). */
  get restartable(): boolean {
    return this.init && this.spec.restartPolicy === 'Always';
  }

  /**
   * The pod as the reference of this container's events (GenerateContainerRef): the field path
   * `spec.containers{name}`, `spec.initContainers{name}` or `spec.ephemeralContainers{name}`.
   */
  ref(): Pod & { fieldPath: string } {
    const list = this.ephemeral ? 'ephemeralContainers' : this.init ? 'initContainers' : 'containers';
    return { ...this.#pod(), fieldPath: `spec.${list}{${this.spec.name}}` };
  }

  get running(): boolean {
    return !!this.latest && this.latest.finishedMs === undefined;
  }

  /**
   * The index of the first run this agent starts: after a restart of the agent (its pods'
   * processes were gone), the API's restartCount + 1, as after a node reboot.
   */
  firstIndex = 0;

  get restartCount(): number {
    return this.latest?.index ?? this.firstIndex;
  }

  /** An exec command as the image would run it (`/bin/sh` in busybox is busybox's). */
  execCommand(argv: string[]): string[] {
    return this.plan ? imageArgv(this.plan.kind, argv, this.#ctx.tools) : argv;
  }

  /**
   * Makes the first run's log directory, opens its log file and takes its stdout and stderr
   * FIFOs from the pool now, in the thread pool, while the pod waits for its start slot:
   * start() takes them instead of round trips inside the slot (on a busy machine, tens of
   * milliseconds each). Only before the first run. `dir`: the pod's directory being made
   * (pod-dirs.ts): the log directory waits for it, and is not made again when `dir` resolves
   * with this container's name (its directory and log file came with the pod's).
   */
  prepareAhead(dir?: Promise<string | undefined>): void {
    if (this.latest || this.#ahead) return;
    const pod = this.#pod();
    const index = this.firstIndex;
    const logPath = containerLogPath(this.#ctx.dataDir, { namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid }, this.spec.name, index);
    const made = (dir ?? Promise.resolve(undefined))
      .catch(() => undefined)
      .then((served) => (served === this.spec.name ? undefined : mkdir(dirname(logPath), { recursive: true }).then(() => undefined)));
    const fd = made.then(() => openLogFile(logPath));
    fd.catch(() => undefined);
    const fifos = this.#ctx.fifos?.take(2);
    fifos?.catch(() => undefined);
    this.#ahead = { index, made, fd, fifos, logPath };
  }

  /**
   * Closes what prepareAhead opened, when no run took it (the pod ends first); resolves once
   * nothing of it is pending (so that the pod's files can be removed after).
   */
  async discardAhead(): Promise<void> {
    const ahead = this.#ahead;
    this.#ahead = undefined;
    if (!ahead) return;
    await ahead.fd.then((fd) => closeSync(fd), () => undefined);
    const fifos = await ahead.fifos?.catch(() => undefined);
    if (fifos) await Promise.all(fifos.map((f) => rm(f, { force: true })));
  }

  /** Resolves the image; throws ImagePullError. */
  resolveImage(): ImagePlan {
    this.plan = planImage(this.spec, this.#ctx.tools);
    return this.plan;
  }

  /**
   * Starts run `index`. Resolves once the process is spawned (or the start failed as a run
   * that ended at once: StartError); programStarted() once it runs. Throws ContainerConfigError
   * for the environment.
   */
  async start(index: number, sandbox: SandboxInfo): Promise<void> {
    const ctx = this.#ctx;
    const pod = this.#pod();
    const targetPid = this.#targetPid();
    const plan = this.plan ?? this.resolveImage();
    const serviceEnv = serviceEnvMap(ctx.api.services(), { namespace: pod.metadata.namespace, enableServiceLinks: pod.spec.enableServiceLinks ?? true });
    const env = await containerEnv(this.spec, { pod, podIP: sandbox.podIP, hostIP: ctx.hostIP, serviceEnv, allocatable: ctx.allocatable, sources: ctx.api.envSources });
    // The kubelet's generateContainerConfig: runAsNonRoot is verified once the environment is made.
    const nonRoot = verifyRunAsNonRoot(pod, this.spec, imageUid(plan.kind));
    if (nonRoot) throw new ContainerConfigError(nonRoot);
    const identity = this.#identity(pod, plan);
    const expanded = planImage({ ...this.spec, command: expandArgs(this.spec.command, env), args: expandArgs(this.spec.args, env) }, ctx.tools);
    let argv = expanded.argv;
    const podRef = { namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid };
    if (expanded.nginx) argv = prepareNginx(ctx, podRef, this.spec.name, expanded.nginx.ports);
    const processEnv: Record<string, string> = { PATH: plan.path, HOSTNAME: sandbox.hostname };
    for (const [k, v] of env) processEnv[k] = v;
    processEnv.HOME ??= identity?.home ?? '/root';
    if (this.spec.tty) processEnv.TERM ??= 'xterm';
    const workingDir = this.spec.workingDir || '/';
    const { mounts, overlays, create } = this.#mounts(sandbox);
    // The image's accounts, so `id` and `ps` name users as in the image (the host's would name uid 1000).
    const accounts = identity?.imageEtc ? ctx.tools.busyboxEtc : undefined;
    if (accounts) mounts.push({ source: accounts.passwd, target: '/etc/passwd', readOnly: true }, { source: accounts.group, target: '/etc/group', readOnly: true });
    // The shell chain mounts the overlays' tmpfs on a directory of the pod (its namespace alone).
    const overlayScratch = overlays && !ctx.bin.launcher ? join(podDir(ctx.dataDir, podRef), '.overlays') : undefined;
    if (overlayScratch) mkdirSync(overlayScratch, { recursive: true });

    const now = ctx.clock.now();
    const logPath = containerLogPath(ctx.dataDir, podRef, this.spec.name, index);
    // Made and opened ahead for this run (prepareAhead), else now.
    let ahead = this.#ahead;
    if (ahead && ahead.index !== index) void this.discardAhead();
    ahead = this.#ahead;
    this.#ahead = undefined;
    if (ahead) await ahead.made.catch(() => mkdir(dirname(logPath), { recursive: true }));
    else await mkdir(dirname(logPath), { recursive: true });
    ctx.trace?.mark(pod, 'start-env');
    // The log file opens in the thread pool while the FIFOs are taken (or made).
    const opening = ahead ? ahead.fd.catch(() => openLogFile(logPath)) : openLogFile(logPath);
    let fifos: { stdout: string; stderr: string };
    try {
      const pool = ctx.fifos;
      if (pool) {
        const [stdout, stderr] = await (ahead?.fifos ?? pool.take(2)).catch(() => pool.take(2));
        fifos = { stdout, stderr };
      } else {
        fifos = { stdout: `${logPath}.stdout`, stderr: `${logPath}.stderr` };
        await makeFifos(fifos, { bin: ctx.bin, runner: ctx.runner });
      }
    } catch (err) {
      opening.then((fd) => closeSync(fd), () => undefined);
      throw err;
    }
    // Its stdio is its user's (runc's fixStdioPermissions): /dev/stdout opens as that user.
    if (identity?.setUser && identity.uid !== 0) giveFifos(fifos, identity.uid);
    const logFd = await opening;
    ctx.trace?.mark(pod, 'start-fifos');
    const run: Run = {
      index,
      containerID: randomBytes(32).toString('hex'),
      startedAt: iso(now),
      startedMs: now,
      logPath,
      podIP: sandbox.podIP,
      env: processEnv,
      workingDir,
      tty: !!this.spec.tty,
      listeners: new Set(),
      exited: Promise.resolve({ code: null, signal: null }),
      identity,
    };
    this.previous = this.latest;
    this.latest = run;
    const postStart = this.spec.lifecycle?.postStart;
    this.#postStarting = postStart ? run : undefined;
    this.#waitingBefore = this.waiting;
    this.waiting = undefined;
    this.ready = false;
    this.started = false;

    const startError = startErrorOf(argv, processEnv.PATH, workingDir);
    if (startError) {
      for (const f of [fifos.stdout, fifos.stderr]) rmSync(f, { force: true });
      const writer = new CriLogWriter(logPath, { fd: logFd });
      writer.close();
      this.#finish(run, { exitCode: 128, reason: 'StartError', message: startError });
      ctx.events.event(this.ref(), 'Warning', 'Failed', `Error: ${startError}`);
      return;
    }
    const writer = new CriLogWriter(logPath, { fd: logFd });
    const proc = new ContainerProcess({ baseDir: podDir(ctx.dataDir, podRef), fifos, netns: sandbox.netns, adoptNetns: sandbox.adoptNetns, hostname: sandbox.hostname, etc: sandbox.etc, mounts, overlays, create, overlayScratch, workingDir, env: processEnv, argv, tty: run.tty, stdin: !!this.spec.stdin, targetPid, identity }, { bin: ctx.bin, starter: ctx.starter });
    run.process = proc;
    const deliver = (stream: LogStream) => (chunk: Buffer) => {
      writer.write(stream, chunk);
      for (const l of run.listeners) l(stream, chunk);
    };
    proc.stdout.on('data', deliver('stdout'));
    proc.stderr.on('data', deliver('stderr'));
    run.exited = proc.exited.then((status) => {
      writer.close();
      const code = exitCodeOf(status);
      const setupFailed = status.code === 128 && status.runtimeMessage !== '';
      if (setupFailed) {
        const message = `failed to start container process: ${status.runtimeMessage}`;
        this.#finish(run, { exitCode: 128, reason: 'StartError', message });
        ctx.events.event(this.ref(), 'Warning', 'Failed', `Error: ${message}`);
      } else {
        this.#finish(run, { exitCode: code, reason: code === 0 ? 'Completed' : 'Error', message: terminationMessage(this.spec, run.logPath, code) });
      }
      return { code: status.signal ? null : code, signal: status.signal };
    });
    // Running is reported once the program's process exists (unshare has forked it), so that a
    // client attaching or exec'ing as soon as it sees Running finds it (kubectl run -it does):
    // the pod worker awaits programStarted() before it writes the status, outside its start slot.
    run.programStarted = (async () => {
      // The native launcher says when its program runs; the shell chain is polled.
      if (proc.programReady) await proc.programReady;
      else for (let i = 0; i < 250 && run.finishedMs === undefined && !proc.programPid(); i++) await new Promise<void>((r) => ctx.clock.setTimeout(r, 2));
      // The catalog nginx: Running (and, without a readiness probe, Ready) once its ports listen,
      // as the image's nginx does within milliseconds of its start; at most 2 s (listening.ts).
      const pid = proc.programPid();
      if (expanded.nginx?.ports.length && pid) {
        const ok = await waitListening(pid, expanded.nginx.ports, { clock: ctx.clock, timeoutMs: 2000, gone: () => run.finishedMs !== undefined });
        ctx.trace?.mark(pod, ok ? 'listening' : 'not-listening');
      }
      ctx.events.event(this.ref(), 'Normal', 'Created', `Created container: ${this.spec.name}`);
      ctx.events.event(this.ref(), 'Normal', 'Started', `Started container ${this.spec.name}`);
      if (postStart) await this.#postStart(run, postStart);
      // A run that already ended (a program that exits at once) gets no probes: nothing would stop them.
      if (run.finishedMs === undefined && this.latest === run) this.#startProbes(run, sandbox);
    })();
  }

  /**
   * Runs the postStart hook (kuberuntime startContainer, step 4), after the Started event: the
   * pod worker waits for it before it starts the next container or reports the status. On
   * failure: a FailedPostStartHook event, the container killed (Killing `FailedPostStartHook`,
   * the pod's grace period, its preStop hook), and the waiting state `PostStartHookError` with
   * the hook's message until the next start decides (restart or CrashLoopBackOff).
   */
  async #postStart(run: Run, handler: LifecycleHandler): Promise<void> {
    const pod = this.#pod();
    const ended = run.exited.then(() => undefined);
    const failure = await Promise.race([runHook(handler, this.#hookTarget(run)), ended]);
    if (this.#postStarting === run) this.#postStarting = undefined;
    if (failure === undefined || run.finishedMs !== undefined) return this.#onChange();
    const ctx = this.#ctx;
    ctx.events.event(this.ref(), 'Warning', 'FailedPostStartHook', 'PostStartHook failed');
    ctx.events.event(this.ref(), 'Normal', 'Killing', 'FailedPostStartHook');
    const grace = pod.metadata.deletionGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
    await this.stop(grace * 1000);
    if (this.latest === run) this.waiting = { reason: 'PostStartHookError', message: failure };
    this.#onChange();
  }

  #hookTarget(run: Run): HookTarget {
    const pod = this.#pod();
    return {
      container: this.spec.name,
      pod: `${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`,
      podIP: run.podIP,
      ports: this.spec.ports,
      clock: this.#ctx.clock,
      exec: (argv) => this.runInContainer(this.execCommand(argv), 0, run),
    };
  }

  /** The run's identity (security-context.ts); capability names runc does not know are logged as it warns, and ignored. */
  #identity(pod: Pod, plan: ImagePlan): ProcessIdentity | undefined {
    const caps = this.spec.securityContext?.capabilities;
    const unknown = caps && !this.spec.securityContext?.privileged ? unknownCapabilities(caps) : [];
    if (unknown.length) this.#ctx.log(`${pod.metadata.namespace}/${pod.metadata.name} ${this.spec.name}: ignoring unknown or unavailable capabilities: [${unknown.join(' ')}]`);
    return processIdentity(pod, this.spec, plan.kind === 'busybox' ? this.#ctx.tools.busyboxAccounts : undefined);
  }

  /**
   * The PID 1 of the container an ephemeral container targets (spec.targetContainerName), whose
   * PID namespace its run joins; undefined without a target. A target that does not run is a
   * ContainerConfigError (the pod worker tries again).
   */
  #targetPid(): number | undefined {
    const target = this.spec.targetContainerName;
    if (!target) return undefined;
    const pid = this.#programOf?.(target);
    if (!pid) throw new ContainerConfigError(`unable to find target container ${target}`);
    return pid;
  }

  /** The host pid of the running program (its PID 1), if it runs. */
  programPid(): number | undefined {
    const run = this.latest;
    return run && run.finishedMs === undefined ? run.process?.programPid() : undefined;
  }

  /** Resolves once the latest run's program runs (or it ended, or it never started). */
  programStarted(): Promise<void> {
    return this.latest?.programStarted ?? Promise.resolve();
  }

  /** Records a start that could not happen before any run (config or image errors). */
  fail(failure: StartFailure): void {
    this.waiting = { reason: failure.kind === 'image' ? 'ErrImagePull' : 'CreateContainerConfigError', message: failure.message };
  }

  #finish(run: Run, result: { exitCode: number; reason: string; message?: string }): void {
    const now = this.#ctx.clock.now();
    run.finishedMs = now;
    run.finishedAt = iso(now);
    run.exitCode = result.exitCode;
    run.reason = result.reason;
    if (result.message) run.message = result.message;
    if (this.latest === run) {
      this.ready = false;
      this.started = false;
      // A start the runtime refused waits as RunContainerError (the kubelet's reason cache,
      // ErrRunContainer) until the next start decides: a restart, or CrashLoopBackOff.
      if (result.reason === 'StartError') this.waiting = { reason: 'RunContainerError', message: result.message };
      for (const p of this.#probes) p.stop();
      this.#probes = [];
    }
    this.#onChange();
  }

  /** The run's volume mounts (volume-mounts.ts); a volume that cannot be mounted: one FailedMount event. */
  #mounts(sandbox: SandboxInfo): ContainerMounts {
    const ctx = this.#ctx;
    const planned = containerMounts(this.spec.volumeMounts ?? [], sandbox.volumes, { owned: [ctx.dataDir, ...(ctx.scratchDir ? [ctx.scratchDir] : [])], rootOverlay: !!ctx.bin.launcher });
    for (const [name, message] of planned.failed) {
      if (this.#mountWarned.has(name)) continue;
      this.#mountWarned.add(name);
      ctx.events.event(this.#pod(), 'Warning', 'FailedMount', message);
    }
    return planned;
  }

  #startProbes(run: Run, sandbox: SandboxInfo): void {
    const kinds: Array<[ProbeKind, ContainerSpec['readinessProbe']]> = [
      ['startup', this.spec.startupProbe],
      ['readiness', this.spec.readinessProbe],
      ['liveness', this.spec.livenessProbe],
    ];
    if (!this.spec.startupProbe) this.started = true;
    if (!this.spec.readinessProbe && this.started) this.ready = true;
    // The kubelet's probe workers outlive the container's runs: their ticks keep the first run's grid.
    this.#probeEpoch ??= run.startedMs;
    for (const [kind, probe] of kinds) {
      if (!probe) continue;
      const loop = new ProbeLoop({
        kind,
        probe,
        clock: this.#ctx.clock,
        startedAt: run.startedMs,
        epoch: this.#probeEpoch,
        started: () => this.started,
        check: (timeoutMs) => this.#check(probe, sandbox, run, timeoutMs),
        onEvent: (reason, message) => this.#ctx.events.event(this.ref(), 'Warning', reason, message),
        onResult: (ok) => this.#probeResult(kind, ok, run),
      });
      this.#probes.push(loop);
    }
    for (const p of this.#probes) p.start();
  }

  #probeResult(kind: ProbeKind, ok: boolean, run: Run): void {
    if (this.latest !== run || !this.running) return;
    if (kind === 'readiness') {
      this.ready = ok;
    } else if (kind === 'startup' && ok) {
      this.started = true;
      if (!this.spec.readinessProbe) this.ready = true;
      for (const p of this.#probes) if (p.kind === 'readiness') p.trigger();
    } else if (!ok) {
      const pod = this.#pod();
      this.#ctx.events.event(this.ref(), 'Normal', 'Killing', probeKillMessage(this.spec.name, kind, { sidecar: this.restartable, restartPolicy: pod.spec.restartPolicy }));
      const probe = kind === 'liveness' ? this.spec.livenessProbe : this.spec.startupProbe;
      // setTerminationGracePeriod: a deletion's grace first, then the probe's, then the pod's.
      const grace = pod.metadata.deletionGracePeriodSeconds ?? probe?.terminationGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
      void this.stop(grace * 1000);
    }
    this.#onChange();
  }

  async #check(probe: NonNullable<ContainerSpec['readinessProbe']>, sandbox: SandboxInfo, run: Run, timeoutMs: number): Promise<ProbeOutcome> {
    if (probe.httpGet) {
      const port = resolvePort(probe.httpGet.port, this.spec.ports);
      return httpProbe({ action: probe.httpGet, host: probe.httpGet.host || sandbox.podIP, port, timeoutMs, userAgent: PROBE_USER_AGENT });
    }
    if (probe.tcpSocket) {
      const port = resolvePort(probe.tcpSocket.port, this.spec.ports);
      return tcpProbe(probe.tcpSocket.host || sandbox.podIP, port, timeoutMs);
    }
    if (probe.exec) {
      const command = probe.exec.command ?? [];
      return execProbe(command, timeoutMs, (argv, ms) => this.runInContainer(this.execCommand(argv), ms, run));
    }
    if (probe.grpc) return grpcProbe({ host: sandbox.podIP, port: probe.grpc.port, service: probe.grpc.service ?? '', timeoutMs, userAgent: PROBE_USER_AGENT });
    return { ok: true, message: '' };
  }

  /**
   * Runs argv in the running container (exec probes, exec hooks): its stdout followed by its
   * stderr, as CRI ExecSync returns them; `error` when it does not run. A timeout of 0 is none.
   */
  async runInContainer(argv: string[], timeoutMs: number, run = this.latest): Promise<{ code: number | null; output: string; stderr: string; timedOut: boolean; error?: string }> {
    let pid = run?.process?.programPid();
    // Right after the start, unshare may not have forked the program yet.
    for (let i = 0; !pid && run && run.finishedMs === undefined && i < 100; i++) {
      await new Promise<void>((r) => this.#ctx.clock.setTimeout(r, 10));
      pid = run.process?.programPid();
    }
    if (!run || !pid || run.finishedMs !== undefined) return { code: null, output: '', stderr: '', timedOut: false, error: 'container is not running' };
    const child = spawnCommand(execArgv(pid, argv, { workingDir: run.workingDir, tty: false, identity: run.identity }, this.#ctx.bin), run.env);
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => stdout.push(c));
    child.stderr.on('data', (c: Buffer) => stderr.push(c));
    let timedOut = false;
    const timer: TimerHandle | undefined = timeoutMs > 0
      ? this.#ctx.clock.setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, timeoutMs)
      : undefined;
    const exit = await child.exited;
    if (timer) this.#ctx.clock.clearTimeout(timer);
    return { code: exit.code, output: Buffer.concat([...stdout, ...stderr]).toString(), stderr: Buffer.concat(stderr).toString(), timedOut };
  }

  /**
   * Stops the running run as killContainer does: the preStop hook (only with a grace period
   * above 0, for at most that long; a failure is a FailedPreStopHook event `PreStopHook failed`),
   * then the image's stop signal (once `beforeSignal` has settled too: the pod worker's wait
   * for the data plane) and SIGKILL after what is left of the grace period in whole seconds, at
   * least 2 s (minimumGracePeriodInSeconds). A second stop of the same run (a deletion while a
   * liveness kill waits) runs no second hook; it only brings the SIGKILL forward when its grace
   * is shorter. Resolves when the run has exited.
   */
  async stop(graceMs: number, options: { beforeSignal?: Promise<unknown> } = {}): Promise<void> {
    const run = this.latest;
    if (!run?.process || run.finishedMs !== undefined) return;
    const ctx = this.#ctx;
    const proc = run.process;
    // Liveness and startup probes end with the stop (upstream: on hold after their own failure,
    // ended quietly once the pod is being deleted); readiness goes on until the run ends.
    for (const p of this.#probes) if (p.kind !== 'readiness') p.stop();
    // A timer holds at most 2^31 - 1 ms (~24.8 days); a longer one fires at once (SIGKILL).
    const killIn = (ms: number): TimerHandle => ctx.clock.setTimeout(() => proc.signal('SIGKILL'), Math.min(ms, MAX_TIMER_MS));
    if (this.#stopping === run) {
      const timer = killIn(Math.max(graceMs, 2000));
      await run.exited;
      ctx.clock.clearTimeout(timer);
      return;
    }
    this.#stopping = run;
    let remainingMs = graceMs;
    const preStop = this.spec.lifecycle?.preStop;
    if (preStop && graceMs > 0) {
      const started = ctx.clock.now();
      const hook = runHook(preStop, this.#hookTarget(run)).then((failure) => {
        if (failure !== undefined) ctx.events.event(this.ref(), 'Warning', 'FailedPreStopHook', 'PreStopHook failed');
      });
      let timer: TimerHandle | undefined;
      await Promise.race([hook, run.exited, new Promise<void>((r) => (timer = ctx.clock.setTimeout(r, Math.min(graceMs, MAX_TIMER_MS))))]);
      if (timer) ctx.clock.clearTimeout(timer);
      remainingMs = graceMs - Math.floor((ctx.clock.now() - started) / 1000) * 1000;
    }
    const killTimer = killIn(Math.max(remainingMs, 2000));
    await options.beforeSignal;
    if (run.finishedMs === undefined) proc.signal(this.plan?.stopSignal ?? 'SIGTERM');
    await run.exited;
    ctx.clock.clearTimeout(killTimer);
  }

  /** The running run's stdio, for attach (undefined when it does not run). */
  attachable(): AttachableContainer | undefined {
    const run = this.latest;
    if (!run?.process || run.finishedMs !== undefined) return undefined;
    const proc = run.process;
    const bin = this.#ctx.bin;
    return {
      tty: run.tty,
      stdin: proc.stdin ?? undefined,
      stdinOnce: !!this.spec.stdinOnce,
      subscribe(listener: AttachListener): () => void {
        const forward = (stream: LogStream, chunk: Buffer): void => listener.output(stream, chunk);
        run.listeners.add(forward);
        let done = false;
        void run.exited.then(() => {
          if (!done && run.listeners.has(forward)) listener.exit();
        });
        return () => {
          done = true;
          run.listeners.delete(forward);
        };
      },
      async resize(size: TerminalSize): Promise<void> {
        const pid = proc.programPid();
        if (pid && run.tty) await resizeTerminal(bin, pid, size);
      },
    };
  }

  /**
   * The ContainerStatus the API shows. While a run's postStart hook runs, the container shows as
   * it did before that start (the kubelet writes no status while its sync waits for the hook):
   * waiting (ContainerCreating, or the back-off it was in), the previous run's restart count and
   * last state.
   */
  status(): ContainerStatus {
    const hooking = this.#postStarting !== undefined && this.#postStarting === this.latest && this.running;
    const latest = hooking ? this.previous : this.latest;
    const previous = hooking ? undefined : this.previous;
    const waiting = hooking ? (this.#waitingBefore ?? { reason: 'ContainerCreating' }) : this.waiting;
    const running = !!latest && latest.finishedMs === undefined;
    const image = this.plan?.ref.normalized ?? (this.spec.image ? parseImageRef(this.spec.image).normalized : '');
    const status: ContainerStatus = {
      name: this.spec.name,
      state: {},
      lastState: {},
      // A regular init container that completed is ready (the prober's UpdatePodStatus).
      ready: (this.ready && running && !this.ephemeral) || (this.init && !this.restartable && !waiting && latest?.exitCode === 0 && latest.finishedMs !== undefined),
      restartCount: latest?.index ?? this.firstIndex,
      image: waiting?.reason === 'ErrImagePull' || waiting?.reason === 'ImagePullBackOff' ? this.spec.image ?? '' : image,
      imageID: this.plan ? imageId(this.plan) : '',
    };
    // The kubelet's prober reports `started` for containers and init containers only.
    if (!this.ephemeral) status.started = this.started && running;
    if (latest) status.containerID = `kubito://${latest.containerID}`;
    // The user its process was given (the kubelet reports the runtime's, KEP-3619), where a securityContext set one.
    const id = latest?.identity;
    if (id?.setUser) status.user = { linux: { uid: id.uid, gid: id.gid, supplementalGroups: id.groups } };
    if (waiting) {
      status.state = { waiting: { ...waiting } };
      if (latest?.finishedMs !== undefined) status.lastState = terminated(latest);
    } else if (latest && latest.finishedMs === undefined) {
      status.state = { running: { startedAt: latest.startedAt } };
      if (previous?.finishedMs !== undefined) status.lastState = terminated(previous);
    } else if (latest) {
      status.state = terminated(latest);
      if (previous?.finishedMs !== undefined) status.lastState = terminated(previous);
    }
    return status;
  }
}

/**
 * The Killing event's message for a liveness or startup failure (computePodActions): a
 * sidecar's `Init container x failed liveness probe`; a container's `Container x failed
 * liveness probe`, with `, will be restarted` unless the pod's restartPolicy is Never.
 */
export function probeKillMessage(name: string, kind: 'liveness' | 'startup' | 'readiness', options: { sidecar: boolean; restartPolicy?: string }): string {
  if (options.sidecar) return `Init container ${name} failed ${kind} probe`;
  return `Container ${name} failed ${kind} probe${options.restartPolicy === 'Never' ? '' : ', will be restarted'}`;
}

function terminated(run: Run): ContainerState {
  const t: NonNullable<ContainerState['terminated']> = {
    exitCode: run.exitCode ?? 0,
    reason: run.reason,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    containerID: `kubito://${run.containerID}`,
  };
  if (run.message) t.message = run.message;
  return { terminated: t };
}

export { ContainerConfigError, ImagePullError };
