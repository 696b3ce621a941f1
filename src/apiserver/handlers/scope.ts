/**
 * @module What every resource handler gets: the parsed request, the resource and its registry,
 * and helpers to answer in the representation the client negotiated.
 */
import { StatusError, newBadRequest, newInvalid } from '../../api/errors.js';
import type { FieldError } from '../../api/errors.js';
import { goRendered, notSupported } from '../../api/validation/field-errors.js';
import { goQuote } from '../../api/validation/go-format.js';
import { validateFieldManager } from '../../api/validation/object-meta.js';
import { reconcileNamespace } from '../../api/validation/resource-meta.js';
import type { ResourceInfo } from '../../api/resources.js';
import type { KubeObject, Status } from '../../api/types.js';
import type { HandlerRequest, HandlerResponse } from '../http-types.js';
import { negotiate, serialize, type Accepted } from '../negotiate.js';
import { isFreshlyDecoded, type GuaranteedUpdateOptions, type Mutate, type RestStorage } from '../registry/rest-storage.js';
import type { ResourceRequest } from '../request-info.js';
import { loadTableRenderer, toPartialMetadata } from '../representations.js';

export interface Scope {
  http: HandlerRequest;
  request: ResourceRequest;
  info: ResourceInfo;
  storage: RestStorage;
  /** Milliseconds since the epoch. */
  now: number;
  /** `Warning` headers to send with the answer (fieldValidation=Warn, deprecations). */
  warnings: string[];
}

/** The query parameter, or undefined when absent or empty. */
export function param(scope: Scope, name: string): string | undefined {
  const value = scope.http.query.get(name);
  return value === null || value === '' ? undefined : value;
}

/**
 * A boolean query parameter as apimachinery converts it (Convert_Slice_string_To_bool): absent
 * is false; present, everything but "0" and "false" (any case) is true, even an empty value.
 * Python's client sends `watch=True`.
 */
export function queryBool(query: URLSearchParams, name: string): boolean {
  const value = query.get(name);
  if (value === null) return false;
  const lower = value.toLowerCase();
  return lower !== '0' && lower !== 'false';
}

/** `dryRun=All` (the only value upstream accepts). */
export function isDryRun(scope: Scope): boolean {
  const values = scope.http.query.getAll('dryRun');
  for (const v of values) {
    if (v !== 'All') throw new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 400, reason: 'BadRequest', message: `Unsupported value: "${v}": supported values: "All"` });
  }
  return values.length > 0;
}

/**
 * One `Warning` header value as k8s.io/apimachinery's net.NewWarningHeader(299, "-", text)
 * makes it: `"` and `\` escaped, everything else as it is; a text with control characters is
 * dropped (undefined), as upstream's recorder drops it. A lone surrogate is U+FFFD, as Go's JSON
 * decoding made it. Node takes header values as latin1 characters, so the UTF-8 bytes are
 * handed over one character each: the same bytes upstream sends, and no character Node refuses
 * (it threw on `中` in an unknown field's name, in the middle of answering).
 */
export function warningHeaderValue(text: string): string | undefined {
  const wellFormed = text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
  if (/[\u0000-\u001f\u007f-\u009f]/.test(wellFormed)) return undefined;
  const quoted = `299 - "${wellFormed.replace(/["\\]/g, (c: string) => `\\${c}`)}"`;
  return Buffer.from(quoted, 'utf8').toString('latin1');
}

/** The headers every answer carries: `Warning`s, when there are any. */
export function headersFor(scope: Scope): Record<string, string | string[]> | undefined {
  const values = scope.warnings.map(warningHeaderValue).filter((v): v is string => v !== undefined);
  return values.length ? { Warning: values } : undefined;
}

/** Answers one object (or a list) in the negotiated representation. */
export async function respondObject(scope: Scope, status: number, obj: KubeObject | { items: KubeObject[]; metadata: object; kind: string; apiVersion: string }): Promise<HandlerResponse> {
  const isList = Array.isArray((obj as { items?: unknown }).items);
  const accepted: Accepted = negotiate(scope.http.headers.accept, { list: isList });
  let body: unknown = obj;
  if (accepted.representation === 'table') {
    const toTableResponse = await loadTableRenderer();
    body = toTableResponse(scope, isList ? (obj as { items: KubeObject[] }).items : [obj as KubeObject], (obj as { metadata: object }).metadata);
  } else if (accepted.representation === 'metadata') {
    body = isList
      ? { kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: (obj as { metadata: object }).metadata, items: (obj as { items: KubeObject[] }).items.map(toPartialMetadata) }
      : toPartialMetadata(obj as KubeObject);
  }
  // An object straight from a registry decode equals its JSON round trip and is held by no one
  // else, so the in-process caller can have it as it is.
  if (scope.http.acceptsValue && accepted.representation === 'object' && !accepted.yaml && isFreshlyDecoded(body as object)) {
    return { kind: 'body', status, contentType: accepted.contentType, body: '', value: body, headers: headersFor(scope) };
  }
  return { kind: 'body', status, contentType: accepted.contentType, body: serialize(body, accepted), headers: headersFor(scope) };
}

/** Answers with JSON text already in the negotiated representation. */
export function respondText(scope: Scope, status: number, body: { text: string | Buffer; contentType: string }): HandlerResponse {
  return { kind: 'body', status, contentType: body.contentType, body: body.text, headers: headersFor(scope) };
}

/** Answers a Status (success of a delete, for example). */
export function respondStatus(scope: Scope, status: Status): HandlerResponse {
  return { kind: 'body', status: status.code, contentType: 'application/json', body: JSON.stringify(status), headers: headersFor(scope) };
}

/**
 * The content type of a one-object answer that is only sent — plain JSON to a client on a
 * socket — and so can be the stored text itself (no decode and no encode of the object);
 * undefined when the answer must be an object (Tables, YAML, in-process callers taking values).
 */
export function storedTextAnswer(scope: Scope): string | undefined {
  const accepted = negotiate(scope.http.headers.accept, { list: false });
  return accepted.representation === 'object' && !accepted.yaml && !scope.http.acceptsValue ? accepted.contentType : undefined;
}

/**
 * Runs the request's read-modify-write and answers with the object it wrote: as JSON text
 * spliced from the stored value when the answer is only sent (JSON to a client on a socket:
 * no decode and no encode of the object), else as an object (Tables, YAML, in-process callers).
 * `status` is read once the write is done (a PUT or an apply may have created the object).
 */
export async function updateAndRespond(scope: Scope, mutate: Mutate, writeOptions: GuaranteedUpdateOptions, status: () => number): Promise<HandlerResponse> {
  const { namespace, name } = scope.request;
  const options = { ...writeOptions, warnings: scope.warnings };
  const contentType = storedTextAnswer(scope);
  if (contentType !== undefined) {
    const text = await scope.storage.guaranteedUpdateAsText(namespace, name, mutate, options);
    return respondText(scope, status(), { text, contentType });
  }
  return respondObject(scope, status(), await scope.storage.guaranteedUpdate(namespace, name, mutate, options));
}

/**
 * A written object's namespace and name against the URL's, as upstream's update handler and
 * patcher check them (EnsureObjectNamespaceMatchesRequestNamespace, then checkName): an empty
 * namespace takes the URL's, a cluster-scoped kind loses it; the name must be there and be the
 * URL's. 400 BadRequest otherwise.
 */
export function checkName(scope: Scope, next: KubeObject): void {
  const { name, namespace } = scope.request;
  const meta = (next.metadata ??= {});
  const ns = reconcileNamespace(meta.namespace, { requestNamespace: namespace ?? '', namespaced: scope.info.namespaced });
  if (ns) meta.namespace = ns;
  else delete meta.namespace;
  if (!meta.name) throw newBadRequest(`the name of the object (${name} based on URL) was undeterminable: name must be provided`);
  if (meta.name !== name) throw newBadRequest(`the name of the object (${meta.name}) does not match the name on the URL (${name})`);
}

/**
 * The write options' own checks (meta/v1 validation ValidateCreateOptions, ValidateUpdateOptions,
 * ValidatePatchOptions): `first` (the patch-only ones), then fieldManager, dryRun and
 * fieldValidation; any error is one 422 for the options kind, before the body is looked at.
 */
export function validateWriteOptions(scope: Scope, kind: 'CreateOptions' | 'UpdateOptions' | 'PatchOptions', first: FieldError[] = []): void {
  const errs = [...first, ...validateFieldManager(scope.http.query.get('fieldManager') ?? '', 'fieldManager')];
  const dryRun = scope.http.query.getAll('dryRun');
  if (dryRun.some((v) => v !== 'All')) errs.push(notSupported('dryRun', goRendered(`[]string{${dryRun.map(goQuote).join(', ')}}`), ['All']));
  const validation = scope.http.query.get('fieldValidation');
  if (validation && validation !== 'Ignore' && validation !== 'Strict' && validation !== 'Warn') errs.push(notSupported('fieldValidation', validation, ['Ignore', 'Strict', 'Warn']));
  if (errs.length > 0) throw newInvalid({ group: 'meta.k8s.io', kind }, '', errs);
}
