/**
 * @module Label and field selectors from a request's query, as one predicate for lists,
 * watches and deletecollection. A malformed selector or an unsupported field is a 400.
 */
import type { ResourceInfo } from '../api/resources.js';
import { fieldSelectorFor, fieldsFor, matches, matchesFields, parseLabelSelector } from '../api/selectors/index.js';
import type { KubeObject } from '../api/types.js';
import type { ObjectFilter } from './registry/rest-storage.js';

export function filterFromQuery(info: ResourceInfo, query: URLSearchParams): ObjectFilter {
  const labelText = query.get('labelSelector') ?? '';
  const fieldText = query.get('fieldSelector') ?? '';
  const labels = labelText ? parseLabelSelector(labelText) : undefined;
  const fields = fieldText ? fieldSelectorFor(info, fieldText) : undefined;
  if (!labels && !fields) return () => true;
  return (obj: KubeObject) => (!labels || matches(labels, obj.metadata.labels)) && (!fields || matchesFields(fields, fieldsFor(info, obj)));
}
