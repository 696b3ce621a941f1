/**
 * @module Pod: born Pending with the QoS class the kubelet would compute; a pod bound to a node
 * is deleted gracefully (the node agent removes it after its containers stop), an unbound or
 * finished one at once, as upstream's pod strategy decides (CheckGracefulDelete); its spec
 * takes only the changes ValidatePodUpdate allows (pod-update.ts).
 */
import type { KubeObject } from '../types.js';
import type { Strategy } from '../strategy.js';
import { defaultTo, section } from './common.js';
import { validatePodSpecUpdate } from './pod-update.js';

interface PodView {
  spec?: { nodeName?: string; terminationGracePeriodSeconds?: number; containers?: Array<Record<string, unknown>> };
  status?: { phase?: string };
}

function defaults(obj: KubeObject): void {
  const spec = section(obj, 'spec');
  podSpecDefaults(spec);
  // Set on pods only, by the Priority admission plugin.
  defaultTo(spec, 'preemptionPolicy', 'PreemptLowerPriority');
  defaultTo(spec, 'priority', 0);
}

/** SetDefaults_PodSpec and SetDefaults_Container, for pods and for pod templates. */
export function podSpecDefaults(spec: Record<string, unknown>): void {
  defaultTo(spec, 'restartPolicy', 'Always');
  defaultTo(spec, 'terminationGracePeriodSeconds', 30);
  defaultTo(spec, 'dnsPolicy', 'ClusterFirst');
  defaultTo(spec, 'schedulerName', 'default-scheduler');
  defaultTo(spec, 'securityContext', {});
  defaultTo(spec, 'enableServiceLinks', true);
  mirrorServiceAccount(spec);
  const containers = Array.isArray(spec.containers) ? (spec.containers as Array<Record<string, unknown>>) : [];
  for (const c of containers) {
    defaultTo(c, 'terminationMessagePath', '/dev/termination-log');
    defaultTo(c, 'terminationMessagePolicy', 'File');
    const image = typeof c.image === 'string' ? c.image : '';
    const tag = image.includes('@') ? '' : image.split('/').pop()?.split(':')[1];
    defaultTo(c, 'imagePullPolicy', !tag || tag === 'latest' ? 'Always' : 'IfNotPresent');
    defaultTo(c, 'resources', {});
    if (Array.isArray(c.ports)) for (const p of c.ports as Array<Record<string, unknown>>) defaultTo(p, 'protocol', 'TCP');
  }
}

/**
 * v1's deprecated `serviceAccount` and `serviceAccountName` are one internal field: the name
 * wins, the deprecated one fills it when it is empty, and both read the same afterwards
 * (Convert_v1_PodSpec_To_core_PodSpec and back).
 */
function mirrorServiceAccount(spec: Record<string, unknown>): void {
  if (!spec.serviceAccountName && typeof spec.serviceAccount === 'string' && spec.serviceAccount) spec.serviceAccountName = spec.serviceAccount;
  if (typeof spec.serviceAccountName === 'string' && spec.serviceAccountName) spec.serviceAccount = spec.serviceAccountName;
}

/** The spec to compare, read without touching the object (`prev` may be shared). */
function specOf(obj: KubeObject): Record<string, unknown> {
  const spec = obj.spec;
  return spec && typeof spec === 'object' && !Array.isArray(spec) ? (spec as Record<string, unknown>) : {};
}

export const podStrategy: Strategy = {
  defaults,
  prepareForCreate(obj) {
    defaults(obj);
    // The ServiceAccount admission plugin: a pod without an account runs as `default` (the
    // serviceaccount controller makes it in every namespace). Admission runs after the field
    // manager, so no manager owns the value. Unlike upstream, a missing account does not refuse
    // the pod, and no token is mounted (kubito issues none).
    const spec = section(obj, 'spec');
    if (!spec.serviceAccountName) {
      spec.serviceAccountName = 'default';
      mirrorServiceAccount(spec);
    }
    obj.status = { phase: 'Pending', qosClass: 'BestEffort' };
  },
  prepareForUpdate(next) {
    defaults(next);
  },
  validateUpdate(next, prev, subresource) {
    // The status and binding subresources keep or set spec themselves (spec.nodeName).
    if (subresource) return [];
    return validatePodSpecUpdate(specOf(next), specOf(prev));
  },
  gracefulDeletePeriod(obj, requested) {
    const pod = obj as KubeObject & PodView;
    if (!pod.spec?.nodeName) return undefined;
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') return undefined;
    const period = requested ?? pod.spec.terminationGracePeriodSeconds ?? 30;
    return period > 0 ? period : undefined;
  },
};
