/**
 * @module The `pods/ephemeralcontainers` subresource's strategy, as upstream's
 * podEphemeralContainersStrategy (pkg/registry/core/pod/strategy.go) and
 * ValidatePodEphemeralContainersUpdate (pkg/apis/core/validation/validation.go): a write through
 * it changes spec.ephemeralContainers and nothing else (the rest of the body is ignored), and
 * may only add ephemeral containers: an existing one may be neither removed nor changed.
 *
 * Deliberate difference: upstream's "may not be changed" message appends go-cmp's diff of the
 * Go structs; kubito lists the differing JSON paths (pod-update.ts `describeDiff`).
 */
import type { FieldError } from '../errors.js';
import type { KubeObject } from '../types.js';
import { forbidden } from '../validation/field-errors.js';
import { goQuote } from '../validation/go-format.js';
import { hasInvalidDeletionCost, validatePodMetadataAndSpec } from '../validation/pod-spec.js';
import { specOf } from './common.js';
import { describeDiff, semanticEqual } from './pod-update.js';
import { isMirrorPod } from '../mirror-pod.js';

/** The subresource's name, as routed and listed in discovery. */
export const EPHEMERAL_CONTAINERS = 'ephemeralcontainers';

/** The annotation of a mirror pod (a static pod's image in the API). */

type Container = Record<string, unknown>;

function ephemeralOf(pod: KubeObject): Container[] {
  const list = specOf(pod).ephemeralContainers;
  return Array.isArray(list) ? (list.filter((c) => c && typeof c === 'object' && !Array.isArray(c)) as Container[]) : [];
}

/**
 * dropNonEphemeralContainerUpdates: `next` becomes `prev` (spec, status, metadata as
 * ResetObjectMetaForStatus keeps it) with next's spec.ephemeralContainers.
 */
export function keepAllButEphemeralContainers(next: KubeObject, prev: KubeObject): void {
  const ephemeral = specOf(next).ephemeralContainers;
  // managedFields are the field manager's to record for this writer (as for status writes).
  const managed = next.metadata.managedFields;
  for (const key of Object.keys(next)) delete next[key];
  Object.assign(next, prev, { metadata: { ...prev.metadata }, spec: { ...specOf(prev) } });
  if (managed) next.metadata.managedFields = managed;
  const spec = next.spec as Record<string, unknown>;
  if (ephemeral === undefined || ephemeral === null) delete spec.ephemeralContainers;
  else spec.ephemeralContainers = ephemeral;
}

/**
 * The fields a write through the subresource resets for the field manager (its
 * resetFieldsFilter keeps spec.ephemeralContainers alone): every other top-level and spec field
 * of either version.
 */
export function ephemeralResetFields(prev: KubeObject | undefined, next: KubeObject): string[][] {
  const top = new Set([...Object.keys(prev ?? {}), ...Object.keys(next)]);
  top.delete('spec');
  const spec = new Set([...Object.keys(prev ? specOf(prev) : {}), ...Object.keys(specOf(next))]);
  spec.delete('ephemeralContainers');
  return [...[...top].map((k) => [k]), ...[...spec].map((k) => ['spec', k])];
}

/** ValidatePodEphemeralContainersUpdate without ValidateObjectMetaUpdate (the registry's). */
export function validateEphemeralContainersUpdate(next: KubeObject, prev: KubeObject): FieldError[] {
  const meta = next.metadata as Record<string, unknown>;
  const errs = validatePodMetadataAndSpec(specOf(next), meta, { allowInvalidDeletionCost: hasInvalidDeletionCost(prev.metadata as Record<string, unknown>) });
  // Static pods don't support ephemeral containers (kubernetes#113935): this error alone.
  if (isMirrorPod(prev)) return [forbidden('', 'static pods do not support ephemeral containers')];
  // Order isn't preserved by patch, so each existing one is looked up by name.
  const byName = new Map(ephemeralOf(next).map((c) => [c.name, c]));
  for (const old of ephemeralOf(prev)) {
    const now = byName.get(old.name);
    const name = goQuote(String(old.name ?? ''));
    if (!now) errs.push(forbidden('spec.ephemeralContainers', `existing ephemeral containers ${name} may not be removed\n`));
    else if (!semanticEqual(old, now)) errs.push(forbidden('spec.ephemeralContainers', `existing ephemeral containers ${name} may not be changed\n${describeDiff(old, now, 'EphemeralContainer')}`));
  }
  return errs;
}
