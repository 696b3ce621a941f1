/**
 * @module The node agent: registers the Node (and its Lease), watches the pods bound to it and
 * runs one PodWorker per pod, schedules unbound pods to itself (single-node scheduler), and
 * serves the kubelet API on kubelet.sock (logs here, exec/attach/port-forward by
 * src/node/streams/). Everything it knows of the cluster comes through the client.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { isConflict, isNotFound } from '../api/errors.js';
import { Client, InformerFactory, resourcePath, WorkQueue, objectKey, runWorkers, splitKey, type Clock, type Informer } from '../client/index.js';
import { ClientEventRecorder } from '../controllers/events/recorder.js';
import { EventsV1Recorder } from '../controllers/events/events-v1-recorder.js';
import { relaySocketPath as dnsRelaySocketPath, startClusterDns, type ClusterDns } from '../dns/cluster-dns.js';
import { CLUSTER_DNS_PORTS } from '../dns/ports.js';
import { prepareHostTools } from './agent-tools.js';
import { publicToolsDir } from './names.js';
import { ApiRelay, apiEndpointPort } from './api-relay.js';
import { CONFIGMAPS, ENDPOINTS, NODES, PODS, SECRETS, SERVICEACCOUNTS, SERVICES } from './api-refs.js';
import { parseResolvConf, type DnsConfig } from './dns-config.js';
import { findHostBinaries } from './host-tools.js';
import { chooseLauncher } from './native-launcher.js';
import { gatewayOf, Ipam, parseCidr } from './ipam.js';
import { KubeletServer } from './kubelet-server.js';
import { apiTlsSocket, kubeletSocket, nodeNetns, runDir } from './names.js';
import { choosePortForwardDial } from './netns-dial.js';
import { nodeFacts } from './node-facts.js';
import { nodeLabels } from './node-object.js';
import { nodeEventRef, NodeRegistration } from './node-registration.js';
import { RuntimePodAccess } from './pod-access-runtime.js';
import type { KubeObject } from '../api/types.js';

import type { Pod, PodStatus, ServiceView } from './pod-view.js';
import { PodWorker } from './pod-worker.js';
import type { Runner } from './runner.js';
import type { ProcessStarter } from './container-process.js';
import type { RuntimeContext } from './runtime-context.js';
import { admitPod } from './admission.js';
import { placementChanged, Scheduler, SCHEDULER_ACTIONS, wantsScheduling, type SchedulingNode } from './scheduler.js';
import { isMirrorPod } from './mirror-pods.js';
import { StaticPods, vipHasReadyEndpoint, withStaticPods } from './static-pods.js';
import { Slots, startSlotsFromEnv } from './slots.js';
import { StartsInFlight } from './starts-in-flight.js';
import { FifoPool } from './fifo-pool.js';
import { PodDirPool } from './pod-dirs.js';
import { SandboxBatcher } from './sandbox-batch.js';
import { SandboxPool } from './sandbox-pool.js';
import { HeldEvents } from './held-events.js';
import { podTracerFromEnv } from './pod-trace.js';
import { TracedTransport } from './request-trace.js';
import { isBinding, PriorityTransport, type RequestOrder } from './api-priority.js';
import { reapHostNetworkContainers, reapPodSandboxes, removeOrphanPodDirs } from './stale-state.js';
import { installStreams, type KubeletStreams } from './streams/index.js';
import { routesNewConnectionsTo } from '../proxy/drain.js';
import { nodeProxyConfig, startNodeProxy, type NodeProxy } from '../proxy/start.js';
import { relaySocketPath } from '../proxy/relay/protocol.js';
import { helperCommandRunner } from '../proxy/runner.js';
import { startRelayServer, type RelayServer } from '../proxy/relay/server.js';
import { serveHandedListeners, type HandedListeners } from '../hostports/handed-listeners.js';
import { UserspaceBackend } from '../proxy/userspace/index.js';
import { startPortMap } from '../portmap/start.js';
import type { PortMap } from '../portmap/controller.js';

/** The Ready condition's status of a Node. */
function readyStatus(node: KubeObject): string | undefined {
  return (node as { status?: { conditions?: Array<{ type: string; status: string }> } }).status?.conditions?.find((c) => c.type === 'Ready')?.status;
}

/**
 * Pods set up at once (sandbox, first container starts, until their programs run): enough to
 * keep two cores busy while one waits on the kernel or the API, few enough that a burst
 * finishes in order (slots.ts). 9 since a slot is held until the programs run (before, 6 ended
 * once the launcher was handed to the command helper): burst of 50, 7-12 rounds alternating
 * (load 0.5-7), p50 medians 372 ms (6, released at spawn) / 311 (6 held) / 280 (9 held), p99
 * 483 / 543 / 442 ms. Earlier: 3 / 6 / 12 slots released at spawn, p50 742 / 646 / 817 ms.
 */
const START_SLOTS = 9;

/**
 * Bindings in flight at once: each is one API round trip, and a burst's pods wait for theirs
 * in line (with 4, a burst of 50 waited up to 400 ms on a busy machine).
 */
const SCHEDULER_WORKERS = 16;

export interface AgentOptions {
  cluster: string;
  dataDir: string;
  nodeName: string;
  podCIDR: string;
  clusterDNS: string[];
  clusterDomain: string;
  client: Client;
  runner: Runner;
  clock: Clock;
  log(line: string): void;
  /** The --resolv-conf file for dnsPolicy Default (and ClusterFirst's host search list). */
  resolvConf?: string;
  /** The data plane (`--proxy-mode`); default nftables. */
  proxyMode?: 'nftables' | 'iptables' | 'userspace';
  clusterCIDR?: string;
  /** The proxy's burst sync period (`--min-sync-period`); undefined: its default. */
  burstSyncPeriodMs?: number;
  /** Starts containers' launchers (the command helper); default: the agent spawns them. */
  starter?: ProcessStarter;
  /** Where the pods' generated /etc files go (tmpfs, the agent's lifetime); default the pod dirs. */
  scratchDir?: string;
  /** Network sandboxes kept made ahead (`--sandbox-pool`, sandbox-pool.ts); default 0: none. */
  sandboxPool?: number;
  /**
   * The order of API requests waiting for one of the client's `limit` connections
   * (api-priority.ts); undefined: as they were made.
   */
  apiOrder?: { limit: number; order: RequestOrder };
}

function readResolvConf(path: string): DnsConfig | undefined {
  try {
    return parseResolvConf(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

function decodeSecret(data: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(data ?? {})) out[k] = Buffer.from(v, 'base64').toString('utf8');
  return out;
}

export class NodeAgent {
  readonly #o: AgentOptions;
  #ctx!: RuntimeContext;
  #workers = new Map<string, PodWorker>();
  #informers!: InformerFactory;
  #registration!: NodeRegistration;
  #kubelet!: KubeletServer;
  #streams!: KubeletStreams;
  #queue = new WorkQueue<string>();
  #schedulerDone: Promise<void> | undefined;
  #pods!: Informer<Pod>;
  #nodes: Informer<KubeObject> | undefined;
  /** Pods the kubelet's admission refused, by uid (their Failed status may not be back yet). */
  readonly #rejected = new Set<string>();
  /** Pods waiting to be bound, by uid: each a start in flight until its worker begins (#scheduling). */
  #scheduling = new Map<string, () => void>();
  #scheduler: Scheduler | undefined;
  #proxy: NodeProxy | undefined;
  /** Pods' hostPorts as DNAT rules in the node namespace (src/portmap). */
  #portMap: PortMap | undefined;
  #relay: RelayServer | undefined;
  #handed: HandedListeners | undefined;
  #dns: ClusterDns | undefined;
  #apiRelay: ApiRelay | undefined;
  #statics: StaticPods | undefined;

  constructor(options: AgentOptions) {
    this.#o = options;
  }

  /** Starts everything; resolves once the Node is registered and the pod caches have synced. */
  async start(): Promise<void> {
    const o = this.#o;
    const bin = findHostBinaries();
    // The native launcher when built (KUBITO_LAUNCHER=native|shell forces one): native-launcher.ts.
    const launcher = chooseLauncher(process.env);
    if (launcher.kind === 'native') bin.launcher = launcher.path;
    o.log(`container launcher: ${launcher.kind} (${launcher.reason})`);
    const tools = prepareHostTools(o.dataDir, bin, { publicDir: publicToolsDir(o.cluster) });
    const cidr = parseCidr(o.podCIDR);
    const hostIP = gatewayOf(cidr);
    const facts = nodeFacts(o.dataDir);
    const slots = startSlotsFromEnv(process.env, START_SLOTS);
    const starts = new Slots(slots);
    // Requests waiting for a connection: status writes first, then bindings, then Events; a
    // binding goes with the status writes while fewer bound pods than slots wait for a slot
    // (the starts would run dry).
    let transport = o.apiOrder ? new PriorityTransport(o.client.transport, { ...o.apiOrder, urgent: (req) => isBinding(req) && starts.waiting < slots }) : o.client.transport;
    // With a pod trace, the API requests are in it too (request-trace.ts).
    const trace = podTracerFromEnv();
    if (trace) transport = new TracedTransport(transport, trace);
    const client = transport === o.client.transport ? o.client : new Client(transport);
    // Events and the warm pool's refills wait for the pods being started (starts-in-flight.ts).
    const inFlight = new StartsInFlight();
    // Containers' output FIFOs, made ahead (fifo-pool.ts): 128 at a time (64 containers), so that
    // a burst of 50 pods (100 FIFOs) does not run out and make its own inside its start slots.
    // On tmpfs (the command helper's directory) when there is one: FIFOs are used where the pool
    // made them, and a new inode on the data disk costs ≈ 0.4 ms of kernel CPU. 256 at a time
    // (128 containers), refilled once no pod is starting: a burst of 50 (100 FIFOs) makes none.
    const fifoDir = o.scratchDir ? join(dirname(o.scratchDir), 'fifos') : join(runDir(o.dataDir), 'fifos');
    const fifos = new FifoPool(fifoDir, { runner: o.runner, mkfifo: bin.mkfifo, batch: 256, quiet: inFlight });
    // Pods' directories (with a log directory and file) made ahead on the data disk (pod-dirs.ts).
    const podDirs = new PodDirPool(join(runDir(o.dataDir), 'pod-dirs'), { size: 64, quiet: inFlight });
    // As the kubelet's recorder: EventSource{Component: kubelet, Host: <node>}.
    const events = new HeldEvents(new ClientEventRecorder(client, { component: 'kubelet', host: o.nodeName, clock: o.clock }), { slots: inFlight, clock: o.clock });
    this.#informers = new InformerFactory(client, { onError: (err) => o.log(`informer: ${err.message}`) });
    const services = this.#informers.informer<ServiceView>(SERVICES);
    // One watch of every pod serves the kubelet (its pods: spec.nodeName is this node) and the
    // scheduler (pods with no node) alike: two watches split by field selector (upstream's
    // kubelet's and kube-scheduler's) cost the API server a fourth event per pod started — the
    // binding is a DELETED for the one and an ADDED for the other, where one watch has one
    // MODIFIED (README.md, "One watch of all pods").
    const pods = (this.#pods = this.#informers.informer<Pod>(PODS));
    this.#ctx = {
      cluster: o.cluster,
      nodeName: o.nodeName,
      dataDir: o.dataDir,
      clusterDomain: o.clusterDomain,
      dns: { clusterDNS: o.clusterDNS, clusterDomain: o.clusterDomain, host: readResolvConf(o.resolvConf ?? '/etc/resolv.conf') },
      cidr,
      hostIP,
      nodeNetns: nodeNetns(o.cluster),
      runner: o.runner,
      bin,
      tools,
      ipam: new Ipam(cidr, { file: join(runDir(o.dataDir), 'ipam.json'), writeBehind: true, quiet: inFlight }),
      clock: o.clock,
      events,
      allocatable: { cpu: facts.cpus, memory: facts.memoryBytes },
      starts,
      inFlight,
      scratchDir: o.scratchDir,
      fifos,
      podDirs,
      sandboxes: new SandboxBatcher(o.runner, { log: o.log }),
      pool: undefined,
      starter: o.starter,
      asRoot: process.getuid?.() === 0,
      trace,
      log: o.log,
      api: {
        patchStatus: async (pod: Pod, status: PodStatus) => {
          try {
            // fieldValidation=Ignore: the status is built here from the API's own types (pod-status.ts),
            // so it has no unknown field for the server to look for (its default, Warn, walks the
            // whole patched pod on every status write).
            await client.resource(PODS).patch(pod.metadata.name, { status }, { namespace: pod.metadata.namespace, subresource: 'status', type: 'merge', fieldValidation: 'Ignore' });
          } catch (err) {
            if (!isNotFound(err)) throw err;
          }
        },
        deletePod: async (pod: Pod) => {
          try {
            await client.resource(PODS).delete(pod.metadata.name, { namespace: pod.metadata.namespace, gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } });
          } catch (err) {
            if (!isNotFound(err) && !isConflict(err)) throw err;
          }
        },
        services: () => services.cache.list() as ServiceView[],
        volumeSources: (namespace) => ({
          configMap: async (name) => {
            try {
              return (await client.resource(CONFIGMAPS).get(name, { namespace })) as { data?: Record<string, string>; binaryData?: Record<string, string> };
            } catch (err) {
              if (isNotFound(err)) return undefined;
              throw err;
            }
          },
          secret: async (name) => {
            try {
              return (await client.resource(SECRETS).get(name, { namespace })) as { data?: Record<string, string> };
            } catch (err) {
              if (isNotFound(err)) return undefined;
              throw err;
            }
          },
          // The kubelet's TokenRequest for a projected serviceAccountToken (bound to the pod).
          token: (serviceAccount, spec) =>
            client.transport.request({
              method: 'POST',
              path: resourcePath(SERVICEACCOUNTS, { namespace, name: serviceAccount, subresource: 'token' }),
              body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', metadata: { name: serviceAccount, namespace }, spec },
            }),
        }),
        envSources: {
          configMap: async (namespace, name) => {
            try {
              return ((await client.resource(CONFIGMAPS).get(name, { namespace })) as { data?: Record<string, string> }).data ?? {};
            } catch (err) {
              if (isNotFound(err)) return undefined;
              throw err;
            }
          },
          secret: async (namespace, name) => {
            try {
              return decodeSecret(((await client.resource(SECRETS).get(name, { namespace })) as { data?: Record<string, string> }).data);
            } catch (err) {
              if (isNotFound(err)) return undefined;
              throw err;
            }
          },
        },
      },
    };

    void fifos.fill();
    // port-forward dials localhost inside the pod when the addon is built (KUBITO_PORT_FORWARD_DIAL=netns|pod-ip forces one).
    const portForward = choosePortForwardDial(process.env);
    o.log(`port-forward dial: ${portForward.kind} (${portForward.reason})`);
    // The DNS and the proxy run in this process; their mirror pods and logs: static-pods.ts.
    const statics = (this.#statics = new StaticPods({ client, nodeName: o.nodeName, hostIP, dataDir: o.dataDir, clock: o.clock, log: o.log }));
    const access = withStaticPods(new RuntimePodAccess({ worker: (ref) => this.#findWorker(ref.namespace, ref.name), bin, portForward }), statics);
    this.#kubelet = new KubeletServer(kubeletSocket(o.dataDir), { logs: access });
    this.#streams = installStreams(this.#kubelet, access);
    await this.#kubelet.listen();

    this.#registration = new NodeRegistration(client, { clock: o.clock, config: { nodeName: o.nodeName, podCIDR: o.podCIDR, internalIP: hostIP }, facts, log: o.log, events });
    await this.#registration.start();

    const changed = (pod: Pod): void => {
      if (pod.spec.nodeName) {
        this.#podChanged(pod);
        this.#scheduled(pod.metadata.uid);
        this.#scheduler?.forget(pod.metadata.uid);
        // A finished pod frees its hostPorts and its requests: pods kept Pending are tried again.
        if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') this.#retryUnschedulable();
        return;
      }
      if (!this.#scheduling.has(pod.metadata.uid) && wantsScheduling(pod)) {
        this.#ctx.trace?.mark(pod, 'unbound-seen');
        this.#scheduling.set(pod.metadata.uid, this.#ctx.inFlight!.begin());
      }
      this.#queue.add(objectKey(pod));
    };
    pods.addHandlers({
      onAdd: changed,
      onUpdate: (_old, pod) => changed(pod),
      onDelete: (pod) => {
        this.#rejected.delete(pod.metadata.uid);
        this.#workers.get(pod.metadata.uid)?.remove();
        this.#scheduled(pod.metadata.uid);
        this.#scheduler?.forget(pod.metadata.uid);
        if (pod.spec.nodeName) this.#retryUnschedulable();
      },
    });
    // This node as the API holds it: the scheduler's filters read its labels, taints and
    // spec.unschedulable, and the kubelet's status sync compares its conditions (node-registration.ts).
    const nodes = (this.#nodes = this.#informers.informer<KubeObject>(NODES, { fieldSelector: `metadata.name=${o.nodeName}` }));
    const nodeChanged = (old: KubeObject | undefined, node: KubeObject): void => {
      this.#registration.observe(node);
      // Ready again after the node controller marked it (and its pods) not Ready: the pods' statuses are ours to set back.
      if (old && readyStatus(old) !== 'True' && readyStatus(node) === 'True') for (const w of this.#workers.values()) w.republish();
      if (!old || placementChanged(old as SchedulingNode, node as SchedulingNode)) this.#retryUnschedulable();
    };
    nodes.addHandlers({ onAdd: (node) => nodeChanged(undefined, node), onUpdate: nodeChanged });
    // Cluster DNS on the node's address (src/dns/README.md); it answers SERVFAIL until synced.
    const logDns = statics.logger('dns', o.log);
    try {
      const dns = (this.#dns = await startClusterDns({ informers: this.#informers, host: hostIP, port: CLUSTER_DNS_PORTS.dns, metricsPort: CLUSTER_DNS_PORTS.metrics, healthPort: CLUSTER_DNS_PORTS.health, readyPort: CLUSTER_DNS_PORTS.ready, clusterDomain: o.clusterDomain, relaySocket: dnsRelaySocketPath(o.dataDir), log: logDns }));
      const P = CLUSTER_DNS_PORTS;
      logDns(`cluster DNS: listening on ${hostIP}:${P.dns} (udp, tcp), zone ${o.clusterDomain}; /health :${P.health}, /ready :${P.ready}, /metrics :${P.metrics}`);
      statics.started('dns', () => dns.index.synced());
    } catch (err) {
      const message = `cluster DNS not started: ${err instanceof Error ? err.message : String(err)}`;
      logDns(message);
      statics.failed('dns', message);
    }
    // Whatever a previous agent that died left: its pods' namespaces and processes go, and
    // with them every address (stale-state.ts); its pods are recreated like after a reboot.
    const reaped = await reapPodSandboxes(o.runner, o.cluster);
    if (reaped.pods.length) o.log(`removed ${reaped.pods.length} pod sandbox(es) a previous agent left: ${reaped.pods.join(' ')}`);
    if (reaped.pool.length) o.log(`removed ${reaped.pool.length} warm pool sandbox(es) a previous agent left`);
    const orphans = await reapHostNetworkContainers(o.runner, o.cluster, o.dataDir);
    if (orphans.length) o.log(`killed ${orphans.length} hostNetwork container(s) a previous agent left`);
    this.#ctx.ipam.retain(new Set());
    // Sandboxes made ahead while no pod starts (sandbox-pool.ts), once the stale ones are gone.
    if ((o.sandboxPool ?? 0) > 0) {
      const ctx = this.#ctx;
      ctx.pool = new SandboxPool({ cluster: o.cluster, runner: o.runner, ipam: ctx.ipam, net: { prefix: cidr.prefix, gateway: hostIP }, size: o.sandboxPool!, slots: ctx.inFlight, clock: o.clock, mount: bin.busybox ? [bin.busybox, 'mount'] : [bin.mount], scratchDir: runDir(o.dataDir), log: o.log });
      ctx.pool.start();
    }
    // The kube API for pods: listen where the `kubernetes` endpoints say (api-relay.ts).
    const relay = (this.#apiRelay = new ApiRelay(hostIP, { target: apiTlsSocket(o.dataDir), log: o.log }));
    const apiEndpoints = this.#informers.informer(ENDPOINTS, { namespace: 'default', fieldSelector: 'metadata.name=kubernetes' });
    const follow = (): void => {
      const port = apiEndpointPort(apiEndpoints.cache.get('kubernetes', 'default') as never, hostIP);
      relay.listen(port).catch((err: unknown) => o.log(`api relay on ${hostIP}:${port}: ${err instanceof Error ? err.message : String(err)}`));
    };
    apiEndpoints.addHandlers({ onAdd: follow, onUpdate: follow, onDelete: follow });
    this.#informers.start();
    await this.#informers.waitForSync();
    removeOrphanPodDirs(o.dataDir, new Set(pods.cache.list().filter((p) => p.spec.nodeName === o.nodeName).map((p) => p.metadata.uid)));
    const proxyEvents = new ClientEventRecorder(client, { component: 'kube-proxy', clock: o.clock });
    this.#proxy = await startNodeProxy({ mode: o.proxyMode ?? 'nftables', informers: this.#informers, cluster: o.cluster, dataDir: o.dataDir, node: nodeProxyConfig(o.nodeName, hostIP, o.clusterCIDR), clock: o.clock, log: statics.logger('proxy', o.log), events: proxyEvents, runner: helperCommandRunner(o.runner), burstSyncPeriodMs: o.burstSyncPeriodMs });
    // kube-proxy's start event (server.go: reason Starting, no note).
    proxyEvents.event(nodeEventRef(o.nodeName), 'Normal', 'Starting', '');
    const proxier = this.#proxy.proxier;
    this.#portMap = startPortMap({ informers: this.#informers, proxyMode: this.#proxy.mode, runner: helperCommandRunner(o.runner), nodeName: o.nodeName, nodeIP: hostIP, podPrefix: cidr.prefix, clock: o.clock, log: statics.logger('proxy', o.log) });
    statics.started('proxy', () => proxier.healthy());
    // Their mirror pods, before the agent says it is ready (`kubectl get pods -A` after `up`).
    await statics.start(pods);
    // kube-dns's endpoints come from the DNS's mirror pod (the endpoint controllers): ready once
    // its VIP leads to a ready endpoint, as when the control plane wrote them (at most 10 s).
    const vip = o.clusterDNS[0];
    if (vip && this.#dns && !(await proxier.whenSynced((state) => vipHasReadyEndpoint(state, vip), 10_000))) o.log(`cluster DNS: no ready endpoint behind ${vip} after 10 s (kube-dns's EndpointSlice); going on`);
    this.#ctx.drained = (ips, timeoutMs) => proxier.whenSynced((state) => !routesNewConnectionsTo(state, ips), timeoutMs);
    // Host exposure: the control plane relays NodePort/LoadBalancer traffic through proxy.sock;
    // the userspace proxy hands it an endpoint connection directly (one hop less).
    const backend = this.#proxy.backend;
    const dialTcp = backend instanceof UserspaceBackend ? backend.dialTcp.bind(backend) : undefined;
    this.#relay = await startRelayServer({ socketPath: relaySocketPath(o.dataDir), log: (l) => o.log(`relay: ${l}`), dialTcp });
    // Spawned by `kubito up` with an IPC channel: it hands us its host TCP listeners, so host
    // traffic skips the control plane and proxy.sock (src/hostports/handed-listeners.ts).
    this.#handed = serveHandedListeners(process, { dialTcp, log: (l) => o.log(`hostports: ${l}`) });

    const scheduler = (this.#scheduler = new Scheduler(client, {
      nodeName: o.nodeName,
      nodePods: () => pods.cache.list().filter((p) => p.spec.nodeName === o.nodeName),
      node: () => (this.#nodes?.cache.get(o.nodeName) ?? this.#registration.node ?? { metadata: { name: o.nodeName, labels: nodeLabels({ nodeName: o.nodeName, podCIDR: o.podCIDR, internalIP: hostIP }, facts) } }) as SchedulingNode,
      // kube-scheduler writes events.k8s.io/v1 Events (eventTime, action, reportingController).
      events: new HeldEvents(new EventsV1Recorder(client, { controller: 'default-scheduler', instance: `default-scheduler-${hostname()}`, actions: SCHEDULER_ACTIONS, clock: o.clock }), { slots: inFlight, clock: o.clock }),
      trace: this.#ctx.trace,
    }));
    // Made while no pod starts; the first burst may come before it is full (pods then make their own).
    void podDirs.fill();
    this.#schedulerDone = runWorkers(this.#queue, async (key) => {
      const { namespace, name } = splitKey(key);
      const pod = this.#pods.cache.get(name, namespace);
      if (!pod) return;
      let bound = false;
      try {
        bound = wantsScheduling(pod) && (await scheduler.schedule(pod));
      } finally {
        // Bound: its start goes on in its worker, begun when the watch brings it bound.
        if (!bound) this.#scheduled(pod.metadata.uid);
      }
    }, { workers: SCHEDULER_WORKERS, onError: (err, key) => o.log(`scheduling ${key}: ${err instanceof Error ? err.message : String(err)}`) });
  }

  /**
   * A pod waiting to be bound is a start in flight (ctx.inFlight) until it is bound and its
   * worker has begun its own, was not bound, or is gone: Events and the warm pool's refills
   * wait for a burst's pods still to be bound as well. Before, the node looked idle whenever
   * the pods bound so far were started and the next bindings were still on their way, and the
   * held Events went out in the middle of the burst (3.9 of a pod's 5 in one run).
   */
  #scheduled(uid: string): void {
    this.#scheduling.get(uid)?.();
    this.#scheduling.delete(uid);
  }

  /**
   * Pods left Pending (PodScheduled False) are queued again, as kube-scheduler requeues them on
   * the cluster events that may make them fit: a pod of the node went (or finished),
   * freeing its hostPorts, its requests and its place, or the node changed.
   */
  #retryUnschedulable(): void {
    for (const p of this.#pods.cache.list()) {
      if (wantsScheduling(p) && p.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'False')) this.#queue.add(objectKey(p));
    }
  }

  /** The worker of a pod by name (the live one when an older pod of that name is terminating). */
  #findWorker(namespace: string, name: string): PodWorker | undefined {
    let found: PodWorker | undefined;
    for (const w of this.#workers.values()) {
      if (w.pod.metadata.namespace !== namespace || w.pod.metadata.name !== name) continue;
      if (!found || (found.pod.metadata.deletionTimestamp && !w.pod.metadata.deletionTimestamp)) found = w;
    }
    return found;
  }

  #podChanged(pod: Pod): void {
    // A mirror pod stands for what the agent runs itself (static-pods.ts): never run it.
    if (pod.spec.nodeName !== this.#o.nodeName || isMirrorPod(pod)) return;
    const uid = pod.metadata.uid;
    let worker = this.#workers.get(uid);
    if (!worker) {
      const phase = pod.status?.phase;
      if (phase === 'Succeeded' || phase === 'Failed' || pod.metadata.deletionTimestamp) {
        // Nothing of it runs here (finished, or its worker already ended): only a pending
        // delete is completed.
        if (pod.metadata.deletionTimestamp) void this.#ctx.api.deletePod(pod).catch((err: unknown) => this.#o.log(String(err)));
        return;
      }
      if (this.#rejects(pod)) return;
      worker = new PodWorker(pod, this.#ctx, { onDone: () => this.#workers.delete(uid) });
      this.#workers.set(uid, worker);
    }
    worker.update(pod);
  }

  /**
   * The kubelet's admission (admission.ts) of a pod it has not started: one that does not fit
   * the node is Failed with the reason ("Pod was rejected: ..." and a Warning event), never run.
   */
  #rejects(pod: Pod): boolean {
    const uid = pod.metadata.uid;
    if (this.#rejected.has(uid)) return true;
    const node = this.#nodes?.cache.get(this.#o.nodeName) as SchedulingNode | undefined;
    if (!node) return false;
    const others = [...[...this.#workers.values()].map((w) => w.pod), ...this.#pods.cache.list().filter((p) => p.spec.nodeName === this.#o.nodeName && isMirrorPod(p))].filter(
      (p) => p.metadata.uid !== uid && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed',
    );
    const rejection = admitPod(pod, node, others);
    if (!rejection) return false;
    this.#rejected.add(uid);
    this.#ctx.events.event(pod, 'Warning', rejection.reason, rejection.message);
    void this.#ctx.api.patchStatus(pod, { phase: 'Failed', reason: rejection.reason, message: `Pod was rejected: ${rejection.message}` } as PodStatus).catch((err: unknown) => this.#o.log(`rejecting ${pod.metadata.namespace}/${pod.metadata.name}: ${String(err)}`));
    return true;
  }

  /** Pods the agent runs (for tests and status). */
  workers(): PodWorker[] {
    return [...this.#workers.values()];
  }

  /**
   * Stops: no new work, every pod's containers stopped (2 s grace) and sandboxes removed, the
   * kubelet socket closed. The API objects stay (a new agent recreates the pods).
   */
  async stop(): Promise<void> {
    this.#queue.shutDown();
    this.#informers?.stop();
    this.#handed?.close();
    await this.#relay?.close();
    await this.#proxy?.stop();
    await this.#portMap?.stop();
    this.#registration?.stop();
    this.#streams?.close();
    await this.#dns?.stop();
    this.#statics?.stop();
    await Promise.all([...this.#workers.values()].map((w) => w.shutdown().catch((err: unknown) => this.#o.log(String(err)))));
    this.#ctx?.podDirs?.close();
    await this.#ctx?.pool?.close().catch((err: unknown) => this.#o.log(`sandbox pool: ${String(err)}`));
    await this.#kubelet?.close();
    await this.#apiRelay?.close();
    await this.#schedulerDone;
    await this.#ctx?.trace?.flush();
  }
}

