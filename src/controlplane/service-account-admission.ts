/**
 * @module The ServiceAccount admission plugin on pod creates (plugin/pkg/admission/serviceaccount):
 * the decisions are pure (src/api/strategies/pod-service-account.ts); this finds the pod's
 * account. A registry watch keeps the accounts' slim views in memory (upstream's lister), so an
 * admitted pod costs no read; an account the map lacks is read from the store once, and
 * `default` is waited for (the serviceaccount controller makes it as a namespace appears), as
 * upstream retries it ten times 100-200 ms apart before refusing.
 */
import { newForbidden } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { isMirrorPod } from '../api/mirror-pod.js';
import {
  accountView,
  admissionName,
  admitWithAccount,
  DEFAULT_SERVICE_ACCOUNT,
  mirrorPodRefusal,
  secretReferenceRefusal,
  type AccountView,
} from '../api/strategies/pod-service-account.js';
import type { RestStorage } from '../apiserver/registry/rest-storage.js';
import { RegistryView } from './registry-view.js';

const PODS = { group: '', resource: 'pods' };
/** How long a pod naming `default` waits for it: upstream's ten gets, nine pauses of at most 199 ms. */
export const DEFAULT_ACCOUNT_WAIT_MS = 1800;
/** Between reads of the store while `default` is awaited and the watch has ended. */
const RETRY_MS = 150;

export interface ServiceAccountAdmissionOptions {
  /** How long a pod naming `default` waits for the account (DEFAULT_ACCOUNT_WAIT_MS). */
  defaultAccountWaitMs?: number;
  /** The token volume's name (names.SimpleNameGenerator by default); for tests. */
  generateName?: (base: string) => string;
}

export class ServiceAccountAdmission {
  readonly #accounts: RestStorage;
  readonly #options: ServiceAccountAdmissionOptions;
  /** `namespace/name` -> the account's view. */
  #views: RegistryView<AccountView> | undefined;
  /** Creates waiting for an account to appear, by `namespace/name`. */
  readonly #waiters = new Map<string, Set<() => void>>();

  private constructor(accounts: RestStorage, options: ServiceAccountAdmissionOptions) {
    this.#accounts = accounts;
    this.#options = options;
  }

  /** Starts watching the serviceaccounts registry; exact from the moment this resolves. */
  static async start(accounts: RestStorage, options: ServiceAccountAdmissionOptions = {}): Promise<ServiceAccountAdmission> {
    const admission = new ServiceAccountAdmission(accounts, options);
    admission.#views = await RegistryView.start(accounts, {
      keyOf: (sa) => `${sa.metadata.namespace ?? ''}/${sa.metadata.name ?? ''}`,
      viewOf: accountView,
      onSet: (key) => {
        const waiters = admission.#waiters.get(key);
        if (waiters) for (const wake of [...waiters]) wake();
      },
    });
    return admission;
  }

  /**
   * Admit, then Validate, of a pod's create in `namespace`: changes the pod (its account, the
   * token volume and mounts, image pull secrets) or throws Forbidden. A mirror pod is never
   * changed: refused if it names an account, a Secret or a token projection.
   */
  async admitPod(pod: KubeObject, namespace: string): Promise<void> {
    const refuse = (why: string) => newForbidden(PODS, admissionName(pod), why);
    if (isMirrorPod(pod)) {
      const why = mirrorPodRefusal(pod);
      if (why) throw refuse(why);
      return;
    }
    const spec = (pod.spec ??= {}) as Record<string, unknown>;
    if (typeof spec.serviceAccountName !== 'string' || !spec.serviceAccountName) spec.serviceAccountName = DEFAULT_SERVICE_ACCOUNT;
    const name = spec.serviceAccountName as string;
    const account = await this.account(namespace, name);
    if (!account) throw refuse(`error looking up service account ${namespace}/${name}: serviceaccount "${name}" not found`);
    admitWithAccount(pod, account, this.#options.generateName);
    if (account.enforceMountableSecrets) {
      const why = secretReferenceRefusal(pod, account);
      if (why) throw refuse(why);
    }
  }

  /** The account's view, waiting for `default` a while when it does not exist yet; undefined when missing. */
  async account(namespace: string, name: string): Promise<AccountView | undefined> {
    const found = await this.#find(namespace, name);
    if (found || name !== DEFAULT_SERVICE_ACCOUNT) return found;
    const deadline = Date.now() + (this.#options.defaultAccountWaitMs ?? DEFAULT_ACCOUNT_WAIT_MS);
    for (let left = deadline - Date.now(); left > 0; left = deadline - Date.now()) {
      await this.#appears(`${namespace}/${name}`, Math.min(left, RETRY_MS));
      const now = await this.#find(namespace, name);
      if (now) return now;
    }
    return undefined;
  }

  stop(): void {
    this.#views?.stop();
    for (const waiters of this.#waiters.values()) for (const wake of waiters) wake();
    this.#waiters.clear();
  }

  async #find(namespace: string, name: string): Promise<AccountView | undefined> {
    const cached = this.#views?.get(`${namespace}/${name}`);
    if (cached) return cached;
    // Not in the map: read the store (the watch may have ended; upstream gets it live too).
    const sa = await this.#accounts.get(namespace, name).catch(() => undefined);
    return sa ? accountView(sa) : undefined;
  }

  /** Resolves when the account appears through the watch, or after `ms`. */
  #appears(key: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const waiters = this.#waiters.get(key) ?? new Set<() => void>();
      this.#waiters.set(key, waiters);
      const wake = () => {
        clearTimeout(timer);
        waiters.delete(wake);
        if (waiters.size === 0 && this.#waiters.get(key) === waiters) this.#waiters.delete(key);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      waiters.add(wake);
    });
  }
}
