/**
 * @module Label selectors as k8s.io/apimachinery/pkg/labels (v0.33) models them: a selector
 * is an AND of requirements sorted by key; `Nothing` matches no object (a nil
 * metav1.LabelSelector) and the empty selector matches every object. Requirements are built
 * by `newRequirement`, which validates them with upstream's messages and throws a 400
 * BadRequest (what kube-apiserver answers for a bad `labelSelector`).
 */
import { newBadRequest } from '../errors.js';
import type { FieldError } from '../errors.js';
import { child, formatErrorList, goRendered, index, invalid, key as keyPath, notSupported } from '../validation/field-errors.js';
import { compareGoStrings, goStringSlice } from '../validation/go-format.js';
import { isQualifiedName, isValidLabelValue } from '../validation/names.js';

/** selection.Operator values. */
export type Operator = '!' | '=' | '==' | 'in' | '!=' | 'notin' | 'exists' | 'gt' | 'lt';

/** `in, notin, =, ==, !=, gt, lt`: the order upstream lists binary operators in messages. */
export const BINARY_OPERATORS: readonly Operator[] = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'];
const UNARY_OPERATORS: readonly Operator[] = ['exists', '!'];

export interface Requirement {
  readonly key: string;
  readonly operator: Operator;
  /** In the order given (the parser gives them sorted and de-duplicated). */
  readonly values: readonly string[];
}

/** A label selector: all requirements must hold. `nothing` selects no object at all. */
export interface Selector {
  readonly requirements: readonly Requirement[];
  readonly nothing?: true;
}

/** labels.Everything(): matches every object. */
export const EVERYTHING: Selector = Object.freeze({ requirements: Object.freeze([]) });
/** labels.Nothing(): matches no object. */
export const NOTHING: Selector = Object.freeze({ requirements: Object.freeze([]), nothing: true as const });

/** strconv.ParseInt(s, 10, 64), or null if it would fail. */
export function parseGoInt64(s: string): bigint | null {
  if (!/^[+-]?[0-9]+$/.test(s)) return null;
  const n = BigInt(s);
  if (n > 9223372036854775807n || n < -9223372036854775808n) return null;
  return n;
}

/** validateLabelKey: one error, all messages joined by `; `. */
export function labelKeyError(key: string, path: string): FieldError | null {
  const errs = isQualifiedName(key);
  return errs.length ? invalid(path, key, errs.join('; ')) : null;
}

function labelValueError(key: string, value: string, path: string): FieldError | null {
  const errs = isValidLabelValue(value);
  return errs.length ? invalid(keyPath(path, key), value, errs.join('; ')) : null;
}

/**
 * The field errors of labels.NewRequirement(key, op, values, path): key, value count for the
 * operator, Gt/Lt integers, and each value. `path` null is Go's nil path (`key`, `values[0]`).
 */
export function requirementErrors(key: string, operator: string, values: readonly string[] | null, path: string | null = null): FieldError[] {
  const errs: FieldError[] = [];
  const keyErr = labelKeyError(key, child(path, 'key'));
  if (keyErr) errs.push(keyErr);
  const valuePath = child(path, 'values');
  const vals = values ?? [];
  const rendered = goRendered(goStringSlice(values));
  switch (operator) {
    case 'in':
    case 'notin':
      if (vals.length === 0) errs.push(invalid(valuePath, rendered, "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case '=':
    case '==':
    case '!=':
      if (vals.length !== 1) errs.push(invalid(valuePath, rendered, 'exact-match compatibility requires one single value'));
      break;
    case 'exists':
    case '!':
      if (vals.length !== 0) errs.push(invalid(valuePath, rendered, 'values set must be empty for exists and does not exist'));
      break;
    case 'gt':
    case 'lt':
      if (vals.length !== 1) errs.push(invalid(valuePath, rendered, "for 'Gt', 'Lt' operators, exactly one value is required"));
      vals.forEach((v, i) => {
        if (parseGoInt64(v) === null) errs.push(invalid(index(valuePath, i), v, "for 'Gt', 'Lt' operators, the value must be an integer"));
      });
      break;
    default:
      errs.push(notSupported(child(path, 'operator'), operator, [...BINARY_OPERATORS, ...UNARY_OPERATORS]));
  }
  vals.forEach((v, i) => {
    const err = labelValueError(key, v, index(valuePath, i));
    if (err) errs.push(err);
  });
  return errs;
}

/**
 * labels.NewRequirement: a valid requirement, or a 400 BadRequest whose message is the
 * aggregate of the field errors (`[a, b]` when there are several). `values` null is a Go nil
 * slice, which only changes how a bad count prints (`[]string(nil)` vs `[]string{}`).
 */
export function newRequirement(key: string, operator: Operator, values: readonly string[] | null, path: string | null = null): Requirement {
  const errs = requirementErrors(key, operator, values, path);
  if (errs.length) throw newBadRequest(formatErrorList(errs));
  return { key, operator, values: [...(values ?? [])] };
}

/** Sort by key as Selector.Add does (stable, bytewise). */
export function sortRequirements(reqs: readonly Requirement[]): Requirement[] {
  return [...reqs].sort((a, b) => compareGoStrings(a.key, b.key));
}

/** A selector of the given requirements (sorted by key). */
export function selectorOf(reqs: readonly Requirement[]): Selector {
  return { requirements: sortRequirements(reqs) };
}

/** labels.SelectorFromSet: `k=v` for every pair; empty or missing is Everything. */
export function selectorFromSet(set: Record<string, string> | null | undefined): Selector {
  return selectorOf(Object.entries(set ?? {}).map(([key, value]) => ({ key, operator: '=' as const, values: [value] })));
}

/** Requirement.Matches. */
export function requirementMatches(req: Requirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, req.key);
  const value = has ? labels[req.key] : '';
  switch (req.operator) {
    case 'in':
    case '=':
    case '==':
      return has && req.values.includes(value);
    case 'notin':
    case '!=':
      return !has || !req.values.includes(value);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (!has || req.values.length !== 1) return false;
      const actual = parseGoInt64(value);
      const bound = parseGoInt64(req.values[0]);
      if (actual === null || bound === null) return false;
      return req.operator === 'gt' ? actual > bound : actual < bound;
    }
    default:
      return false;
  }
}

/** Selector.Matches: every requirement holds (Nothing matches nothing). */
export function matches(selector: Selector, labels: Readonly<Record<string, string>> | null | undefined): boolean {
  if (selector.nothing) return false;
  const set = labels ?? {};
  return selector.requirements.every((r) => requirementMatches(r, set));
}

/** Selector.Empty: true for Everything (not for Nothing). */
export function isEmptySelector(selector: Selector): boolean {
  return !selector.nothing && selector.requirements.length === 0;
}

const OPERATOR_TEXT: Partial<Record<Operator, string>> = {
  '=': '=',
  '==': '==',
  '!=': '!=',
  in: ' in ',
  notin: ' notin ',
  gt: '>',
  lt: '<',
};

/** Requirement.String: `a=b`, `a in (x,y)` (values sorted), `a`, `!a`, `a>1`. */
export function requirementToString(req: Requirement): string {
  if (req.operator === 'exists') return req.key;
  if (req.operator === '!') return `!${req.key}`;
  const values = req.values.length === 1 ? req.values[0] : [...req.values].sort(compareGoStrings).join(',');
  const body = `${req.key}${OPERATOR_TEXT[req.operator] ?? ''}`;
  return req.operator === 'in' || req.operator === 'notin' ? `${body}(${values})` : `${body}${values}`;
}

/** Selector.String of a parsed selector: requirements joined by `,`; Everything and Nothing are "". */
export function parsedSelectorToString(selector: Selector): string {
  return selector.requirements.map(requirementToString).join(',');
}

/**
 * Selector.RequiresExactMatch: the value a `=`, `==` or single-value `in` on `key` demands.
 * Only the first requirement on the key is looked at, as upstream does.
 */
export function requiresExactMatch(selector: Selector, key: string): string | undefined {
  const req = selector.requirements.find((r) => r.key === key);
  if (!req) return undefined;
  if ((req.operator === '=' || req.operator === '==' || req.operator === 'in') && req.values.length === 1) return req.values[0];
  return undefined;
}
