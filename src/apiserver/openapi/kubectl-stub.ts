/**
 * @module A tiny plain-HTTP API server on loopback for checking the OpenAPI documents with the
 * real kubectl: legacy discovery from the resource table plus the `/openapi/*` answers. Test
 * support only; it serves no objects.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RESOURCES, groupVersion, resourcesByGroup } from '../../api/resources.js';
import { openapiResponse } from './serve.js';

function apiResourceList(group: string, version: string): unknown {
  const resources = RESOURCES.filter((r) => r.group === group && r.version === version).flatMap((r) => [
    { name: r.resource, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: r.verbs, ...(r.shortNames.length ? { shortNames: r.shortNames } : {}), ...(r.categories.length ? { categories: r.categories } : {}) },
    ...r.subresources.map((s) => ({ name: `${r.resource}/${s.name}`, singularName: '', namespaced: r.namespaced, ...(s.group !== r.group ? { group: s.group, version: s.version } : {}), kind: s.kind, verbs: s.verbs })),
  ]);
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersion({ group, version }), resources };
}

function discovery(path: string, host: string): unknown {
  if (path === '/api') return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: host }] };
  if (path === '/apis') {
    const groups = [...resourcesByGroup().entries()].filter(([g]) => g !== '').map(([name, list]) => {
      const versions = [...new Set(list.map((r) => r.version))].map((version) => ({ groupVersion: `${name}/${version}`, version }));
      return { name, versions, preferredVersion: versions[0] };
    });
    return { kind: 'APIGroupList', apiVersion: 'v1', groups };
  }
  const core = /^\/api\/(v\w+)$/.exec(path);
  if (core) return apiResourceList('', core[1]);
  const named = /^\/apis\/([^/]+)\/(v\w+)$/.exec(path);
  if (named && RESOURCES.some((r) => r.group === named[1] && r.version === named[2])) return apiResourceList(named[1], named[2]);
  return undefined;
}

export interface StubServer {
  url: string;
  /** Request lines seen (`GET /openapi/v3 application/json`), for assertions. */
  requests: string[];
  close(): Promise<void>;
}

/** Starts the stub on 127.0.0.1 with an ephemeral port. */
export async function startStub(): Promise<StubServer> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/$/, '') : url.pathname;
    requests.push(`${req.method} ${path} ${req.headers.accept ?? ''}`);
    const headers: Record<string, string | undefined> = { accept: req.headers.accept, 'if-none-match': req.headers['if-none-match'] };
    const openapi = openapiResponse(path, url.searchParams, headers);
    if (openapi) {
      res.writeHead(openapi.status, { ...openapi.headers, 'Content-Type': openapi.contentType });
      res.end(openapi.body);
      return;
    }
    const body = discovery(path, req.headers.host ?? '');
    if (body === undefined) {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: 'the server could not find the requested resource' }));
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
