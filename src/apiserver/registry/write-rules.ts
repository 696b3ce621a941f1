/**
 * @module What the generic registry's writes keep, apart from its storage: the status
 * subresource keeps all but status, and a delete marks an object (finalizers, grace period)
 * rather than removing it when it must wait. (That an object being deleted takes no new
 * finalizers is ValidateObjectMetaUpdate's rule, api/validation/object-meta.ts.)
 */
import { keepAllButStatus } from '../../api/strategies/common.js';
import type { Strategy } from '../../api/strategy.js';
import type { KubeObject } from '../../api/types.js';
import { formatTime } from './object-meta.js';
import type { DeleteOptions } from './rest-types.js';

/** The object marked for deletion, or undefined when it can be removed now. */
export function markForDeletion(current: KubeObject, options: DeleteOptions, context: { strategy: Strategy; nowMs: number }): KubeObject | undefined {
  const next = structuredClone(current);
  const meta = next.metadata;
  const finalizers = new Set(meta.finalizers ?? []);
  const policy = options.propagationPolicy;
  // A propagation policy only matters when the object is not already being deleted.
  if (!current.metadata.deletionTimestamp) {
    if (policy === 'Orphan') finalizers.add('orphan');
    if (policy === 'Foreground') finalizers.add('foregroundDeletion');
  }
  if (policy === 'Foreground') finalizers.delete('orphan');
  if (policy === 'Orphan') finalizers.delete('foregroundDeletion');
  const grace = options.gracePeriodSeconds === 0 ? undefined : context.strategy.gracefulDeletePeriod?.(current, options.gracePeriodSeconds);
  const blocked = context.strategy.blocksRemoval?.(current) ?? false;
  if (finalizers.size === 0 && grace === undefined && !blocked) {
    // A pod already marked for graceful deletion is removed by a delete with grace 0.
    return undefined;
  }
  if (finalizers.size) meta.finalizers = [...finalizers];
  const { nowMs } = context;
  if (grace !== undefined) {
    const existing = meta.deletionTimestamp ? Date.parse(meta.deletionTimestamp) : Infinity;
    const requested = nowMs + grace * 1000;
    // A shorter grace period may replace a longer one, never the reverse (upstream BeforeDelete).
    if (requested < existing) {
      meta.deletionTimestamp = formatTime(requested);
      meta.deletionGracePeriodSeconds = grace;
    }
  } else {
    meta.deletionTimestamp ??= formatTime(nowMs);
    meta.deletionGracePeriodSeconds ??= 0;
  }
  context.strategy.markedForDeletion?.(next);
  return next;
}

export { keepAllButStatus };
