/**
 * @module Field selectors as k8s.io/apimachinery/pkg/fields (v0.33): comma-separated terms,
 * each `field=value`, `field==value` or `field!=value`, all of which must hold. `\` escapes
 * `\`, `,` and `=` in values; nothing is trimmed; terms are sorted as raw text before use.
 * A field an object does not have reads as "". Parse failures throw a 400 BadRequest with
 * upstream's text (`invalid selector: 'x'; can't understand 'x'`).
 */
import { newBadRequest } from '../errors.js';
import { compareGoStrings } from '../validation/go-format.js';

export interface FieldTerm {
  readonly field: string;
  /** `=` also stands for `==` (upstream keeps one hasTerm for both). */
  readonly operator: '=' | '!=';
  /** The unescaped value. */
  readonly value: string;
}

/** An AND of terms; no terms selects everything. */
export interface FieldSelector {
  readonly terms: readonly FieldTerm[];
}

/** fields.Everything(). */
export const EVERYTHING_FIELDS: FieldSelector = Object.freeze({ terms: Object.freeze([]) });

/** fields.EscapeValue: `\` → `\\`, `,` → `\,`, `=` → `\=`. */
export function escapeFieldValue(value: string): string {
  return value.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/**
 * fields.UnescapeValue. A bad escape throws upstream's text; note that an unescaped `,` or
 * `=` is reported by its code point number (`unescaped character in value: 61`), as Go's
 * `%v` of a rune prints it.
 */
export function unescapeFieldValue(value: string): string {
  if (!/[\\,=]/.test(value)) return value;
  let out = '';
  let inSlash = false;
  for (const ch of value) {
    if (inSlash) {
      if (ch !== '\\' && ch !== ',' && ch !== '=') throw newBadRequest(`invalid field selector: invalid escape sequence: \\${ch}`);
      out += ch;
      inSlash = false;
    } else if (ch === '\\') {
      inSlash = true;
    } else if (ch === ',' || ch === '=') {
      throw newBadRequest(`invalid field selector: unescaped character in value: ${ch.codePointAt(0)}`);
    } else {
      out += ch;
    }
  }
  if (inSlash) throw newBadRequest('invalid field selector: invalid escape sequence: \\');
  return out;
}

/** splitTerms: split on commas not preceded by an escaping backslash; "" gives no terms. */
function splitTerms(selector: string): string[] {
  if (selector === '') return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
}

/** splitTerm: the first `!=`, `==` or `=` (tried in that order at each position) splits the term. */
function splitTerm(term: string): { lhs: string; op: '!=' | '==' | '='; rhs: string } | null {
  for (let i = 0; i < term.length; i++) {
    for (const op of ['!=', '==', '='] as const) {
      if (term.startsWith(op, i)) return { lhs: term.slice(0, i), op, rhs: term.slice(i + op.length) };
    }
  }
  return null;
}

/** fields.ParseSelector: terms sorted as raw text, empty terms skipped. */
export function parseFieldSelector(selector: string): FieldSelector {
  const parts = splitTerms(selector).sort(compareGoStrings);
  const terms: FieldTerm[] = [];
  for (const part of parts) {
    if (part === '') continue;
    const split = splitTerm(part);
    if (!split) throw newBadRequest(`invalid selector: '${selector}'; can't understand '${part}'`);
    const value = unescapeFieldValue(split.rhs);
    terms.push({ field: split.lhs, operator: split.op === '!=' ? '!=' : '=', value });
  }
  return { terms };
}

/** A field's value as fields.Set.Get reads it: missing is "". */
function get(attrs: Readonly<Record<string, string>>, field: string): string {
  return Object.prototype.hasOwnProperty.call(attrs, field) ? attrs[field] : '';
}

/** Selector.Matches against an attribute set (see `fieldsFor`). */
export function matchesFields(selector: FieldSelector, attrs: Readonly<Record<string, string>>): boolean {
  return selector.terms.every((t) => (t.operator === '=' ? get(attrs, t.field) === t.value : get(attrs, t.field) !== t.value));
}

/** Selector.String: `field=value` terms (values escaped) joined by `,`. */
export function fieldSelectorToString(selector: FieldSelector): string {
  return selector.terms.map((t) => `${t.field}${t.operator}${escapeFieldValue(t.value)}`).join(',');
}

/** Selector.Empty. */
export function isEmptyFieldSelector(selector: FieldSelector): boolean {
  return selector.terms.length === 0;
}

/**
 * Selector.RequiresExactMatch: the value an `=` term on `field` demands (the first such term).
 * kube-apiserver uses it to compare `metadata.name` with a named GET/watch.
 */
export function fieldRequiresExactMatch(selector: FieldSelector, field: string): string | undefined {
  return selector.terms.find((t) => t.field === field && t.operator === '=')?.value;
}

/** fields.OneTermEqualSelector. */
export function oneTermEqualSelector(field: string, value: string): FieldSelector {
  return { terms: [{ field, operator: '=', value }] };
}
