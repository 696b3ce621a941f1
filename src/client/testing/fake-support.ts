/**
 * @module The fake transport's plumbing, kept apart so the fake reads as server behaviour:
 * parsing API paths, the verb of a request, RFC 7386 merge patch, object keys.
 */
import { newNotFound } from '../../api/errors.js';
import { deepCopy, type KubeObject } from '../../api/types.js';
import type { ResourceRef } from '../client.js';
import type { ApiRequest } from '../transport.js';

/** What a request does, as client-go's fake clientset names actions. */
export type FakeVerb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete';

/** The parts of an API path. Empty strings for what the path does not have. */
export interface Target {
  group: string;
  version: string;
  resource: string;
  namespace: string;
  name: string;
  subresource: string;
}

/** `/api/v1/namespaces/ns/pods/x/status` → its parts. `namespaces/<n>/status|finalize` stay cluster-scoped. */
export function parsePath(path: string): Target {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  let rest: string[];
  let group = '';
  let version: string;
  if (parts[0] === 'api') {
    version = parts[1];
    rest = parts.slice(2);
  } else if (parts[0] === 'apis') {
    group = parts[1];
    version = parts[2];
    rest = parts.slice(3);
  } else {
    throw newNotFound({ group: '', resource: '' }, '');
  }
  let namespace = '';
  if (rest[0] === 'namespaces' && rest.length >= 3 && !(rest.length === 3 && (rest[2] === 'status' || rest[2] === 'finalize'))) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  return { group, version, resource: rest[0] ?? '', namespace, name: rest[1] ?? '', subresource: rest[2] ?? '' };
}

export function verbOf(method: ApiRequest['method'], t: Target): FakeVerb {
  switch (method) {
    case 'GET':
      return t.name ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return 'delete';
  }
}

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return deepCopy(patch);
  const out: Record<string, unknown> = typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

export function keyOf(namespace: string, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

export function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export function apiVersionOf(ref: ResourceRef): string {
  return ref.group ? `${ref.group}/${ref.version}` : ref.version;
}

/** Everything but metadata and status: what bumps metadata.generation. */
export function specOf(obj: KubeObject): string {
  const { metadata: _m, status: _s, ...rest } = obj;
  return JSON.stringify(rest);
}
