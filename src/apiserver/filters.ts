/**
 * @module Label and field selectors from a request's query, as one predicate for lists,
 * watches and deletecollection. A malformed selector or an unsupported field is a 400.
 */
import type { ResourceInfo } from '../api/resources.js';
import { fieldRequiresExactMatch, fieldSelectorFor, fieldsFor, matches, matchesFields, parseLabelSelector } from '../api/selectors/index.js';
import type { KubeObject } from '../api/types.js';
import { isFreshlyDecoded, matchAll, type ObjectFilter } from './registry/rest-storage.js';

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
  const filter = (obj: KubeObject): boolean => (!labels || matches(labels, obj.metadata.labels)) && (!fields || matchesFields(fields, fieldsOf(info, obj)));
  return { filter, name: fields && fieldRequiresExactMatch(fields, 'metadata.name') };
}

/**
 * The field set of a registry-decoded object, made once per object: a change's object is decoded
 * once and offered to every watch of its resource, so 100 watches with field selectors made the
 * same set 100 times per event. Only objects straight from a decode are remembered (they are
 * shared read-only); anything else may have changed since and is computed afresh.
 */
const fieldSets = new WeakMap<KubeObject, Record<string, string>>();

function fieldsOf(info: ResourceInfo, obj: KubeObject): Record<string, string> {
  if (!isFreshlyDecoded(obj)) return fieldsFor(info, obj);
  let fields = fieldSets.get(obj);
  if (!fields) fieldSets.set(obj, (fields = fieldsFor(info, obj)));
  return fields;
}

export function filterFromQuery(info: ResourceInfo, query: URLSearchParams): ObjectFilter {
  return selectionFromQuery(info, query).filter;
}
