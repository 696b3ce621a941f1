/**
 * @module The control plane process's core: opens the store, builds one registry per served
 * resource, repairs allocations, bootstraps system objects, and serves the API over HTTPS.
 * Controllers and the node agent attach to it through the client module.
 */
import { RESOURCES, type ResourceInfo } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import { ServiceAllocators } from '../api/service/allocators.js';
import { repairAllocations } from '../api/service/strategy.js';
import { coreToEventsV1, eventsV1ToCore } from '../api/conversion/events.js';
import { buildStrategies, CREATE_ON_UPDATE } from '../api/strategies/index.js';
import { validateMetadata } from '../apiserver/registry/meta-validation.js';
import { ApiHandler, storageKey, type VersionInfo } from '../apiserver/handler.js';
import { RestStorage } from '../apiserver/registry/rest-storage.js';
import { loadTableRenderer } from '../apiserver/representations.js';
import { serve, serveTlsOnUnix, serveUnix, type RunningServer } from '../apiserver/server.js';
import type { PodStreams } from '../apiserver/streams/index.js';
import { SubresourceProxy } from '../apiserver/proxy/proxy.js';
import { join } from 'node:path';
import { openStore, type StoreKind } from '../storage/backends.js';
import type { Store } from '../storage/store.js';
import { bootstrap } from './bootstrap.js';
import { Client } from '../client/index.js';
import { InformerFactory, realClock } from '../client/index.js';
import type { ClusterConfig } from '../controllers/controller.js';
import type { RunningControllers } from '../controllers/run.js';
import { InProcessTransport } from './in-process-transport.js';
import type { HostPorts } from '../hostports/host-ports.js';
import type { AgentChannel } from '../hostports/agent-link.js';
import type { UpstreamRelay } from '../dns/relay.js';
import { upstreamsFromResolvConf, type Upstream } from '../dns/upstreams.js';
import { readFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { isNotFound } from '../api/errors.js';
import { requestAuthenticator } from '../apiserver/authn.js';
import type { TokenGetters } from '../apiserver/serviceaccount/claims.js';
import { ServiceAccountTokens } from '../apiserver/serviceaccount/tokens.js';
import { NamespaceGate } from './namespace-gate.js';
import { ServiceAccountAdmission } from './service-account-admission.js';

export interface ControlPlaneOptions {
  dataDir: string;
  store: StoreKind;
  host: string;
  /** 0 picks a free port. */
  port: number;
  certPem: string;
  keyPem: string;
  /** The cluster CA's certificate (PEM): the root CA publisher puts it in every namespace's kube-root-ca.crt. */
  caCertPem?: string;
  /** Whether a request's headers carry the admin's credential (the admin token): it is then `kubernetes-admin`. */
  authenticate: (headers: Record<string, string | undefined>) => boolean;
  /**
   * The service account signing key (the pki dir's sa.key, PEM): service account tokens are
   * issued with it and authenticate. Absent: a key made for this process alone (its tokens die
   * with it).
   */
  serviceAccountKeyPem?: string;
  serviceCIDR?: string;
  nodePortRange?: { first: number; last: number };
  /** Loopback CIDR for LoadBalancer ingress IPs (default 127.0.100.0/24). */
  loadBalancerPool?: string;
  /** Resolvers for names outside the cluster (`--dns-upstream`); default: the host's resolv.conf; [] = none. */
  dnsUpstreams?: Upstream[];
}

/** The Kubernetes version kubito speaks (what `kubectl version` shows as the server's). */
export const KUBERNETES_VERSION: VersionInfo = {
  major: '1',
  minor: '33',
  gitVersion: 'v1.33.0-kubito',
  gitCommit: 'kubito',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: `node${process.versions.node}`,
  compiler: 'kubito',
  platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
};

/** The Unix socket components in other network namespaces (the node agent) reach the API on. */
export function apiSocketPath(dataDir: string): string {
  return join(dataDir, 'run', 'api.sock');
}

/** The API's HTTPS (TLS bytes) on a Unix socket: the node agent relays pods' connections here. */
export function apiTlsSocketPath(dataDir: string): string {
  return join(dataDir, 'run', 'api-tls.sock');
}

/** The node agent's kubelet API socket (src/node/README.md). */
export function kubeletSocketPath(dataDir: string): string {
  return join(dataDir, 'run', 'kubelet.sock');
}

export interface ControlPlane {
  store: Store;
  handler: ApiHandler;
  storages: Map<string, RestStorage>;
  server: RunningServer;
  url: string;
  serviceAllocators: ServiceAllocators;
  /**
   * Hands the node agent `up` spawns (and each restarted one) to the host ports, once they run:
   * they pass their listening sockets to it (src/hostports/README.md).
   */
  attachAgent(agent: AgentChannel): void;
  /**
   * Settles once the controllers and the host ports run (they start after the API serves, off
   * the path to API readiness); rejects if they could not start.
   */
  controllersStarted: Promise<void>;
  /**
   * Settles once the DNS upstream relay listens (the node agent's DNS server forwards names
   * outside the cluster through it: start the agent after this); rejects if it could not.
   */
  relayStarted: Promise<void>;
  stop(): Promise<void>;
}

/**
 * The node's DNS server forwards names outside the cluster through this relay (src/dns/relay.ts).
 * Its code (the DNS wire format, ~15 modules) loads after the API serves.
 */
async function startRelay(upstreams: Upstream[], dataDir: string): Promise<UpstreamRelay> {
  const [{ UpstreamRelay }, { relaySocketPath }] = await Promise.all([import('../dns/relay.js'), import('../dns/upstreams.js')]);
  const relay = new UpstreamRelay({ upstreams, log: (line) => process.stderr.write(`${line}\n`) });
  await relay.listen(relaySocketPath(dataDir));
  return relay;
}

interface Background {
  controllers: RunningControllers;
  hostPorts: { informers: InformerFactory; ports: HostPorts };
}

/**
 * Starts the controllers and the host ports on `client`. Their code (about 60 modules) loads
 * here, after the API serves: nothing the API answers depends on them.
 */
async function startBackground(client: Client, config: ClusterConfig, dataDir: string): Promise<Background> {
  const [{ startControllers }, { ClientEventRecorder }, { startHostPorts }, { relaySocketPath }] = await Promise.all([
    import('../controllers/run.js'),
    import('../controllers/events/recorder.js'),
    import('../hostports/host-ports.js'),
    import('../proxy/relay/protocol.js'),
  ]);
  // One informer factory for the controllers and the host ports: the host ports' Services
  // informer is the controllers' own, so each Service change is delivered and cached once.
  const informers = new InformerFactory(client);
  const controllers = await startControllers({
    client,
    informers,
    recorderFor: (component) => new ClientEventRecorder(client, { component, clock: realClock }),
    clock: realClock,
    config,
  });
  // NodePorts on 127.0.0.1 and LoadBalancer ingress IPs, relayed to the node agent (src/hostports).
  const ports = startHostPorts({ informers, events: new ClientEventRecorder(client, { component: 'kubito-hostports', clock: realClock }), socketPath: relaySocketPath(dataDir) });
  return { controllers, hostPorts: { informers, ports } };
}

function storageFor(storages: Map<string, RestStorage>, info: Pick<ResourceInfo, 'group' | 'version' | 'resource'>): RestStorage {
  return storages.get(storageKey(info.group, info.version, info.resource))!;
}

/**
 * What a service account token's validation reads, straight from the registries (one key read
 * each): the ServiceAccount, and the pod, secret or node it is bound to. Only requests with such
 * a token pay for them.
 */
function registryGetters(storages: Map<string, RestStorage>): TokenGetters {
  const read = (resource: string) => async (namespace: string, name: string): Promise<KubeObject | undefined> => {
    try {
      return await storageFor(storages, { group: '', version: 'v1', resource }).get(namespace, name);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  };
  const nodes = read('nodes');
  return { serviceAccount: read('serviceaccounts'), pod: read('pods'), secret: read('secrets'), node: (name) => nodes('', name) };
}

/** A signing key for a control plane started without one (tests): its tokens die with the process. */
function ephemeralKeyPem(): string {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

function hostResolvers(): Upstream[] {
  try {
    return upstreamsFromResolvConf(readFileSync('/etc/resolv.conf', 'utf8'));
  } catch {
    return [];
  }
}

/** How long after the API is ready the lazily loaded code is loaded (see warmUp). */
const WARM_UP_DELAY_MS = 100;

/**
 * Loads what most clients soon need of the code the API server loads on first use: table
 * printers (`kubectl get`), patch (`kubectl apply`, label...), protobuf bodies (`kubectl
 * create`). OpenAPI and pod streams stay lazy: they are bigger, and idle memory counts too.
 */
async function warmUp(): Promise<void> {
  await Promise.all([loadTableRenderer(), import('../apiserver/patch/index.js'), import('../api/protobuf/index.js')]).catch(() => undefined);
}

export async function startControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
  const store = await openStore(options.store, { dataDir: options.dataDir });
  const serviceAllocators = new ServiceAllocators({
    serviceCIDR: options.serviceCIDR ?? '10.96.0.0/12',
    nodePortRange: options.nodePortRange ?? { first: 30000, last: 32767 },
  });
  const strategies = buildStrategies({ serviceAllocators });
  const storages = new Map<string, RestStorage>();
  let gate: NamespaceGate | undefined;
  const namespaceGate = (namespace: string, target?: { group: string; resource: string; name: string }): Promise<void> => gate!.check(namespace, target);
  let accounts: ServiceAccountAdmission | undefined;
  const admitPod = (pod: KubeObject, namespace: string): Promise<void> => accounts!.admitPod(pod, namespace);
  for (const info of RESOURCES) {
    const key = storageKey(info.group, info.version, info.resource);
    storages.set(key, new RestStorage(info, store, {
      strategy: strategies.get(key),
      validateMeta: validateMetadata,
      namespaceGate,
      admitCreate: info.group === '' && info.resource === 'pods' ? admitPod : undefined,
      allowCreateOnUpdate: CREATE_ON_UPDATE.has(key),
      codec: info.group === 'events.k8s.io' ? { toStorage: eventsV1ToCore, fromStorage: coreToEventsV1 } : undefined,
    }));
  }
  gate = await NamespaceGate.start(storageFor(storages, { group: '', version: 'v1', resource: 'namespaces' }));
  accounts = await ServiceAccountAdmission.start(storageFor(storages, { group: '', version: 'v1', resource: 'serviceaccounts' }));
  const services = storageFor(storages, { group: '', version: 'v1', resource: 'services' });
  repairAllocations(serviceAllocators, (await services.list('')).items);

  const tokens = new ServiceAccountTokens({ keyPem: options.serviceAccountKeyPem ?? ephemeralKeyPem(), getters: registryGetters(storages) });
  // The admin token answers at once; only other bearer tokens read the registry (src/apiserver/authn.ts).
  const authenticate = requestAuthenticator({ admin: options.authenticate, tokens });

  let ready = false;
  let handler: ApiHandler | undefined;
  // The handler needs the server's address for discovery, so it is built once the port is known.
  const pods = storageFor(storages, { group: '', version: 'v1', resource: 'pods' });
  // Pod streams (exec, attach, port-forward, logs) load on first use: their code is a fair part
  // of the server's start, and a fresh cluster has no pods to stream from.
  let podStreams: PodStreams | undefined;
  let podStreamsLoading: Promise<PodStreams> | undefined;
  const loadPodStreams = (): Promise<PodStreams> =>
    (podStreamsLoading ??= import('../apiserver/streams/index.js').then(({ PodStreams }) => {
      podStreams = new PodStreams({
        getPod: (namespace, name) => pods.get(namespace, name),
        authenticate,
        // One node today; its agent serves the kubelet API on a socket under the data dir.
        kubeletSocket: () => kubeletSocketPath(options.dataDir),
      });
      return podStreams;
    }));
  const proxy = new SubresourceProxy({
    get: (resource, namespace, name) => storageFor(storages, { group: '', version: 'v1', resource }).get(namespace, name),
    authenticate,
    kubeletSocket: () => kubeletSocketPath(options.dataDir),
  });
  // A port in use must not leave the store open (its SQLite lock would refuse the next start).
  const server = await serve(
    (req) => handler!.handle(req),
    {
      host: options.host,
      port: options.port,
      certPem: options.certPem,
      keyPem: options.keyPem,
      intercept: (req, res) => proxy.handleRequest(req, res),
      upgrade: (req, socket, head) => {
        if (proxy.handleUpgrade(req, socket, head)) return;
        if (podStreams) return podStreams.handleUpgrade(req, socket, head);
        socket.on('error', () => socket.destroy());
        loadPodStreams().then(
          (streams) => streams.handleUpgrade(req, socket, head),
          () => socket.destroy(),
        );
      },
    },
  ).catch(async (err: unknown) => {
    await store.close();
    throw err;
  });
  handler = new ApiHandler({
    storages,
    authenticate,
    serviceAccountTokens: tokens,
    serverAddress: `${options.host}:${server.port}`,
    version: KUBERNETES_VERSION,
    ready: () => ready,
    podStreams: async (scope) => (await loadPodStreams()).handle(scope),
  });
  let unix: Awaited<ReturnType<typeof serveUnix>> | undefined;
  let tlsUnix: Awaited<ReturnType<typeof serveTlsOnUnix>> | undefined;
  let config: ClusterConfig;
  try {
    unix = await serveUnix((req) => handler!.handle(req), apiSocketPath(options.dataDir));
    tlsUnix = await serveTlsOnUnix(server.server, apiTlsSocketPath(options.dataDir));
    await bootstrap(
      {
        namespaces: storageFor(storages, { group: '', version: 'v1', resource: 'namespaces' }),
        services,
        endpoints: storageFor(storages, { group: '', version: 'v1', resource: 'endpoints' }),
        endpointSlices: storageFor(storages, { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices' }),
      },
      { kubernetesIP: serviceAllocators.nthIP(1), dnsIP: serviceAllocators.nthIP(10), apiPort: server.port },
    );
    config = {
      serviceCIDR: serviceAllocators.serviceCIDR,
      nodePortRange: serviceAllocators.nodePortRange,
      loadBalancerPool: options.loadBalancerPool ?? '127.0.100.0/24',
      clusterDomain: 'cluster.local',
      rootCACertPem: options.caCertPem,
    };
  } catch (err) {
    // A control plane that cannot bootstrap must not stay half up (serving, holding the store lock).
    await unix?.close();
    await tlsUnix?.close();
    podStreams?.close();
    proxy.close();
    await server.close();
    await store.close();
    throw err;
  }
  ready = true;
  const relay = startRelay(options.dnsUpstreams ?? hostResolvers(), options.dataDir);
  const client = new Client(new InProcessTransport(handler, 'kube-controller-manager'));
  const background = startBackground(client, config, options.dataDir);
  // Observed here; whoever awaits relayStarted or controllersStarted sees the failure too.
  relay.catch(() => undefined);
  background.catch(() => undefined);
  // What loads on first use is loaded soon after start anyway, off the path to readiness, so
  // that the first `kubectl get` or `create` does not wait for its code.
  const warm = setTimeout(() => void warmUp(), WARM_UP_DELAY_MS);
  warm.unref();
  return {
    store,
    handler,
    storages,
    server,
    url: `https://${options.host}:${server.port}`,
    serviceAllocators,
    controllersStarted: background.then(() => undefined),
    relayStarted: relay.then(() => undefined),
    attachAgent(agent) {
      // A failed start is reported through controllersStarted.
      background.then((running) => running.hostPorts.ports.attachAgent(agent), () => undefined);
    },
    async stop() {
      const running = await background.catch(() => undefined);
      running?.hostPorts.informers.stop();
      await running?.hostPorts.ports.stop();
      await running?.controllers.stop();
      await unix!.close();
      await (await relay.catch(() => undefined))?.close();
      await tlsUnix!.close();
      podStreams?.close();
      proxy.close();
      await server.close();
      accounts!.stop();
      await store.close();
    },
  };
}
