/**
 * @module podutil.UpdatePodCondition (pkg/api/v1/pod), pure: what every writer of a pod's
 * conditions beside the kubelet does — the binding (PodScheduled), the eviction subresource and
 * the taint eviction controller (DisruptionTarget), the node lifecycle controller (Ready False).
 */

export interface PodCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastProbeTime?: string | null;
  lastTransitionTime?: string | null;
}

/** metav1.Time as it is written: RFC 3339 in whole seconds. */
export function metaTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

/**
 * The conditions with `condition` put in: appended, or in the place of the one of its type.
 * Its lastTransitionTime is `at`, or the old one's when the status is the same; `changed` is
 * false when nothing would differ (status, reason, message, probe and transition times).
 */
export function updatePodCondition(conditions: readonly PodCondition[] | undefined, condition: Omit<PodCondition, 'lastTransitionTime'>, at: string): { conditions: PodCondition[]; changed: boolean } {
  const list = [...(conditions ?? [])];
  const i = list.findIndex((c) => c.type === condition.type);
  const old = i >= 0 ? list[i] : undefined;
  const next: PodCondition = { ...condition, lastProbeTime: condition.lastProbeTime ?? null, lastTransitionTime: old && old.status === condition.status ? old.lastTransitionTime : at };
  if (!old) return { conditions: [...list, next], changed: true };
  const same = (['status', 'reason', 'message', 'lastTransitionTime'] as const).every((k) => (old[k] ?? '') === (next[k] ?? '')) && (old.lastProbeTime ?? null) === next.lastProbeTime;
  list[i] = next;
  return { conditions: list, changed: !same };
}
