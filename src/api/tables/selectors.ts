/**
 * @module Label sets and label selectors as text, the way apimachinery's `labels.FormatLabels`,
 * `metav1.LabelSelectorAsSelector(...).String()` and `metav1.FormatLabelSelector` write them:
 * requirements sorted by key, `k=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`.
 */

/** metav1.LabelSelectorRequirement. */
export interface LabelSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

/** metav1.LabelSelector. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

/** `labels.FormatLabels`: `a=b,c=d` with keys sorted, or `<none>` when empty. */
export function formatLabels(labels: Record<string, string> | undefined | null): string {
  const keys = Object.keys(labels ?? {}).sort(compareStrings);
  if (keys.length === 0) return '<none>';
  return keys.map((k) => `${k}=${labels![k]}`).join(',');
}

/**
 * `metav1.LabelSelectorAsSelector(s).String()`: `""` for a nil or empty selector (Nothing and
 * Everything both print as empty), `null` where upstream returns an error (bad operator,
 * bad key or value, wrong number of values).
 */
export function labelSelectorString(selector: LabelSelector | undefined | null): string | null {
  if (!selector) return '';
  const reqs: Array<{ key: string; text: string }> = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    const text = requirementString(key, 'Equals', [value]);
    if (text === null) return null;
    reqs.push({ key, text });
  }
  for (const expr of selector.matchExpressions ?? []) {
    // Only the four LabelSelectorOperator values are accepted; `Equals` is internal.
    if (!EXPRESSION_OPERATORS.has(expr.operator)) return null;
    // A missing key is Go's "" (an invalid requirement), never a crash of the printer.
    const key = expr.key ?? '';
    const text = requirementString(key, expr.operator, expr.values ?? []);
    if (text === null) return null;
    reqs.push({ key, text });
  }
  // selector.Add sorts requirements by key; a stable sort keeps ties in insertion order.
  reqs.sort((a, b) => compareStrings(a.key, b.key));
  return reqs.map((r) => r.text).join(',');
}

/** `metav1.FormatLabelSelector`: the selector string, `<none>` when empty, `<error>` if invalid. */
export function formatLabelSelector(selector: LabelSelector | undefined | null): string {
  const text = labelSelectorString(selector);
  if (text === null) return '<error>';
  return text === '' ? '<none>' : text;
}

const EXPRESSION_OPERATORS = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

/** `labels.NewRequirement` validation plus `Requirement.String()`; `null` if invalid. */
function requirementString(key: string, operator: string, values: string[]): string | null {
  if (!isQualifiedName(key)) return null;
  if (!values.every(isLabelValue)) return null;
  const list = values.length === 1 ? values[0] : [...values].sort(compareStrings).join(',');
  switch (operator) {
    case 'Equals':
      return values.length === 1 ? `${key}=${list}` : null;
    case 'In':
      return values.length > 0 ? `${key} in (${list})` : null;
    case 'NotIn':
      return values.length > 0 ? `${key} notin (${list})` : null;
    case 'Exists':
      return values.length === 0 ? key : null;
    case 'DoesNotExist':
      return values.length === 0 ? `!${key}` : null;
    default:
      return null;
  }
}

const NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** `validation.IsQualifiedName`: `[prefix/]name`, prefix a DNS subdomain, name <= 63 chars. */
function isQualifiedName(key: string): boolean {
  const parts = key.split('/');
  if (parts.length > 2) return false;
  const name = parts[parts.length - 1];
  if (parts.length === 2) {
    const prefix = parts[0];
    if (prefix === '' || prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix)) return false;
  }
  return name.length > 0 && name.length <= 63 && NAME_PART.test(name);
}

/** `validation.IsValidLabelValue`: empty, or <= 63 chars of the name alphabet. */
function isLabelValue(value: string): boolean {
  return value === '' || (value.length <= 63 && NAME_PART.test(value));
}

/** Go's byte-wise string order (localeCompare would not match `sort.Strings`). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
