/**
 * @module The structured `metav1.LabelSelector` (`matchLabels` + `matchExpressions`, as
 * Deployments, ReplicaSets and Services' workloads carry it): its validation
 * (meta/v1/validation ValidateLabelSelector), its conversion to a Selector
 * (metav1.LabelSelectorAsSelector) and the text forms (`Selector.String()`,
 * metav1.FormatLabelSelector's `<none>`).
 */
import { newBadRequest } from '../errors.js';
import type { FieldError } from '../errors.js';
import { child, forbidden, index, invalid, required } from '../validation/field-errors.js';
import { compareGoStrings, goQuote } from '../validation/go-format.js';
import { isValidLabelValue } from '../validation/names.js';
import { validateLabelName, validateLabels } from '../validation/object-meta.js';
import { EVERYTHING, newRequirement, NOTHING, type Operator, parsedSelectorToString, type Requirement, type Selector, selectorOf } from './labels.js';

/** metav1.LabelSelectorRequirement. */
export interface LabelSelectorRequirement {
  key: string;
  /** `In`, `NotIn`, `Exists` or `DoesNotExist`. */
  operator: string;
  values?: string[] | null;
}

/** metav1.LabelSelector. */
export interface LabelSelector {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: LabelSelectorRequirement[] | null;
}

const OPERATORS: ReadonlyMap<string, Operator> = new Map([
  ['In', 'in'],
  ['NotIn', 'notin'],
  ['Exists', 'exists'],
  ['DoesNotExist', '!'],
]);

export interface LabelSelectorValidationOptions {
  /** Accept values that are not valid label values (only for data stored before the check). */
  allowInvalidLabelValueInSelector?: boolean;
  /** Accept operators it cannot interpret (SubjectAccessReview-style callers). */
  allowUnknownOperatorInRequirement?: boolean;
}

/**
 * ValidateLabelSelector: matchLabels as labels (errors at `path.matchLabels`), each expression's
 * operator, values count, key and values (errors at `path.matchExpressions[i]...`).
 */
export function validateLabelSelector(ls: LabelSelector | null | undefined, path: string, opts: LabelSelectorValidationOptions = {}): FieldError[] {
  if (!ls) return [];
  const errs = validateLabels(ls.matchLabels ?? undefined, child(path, 'matchLabels'));
  (ls.matchExpressions ?? []).forEach((expr, i) => {
    const p = index(child(path, 'matchExpressions'), i);
    const values = expr.values ?? [];
    switch (expr.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) errs.push(required(child(p, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"));
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) errs.push(forbidden(child(p, 'values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        break;
      default:
        if (!opts.allowUnknownOperatorInRequirement) errs.push(invalid(child(p, 'operator'), expr.operator ?? '', 'not a valid selector operator'));
    }
    errs.push(...validateLabelName(expr.key ?? '', child(p, 'key')));
    if (!opts.allowInvalidLabelValueInSelector) {
      values.forEach((v, j) => {
        errs.push(...isValidLabelValue(v).map((msg) => invalid(index(child(p, 'values'), j), v, msg)));
      });
    }
  });
  return errs;
}

/**
 * metav1.LabelSelectorAsSelector: null is Nothing, an empty selector Everything; otherwise
 * `k=v` per matchLabels entry and one requirement per expression, sorted by key. Throws a 400
 * BadRequest with upstream's text for what validation would have rejected
 * (`"Foo" is not a valid label selector operator`, NewRequirement's aggregate). Go walks
 * matchLabels in random order; here it is walked sorted, so the first error is stable.
 */
export function selectorFromLabelSelector(ls: LabelSelector | null | undefined): Selector {
  if (!ls) return NOTHING;
  const labels = ls.matchLabels ?? {};
  const exprs = ls.matchExpressions ?? [];
  if (Object.keys(labels).length + exprs.length === 0) return EVERYTHING;
  const reqs: Requirement[] = [];
  for (const k of Object.keys(labels).sort(compareGoStrings)) reqs.push(newRequirement(k, '=', [labels[k]]));
  for (const expr of exprs) {
    const op = OPERATORS.get(expr.operator);
    if (!op) throw newBadRequest(`${goQuote(expr.operator ?? '')} is not a valid label selector operator`);
    // Go passes append([]string(nil), values...): nil when empty, which prints as []string(nil).
    reqs.push(newRequirement(expr.key ?? '', op, expr.values?.length ? expr.values : null));
  }
  return selectorOf(reqs);
}

function isParsed(value: Selector | LabelSelector): value is Selector {
  return Array.isArray((value as Selector).requirements);
}

/**
 * `Selector.String()`: `a=b,c in (x,y),!d`. Accepts a parsed Selector or a metav1.LabelSelector
 * (converted first, as the Scale subresource's `status.selector` is). Null, Everything and
 * Nothing give "".
 */
export function selectorToString(selector: Selector | LabelSelector | null | undefined): string {
  if (!selector) return '';
  return parsedSelectorToString(isParsed(selector) ? selector : selectorFromLabelSelector(selector));
}

/** metav1.FormatLabelSelector: the string, `<none>` when empty, `<error>` when it cannot convert. */
export function formatLabelSelector(ls: LabelSelector | null | undefined): string {
  let text: string;
  try {
    text = parsedSelectorToString(selectorFromLabelSelector(ls));
  } catch {
    return '<error>';
  }
  return text || '<none>';
}
