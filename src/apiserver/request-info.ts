/**
 * @module Turns a request path into what it addresses, as kube-apiserver's RequestInfoFactory
 * does: `/api/v1/namespaces/default/services/nginx/status` -> verb get, resource services,
 * namespace default, name nginx, subresource status.
 */
import { newBadRequest } from '../api/errors.js';
import type { Method } from '../client/transport.js';

export interface ResourceRequest {
  isResource: true;
  /** get, list, watch, create, update, patch, delete, deletecollection. */
  verb: string;
  group: string;
  version: string;
  /** '' for cluster-scoped requests and for lists across all namespaces. */
  namespace: string;
  resource: string;
  name: string;
  subresource: string;
  /** The path parts after the subresource (pod proxy paths); usually empty. */
  rest: string[];
}

export interface NonResourceRequest {
  isResource: false;
  verb: string;
  path: string;
}

export type RequestInfo = ResourceRequest | NonResourceRequest;

const VERBS_BY_METHOD: Record<Method, string> = {
  GET: 'get',
  POST: 'create',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
};

/**
 * Parses an API path. `watch` says whether the query asks for a watch (`watch=true|1`).
 * Paths outside /api and /apis, and the discovery paths themselves, are non-resource.
 */
/**
 * A path segment unescaped as Go's url.PathUnescape does: a malformed escape is the 400 Go's
 * server answers (`invalid URL escape "%zz"`); escaped bytes that are not UTF-8 are kept as
 * what they decode to (Go keeps the bytes; here they become U+FFFD, a name nothing has) instead
 * of decodeURIComponent's URIError.
 */
function unescapePathSegment(segment: string): string {
  const bad = /%(?![0-9A-Fa-f]{2})/.exec(segment);
  if (bad) throw newBadRequest(`invalid URL escape ${JSON.stringify(segment.slice(bad.index, bad.index + 3))}`);
  try {
    return decodeURIComponent(segment);
  } catch {
    const bytes: Buffer[] = [];
    for (const [piece, hex] of segment.matchAll(/%([0-9A-Fa-f]{2})|[^%]+/g)) bytes.push(hex ? Buffer.of(parseInt(hex, 16)) : Buffer.from(piece, 'utf8'));
    return Buffer.concat(bytes).toString('utf8');
  }
}

export function parseRequestInfo(method: Method, path: string, watch: boolean): RequestInfo {
  const raw = path.split('/').filter((p) => p !== '');
  // Most paths have nothing escaped: decoded only when there is something to decode.
  const parts = path.includes('%') ? raw.map(unescapePathSegment) : raw;
  let group = '';
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) {
    rest = parts.slice(1);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1];
    rest = parts.slice(2);
  } else {
    return { isResource: false, verb: method.toLowerCase(), path };
  }
  const version = rest[0];
  let tail = rest.slice(1);
  let namespace = '';
  // `/namespaces/{ns}/...` addresses a namespaced resource, but `/namespaces` and
  // `/namespaces/{name}[/status|finalize]` address the Namespace objects themselves.
  if (tail[0] === 'namespaces' && tail.length >= 3 && tail[2] !== 'status' && tail[2] !== 'finalize') {
    namespace = tail[1];
    tail = tail.slice(2);
  }
  const [resource = '', name = '', subresource = '', ...extra] = tail;
  let verb = VERBS_BY_METHOD[method] ?? method.toLowerCase();
  if (method === 'GET' && !name) verb = watch ? 'watch' : 'list';
  else if (method === 'GET' && watch) verb = 'watch';
  else if (method === 'DELETE' && !name) verb = 'deletecollection';
  return { isResource: true, verb, group, version, namespace, resource, name, subresource, rest: extra };
}
