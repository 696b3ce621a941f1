/**
 * @module Label and field selectors from a request's query, as one predicate for lists,
 * watches and deletecollection. A malformed selector or an unsupported field is a 400.
 */
import type { ResourceInfo } from '../api/resources.js';
import { fieldRequiresExactMatch, fieldSelectorFor, fieldsFor, matches, matchesFields, parseLabelSelector } from '../api/selectors/index.js';
import type { KubeObject } from '../api/types.js';
import { matchAll, type ObjectFilter } from './registry/rest-storage.js';

/** What a list or watch selects: the predicate, and the one name it can pass if the field selector pins it. */
export interface Selection {
  /** `matchAll` when the query has no selector. */
  filter: ObjectFilter;
  /** From a `metadata.name=<name>` term (upstream's MatchesSingle): no other object passes. */
  name?: string;
}

export function selectionFromQuery(info: ResourceInfo, query: URLSearchParams): Selection {
  const labelText = query.get('labelSelector') ?? '';
  const fieldText = query.get('fieldSelector') ?? '';
  const labels = labelText ? parseLabelSelector(labelText) : undefined;
  const fields = fieldText ? fieldSelectorFor(info, fieldText) : undefined;
  if (!labels && !fields) return { filter: matchAll };
  const filter = (obj: KubeObject): boolean => (!labels || matches(labels, obj.metadata.labels)) && (!fields || matchesFields(fields, fieldsFor(info, obj)));
  return { filter, name: fields && fieldRequiresExactMatch(fields, 'metadata.name') };
}

export function filterFromQuery(info: ResourceInfo, query: URLSearchParams): ObjectFilter {
  return selectionFromQuery(info, query).filter;
}
