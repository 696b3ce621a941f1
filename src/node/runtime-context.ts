/**
 * @module What the runtime of one pod needs from the agent: settings, host programs, the API
 * (writes go through the client), events and time. One object, built by the agent, passed to
 * every pod worker; tests build it with fakes.
 */
import type { Clock } from '../client/index.js';
import type { KubeObject } from '../api/types.js';
import type { VolumeSources } from './volume-payload.js';
import type { EnvSources } from './container-env.js';
import type { DnsSettings } from './dns-config.js';
import type { HostBinaries } from './host-tools.js';
import type { HostTools } from './images.js';
import type { Cidr, Ipam } from './ipam.js';
import type { Pod, PodStatus, ServiceView } from './pod-view.js';
import type { Runner } from './runner.js';
import type { Slots } from './slots.js';
import type { FifoSource } from './fifo-pool.js';
import type { PodDirPool } from './pod-dirs.js';
import type { SandboxBatcher } from './sandbox-batch.js';
import type { SandboxPool } from './sandbox-pool.js';
import type { StartsInFlight } from './starts-in-flight.js';
import type { ProcessStarter } from './container-process.js';
import type { PodTracer } from './pod-trace.js';
import type { EventStamp } from '../controllers/events/recorder.js';

export interface EventSink {
  /** `at`: when it happened, if it is sent later (stamp()). */
  event(object: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, at?: EventStamp): void;
  /** Now, as an event recorded now would carry it (name and time); absent: events carry when they are sent. */
  stamp?(): EventStamp;
}

export interface PodApi {
  /** Writes the pod's status (merge patch of the status subresource). */
  patchStatus(pod: Pod, status: PodStatus): Promise<void>;
  /** The final delete, grace 0, precondition on the uid; NotFound is fine. */
  deletePod(pod: Pod): Promise<void>;
  /** Services as the informer has them, for the environment variables. */
  services(): ServiceView[];
  envSources: EnvSources;
  /**
   * What configMap, secret and projected volumes read in a namespace (objects as served, and
   * TokenRequests). Absent (tests): the env sources, and no tokens.
   */
  volumeSources?(namespace: string): VolumeSources;
}

export interface RuntimeContext {
  cluster: string;
  nodeName: string;
  dataDir: string;
  clusterDomain: string;
  dns: DnsSettings;
  cidr: Cidr;
  /** The node's address on the pod network (the bridge): status.hostIP. */
  hostIP: string;
  /** The node's own network namespace, for hostNetwork pods. */
  nodeNetns: string;
  runner: Runner;
  bin: HostBinaries;
  tools: HostTools;
  ipam: Ipam;
  clock: Clock;
  events: EventSink;
  api: PodApi;
  allocatable: { cpu: number; memory: number };
  /** Starts containers' launchers without the agent forking (its command helper); none: spawn. */
  starter?: ProcessStarter;
  /** Makes the node side of sandboxes for many pods at once; none: each pod its own. */
  sandboxes?: SandboxBatcher;
  /** Network sandboxes made ahead, taken by pods as they come; none: each pod makes its own. */
  pool?: SandboxPool;
  /** Containers' output FIFOs (a pool made ahead, used in place); none: one mkfifo per run, beside its log. */
  fifos?: FifoSource;
  /** Pods' directories made ahead (with a container's log directory and file), moved into place; none: made by each pod. */
  podDirs?: PodDirPool;
  /** Bounds the pods being set up at once (their first sandbox and starts); none: no bound. */
  starts?: Slots;
  /**
   * A directory on tmpfs living as long as the agent, for the pods' generated /etc files
   * (`<dir>/<uid>/etc/`); none: under each pod's directory.
   */
  scratchDir?: string;
  /** Pods being started, until their first sync is done (deferrable work waits for none). */
  inFlight?: StartsInFlight;
  /** The agent runs as root (nginx workers then run as root too). */
  asRoot: boolean;
  /** Per-pod phase timestamps (pod-trace.ts), when asked for. */
  trace?: PodTracer;
  /**
   * This node's data plane, once its proxy runs: resolves true once its rules no longer send new
   * connections to any of `ips` as a ready endpoint (at once when they never did), false after
   * `timeoutMs`. A deleted pod's containers get their stop signal after this (README.md,
   * "Termination and the data plane"); none: no wait.
   */
  drained?(ips: readonly string[], timeoutMs: number): Promise<boolean>;
  log(line: string): void;
}
