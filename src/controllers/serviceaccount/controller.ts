/**
 * @module The ServiceAccount controller (kube-controller-manager's serviceaccount-controller,
 * pkg/controller/serviceaccount/serviceaccounts_controller.go): every active namespace has a
 * ServiceAccount named `default`, made when the namespace appears and again when someone
 * deletes it. Pods that name no account run as it (the ServiceAccount admission plugin,
 * src/controlplane/service-account-admission.ts, which waits a while for it in a new namespace).
 */
import { hasStatusCause, isAlreadyExists } from '../../api/errors.js';
import { findResource } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import { controllerRateLimiter, runWorkers, WorkQueue, type Informer } from '../../client/index.js';
import type { Controller, ControllerContext } from '../controller.js';

const NAMESPACES = findResource('', 'v1', 'namespaces')!;
const SERVICE_ACCOUNTS = findResource('', 'v1', 'serviceaccounts')!;

/** Upstream's ServiceAccountsToEnsure default: one account named `default`. */
export const DEFAULT_SERVICE_ACCOUNT = 'default';

type Namespace = KubeObject & { status?: { phase?: string } };

export interface ServiceAccountControllerOptions {
  /** Failed creates (retried with backoff). Default: one line on stderr. */
  onError?: (message: string) => void;
}

export class ServiceAccountController implements Controller {
  readonly name = 'serviceaccount-controller';
  readonly #options: ServiceAccountControllerOptions;
  #ctx!: ControllerContext;
  #queue!: WorkQueue<string>;
  #namespaces!: Informer<Namespace>;
  #accounts!: Informer<KubeObject>;

  constructor(options: ServiceAccountControllerOptions = {}) {
    this.#options = options;
  }

  setup(ctx: ControllerContext): void {
    this.#ctx = ctx;
    this.#queue = new WorkQueue<string>({ clock: ctx.clock, rateLimiter: controllerRateLimiter({ clock: ctx.clock }) });
    this.#namespaces = ctx.informers.informer<Namespace>(NAMESPACES);
    this.#namespaces.addHandlers({
      onAdd: (ns) => this.#queue.add(ns.metadata.name ?? ''),
      onUpdate: (_old, ns) => this.#queue.add(ns.metadata.name ?? ''),
    });
    this.#accounts = ctx.informers.informer(SERVICE_ACCOUNTS);
    this.#accounts.addHandlers({
      onDelete: (sa) => {
        if (sa.metadata.name === DEFAULT_SERVICE_ACCOUNT) this.#queue.add(sa.metadata.namespace ?? '');
      },
    });
  }

  run(): Promise<void> {
    const onError = this.#options.onError ?? ((m: string) => console.error(m));
    return runWorkers(this.#queue, (namespace) => this.#sync(namespace), {
      workers: 1,
      onError: (err, namespace) => onError(`serviceaccount-controller: namespace ${namespace} (will retry): ${err instanceof Error ? err.message : String(err)}`),
    });
  }

  stop(): void {
    this.#queue.shutDown();
  }

  /** syncNamespace: creates what is missing in an active namespace; gone or terminating ones are left alone. */
  async #sync(namespace: string): Promise<void> {
    const ns = this.#namespaces.cache.get(namespace);
    if (!ns || ns.metadata.deletionTimestamp || (ns.status?.phase !== undefined && ns.status.phase !== 'Active')) return;
    if (this.#accounts.cache.get(DEFAULT_SERVICE_ACCOUNT, namespace)) return;
    try {
      await this.#ctx.client.resource(SERVICE_ACCOUNTS).create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: DEFAULT_SERVICE_ACCOUNT } }, { namespace, readOnlyResult: true });
    } catch (err) {
      // Made meanwhile (another sync, a user): what was wanted. A namespace being deleted
      // refuses it: nothing to do (upstream ignores the NamespaceTerminating cause too).
      if (!isAlreadyExists(err) && !hasStatusCause(err, 'NamespaceTerminating')) throw err;
    }
  }
}
