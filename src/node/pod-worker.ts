/**
 * @module One pod on this node, from its sandbox to its final delete (the kubelet's pod worker):
 * `sync()` is serialized and idempotent; it makes the sandbox, runs init containers in order,
 * then keeps the app containers running as restartPolicy says (CrashLoopBackOff and
 * ImagePullBackOff on the kubelet's back-off), and writes the status when it changed. A pod
 * marked for deletion is stopped (stop signal, its grace period, SIGKILL), made terminal,
 * its sandbox removed, and deleted for good (grace 0, uid precondition). Ephemeral containers
 * (`kubectl debug`) added to the pod's spec while it runs are started once each in its sandbox,
 * never restarted, and count in neither its phase nor its readiness (ephemeral.ts).
 */
import type { TimerHandle } from '../client/index.js';
import { Backoff, goDuration } from './backoff.js';
import { Container, ContainerConfigError, ImagePullError, type Run } from './container.js';
import { VolumeSetupError } from './volume-payload.js';
import { discardPrepared, prepareSandbox, removePodFiles, settleSandboxName, setUpSandbox, tearDownSandbox, type Prepared, type Sandbox } from './pod-sandbox.js';
import { podDir } from './names.js';
import { podStatus } from './pod-status.js';
import type { ContainerStatus, Pod, PodStatus } from './pod-view.js';
import type { RuntimeContext } from './runtime-context.js';
import { ephemeralToStart, lostEphemeralStatus, ranBefore } from './ephemeral.js';

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

function shouldRestart(policy: string | undefined, exitCode: number | undefined): boolean {
  if (policy === 'Never') return false;
  if (policy === 'OnFailure') return exitCode !== 0;
  return true;
}

/**
 * Whether two versions of a pod differ in nothing a sync acts on (spec, deletion, labels,
 * annotations, and the conditions its readiness gates name: another controller sets those in the
 * status, and Ready must follow them — upstream's kubelet reconciles a status-only change when
 * NeedToReconcilePodReadiness holds).
 */
export function sameBeyondStatus(a: Pod, b: Pod): boolean {
  const ma = a.metadata;
  const mb = b.metadata;
  return ma.uid === mb.uid
    && ma.deletionTimestamp === mb.deletionTimestamp
    && ma.deletionGracePeriodSeconds === mb.deletionGracePeriodSeconds
    && JSON.stringify(ma.labels) === JSON.stringify(mb.labels)
    && JSON.stringify(ma.annotations) === JSON.stringify(mb.annotations)
    && JSON.stringify(a.spec) === JSON.stringify(b.spec)
    && sameGateConditions(a, b);
}

function sameGateConditions(a: Pod, b: Pod): boolean {
  const gates = b.spec.readinessGates ?? [];
  const statusOf = (pod: Pod, type: string): string | undefined => pod.status?.conditions?.find((c) => c.type === type)?.status;
  return gates.every((g) => statusOf(a, g.conditionType) === statusOf(b, g.conditionType));
}

export class PodWorker {
  #pod: Pod;
  readonly #ctx: RuntimeContext;
  readonly #inits: Container[];
  readonly #containers: Container[];
  /** Ephemeral containers, in the spec's order; more join as the pod gains them (update()). */
  readonly #ephemeral: Container[] = [];
  /** Ephemeral containers a previous agent ran (their last status in the API): not run again. */
  readonly #ephemeralBefore: Map<string, ContainerStatus>;
  #sandbox: Sandbox | undefined;
  /** What was made of the sandbox ahead (pod-sandbox.ts prepareSandbox), until the sandbox is. */
  #prepared: Promise<Prepared> | undefined;
  /** The pod's directory taken from the pool (pod-dirs.ts): the container it came with, if any. */
  #dirMade: Promise<string | undefined> | undefined;
  #startTime: string | undefined;
  #terminal = false;
  /** Every init container has completed (or, a sidecar, started) once: regular containers may run. */
  #initialized = false;
  #terminating: Promise<void> | undefined;
  #gone = false;
  #done = false;
  #running: Promise<void> | undefined;
  #again = false;
  #wake: TimerHandle | undefined;
  #wakeAt = Infinity;
  #published = '';
  /** Each container's last ended run a status write has shown (#unshownEnd). */
  #shownEnd = new Map<Container, Run>();
  #restartBackoff = new Backoff();
  #pullBackoff = new Backoff();
  #pullFailedAt = new Map<string, number>();
  #backoffReported = new Map<string, number>();
  readonly #onDone: () => void;
  /** Ends this pod's start in ctx.inFlight: after its first sync. */
  #startEnded: (() => void) | undefined;

  constructor(pod: Pod, ctx: RuntimeContext, options: { onDone: () => void }) {
    this.#pod = pod;
    this.#ctx = ctx;
    this.#onDone = options.onDone;
    ctx.trace?.mark(pod, 'seen');
    this.#startEnded = ctx.inFlight?.begin();
    this.#startTime = pod.status?.startTime;
    const make = (init: boolean) => (spec: Pod['spec']['containers'][number]) =>
      new Container(spec, { init, ctx, pod: () => this.#pod, onChange: () => this.requestSync() });
    this.#inits = (pod.spec.initContainers ?? []).map(make(true));
    this.#containers = pod.spec.containers.map(make(false));
    // With init containers, what has not run yet waits as PodInitializing (convertToAPIContainerStatuses).
    if (this.#inits.length) for (const c of [...this.#inits, ...this.#containers]) c.waiting = { reason: 'PodInitializing' };
    this.#ephemeralBefore = ranBefore(pod.status?.ephemeralContainerStatuses);
    this.#addEphemeral(pod);
    for (const [list, statuses] of [[this.#inits, pod.status?.initContainerStatuses], [this.#containers, pod.status?.containerStatuses]] as const) {
      for (const s of statuses ?? []) {
        const c = list.find((x) => x.spec.name === s.name);
        const ran = !!(s.state?.running || s.state?.terminated || s.lastState?.terminated);
        if (c && ran) c.firstIndex = s.restartCount + 1;
      }
    }
  }

  get pod(): Pod {
    return this.#pod;
  }

  get sandbox(): Sandbox | undefined {
    return this.#sandbox;
  }

  get done(): boolean {
    return this.#done;
  }

  container(name: string): Container | undefined {
    return this.#containers.find((c) => c.spec.name === name) ?? this.#inits.find((c) => c.spec.name === name) ?? this.#ephemeral.find((c) => c.spec.name === name);
  }

  /** Every container of the pod: init, regular, ephemeral. */
  #all(): Container[] {
    return [...this.#inits, ...this.#containers, ...this.#ephemeral];
  }

  /**
   * Takes the ephemeral containers of `pod` this worker does not have yet (the API only adds
   * them: pods/ephemeralcontainers). The running containers are left as they are.
   */
  #addEphemeral(pod: Pod): void {
    const known = new Set(this.#ephemeral.map((c) => c.spec.name));
    for (const spec of pod.spec.ephemeralContainers ?? []) {
      if (known.has(spec.name)) continue;
      known.add(spec.name);
      this.#ephemeral.push(new Container(spec, {
        init: false,
        ephemeral: true,
        ctx: this.#ctx,
        pod: () => this.#pod,
        onChange: () => this.requestSync(),
        programOf: (name) => (this.#containers.find((c) => c.spec.name === name) ?? this.#inits.find((c) => c.spec.name === name))?.programPid(),
      }));
    }
  }

  /**
   * A newer version of the pod from the API. One that differs from the last only in its status
   * (most often this worker's own status write, echoed by the watch) is kept but syncs nothing,
   * as upstream's pod config passes on no status-only change: a sync would build the status
   * again only to find it unchanged (a burst of 50 did that 50 times while pods still started).
   */
  update(pod: Pod): void {
    const old = this.#pod;
    this.#pod = pod;
    if (old !== pod && sameBeyondStatus(old, pod)) return;
    // A finished pod takes no more (the kubelet ignores updates to a terminal pod): no status
    // appears for an ephemeral container added to it.
    if (!this.#terminal) this.#addEphemeral(pod);
    this.requestSync();
  }

  /**
   * Posts the pod's status again even if unchanged here: someone else wrote over it (the node
   * lifecycle controller's MarkPodsNotReady while the node was Unknown). The kubelet's status
   * manager reconciles the API's status with its own every 10 s (needsReconcile); the agent
   * does it when its node is Ready again, the one time another writer's change is expected.
   */
  republish(): void {
    this.#published = '';
    this.requestSync();
  }

  /** The pod is gone from the API (force-deleted): stop everything, write nothing. */
  remove(): void {
    this.#gone = true;
    this.requestSync();
  }

  requestSync(): void {
    if (this.#done) return;
    this.#again = true;
    if (!this.#running) this.#running = this.#loop();
  }

  /** Resolves when no sync is running or queued (for tests and shutdown). */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  async #loop(): Promise<void> {
    try {
      while (this.#again && !this.#done) {
        this.#again = false;
        try {
          await this.#sync();
        } catch (err) {
          this.#ctx.log(`pod ${this.#pod.metadata.namespace}/${this.#pod.metadata.name}: ${err instanceof Error ? err.message : String(err)}`);
          this.#wakeIn(1000);
        }
        this.#startEnded?.();
      }
    } finally {
      this.#running = undefined;
    }
  }

  #wakeIn(ms: number): void {
    const at = this.#ctx.clock.now() + ms;
    if (this.#wake && this.#wakeAt <= at) return;
    if (this.#wake) this.#ctx.clock.clearTimeout(this.#wake);
    this.#wakeAt = at;
    this.#wake = this.#ctx.clock.setTimeout(() => {
      this.#wake = undefined;
      this.#wakeAt = Infinity;
      this.requestSync();
    }, ms);
  }

  async #sync(): Promise<void> {
    const ctx = this.#ctx;
    if (this.#pod.metadata.deletionTimestamp || this.#gone) {
      this.#terminating ??= this.#terminate();
      await this.#terminating;
      return;
    }
    this.#startTime ??= iso(ctx.clock.now());
    if (this.#terminal) return this.#publish();
    // A container that ended is shown so before anything is done about it (the kubelet writes the
    // status it found at the start of a sync): Error or Completed, then Running again or
    // CrashLoopBackOff.
    if (this.#sandbox && this.#unshownEnd()) await this.#publish();
    // A pod's first set-up (sandbox and first starts) takes one of the agent's start slots: a
    // burst of pods is started a few at a time, in order (slots.ts); its status is written
    // outside the slot. The node side of its network is made before, batched with the other
    // pods' (prepareSandbox).
    let prepared: Prepared = { kind: 'none' };
    if (!this.#sandbox) {
      // What the first set-up starts (the first init container, else the containers): their
      // log directories and files, made while the pod waits for its slot.
      const first = this.#inits.length ? this.#inits.slice(0, 1) : this.#containers;
      this.#dirMade ??= this.#takeDir(first[0]);
      for (const c of first) c.prepareAhead(this.#dirMade);
      prepared = await (this.#prepared ??= prepareSandbox(ctx, this.#pod));
      ctx.trace?.mark(this.#pod, `prepared-${prepared.kind}`);
    }
    // The slot is held until the programs run, not just until their launchers are handed over:
    // it bounds the launches in flight too, so a burst's pods finish more nearly in order (the
    // launches compete for the same two cores).
    const ran = this.#sandbox || !ctx.starts
      ? await this.#startContainers(prepared)
      : await ctx.starts.run(async () => {
          const ok = await this.#startContainers(prepared, true);
          if (ok) await Promise.all(this.#all().map((c) => c.programStarted()));
          return ok;
        });
    if (!ran) return this.#publish();
    await Promise.all(this.#all().map((c) => c.programStarted()));
    ctx.trace?.mark(this.#pod, 'program');
    // Its containers are in: a pool sandbox takes the pod's name before Running is reported, so
    // that whoever sees Running finds `kubito-<cluster>-p<uid>` (the bind was made meanwhile).
    if (this.#sandbox?.pooled) await settleSandboxName(ctx, this.#pod, this.#sandbox);
    // A pod whose containers are done stops its sidecars (Killing, their stop signal, the pod's
    // grace period), then reports its phase.
    if (this.#finished() && this.#inits.some((c) => c.restartable && c.running)) {
      const sidecars = this.#inits.filter((c) => c.restartable && c.running);
      for (const c of sidecars) ctx.events.event(c.ref(), 'Normal', 'Killing', `Stopping container ${c.spec.name}`);
      await this.#stopSidecars((this.#pod.spec.terminationGracePeriodSeconds ?? 30) * 1000);
    }
    const status = this.#status(false);
    if ((status.phase === 'Succeeded' || status.phase === 'Failed') && ![...this.#inits, ...this.#containers].some((c) => c.running)) {
      // A finished pod keeps its status and logs; its sandbox goes (the kubelet kills it too).
      // Its phase is written first; ephemeral containers still running in it are stopped as the
      // kubelet stops a terminal pod's containers: stop signal, the pod's grace period, SIGKILL.
      this.#terminal = true;
      await this.#publish();
      const graceMs = (this.#pod.spec.terminationGracePeriodSeconds ?? 30) * 1000;
      for (const c of this.#ephemeral) if (c.running) ctx.events.event(c.ref(), 'Normal', 'Killing', `Stopping container ${c.spec.name}`);
      await Promise.all(this.#ephemeral.map((c) => c.stop(graceMs)));
      await tearDownSandbox(ctx, this.#pod, this.#sandbox);
      this.#sandbox = undefined;
    }
    await this.#publish();
  }

  /** The pod's directory from the pool, with `first`'s log directory and file: its name when it came so. */
  async #takeDir(first: Container | undefined): Promise<string | undefined> {
    const pool = this.#ctx.podDirs;
    if (!pool || !first) return undefined;
    const { namespace, name, uid } = this.#pod.metadata;
    return (await pool.take(podDir(this.#ctx.dataDir, { namespace, name, uid }), first.spec.name, first.firstIndex)) ? first.spec.name : undefined;
  }

  /** Makes the sandbox if there is none, starts what should run; false when the sandbox failed. */
  async #startContainers(prepared: Prepared, first = false): Promise<boolean> {
    const ctx = this.#ctx;
    if (first) ctx.trace?.mark(this.#pod, 'slot');
    if (!this.#sandbox) {
      try {
        this.#sandbox = await setUpSandbox(ctx, this.#pod, { prepared, current: () => this.#pod });
        ctx.trace?.mark(this.#pod, 'sandbox');
        this.#prepared = undefined;
      } catch (err) {
        // The next try starts over (what was made ahead goes, and is made again).
        await this.#discardPrepared().catch(() => undefined);
        if (err instanceof VolumeSetupError) ctx.events.event(this.#pod, 'Warning', 'FailedMount', `MountVolume.SetUp failed for volume "${err.volume}" : ${err.message}`);
        else ctx.events.event(this.#pod, 'Warning', 'FailedCreatePodSandBox', `Failed to create pod sandbox: ${err instanceof Error ? err.message : String(err)}`);
        this.#wakeIn(5000);
        return false;
      }
    }
    // Init containers in order (computeInitContainerActions): a regular one must complete, a
    // sidecar (restartPolicy Always) must have started (its startup probe passed) before the
    // next. Once the pod is initialized, sidecars are restarted whenever they end, and no
    // longer hold anything up. Nothing restarts once the pod is done (#finished).
    const finished = this.#finished();
    let initsDone = true;
    for (const c of this.#inits) {
      if (c.restartable) {
        if (!c.running && !finished) await this.#start(c, 'Always');
        if (this.#initialized || c.started) continue;
        if (c.running) await c.programStarted();
        if (c.started) continue;
        initsDone = false;
        break;
      }
      if (this.#initialized || (c.latest && !c.running && c.latest.exitCode === 0)) continue;
      initsDone = false;
      if (!c.running) await this.#start(c, this.#pod.spec.restartPolicy === 'Always' ? 'OnFailure' : this.#pod.spec.restartPolicy);
      break;
    }
    if (initsDone) {
      this.#initialized = true;
      for (const c of this.#containers) if (!c.running) await this.#start(c, this.#pod.spec.restartPolicy);
    }
    // Ephemeral containers may start before the pod is initialized (as the kubelet's
    // computePodActions starts them); each runs once (restart policy Never).
    for (const c of ephemeralToStart(this.#ephemeral, this.#ephemeralBefore)) await this.#ensureRunning(c, 'Never');
    if (first) ctx.trace?.mark(this.#pod, 'spawned');
    return true;
  }

  /**
   * Starts `c` if it should run; a container with a postStart hook is waited for (its hook done)
   * before the next one starts, as the kubelet's SyncPod starts them one after another.
   */
  async #start(c: Container, policy: string | undefined): Promise<void> {
    await this.#ensureRunning(c, policy);
    if (c.spec.lifecycle?.postStart) await c.programStarted();
  }

  /**
   * Whether the pod is done and its sidecars are to stop (computePodActions' KillPod): every
   * container has run and ended for good under the restart policy, or a regular init container
   * failed under Never.
   */
  #finished(): boolean {
    const policy = this.#pod.spec.restartPolicy;
    if (policy === 'Never' && this.#inits.some((c) => !c.restartable && c.latest && !c.running && c.latest.exitCode !== 0)) return true;
    return this.#initialized && this.#containers.every((c) => c.latest && !c.running && !shouldRestart(policy, c.latest.exitCode));
  }

  /** Stops the running sidecars, the last one first (the kubelet's termination ordering), within one grace period. */
  async #stopSidecars(graceMs: number, options: { beforeSignal?: Promise<unknown> } = {}): Promise<void> {
    const deadline = this.#ctx.clock.now() + graceMs;
    for (const c of [...this.#inits].reverse()) {
      if (!c.restartable || !c.running) continue;
      await c.stop(Math.max(0, deadline - this.#ctx.clock.now()), options);
    }
  }

  async #ensureRunning(c: Container, policy: string | undefined): Promise<void> {
    const ctx = this.#ctx;
    const pod = this.#pod;
    const now = ctx.clock.now();
    const name = c.spec.name;
    const latest = c.latest;
    let index = c.firstIndex;
    if (latest) {
      if (!shouldRestart(policy, latest.exitCode)) {
        // Not restarted: no waiting reason (a PostStartHookError) hides how it ended.
        c.waiting = undefined;
        return;
      }
      if (this.#restartBackoff.isInBackOffSince(name, latest.finishedMs!, now)) {
        const delay = this.#restartBackoff.get(name);
        c.waiting = { reason: 'CrashLoopBackOff', message: `back-off ${goDuration(delay)} restarting failed container=${name} pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})` };
        if (this.#backoffReported.get(name) !== latest.finishedMs) {
          this.#backoffReported.set(name, latest.finishedMs!);
          ctx.events.event(c.ref(), 'Warning', 'BackOff', `Back-off restarting failed container ${name} in pod ${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`);
        }
        this.#wakeIn(this.#restartBackoff.remaining(name, latest.finishedMs!, now));
        return;
      }
      this.#restartBackoff.next(name, now);
      index = latest.index + 1;
    }
    const failedAt = this.#pullFailedAt.get(name);
    if (failedAt !== undefined && this.#pullBackoff.isInBackOffSince(name, failedAt, now)) {
      c.waiting = { reason: 'ImagePullBackOff', message: `Back-off pulling image "${c.spec.image ?? ''}"` };
      ctx.events.event(c.ref(), 'Normal', 'BackOff', `Back-off pulling image "${c.spec.image ?? ''}"`);
      this.#wakeIn(this.#pullBackoff.remaining(name, failedAt, now));
      return;
    }
    try {
      if (!c.plan) {
        if ((c.spec.imagePullPolicy ?? 'IfNotPresent') === 'Always') ctx.events.event(c.ref(), 'Normal', 'Pulling', `Pulling image "${c.spec.image ?? ''}"`);
        c.resolveImage();
        this.#pullFailedAt.delete(name);
        this.#pullBackoff.reset(name);
      }
      if ((c.spec.imagePullPolicy ?? 'IfNotPresent') === 'Always') {
        ctx.events.event(c.ref(), 'Normal', 'Pulled', `Successfully pulled image "${c.spec.image ?? ''}" in 0s (0s including waiting). Image size: 0 bytes.`);
      } else {
        ctx.events.event(c.ref(), 'Normal', 'Pulled', `Container image "${c.spec.image ?? ''}" already present on machine`);
      }
    } catch (err) {
      if (!(err instanceof ImagePullError)) throw err;
      this.#pullBackoff.next(name, now);
      this.#pullFailedAt.set(name, now);
      c.fail({ kind: 'image', message: err.message });
      ctx.events.event(c.ref(), 'Warning', 'Failed', err.message);
      ctx.events.event(c.ref(), 'Warning', 'Failed', 'Error: ErrImagePull');
      // Shown as ErrImagePull now, as ImagePullBackOff at the next sync, retried after the back-off.
      this.#wakeIn(1000);
      return;
    }
    try {
      await c.start(index, this.#sandbox!);
    } catch (err) {
      if (!(err instanceof ContainerConfigError)) throw err;
      c.fail({ kind: 'config', message: err.message });
      ctx.events.event(c.ref(), 'Warning', 'Failed', `Error: ${err.message}`);
      this.#wakeIn(5000);
    }
  }

  #status(terminal: boolean): PodStatus {
    return podStatus({
      pod: this.#pod,
      now: iso(this.#ctx.clock.now()),
      hostIP: this.#ctx.hostIP,
      podIP: this.#sandbox?.podIP ?? (this.#terminal ? this.#pod.status?.podIP : undefined),
      startTime: this.#startTime,
      sandboxReady: !!this.#sandbox,
      initContainerStatuses: this.#inits.map((c) => c.status()),
      containerStatuses: this.#containers.map((c) => c.status()),
      ephemeralContainerStatuses: this.#ephemeral.map((c) => {
        const before = this.#ephemeralBefore.get(c.spec.name);
        return before && !c.latest ? lostEphemeralStatus(before) : c.status();
      }),
      terminal: terminal || this.#terminal,
    });
  }

  /** Whether a container's run ended since the last status write. */
  #unshownEnd(): boolean {
    return [...this.#inits, ...this.#containers].some((c) => c.latest?.finishedMs !== undefined && this.#shownEnd.get(c) !== c.latest);
  }

  async #publish(terminal = false): Promise<void> {
    if (this.#gone) return;
    const status = this.#status(terminal);
    const text = JSON.stringify(status);
    for (const c of [...this.#inits, ...this.#containers]) if (c.latest?.finishedMs !== undefined) this.#shownEnd.set(c, c.latest);
    if (text === this.#published) return;
    this.#ctx.trace?.mark(this.#pod, `patch-${status.phase}`);
    await this.#ctx.api.patchStatus(this.#pod, status);
    this.#ctx.trace?.mark(this.#pod, `patched-${status.phase}`);
    this.#published = text;
    // Keep our view of the conditions so transition times carry over.
    this.#pod = { ...this.#pod, status: { ...this.#pod.status, ...status } };
  }

  async #terminate(): Promise<void> {
    const ctx = this.#ctx;
    if (this.#wake) ctx.clock.clearTimeout(this.#wake);
    const pod = this.#pod;
    const graceSeconds = this.#gone ? 0 : (pod.metadata.deletionGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30);
    const all = this.#all();
    for (const c of all) if (c.running) ctx.events.event(c.ref(), 'Normal', 'Killing', `Stopping container ${c.spec.name}`);
    ctx.trace?.mark(pod, 'terminate');
    const drained = this.#drained(graceSeconds * 1000);
    // Sidecars stop after the other containers have, the last one first (termination ordering).
    const graceMs = graceSeconds * 1000;
    const deadline = ctx.clock.now() + graceMs;
    await Promise.all(all.filter((c) => !c.restartable).map((c) => c.stop(graceMs, { beforeSignal: drained })));
    await this.#stopSidecars(Math.max(0, deadline - ctx.clock.now()), { beforeSignal: drained });
    ctx.trace?.mark(pod, 'stopped');
    await Promise.all(all.map((c) => c.discardAhead()));
    await this.#discardPrepared();
    await tearDownSandbox(ctx, pod, this.#sandbox);
    ctx.trace?.mark(pod, 'sandbox-removed');
    this.#sandbox = undefined;
    if (!this.#gone) {
      try {
        await this.#publish(true);
      } catch (err) {
        ctx.log(`pod ${pod.metadata.namespace}/${pod.metadata.name}: final status: ${err instanceof Error ? err.message : String(err)}`);
      }
      await ctx.api.deletePod(pod);
    }
    // A directory still being taken from the pool (its renames in flight) lands before it is removed.
    await this.#dirMade?.catch(() => undefined);
    removePodFiles(ctx, pod);
    this.#done = true;
    this.#onDone();
  }

  /**
   * Waits (at most half the grace the containers get, at most 5 s) until this node's proxy no
   * longer sends new connections to the pod's address: the stop signal comes after that, so a
   * program that closes its listeners on it (nginx) refuses no connection the rules still send
   * it. Upstream's kubelet signals at once and races kube-proxy (README.md, "Termination and
   * the data plane"). No wait for a pod without its own address, or with no grace.
   */
  async #drained(graceMs: number): Promise<void> {
    const ip = this.#sandbox?.podIP;
    if (!this.#ctx.drained || !ip || graceMs <= 0 || this.#pod.spec.hostNetwork) return;
    const timeoutMs = Math.min(5_000, Math.max(graceMs, 2_000) / 2);
    const ok = await this.#ctx.drained([ip], timeoutMs);
    this.#ctx.trace?.mark(this.#pod, ok ? 'drained' : 'drain-timeout');
  }

  /** A node side made ahead for a sandbox that was never made goes. */
  async #discardPrepared(): Promise<void> {
    const prepared = this.#prepared;
    this.#prepared = undefined;
    if (!this.#sandbox && prepared) await discardPrepared(this.#ctx, this.#pod, await prepared);
  }

  /** Agent shutdown: containers stopped (2 s grace), sandbox removed; the API keeps the pod. */
  async shutdown(): Promise<void> {
    this.#done = true;
    this.#startEnded?.();
    if (this.#wake) this.#ctx.clock.clearTimeout(this.#wake);
    await this.idle().catch(() => undefined);
    await Promise.all(this.#all().map((c) => c.stop(0)));
    await Promise.all(this.#all().map((c) => c.discardAhead()));
    await this.#discardPrepared();
    await tearDownSandbox(this.#ctx, this.#pod, this.#sandbox);
    this.#sandbox = undefined;
  }
}
