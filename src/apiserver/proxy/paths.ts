/**
 * @module The paths of a proxy request, as kube-apiserver computes them (pure): which object a
 * path addresses (`/api/v1/namespaces/{ns}/{services|pods}/{id}/proxy[/{path}]`,
 * `/api/v1/nodes/{id}/proxy[/{path}]`), the path sent to the backend (the connect handler's
 * `path` option, JoinPreservingTrailingSlash, UpgradeAwareHandler's trailing slash) and the
 * prefix the response's links get (`PathPrepend` of apimachinery's proxy Transport).
 */

export type ProxyResource = 'services' | 'pods' | 'nodes';

/** A proxy request's target object and sub-path, read from the raw (undecoded) request path. */
export interface ProxyPath {
  resource: ProxyResource;
  /** '' for nodes. */
  namespace: string;
  /** `name`, `name:port` or `scheme:name:port`, decoded. */
  id: string;
  /**
   * The connect handler's `path` option: the parts after `proxy` joined with a leading `/`, and a
   * trailing `/` when the request path has one; '' for `.../proxy`.
   */
  subpath: string;
}

function decode(part: string): string | undefined {
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
}

/** The object and sub-path of a proxy subresource path, or undefined for any other path. */
export function parseProxyPath(rawPath: string): ProxyPath | undefined {
  // One leading slash: `//api/...` is not an API path (Go's mux would redirect it to the cleaned
  // path; its 301 here would carry a protocol-relative Location naming a host "api").
  if (!rawPath.startsWith('/') || rawPath.startsWith('//')) return undefined;
  const parts = rawPath.replace(/^\/+|\/+$/g, '').split('/');
  if (parts[0] !== 'api' || parts[1] !== 'v1') return undefined;
  let namespace = '';
  let rest = parts.slice(2);
  if (rest[0] === 'namespaces' && (rest[2] === 'services' || rest[2] === 'pods')) {
    namespace = decode(rest[1]) ?? '';
    rest = rest.slice(2);
  } else if (rest[0] !== 'nodes') {
    return undefined;
  }
  const [resource, rawId, subresource] = rest;
  // Services and pods need a namespace; nodes have none (the branch above).
  const scoped = resource === 'nodes' || namespace !== '';
  if (subresource !== 'proxy' || !rawId || !scoped) return undefined;
  const id = decode(rawId);
  if (id === undefined) return undefined;
  let subpath = rest.slice(3).join('/');
  if (subpath && !subpath.startsWith('/')) subpath = `/${subpath}`;
  if (rawPath.endsWith('/') && !subpath.endsWith('/')) subpath += '/';
  return { resource: resource as ProxyResource, namespace, id, subpath };
}

/** Go's path.Clean. */
export function cleanPath(path: string): string {
  if (path === '') return '.';
  const rooted = path.startsWith('/');
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const joined = out.join('/');
  if (rooted) return `/${joined}`;
  return joined || '.';
}

/** Go's path.Join: the non-empty elements joined by `/` and cleaned; '' when all are empty. */
export function joinPath(...elems: string[]): string {
  const nonEmpty = elems.filter((e) => e !== '');
  return nonEmpty.length ? cleanPath(nonEmpty.join('/')) : '';
}

/** k8s.io/apimachinery/pkg/util/net JoinPreservingTrailingSlash. */
export function joinPreservingTrailingSlash(...elems: string[]): string {
  let result = joinPath(...elems);
  const last = [...elems].reverse().find((e) => e !== '');
  if (last?.endsWith('/') && !result.endsWith('/')) result += '/';
  return result;
}

/**
 * The backend request's path: the location's path (`subpath` joined onto it) with the request
 * path's trailing slash. '' means the root was asked for without a slash: GET and HEAD are
 * redirected (UpgradeAwareHandler's proxyRedirectsforRootPath), other methods send `/`.
 */
export function backendPath(locationPath: string, requestPath: string): string {
  if (!locationPath.endsWith('/') && requestPath.endsWith('/')) return `${locationPath}/`;
  return locationPath;
}

/**
 * The prefix links are rewritten with (defaultProxyTransport): the request path without the
 * location's path at its end, e.g. `/api/v1/namespaces/default/services/web:80/proxy`.
 */
export function pathPrepend(requestPath: string, locationPath: string): string {
  let suffix = locationPath;
  if (requestPath.endsWith('/') && !suffix.endsWith('/')) suffix += '/';
  return suffix && requestPath.endsWith(suffix) ? requestPath.slice(0, requestPath.length - suffix.length) : requestPath;
}

/** X-Forwarded-Uri: the prefix joined with the backend path, trailing slash kept. */
export function forwardedUri(prepend: string, path: string): string {
  const uri = joinPath(prepend, path);
  return path.endsWith('/') ? `${uri}/` : uri;
}
