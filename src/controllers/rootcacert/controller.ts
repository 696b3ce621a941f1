/**
 * @module The root CA publisher (kube-controller-manager's root-ca-cert-publisher,
 * pkg/controller/certificates/rootcacertpublisher/publisher.go): every namespace has ConfigMap
 * `kube-root-ca.crt` whose `ca.crt` is the cluster CA's certificate, the bundle a pod's
 * `kube-api-access-*` volume projects to verify the API. Made when a namespace appears (or turns
 * Active), again when someone deletes it, put back when someone changes its data or drops its
 * description annotation.
 */
import { hasStatusCause, isNotFound } from '../../api/errors.js';
import { findResource } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import { ROOT_CA_CONFIG_MAP } from '../../api/strategies/pod-service-account.js';
import { controllerRateLimiter, runWorkers, WorkQueue, type Informer } from '../../client/index.js';
import type { Controller, ControllerContext } from '../controller.js';

export { ROOT_CA_CONFIG_MAP };

const NAMESPACES = findResource('', 'v1', 'namespaces')!;
const CONFIG_MAPS = findResource('', 'v1', 'configmaps')!;

/** DescriptionAnnotation and Description: upstream's words on what the bundle is for. */
export const DESCRIPTION_ANNOTATION = 'kubernetes.io/description';
export const DESCRIPTION =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. ' +
  'No other usage is guaranteed across distributions of Kubernetes clusters.';

type Namespace = KubeObject & { status?: { phase?: string } };
type ConfigMap = KubeObject & { data?: Record<string, string> };

export interface RootCACertPublisherOptions {
  /** Failed writes (retried with backoff). Default: one line on stderr. */
  onError?: (message: string) => void;
}

export class RootCACertPublisher implements Controller {
  readonly name = 'root-ca-cert-publisher';
  readonly #options: RootCACertPublisherOptions;
  #ctx!: ControllerContext;
  #rootCA = '';
  #queue!: WorkQueue<string>;
  #configMaps!: Informer<ConfigMap>;

  constructor(options: RootCACertPublisherOptions = {}) {
    this.#options = options;
  }

  setup(ctx: ControllerContext): void {
    this.#ctx = ctx;
    this.#rootCA = ctx.config.rootCACertPem ?? '';
    this.#queue = new WorkQueue<string>({ clock: ctx.clock, rateLimiter: controllerRateLimiter({ clock: ctx.clock }) });
    // Without a CA there is nothing to publish: no informers, no work.
    if (!this.#rootCA) return;
    const namespaces = ctx.informers.informer<Namespace>(NAMESPACES);
    namespaces.addHandlers({
      onAdd: (ns) => this.#queue.add(ns.metadata.name ?? ''),
      // namespaceUpdated: only an Active namespace is looked at again.
      onUpdate: (_old, ns) => {
        if (ns.status?.phase === 'Active') this.#queue.add(ns.metadata.name ?? '');
      },
    });
    this.#configMaps = ctx.informers.informer<ConfigMap>(CONFIG_MAPS);
    const mine = (cm: ConfigMap) => {
      if (cm.metadata.name === ROOT_CA_CONFIG_MAP) this.#queue.add(cm.metadata.namespace ?? '');
    };
    this.#configMaps.addHandlers({ onUpdate: (_old, cm) => mine(cm), onDelete: mine });
  }

  run(): Promise<void> {
    const onError = this.#options.onError ?? ((m: string) => console.error(m));
    return runWorkers(this.#queue, (namespace) => this.#sync(namespace), {
      workers: 1,
      onError: (err, namespace) => onError(`root-ca-cert-publisher: namespace ${namespace} (will retry): ${err instanceof Error ? err.message : String(err)}`),
    });
  }

  stop(): void {
    this.#queue.shutDown();
  }

  /** syncNamespace: creates the ConfigMap, or puts back its data and description. */
  async #sync(namespace: string): Promise<void> {
    const configMaps = this.#ctx.client.resource<ConfigMap>(CONFIG_MAPS);
    const cm = this.#configMaps.cache.get(ROOT_CA_CONFIG_MAP, namespace);
    if (!cm) {
      try {
        await configMaps.create(
          { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: ROOT_CA_CONFIG_MAP, annotations: { [DESCRIPTION_ANNOTATION]: DESCRIPTION } }, data: { 'ca.crt': this.#rootCA } },
          { namespace, readOnlyResult: true },
        );
      } catch (err) {
        // Gone or terminating namespaces get nothing (upstream does not retry those); one made
        // meanwhile is looked at again through its informer event.
        if (!isNotFound(err) && !hasStatusCause(err, 'NamespaceTerminating')) throw err;
      }
      return;
    }
    const data = cm.data ?? {};
    const keys = Object.keys(data);
    if (keys.length === 1 && data['ca.crt'] === this.#rootCA && cm.metadata.annotations?.[DESCRIPTION_ANNOTATION]) return;
    // The cache's object is shared: the update writes a copy.
    const next: ConfigMap = { ...cm, metadata: { ...cm.metadata, annotations: { ...cm.metadata.annotations, [DESCRIPTION_ANNOTATION]: DESCRIPTION } }, data: { 'ca.crt': this.#rootCA } };
    await configMaps.update(next, { namespace, readOnlyResult: true });
  }
}
