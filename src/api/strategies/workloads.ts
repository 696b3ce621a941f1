/**
 * @module Deployment and ReplicaSet: generation tracks spec changes; status is the
 * controllers' (reset on create); apps/v1 defaults as upstream's SetDefaults_Deployment; specs
 * validated as ValidateDeployment / ValidateReplicaSet and their updates (validation/apps.ts).
 */
import type { KubeObject } from '../types.js';
import type { Strategy } from '../strategy.js';
import { defaultTo, recordOf, section, specOf } from './common.js';
import { dropDisabledPodSpecFields, podSpecDefaults } from './pod.js';
import { validateDeploymentSpec, validateDeploymentUpdate, validateReplicaSetSpec, validateReplicaSetUpdate } from '../validation/apps.js';

/** The pod spec of a workload's template, if it has one. */
function templatePodSpec(obj: KubeObject | undefined): Record<string, unknown> | undefined {
  return recordOf(recordOf(recordOf(obj?.spec)?.template)?.spec);
}

function templateDefaults(obj: KubeObject): void {
  const podSpec = templatePodSpec(obj);
  if (podSpec) podSpecDefaults(podSpec);
}

/** DropDisabledTemplateFields: the template's spec as a pod's (pod.ts), against the stored template's. */
function dropDisabledTemplateFields(next: KubeObject, prev?: KubeObject): void {
  const spec = templatePodSpec(next);
  if (spec) dropDisabledPodSpecFields(spec, templatePodSpec(prev));
}

function deploymentDefaults(obj: KubeObject): void {
  const spec = section(obj, 'spec');
  defaultTo(spec, 'replicas', 1);
  defaultTo(spec, 'revisionHistoryLimit', 10);
  defaultTo(spec, 'progressDeadlineSeconds', 600);
  const strategy = (spec.strategy ??= {}) as Record<string, unknown>;
  defaultTo(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') {
    const rolling = (strategy.rollingUpdate ??= {}) as Record<string, unknown>;
    defaultTo(rolling, 'maxUnavailable', '25%');
    defaultTo(rolling, 'maxSurge', '25%');
  }
  templateDefaults(obj);
}

function replicaSetDefaults(obj: KubeObject): void {
  const spec = section(obj, 'spec');
  defaultTo(spec, 'replicas', 1);
  templateDefaults(obj);
}

export const deploymentStrategy: Strategy = {
  tracksGeneration: true,
  // deploymentStatusStrategy: spec and labels stay; status and the rest of metadata (the
  // controller's revision annotations) come from the request.
  prepareForStatusUpdate(next, prev) {
    next.spec = structuredClone(prev.spec);
    if (next.spec === undefined) delete next.spec;
    if (prev.metadata.labels) next.metadata.labels = structuredClone(prev.metadata.labels);
    else delete next.metadata.labels;
  },
  defaults: deploymentDefaults,
  prepareForCreate(obj) {
    deploymentDefaults(obj);
    dropDisabledTemplateFields(obj);
    obj.status = {};
  },
  prepareForUpdate(next, prev) {
    deploymentDefaults(next);
    dropDisabledTemplateFields(next, prev);
  },
  validate: (obj) => validateDeploymentSpec(specOf(obj)),
  // The status subresource keeps the spec (upstream checks only status counters there).
  validateUpdate: (next, prev, subresource) => (subresource === 'status' ? [] : validateDeploymentUpdate(specOf(next), specOf(prev))),
};

export const replicaSetStrategy: Strategy = {
  tracksGeneration: true,
  defaults: replicaSetDefaults,
  prepareForCreate(obj) {
    replicaSetDefaults(obj);
    dropDisabledTemplateFields(obj);
    obj.status = { replicas: 0 };
  },
  prepareForUpdate(next, prev) {
    replicaSetDefaults(next);
    dropDisabledTemplateFields(next, prev);
  },
  validate: (obj) => validateReplicaSetSpec(specOf(obj)),
  validateUpdate: (next, prev, subresource) => (subresource === 'status' ? [] : validateReplicaSetUpdate(specOf(next), specOf(prev))),
};
