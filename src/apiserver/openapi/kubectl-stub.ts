/**
 * @module A tiny plain-HTTP API server on loopback for checking the OpenAPI documents with the
 * real kubectl: the API server's discovery documents plus the `/openapi/*` answers. Test
 * support only; it serves no objects.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildDiscovery, serveDiscovery, type DiscoveryDocuments } from '../discovery.js';
import { openapiResponse } from './serve.js';

export interface StubServer {
  url: string;
  /** Request lines seen (`GET /openapi/v3 application/json`), for assertions. */
  requests: string[];
  close(): Promise<void>;
}

/** Starts the stub on 127.0.0.1 with an ephemeral port. */
export async function startStub(): Promise<StubServer> {
  const requests: string[] = [];
  let docs: DiscoveryDocuments | undefined;
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
    const answer = docs && serveDiscovery(docs, path, headers);
    if (!answer) {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: 'the server could not find the requested resource' }));
      return;
    }
    res.writeHead(answer.status, { ...answer.headers, 'Content-Type': answer.contentType });
    res.end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  docs = buildDiscovery(`127.0.0.1:${port}`);
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
