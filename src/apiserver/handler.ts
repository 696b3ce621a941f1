/**
 * @module The API server's one entry point: `handle(request) -> response`. Authentication,
 * non-resource paths (discovery, OpenAPI, version, health), then the resource verbs. The HTTPS
 * server and the in-process transport both call this, so they behave the same.
 */
import {
  newBadRequest,
  newMethodNotSupported,
  newNotFound,
  newPathNotFound,
  newServiceUnavailable,
  newUnauthorized,
  StatusError,
  toStatusError,
} from '../api/errors.js';
import { findResource, type ResourceInfo } from '../api/resources.js';
import { buildDiscovery, serveDiscovery, type DiscoveryDocuments } from './discovery.js';
import { deleteCollection, deleteObject } from './handlers/delete.js';
import { patchObject } from './handlers/patch.js';
import { getObject, listObjects } from './handlers/read.js';
import { createBinding } from './handlers/binding.js';
import { createEviction } from './handlers/eviction.js';
import { getScale, updateScale } from './handlers/scale.js';
import { headersFor, queryBool, type Scope } from './handlers/scope.js';
import { watchObjects } from './handlers/watch.js';
import { createObject, updateObject } from './handlers/write.js';
import { reviewEndpoint, serveReview } from './handlers/reviews.js';
import { ADMIN_USER, ImpersonationError, impersonationFailure, requestUser, type UserInfo } from './impersonation.js';
import type { Authenticate } from './authn.js';
import type { ServiceAccountTokens } from './serviceaccount/tokens.js';
import { jsonResponse, type HandlerRequest, type HandlerResponse } from './http-types.js';
import type { RestStorage } from './registry/rest-storage.js';
import { parseRequestInfo, type ResourceRequest } from './request-info.js';

/** What `/version` answers; kubectl prints gitVersion as the server version. */
export interface VersionInfo {
  major: string;
  minor: string;
  gitVersion: string;
  gitCommit: string;
  gitTreeState: string;
  buildDate: string;
  goVersion: string;
  compiler: string;
  platform: string;
}

/** Serves streaming pod subresources (log, exec, attach, portforward); the node agent provides it. */
export type PodStreamHandler = (scope: Scope) => Promise<HandlerResponse>;

export interface ApiHandlerOptions {
  /** Registries by `group/version/resource`. */
  storages: Map<string, RestStorage>;
  /**
   * Who the request's credentials stand for (authn.ts); undefined: a 401. Absent: every request
   * is the admin's.
   */
  authenticate?: Authenticate;
  /** The cluster's service account tokens: serviceaccounts/token and TokenReview. Absent: no token is issued. */
  serviceAccountTokens?: ServiceAccountTokens;
  /** host:port clients reach the server at (for legacy discovery). */
  serverAddress: string;
  version: VersionInfo;
  /** Whether the server is ready (readyz). */
  ready?: () => boolean;
  clock?: () => number;
  podStreams?: PodStreamHandler;
}

export function storageKey(group: string, version: string, resource: string): string {
  return `${group}/${version}/${resource}`;
}

/** The Status answer for an error, with `headers` (warnings) if given; a server error is logged. */
function failure(req: HandlerRequest, err: unknown, headers?: Record<string, string | string[]>): HandlerResponse {
  const status = toStatusError(err).status;
  if (status.code >= 500) console.error(`apiserver: ${req.method} ${req.path}:`, err);
  return jsonResponse(status.code, status, headers);
}

export class ApiHandler {
  readonly #options: ApiHandlerOptions;
  readonly #discovery: DiscoveryDocuments;

  constructor(options: ApiHandlerOptions) {
    this.#options = options;
    this.#discovery = buildDiscovery(options.serverAddress);
  }

  /** Handles one request; never rejects (errors become Status answers). */
  async handle(req: HandlerRequest): Promise<HandlerResponse> {
    try {
      return await this.#route(req);
    } catch (err) {
      return failure(req, err);
    }
  }

  async #route(req: HandlerRequest): Promise<HandlerResponse> {
    // system:public-info-viewer: these paths are readable without credentials.
    const open = req.path === '/healthz' || req.path === '/livez' || req.path === '/readyz' || req.path === '/version' || req.path === '/version/';
    let user: Readonly<UserInfo> = ADMIN_USER;
    if (!open && !req.inProcess && this.#options.authenticate) {
      // The admin token answers at once; a service account token with a promise (authn.ts).
      let result = this.#options.authenticate(req.headers);
      if (result instanceof Promise) result = await result;
      if (!result) throw newUnauthorized();
      user = result;
    }
    // The impersonation filter runs for every authenticated request (a group without a user is a 500).
    if (!open && !req.inProcess) {
      try {
        user = requestUser(req.headers, user);
      } catch (err) {
        if (!(err instanceof ImpersonationError)) throw err;
        const query = req.query.toString();
        return impersonationFailure(query ? `${req.path}?${query}` : req.path, err);
      }
    }
    const info = parseRequestInfo(req.method, req.path, queryBool(req.query, 'watch'));
    if (!info.isResource) return this.#nonResource(req);
    return this.#resource(req, info, user);
  }

  async #nonResource(req: HandlerRequest): Promise<HandlerResponse> {
    const path = req.path.length > 1 && req.path.endsWith('/') ? req.path.slice(0, -1) : req.path;
    if (req.method !== 'GET') throw newPathNotFound();
    const discovery = serveDiscovery(this.#discovery, path, req.headers);
    if (discovery) return discovery;
    if (path === '/version') return jsonResponse(200, this.#options.version);
    if (path === '/healthz' || path === '/livez' || path.startsWith('/healthz/') || path.startsWith('/livez/')) {
      return { kind: 'body', status: 200, contentType: 'text/plain; charset=utf-8', body: 'ok' };
    }
    if (path === '/readyz' || path.startsWith('/readyz/')) {
      const ready = this.#options.ready?.() ?? true;
      return { kind: 'body', status: ready ? 200 : 500, contentType: 'text/plain; charset=utf-8', body: ready ? 'ok' : '[-]informer-sync failed: not ready\nreadyz check failed' };
    }
    // Loaded on first use: the OpenAPI documents' code is a fair part of the server's start.
    const { openapiResponse } = await import('./openapi/index.js');
    const openapi = openapiResponse(path, req.query, req.headers);
    if (openapi) return openapi;
    throw newPathNotFound();
  }

  async #resource(req: HandlerRequest, request: ResourceRequest, user: Readonly<UserInfo>): Promise<HandlerResponse> {
    // The access and identity reviews: create-only, nothing stored (handlers/reviews.ts).
    const review = !request.name && !request.subresource ? reviewEndpoint(request.group, request.version, request.resource) : undefined;
    if (review && review.namespaced === Boolean(request.namespace)) {
      return serveReview(req, review, request.verb, { namespace: request.namespace, authenticate: this.#options.authenticate, tokens: this.#options.serviceAccountTokens, user });
    }
    const info = findResource(request.group, request.version, request.resource);
    const storage = info && this.#options.storages.get(storageKey(info.group, info.version, info.resource));
    if (!info || !storage) throw newPathNotFound();
    if (info.namespaced && !request.namespace && request.name) throw newPathNotFound();
    if (!info.namespaced && request.namespace) throw newPathNotFound();
    const scope: Scope = { http: req, request, info, storage, now: (this.#options.clock ?? Date.now)(), warnings: info.deprecationWarning ? [info.deprecationWarning] : [] };
    try {
      return await this.#serve(scope, info);
    } catch (err) {
      // Every answer carries the request's warnings (a deprecated API's, those found before the
      // failure), a server error's too: upstream writes them as they are recorded, before the body.
      return failure(req, err, headersFor(scope));
    }
  }

  async #serve(scope: Scope, info: ResourceInfo): Promise<HandlerResponse> {
    const { request } = scope;
    if (request.subresource) return this.#subresource(scope, info);
    if (!info.verbs.includes(request.verb as never)) throw newMethodNotSupported({ group: info.group, resource: info.resource }, request.verb);
    switch (request.verb) {
      case 'get':
        return getObject(scope);
      case 'list':
        return listObjects(scope);
      case 'watch':
        return watchObjects(scope);
      case 'create':
        if (request.name) throw newMethodNotSupported({ group: info.group, resource: info.resource }, 'create');
        if (info.namespaced && !request.namespace) throw newPathNotFound();
        return createObject(scope);
      case 'update':
        return updateObject(scope);
      case 'patch':
        return patchObject(scope);
      case 'delete':
        return deleteObject(scope);
      case 'deletecollection':
        if (!info.verbs.includes('deletecollection')) throw newMethodNotSupported({ group: info.group, resource: info.resource }, 'deletecollection');
        return deleteCollection(scope);
      default:
        throw newMethodNotSupported({ group: info.group, resource: info.resource }, request.verb);
    }
  }

  async #subresource(scope: Scope, info: ResourceInfo): Promise<HandlerResponse> {
    const { request } = scope;
    const sub = info.subresources.find((s) => s.name === request.subresource);
    if (!sub || !request.name) throw newPathNotFound();
    const gr = { group: info.group, resource: `${info.resource}/${sub.name}` };
    if (info.resource === 'pods' && ['log', 'exec', 'attach', 'portforward'].includes(sub.name)) {
      if (!this.#options.podStreams) throw new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 503, reason: 'ServiceUnavailable', message: `no node agent serves pods/${sub.name} in this cluster` });
      await scope.storage.get(request.namespace, request.name);
      return this.#options.podStreams(scope);
    }
    // pods/ephemeralcontainers reads and writes the whole Pod, as status does (the strategy keeps
    // all but spec.ephemeralContainers: src/api/strategies/pod-ephemeral.ts).
    if (sub.name === 'status' || sub.name === 'finalize' || (info.resource === 'pods' && sub.name === 'ephemeralcontainers')) {
      switch (request.verb) {
        case 'get':
          return getObject(scope);
        case 'update':
          return updateObject(scope);
        case 'patch':
          return patchObject(scope);
      }
      throw newMethodNotSupported(gr, request.verb);
    }
    if (info.resource === 'serviceaccounts' && sub.name === 'token') {
      if (request.verb !== 'create') throw newMethodNotSupported(gr, request.verb);
      const tokens = this.#options.serviceAccountTokens;
      if (!tokens) throw newServiceUnavailable('this API server has no service account signing key');
      const storage = (resource: string): RestStorage => this.#options.storages.get(storageKey('', 'v1', resource))!;
      // Loaded on first use, as the other rarely served subresources' code.
      const { createTokenRequest } = await import('./serviceaccount/token-request.js');
      return createTokenRequest(scope, { tokens, storages: { pods: storage('pods'), secrets: storage('secrets'), nodes: storage('nodes') } });
    }
    if (info.resource === 'pods' && sub.name === 'binding') {
      if (request.verb !== 'create') throw newMethodNotSupported(gr, request.verb);
      return createBinding(scope);
    }
    if (info.resource === 'pods' && sub.name === 'eviction') {
      if (request.verb !== 'create') throw newMethodNotSupported(gr, request.verb);
      return createEviction(scope);
    }
    if (sub.name === 'scale') {
      if (request.verb === 'get') return getScale(scope);
      if (request.verb === 'update' || request.verb === 'patch') return updateScale(scope);
      throw newMethodNotSupported(gr, request.verb);
    }
    // The proxy subresources relay raw HTTP: the HTTPS server hands them to src/apiserver/proxy/
    // before this handler, so only the in-process and Unix-socket transports get here.
    if (sub.name === 'proxy') throw newBadRequest(`${info.resource}/proxy is served over the HTTPS port only`);
    if (request.verb === 'get') throw newNotFound(gr, request.name);
    throw newBadRequest(`the server does not serve ${info.resource}/${sub.name} yet`);
  }
}
