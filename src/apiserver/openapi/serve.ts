/**
 * @module Serving the OpenAPI documents as kube-apiserver (kube-openapi's handlers) does: rendered
 * once per process and cached (they are immutable while it runs), ETag = upper-case hex SHA-512
 * of the JSON, `/openapi/v3` listing `serverRelativeURL`s with `?hash=<etag>`, hashed URLs
 * immutable-cacheable, a stale hash redirected (301), `/openapi/v2` as JSON or gnostic protobuf by
 * `Accept`. Pure: the caller writes the answer.
 */
import { createHash } from 'node:crypto';
import { encodeOpenAPIV2 } from './gnostic.js';
import { buildOpenAPIV2Document, type SwaggerDocument } from './v2.js';
import { buildOpenAPIV3Document, openapiV3DocumentKeys, type OpenAPIV3Document } from './v3.js';

/** What `/openapi/v2` answers to a protobuf Accept (the `@v1.0` spelling does not parse as a MIME type in Go). */
export const OPENAPI_V2_PROTOBUF_CONTENT_TYPE = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';
/** The older spelling clients (kubectl ≤ 1.28) send in Accept; answered with the type above. */
export const OPENAPI_V2_PROTOBUF_DEPRECATED_CONTENT_TYPE = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';
export const OPENAPI_JSON_CONTENT_TYPE = 'application/json';

export interface RenderedDocument {
  body: Buffer;
  /** Upper-case hex SHA-512 of the JSON body (the protobuf shares the JSON's, as upstream). */
  etag: string;
}

export interface OpenAPIRootDocument {
  paths: Record<string, { serverRelativeURL: string }>;
}

function etagOf(body: Buffer): string {
  return createHash('sha512').update(body).digest('hex').toUpperCase();
}

function rendered(value: unknown): RenderedDocument {
  const body = Buffer.from(JSON.stringify(value));
  return { body, etag: etagOf(body) };
}

let v2Json: RenderedDocument | undefined;
let v2Proto: RenderedDocument | undefined;
let v2Doc: SwaggerDocument | undefined;
const v3Docs = new Map<string, { doc: OpenAPIV3Document; rendered: RenderedDocument }>();
let v3Root: { doc: OpenAPIRootDocument; rendered: RenderedDocument } | undefined;

/** The Swagger 2.0 document (cached; do not mutate). */
export function openapiV2Document(): SwaggerDocument {
  v2Doc ??= buildOpenAPIV2Document();
  return v2Doc;
}

/** `/openapi/v2` rendered as JSON or as gnostic protobuf (cached). */
export function renderedV2(format: 'json' | 'protobuf'): RenderedDocument {
  v2Json ??= rendered(openapiV2Document());
  if (format === 'json') return v2Json;
  v2Proto ??= { body: encodeOpenAPIV2(openapiV2Document() as unknown as Record<string, unknown>), etag: v2Json.etag };
  return v2Proto;
}

function v3Entry(gvPath: string): { doc: OpenAPIV3Document; rendered: RenderedDocument } | undefined {
  let entry = v3Docs.get(gvPath);
  if (!entry) {
    const doc = buildOpenAPIV3Document(gvPath);
    if (!doc) return undefined;
    entry = { doc, rendered: rendered(doc) };
    v3Docs.set(gvPath, entry);
  }
  return entry;
}

/** The OpenAPI 3.0 document of `api/v1`, `apis/apps/v1`, ... (cached; do not mutate), or undefined. */
export function openapiV3Document(groupVersionPath: string): OpenAPIV3Document | undefined {
  return v3Entry(groupVersionPath)?.doc;
}

/** `/openapi/v3/<gv>` rendered as JSON (cached), or undefined for an unknown group-version. */
export function renderedV3Document(groupVersionPath: string): RenderedDocument | undefined {
  return v3Entry(groupVersionPath)?.rendered;
}

/** `/openapi/v3/<gv>?hash=<etag>`: where the document of a group-version lives. */
export function serverRelativeURL(groupVersionPath: string, etag: string): string {
  return `/openapi/v3/${groupVersionPath}?hash=${etag}`;
}

/** `/openapi/v3`: `{ paths: { 'api/v1': { serverRelativeURL: '/openapi/v3/api/v1?hash=H' }, ... } }` (cached). */
export function openapiV3Root(): OpenAPIRootDocument {
  return v3RootEntry().doc;
}

export function renderedV3Root(): RenderedDocument {
  return v3RootEntry().rendered;
}

function v3RootEntry(): { doc: OpenAPIRootDocument; rendered: RenderedDocument } {
  if (!v3Root) {
    const paths: OpenAPIRootDocument['paths'] = {};
    for (const gv of openapiV3DocumentKeys().sort()) {
      paths[gv] = { serverRelativeURL: serverRelativeURL(gv, (renderedV3Document(gv) as RenderedDocument).etag) };
    }
    const doc = { paths };
    v3Root = { doc, rendered: rendered(doc) };
  }
  return v3Root;
}

interface AcceptClause {
  type: string;
  subtype: string;
  q: number;
}

/** Accept clauses by preference: quality, then specificity (as goautoneg sorts them). */
export function parseAccept(accept: string | undefined): AcceptClause[] {
  const clauses = (accept?.trim() ? accept : '*/*').split(',').flatMap((part): AcceptClause[] => {
    const [range, ...params] = part.trim().split(';').map((s) => s.trim());
    const slash = range.indexOf('/');
    if (!range || slash < 0) return [];
    let q = 1;
    for (const p of params) {
      const [k, v] = p.split('=').map((s) => s.trim());
      if (k === 'q') q = Number(v);
    }
    if (!Number.isFinite(q)) q = 0;
    return [{ type: range.slice(0, slash), subtype: range.slice(slash + 1), q }];
  });
  const wildcards = (c: AcceptClause): number => (c.type === '*' ? 1 : 0) + (c.subtype === '*' ? 1 : 0);
  return clauses.filter((c) => c.q > 0).map((c, i) => ({ c, i }))
    .sort((a, b) => b.c.q - a.c.q || wildcards(a.c) - wildcards(b.c) || a.i - b.i).map(({ c }) => c);
}

/** The first of `offered` (full media types) the Accept header allows, in the header's preference order. */
export function negotiate(accept: string | undefined, offered: readonly string[]): string | undefined {
  for (const clause of parseAccept(accept)) {
    for (const media of offered) {
      const [type, subtype] = media.split('/');
      if ((clause.type === type || clause.type === '*') && (clause.subtype === subtype || clause.subtype === '*')) return media;
    }
  }
  return undefined;
}

/** Shaped like the API server's `BodyResponse`, so the handler can return it as is. */
export interface OpenAPIResponse {
  kind: 'body';
  status: number;
  contentType: string;
  body: Buffer;
  headers: Record<string, string>;
}

export interface OpenAPIRequestOptions {
  /** Clock for the `Expires` header of hashed v3 URLs. */
  now?: () => number;
}

function answer(status: number, contentType: string, body: Buffer, headers: Record<string, string>): OpenAPIResponse {
  return { kind: 'body', status, contentType, body, headers };
}

const NOT_ACCEPTABLE = (): OpenAPIResponse => answer(406, 'text/plain; charset=utf-8', Buffer.alloc(0), { Vary: 'Accept' });

function document(doc: RenderedDocument, contentType: string, headers: Record<string, string | undefined>, extra: Record<string, string>): OpenAPIResponse {
  const quoted = `"${doc.etag}"`;
  const all = { ETag: quoted, ...extra };
  const match = headers['if-none-match'];
  if (match && match.split(',').some((t) => t.trim() === quoted || t.trim() === '*')) return answer(304, contentType, Buffer.alloc(0), all);
  return answer(200, contentType, doc.body, all);
}

/**
 * The answer to `GET <path>` when `path` is `/openapi/v2`, `/openapi/v3` or `/openapi/v3/<gv>`
 * (no trailing slash), else undefined. `headers` are lower-case (`accept`, `if-none-match`).
 */
export function openapiResponse(path: string, query: URLSearchParams, headers: Record<string, string | undefined>, opts: OpenAPIRequestOptions = {}): OpenAPIResponse | undefined {
  if (path === '/openapi/v2') {
    const media = negotiate(headers.accept, [OPENAPI_JSON_CONTENT_TYPE, OPENAPI_V2_PROTOBUF_DEPRECATED_CONTENT_TYPE, OPENAPI_V2_PROTOBUF_CONTENT_TYPE]);
    if (!media) return NOT_ACCEPTABLE();
    const json = media === OPENAPI_JSON_CONTENT_TYPE;
    return document(renderedV2(json ? 'json' : 'protobuf'), json ? OPENAPI_JSON_CONTENT_TYPE : OPENAPI_V2_PROTOBUF_CONTENT_TYPE, headers, { Vary: 'Accept' });
  }
  if (path === '/openapi/v3') return document(renderedV3Root(), OPENAPI_JSON_CONTENT_TYPE, headers, {});
  if (!path.startsWith('/openapi/v3/')) return undefined;
  const gvPath = path.slice('/openapi/v3/'.length);
  const doc = renderedV3Document(gvPath);
  if (!doc) return answer(404, 'text/plain; charset=utf-8', Buffer.from('404 page not found\n'), {});
  if (!negotiate(headers.accept, [OPENAPI_JSON_CONTENT_TYPE])) return NOT_ACCEPTABLE();
  const hash = query.get('hash');
  if (hash && hash !== doc.etag) {
    return answer(301, 'text/html; charset=utf-8', Buffer.alloc(0), { Location: serverRelativeURL(gvPath, doc.etag), Vary: 'Accept' });
  }
  const extra: Record<string, string> = { Vary: 'Accept' };
  if (hash) {
    // time.Now().AddDate(1, 0, 0).Format(time.RFC1123) on a UTC host: a calendar year on
    // (29 Feb runs on to 1 Mar), the zone written as `UTC`.
    const expires = new Date((opts.now ?? Date.now)());
    expires.setUTCFullYear(expires.getUTCFullYear() + 1);
    extra['Cache-Control'] = 'public, immutable';
    extra.Expires = expires.toUTCString().replace(/GMT$/, 'UTC');
  }
  return document(doc, OPENAPI_JSON_CONTENT_TYPE, headers, extra);
}
