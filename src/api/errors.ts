/**
 * @module API errors as Kubernetes sends them: a `Status` with a stable `reason` and the
 * message text kube-apiserver writes (k8s.io/apimachinery/pkg/api/errors/errors.go).
 * Every layer throws `StatusError`; the HTTP layer writes its `status` as the body.
 * Check kinds with the `is*` functions, never by duck typing.
 */
import type { Status, StatusCause } from './types.js';
import { invalidMessage } from './validation/field-errors.js';

/** The `reason` values of metav1.StatusReason that kubito produces. */
export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Invalid'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'Timeout'
  | 'Expired'
  | 'TooManyRequests'
  | 'InternalError'
  | 'ServiceUnavailable';

/** Identifies a resource in messages: `services`, `deployments.apps`. */
export interface GroupResource {
  group: string;
  resource: string;
}

const BRAND = Symbol.for('kubito.StatusError');

/** An error that carries a complete Kubernetes `Status`. */
export class StatusError extends Error {
  readonly status: Status;
  readonly [BRAND] = true;

  constructor(status: Status) {
    super(status.message ?? status.reason ?? 'error');
    this.name = 'StatusError';
    this.status = status;
  }

  get code(): number {
    return this.status.code;
  }

  get reason(): StatusReason | undefined {
    return this.status.reason as StatusReason | undefined;
  }

  // `instanceof` works across two copies of this module (undici's trick).
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}

/** `services` or `deployments.apps`, as kube-apiserver formats a GroupResource. */
export function formatGroupResource(gr: GroupResource): string {
  return gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
}

function failure(code: number, reason: StatusReason | undefined, message: string, details?: Status['details']): StatusError {
  const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, code };
  if (reason) status.reason = reason;
  if (details) status.details = details;
  return new StatusError(status);
}

export function newNotFound(gr: GroupResource, name: string): StatusError {
  const message = name ? `${formatGroupResource(gr)} "${name}" not found` : `${formatGroupResource(gr)} not found`;
  return failure(404, 'NotFound', message, { name, group: gr.group || undefined, kind: gr.resource });
}

export function newAlreadyExists(gr: GroupResource, name: string): StatusError {
  return failure(409, 'AlreadyExists', `${formatGroupResource(gr)} "${name}" already exists`, {
    name,
    group: gr.group || undefined,
    kind: gr.resource,
  });
}

export function newConflict(gr: GroupResource, name: string, reason: string): StatusError {
  return failure(409, 'Conflict', `Operation cannot be fulfilled on ${formatGroupResource(gr)} "${name}": ${reason}`, {
    name,
    group: gr.group || undefined,
    kind: gr.resource,
  });
}

/** The message kube-apiserver uses when an update carries a stale resourceVersion. */
export const OBJECT_MODIFIED = 'the object has been modified; please apply your changes to the latest version and try again';

/** One field error, as field.Error renders it: `spec.ports[0].port: Invalid value: 0: must be between 1 and 65535`. */
export interface FieldError {
  /** Status cause reason: FieldValueInvalid, FieldValueRequired, FieldValueNotSupported, FieldValueDuplicate, FieldValueNotFound, FieldValueForbidden, FieldValueTooLong, FieldValueTypeInvalid. */
  type: 'FieldValueInvalid' | 'FieldValueRequired' | 'FieldValueNotSupported' | 'FieldValueDuplicate' | 'FieldValueNotFound' | 'FieldValueForbidden' | 'FieldValueTooLong' | 'FieldValueTooMany' | 'FieldValueTypeInvalid' | 'InternalError';
  /** The field path, e.g. `spec.ports[0].port`. */
  field: string;
  /** Text after the type, e.g. `Invalid value: 0: must be between 1 and 65535`. */
  detail: string;
}

/** `kind.group "name" is invalid: [cause, cause]`, as errors.NewInvalid writes it (repeats dropped). */
export function newInvalid(kind: { group: string; kind: string }, name: string, errs: FieldError[]): StatusError {
  const causes: StatusCause[] = errs.map((e) => ({ reason: e.type, message: e.detail, field: e.field }));
  return failure(422, 'Invalid', invalidMessage(kind, name, errs), {
    name,
    group: kind.group || undefined,
    kind: kind.kind,
    causes,
  });
}

export function newBadRequest(message: string): StatusError {
  return failure(400, 'BadRequest', message);
}

export function newUnauthorized(message = 'Unauthorized'): StatusError {
  return failure(401, 'Unauthorized', message);
}

export function newForbidden(gr: GroupResource, name: string, why: string): StatusError {
  const what = name ? `${formatGroupResource(gr)} "${name}"` : formatGroupResource(gr);
  return failure(403, 'Forbidden', `${what} is forbidden: ${why}`, { name, group: gr.group || undefined, kind: gr.resource });
}

export function newMethodNotSupported(gr: GroupResource, verb: string): StatusError {
  return failure(405, 'MethodNotAllowed', `${verb} is not supported on resources of kind "${formatGroupResource(gr)}"`, {
    group: gr.group || undefined,
    kind: gr.resource,
  });
}

export function newGone(message: string): StatusError {
  return failure(410, 'Expired', message);
}

/** The watch/list error for a resourceVersion older than the retained history. */
export function newResourceExpired(message: string): StatusError {
  return failure(410, 'Expired', message);
}

export function newRequestEntityTooLarge(message: string): StatusError {
  return failure(413, 'RequestEntityTooLarge', `Request entity too large: ${message}`);
}

export function newUnsupportedMediaType(contentType: string): StatusError {
  return failure(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf`);
}

export function newNotAcceptable(message: string): StatusError {
  return failure(406, 'NotAcceptable', message);
}

export function newTimeout(message: string, retryAfterSeconds = 0): StatusError {
  return failure(504, 'Timeout', message, retryAfterSeconds ? { retryAfterSeconds } : undefined);
}

export function newInternalError(err: unknown): StatusError {
  const message = err instanceof Error ? err.message : String(err);
  return failure(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] });
}

export function newServiceUnavailable(message: string): StatusError {
  return failure(503, 'ServiceUnavailable', message);
}

/** A Status with a 404 and no reason: what the server answers for a path it does not serve. */
export function newPathNotFound(): StatusError {
  return failure(404, 'NotFound', 'the server could not find the requested resource', {});
}

function hasReason(err: unknown, reason: StatusReason): boolean {
  return err instanceof StatusError && err.reason === reason;
}

export function isNotFound(err: unknown): boolean {
  return hasReason(err, 'NotFound');
}
export function isAlreadyExists(err: unknown): boolean {
  return hasReason(err, 'AlreadyExists');
}
export function isConflict(err: unknown): boolean {
  return hasReason(err, 'Conflict');
}
export function isInvalid(err: unknown): boolean {
  return hasReason(err, 'Invalid');
}
export function isGone(err: unknown): boolean {
  return err instanceof StatusError && (err.reason === 'Expired' || err.reason === 'Gone' || err.code === 410);
}

/** Turn anything thrown into a StatusError (unknown errors become 500 InternalError). */
export function toStatusError(err: unknown): StatusError {
  return err instanceof StatusError ? err : newInternalError(err);
}

/** apierrors.HasStatusCause: whether `err` is a Status carrying a cause of this reason (e.g. NamespaceTerminating). */
export function hasStatusCause(err: unknown, cause: string): boolean {
  return err instanceof StatusError && (err.status.details?.causes ?? []).some((c) => c.reason === cause);
}
