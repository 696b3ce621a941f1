/**
 * @module What makes each kind more than a JSON blob: the hooks the generic registry calls
 * around every write, as kube-apiserver's `rest.RESTCreateStrategy` / `RESTUpdateStrategy` do.
 * A kind without a strategy gets the generic behaviour only (metadata, namespace, name).
 */
import type { FieldError } from './errors.js';
import type { KubeObject } from './types.js';

/** What a strategy may need besides the object: allocation, the clock. */
export interface StrategyContext {
  /** RFC 3339 "now", with second precision, as metav1.Time marshals. */
  now: string;
  /** `create`, `update`, or a subresource update such as `status`. */
  operation: 'create' | 'update' | 'status' | 'delete';
  dryRun: boolean;
}

export interface Strategy {
  /**
   * Scheme defaulting (SetDefaults_<Kind>): what a decoded object gets before anything else
   * sees it, so that field managers own defaulted fields as upstream records them.
   * Idempotent; prepareForCreate/Update may call it again.
   */
  defaults?(obj: KubeObject): void;
  /**
   * Create: reset what a client may not set (usually status) and fill defaults.
   * May be async to allocate resources (ClusterIPs, NodePorts); must then release them in
   * `rollbackCreate` if the write fails.
   */
  prepareForCreate?(obj: KubeObject, ctx: StrategyContext): void | Promise<void>;
  /** Undo what prepareForCreate allocated when the create did not happen (conflict, dry run). */
  rollbackCreate?(obj: KubeObject): void | Promise<void>;
  /** Update of the main resource: keep what it may not change (usually status) from `prev`. */
  prepareForUpdate?(next: KubeObject, prev: KubeObject, ctx: StrategyContext): void | Promise<void>;
  /**
   * Settles one prepareForUpdate: `committed` says whether its write was stored. Called exactly
   * once per prepareForUpdate that returned (also after validation errors, dry runs, no-op
   * updates and store conflicts that the registry retries), so allocations made in prepare can
   * be kept or given back, and values the update dropped released only once it is stored.
   */
  finishUpdate?(next: KubeObject, prev: KubeObject, committed: boolean): void | Promise<void>;
  /** Update of the status subresource: keep everything but status from `prev`. Default: that. */
  prepareForStatusUpdate?(next: KubeObject, prev: KubeObject): void;
  /**
   * Updates through a subresource of the kind's own (other than status, finalize, binding),
   * by name: each keeps from `prev` what its writes may not change (a pod's
   * `ephemeralcontainers` keeps all but spec.ephemeralContainers). A subresource not listed
   * cannot be updated.
   */
  subresourceUpdates?: Readonly<Record<string, (next: KubeObject, prev: KubeObject) => void>>;
  /** Field errors of a new object (after prepareForCreate). */
  validate?(obj: KubeObject): FieldError[];
  /**
   * Field errors of an update (after prepareForUpdate), immutability included. `subresource`
   * names the subresource written (`status`, `binding`, ...), undefined for the object itself:
   * what a client may change differs between them (a pod's spec is fixed but for its images,
   * while its binding sets spec.nodeName).
   */
  validateUpdate?(next: KubeObject, prev: KubeObject, subresource?: string): FieldError[];
  /**
   * Warnings about a new object that passed validation (upstream's WarningsOnCreate): sent as
   * `Warning` headers, which kubectl prints; the write goes on.
   */
  warningsOnCreate?(obj: KubeObject): string[];
  /** Warnings about an update of the object itself (not a subresource) that passed validation (WarningsOnUpdate). */
  warningsOnUpdate?(next: KubeObject, prev: KubeObject): string[];
  /** Whether `metadata.generation` tracks spec changes for this kind. */
  tracksGeneration?: boolean;
  /**
   * Whether a delete without a grace period of 0 should only mark the object (set
   * deletionTimestamp) and leave the removal to someone else (the kubelet, for pods). Returns
   * the grace period to record, or undefined for an immediate delete.
   */
  gracefulDeletePeriod?(obj: KubeObject, requested: number | undefined): number | undefined;
  /**
   * Whether something besides metadata.finalizers keeps an object with a deletionTimestamp
   * (a Namespace's spec.finalizers, until the namespace controller has drained it).
   */
  blocksRemoval?(obj: KubeObject): boolean;
  /** Refuses a delete by throwing a StatusError (the system namespaces may not be deleted). */
  checkDelete?(obj: KubeObject): void;
  /** Adjusts an object as its deletion starts (a Namespace's phase becomes Terminating). */
  markedForDeletion?(obj: KubeObject): void;
  /** Called after the object is gone from storage, to release what it held. */
  afterDelete?(obj: KubeObject): void | Promise<void>;
}
