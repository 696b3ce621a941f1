/**
 * @module Field errors as k8s.io/apimachinery/pkg/util/validation/field writes them
 * (v0.33, Kubernetes 1.33): one constructor per error type, the bad value quoted the way Go
 * prints it, paths (`spec.ports[0].port`, `metadata.labels[app]`) and the aggregate text
 * (`[a, b]`) that `errors.NewInvalid` puts into a Status message. Every validator in kubito
 * builds its `FieldError`s here, so the texts match kube-apiserver's byte for byte.
 */
import type { FieldError } from '../errors.js';
import { goNumber, goQuote } from './go-format.js';

export type FieldErrorType = FieldError['type'];

/** A value already rendered as Go prints it (`%#v` of a slice or struct, a Stringer's text). */
export interface GoRendered {
  readonly goRendered: string;
}

/** Wrap text that is already Go-formatted so that `formatBadValue` prints it unchanged. */
export function goRendered(text: string): GoRendered {
  return { goRendered: text };
}

/**
 * A field's bad value, typed as Go would hold it: a JS string is a Go string (`%q`), a number
 * an int or float64 (`%v`), a boolean `%v`, null/undefined a nil (`null`), anything else must
 * be pre-rendered with `goRendered`.
 */
export type BadValue = string | number | boolean | null | undefined | GoRendered;

/** `field.ErrorType.String()`. */
export function errorTypeText(type: FieldErrorType): string {
  switch (type) {
    case 'FieldValueRequired':
      return 'Required value';
    case 'FieldValueDuplicate':
      return 'Duplicate value';
    case 'FieldValueNotFound':
      return 'Not found';
    case 'FieldValueInvalid':
    case 'FieldValueTypeInvalid':
      return 'Invalid value';
    case 'FieldValueNotSupported':
      return 'Unsupported value';
    case 'FieldValueForbidden':
      return 'Forbidden';
    case 'FieldValueTooLong':
      return 'Too long';
    case 'FieldValueTooMany':
      return 'Too many';
    case 'InternalError':
      return 'Internal error';
  }
}

/** The bad value as ErrorBody prints it: strings `%q`, numbers and booleans `%v`, nil `null`. */
export function formatBadValue(value: BadValue): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return goQuote(value);
  if (typeof value === 'number') return goNumber(value);
  if (typeof value === 'boolean') return String(value);
  return value.goRendered;
}

/** Types whose body never shows the value (field.Error.ErrorBody). */
const VALUELESS: ReadonlySet<FieldErrorType> = new Set(['FieldValueRequired', 'FieldValueForbidden', 'FieldValueTooLong', 'InternalError']);

/** A marker for "no value to print" (field.omitValue), used by `tooMany` with an unknown count. */
export const OMIT_VALUE: unique symbol = Symbol('omitValue');

/** `field.Error.ErrorBody()`: `Invalid value: "x": detail`, `Required value`, ... */
export function errorBody(type: FieldErrorType, value: BadValue | typeof OMIT_VALUE, detail: string): string {
  let s = errorTypeText(type);
  if (!VALUELESS.has(type) && value !== OMIT_VALUE) s += `: ${formatBadValue(value)}`;
  if (detail) s += `: ${detail}`;
  return s;
}

function make(type: FieldErrorType, field: string, value: BadValue | typeof OMIT_VALUE, detail: string): FieldError {
  return { type, field, detail: errorBody(type, value, detail) };
}

/** field.Invalid: a malformed value. */
export function invalid(field: string, value: BadValue, detail: string): FieldError {
  return make('FieldValueInvalid', field, value, detail);
}

/** field.TypeInvalid: the value does not have the schema's type. */
export function typeInvalid(field: string, value: BadValue, detail: string): FieldError {
  return make('FieldValueTypeInvalid', field, value, detail);
}

/** field.Required: `Required value` or `Required value: detail`. */
export function required(field: string, detail = ''): FieldError {
  return make('FieldValueRequired', field, '', detail);
}

/** field.Forbidden: `Forbidden: detail`. */
export function forbidden(field: string, detail: string): FieldError {
  return make('FieldValueForbidden', field, '', detail);
}

/** field.Duplicate: `Duplicate value: "x"`. */
export function duplicate(field: string, value: BadValue): FieldError {
  return make('FieldValueDuplicate', field, value, '');
}

/** field.NotFound: `Not found: "x"`. */
export function notFound(field: string, value: BadValue): FieldError {
  return make('FieldValueNotFound', field, value, '');
}

/** field.NotSupported: `Unsupported value: "x": supported values: "a", "b"`. */
export function notSupported(field: string, value: BadValue, validValues: readonly string[]): FieldError {
  const detail = validValues.length ? `supported values: ${validValues.map((v) => goQuote(v)).join(', ')}` : '';
  return make('FieldValueNotSupported', field, value, detail);
}

/** field.TooLong: `Too long: may not be more than N bytes` (`value is too long` for N < 0). */
export function tooLong(field: string, maxLength: number): FieldError {
  return make('FieldValueTooLong', field, '', maxLength >= 0 ? `may not be more than ${maxLength} bytes` : 'value is too long');
}

/** field.TooMany: `Too many: 5: must have at most 3 items`; a negative count is omitted. */
export function tooMany(field: string, actual: number, max: number): FieldError {
  const detail = max >= 0 ? `must have at most ${max} items` : 'has too many items';
  return make('FieldValueTooMany', field, actual >= 0 ? actual : OMIT_VALUE, detail);
}

/** field.InternalError: `Internal error: message`. */
export function internalError(field: string, message: string): FieldError {
  return make('InternalError', field, null, message);
}

/** `field.Error.Error()`: `spec.ports[0].port: Invalid value: 0: must be ...`. */
export function fieldErrorString(err: FieldError): string {
  return `${err.field}: ${err.detail}`;
}

/**
 * utilerrors.Aggregate's text: duplicates dropped, one message as it is, several as
 * `[a, b, c]`. Empty input gives "".
 */
export function aggregateMessage(messages: readonly string[]): string {
  const unique = [...new Set(messages)];
  if (unique.length === 0) return '';
  if (unique.length === 1) return unique[0];
  return `[${unique.join(', ')}]`;
}

/** `field.ErrorList.ToAggregate().Error()`. */
export function formatErrorList(errs: readonly FieldError[]): string {
  return aggregateMessage(errs.map(fieldErrorString));
}

/**
 * The message of `errors.NewInvalid(kind, name, errs)`: `Service "x" is invalid: <aggregate>`,
 * or `Service "x" is invalid` for an empty list. The kind is `Kind` or `Kind.group`.
 */
export function invalidMessage(kind: { group: string; kind: string }, name: string, errs: readonly FieldError[]): string {
  const qualified = kind.group ? `${kind.kind}.${kind.group}` : kind.kind;
  const head = `${qualified} ${goQuote(name)} is invalid`;
  return errs.length ? `${head}: ${formatErrorList(errs)}` : head;
}

/** The text of a nil `*field.Path` (what label selector parsing reports keys under). */
export const NIL_PATH = '<nil>';

/** `path.Child(name, ...)`: `metadata.name`; a null or empty parent starts a new path. */
export function child(parent: string | null, ...names: string[]): string {
  const tail = names.join('.');
  return parent ? `${parent}.${tail}` : tail;
}

/** `path.Index(i)`: `spec.ports[0]`. */
export function index(parent: string | null, i: number): string {
  return `${parent ?? ''}[${i}]`;
}

/** `path.Key(k)`: `metadata.labels[app]` (the key is not quoted). */
export function key(parent: string | null, k: string): string {
  return `${parent ?? ''}[${k}]`;
}
