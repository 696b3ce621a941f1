/**
 * @module The status conditions of a terminating Namespace, as kube-controller-manager's
 * namespace deleter writes them (pkg/controller/namespace/deletion/status_condition_utils.go):
 * the five condition types it owns are always all present; each is `True` with a failure reason
 * while something is wrong and `False` with its "ok" reason otherwise. Pure: the caller supplies
 * what the last deletion pass found and the time.
 */

/** The condition types the namespace controller maintains, in the order upstream appends them. */
export const NAMESPACE_CONDITION_TYPES = [
  'NamespaceDeletionDiscoveryFailure',
  'NamespaceDeletionGroupVersionParsingFailure',
  'NamespaceDeletionContentFailure',
  'NamespaceContentRemaining',
  'NamespaceFinalizersRemaining',
] as const;

export type NamespaceConditionType = (typeof NAMESPACE_CONDITION_TYPES)[number];

/** core/v1 NamespaceCondition. */
export interface NamespaceCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

const OK: Record<NamespaceConditionType, { reason: string; message: string }> = {
  NamespaceDeletionDiscoveryFailure: { reason: 'ResourcesDiscovered', message: 'All resources successfully discovered' },
  NamespaceDeletionGroupVersionParsingFailure: { reason: 'ParsedGroupVersions', message: 'All legacy kube types successfully parsed' },
  NamespaceDeletionContentFailure: { reason: 'ContentDeleted', message: 'All content successfully deleted, may be waiting on finalization' },
  NamespaceContentRemaining: { reason: 'ContentRemoved', message: 'All content successfully removed' },
  NamespaceFinalizersRemaining: { reason: 'ContentHasNoFinalizers', message: 'All content-preserving finalizers finished' },
};

/** What one deletion pass over a namespace's content found. */
export interface DeletionReport {
  /** Set when the list of resources to delete could not be had. */
  discoveryError?: string;
  /** One message per resource whose content could not be deleted (upstream: one per GVR). */
  contentErrors: string[];
  /** Instances left, by `resource.group` (`pods.` for the core group, as upstream prints it). */
  remaining: Map<string, number>;
  /** Instances left, by the finalizer they still carry. */
  finalizers: Map<string, number>;
}

export function emptyReport(): DeletionReport {
  return { contentErrors: [], remaining: new Map(), finalizers: new Map() };
}

/** The failing conditions a report calls for; types not listed are fine (their "ok" variant). */
export function failedConditions(report: DeletionReport): Map<NamespaceConditionType, { reason: string; message: string }> {
  const failed = new Map<NamespaceConditionType, { reason: string; message: string }>();
  if (report.discoveryError !== undefined) {
    failed.set('NamespaceDeletionDiscoveryFailure', { reason: 'DiscoveryFailed', message: report.discoveryError });
  }
  if (report.contentErrors.length > 0) {
    const msgs = [...report.contentErrors].sort();
    failed.set('NamespaceDeletionContentFailure', {
      reason: 'ContentDeletionFailed',
      message: `Failed to delete all resource types, ${msgs.length} remaining: ${msgs.join(', ')}`,
    });
  }
  const remaining = counted(report.remaining, (what, n) => `${what} has ${n} resource instances`);
  if (remaining.length > 0) {
    failed.set('NamespaceContentRemaining', { reason: 'SomeResourcesRemain', message: `Some resources are remaining: ${remaining.join(', ')}` });
  }
  const finalizers = counted(report.finalizers, (what, n) => `${what} in ${n} resource instances`);
  if (finalizers.length > 0) {
    failed.set('NamespaceFinalizersRemaining', {
      reason: 'SomeFinalizersRemain',
      message: `Some content in the namespace has finalizers remaining: ${finalizers.join(', ')}`,
    });
  }
  return failed;
}

/** Non-zero counts as sorted phrases (sorted for stable updates, as upstream does). */
function counted(counts: Map<string, number>, phrase: (what: string, n: number) => string): string[] {
  return [...counts].filter(([, n]) => n > 0).map(([what, n]) => phrase(what, n)).sort();
}

/**
 * The namespace's conditions after a deletion pass: conditions of other types are kept as they
 * are; each owned type is added if missing, or updated in place when its status, reason or
 * message differ (lastTransitionTime moves only when the status flips). `changed` says whether
 * a status write is needed.
 */
export function mergeConditions(
  existing: readonly NamespaceCondition[] | undefined,
  report: DeletionReport,
  options: { now: string },
): { conditions: NamespaceCondition[]; changed: boolean } {
  const { now } = options;
  const conditions = (existing ?? []).map((c) => ({ ...c }));
  const failed = failedConditions(report);
  let changed = false;
  for (const type of NAMESPACE_CONDITION_TYPES) {
    const bad = failed.get(type);
    const want: NamespaceCondition = bad
      ? { type, status: 'True', lastTransitionTime: now, reason: bad.reason, message: bad.message }
      : { type, status: 'False', lastTransitionTime: now, reason: OK[type].reason, message: OK[type].message };
    const old = conditions.find((c) => c.type === type);
    if (!old) {
      conditions.push(want);
      changed = true;
    } else if (old.status !== want.status || old.reason !== want.reason || old.message !== want.message) {
      if (old.status !== want.status) old.lastTransitionTime = now;
      old.status = want.status;
      old.reason = want.reason;
      old.message = want.message;
      changed = true;
    }
  }
  return { conditions, changed };
}
