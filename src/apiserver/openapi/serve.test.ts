import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  OPENAPI_V2_PROTOBUF_CONTENT_TYPE, negotiate, openapiResponse, openapiV3Document, openapiV3Root, renderedV2, renderedV3Document,
} from './serve.js';

const q = (s = ''): URLSearchParams => new URLSearchParams(s);

test('the v3 root lists each served group-version, group and discovery root and version, with the SHA-512 of its document', () => {
  const root = openapiV3Root();
  const groups = ['apiextensions.k8s.io', 'apps', 'authentication.k8s.io', 'authorization.k8s.io', 'coordination.k8s.io', 'discovery.k8s.io', 'events.k8s.io'];
  assert.deepEqual(Object.keys(root.paths), ['api', 'api/v1', 'apis', ...groups.flatMap((g) => [`apis/${g}`, `apis/${g}/v1`]), 'version']);
  const version = openapiV3Document('version');
  assert.deepEqual(Object.keys(version?.paths ?? {}), ['/version/']);
  assert.deepEqual(Object.keys(version?.components.schemas ?? {}), ['io.k8s.apimachinery.pkg.version.Info']);
  const group = openapiV3Document('apis/apps')?.paths['/apis/apps/'] as { get: { operationId: string; tags: string[] } };
  assert.equal(group.get.operationId, 'getAppsAPIGroup');
  assert.deepEqual(group.get.tags, ['apps']);
  assert.equal((openapiV3Document('api')?.paths['/api/'] as { get: { operationId: string } }).get.operationId, 'getCoreAPIVersions');
  const doc = renderedV3Document('apis/apps/v1');
  assert.ok(doc);
  const hash = createHash('sha512').update(doc.body).digest('hex').toUpperCase();
  assert.equal(doc.etag, hash);
  assert.equal(root.paths['apis/apps/v1'].serverRelativeURL, `/openapi/v3/apis/apps/v1?hash=${hash}`);
});

test('documents are rendered once per process', () => {
  assert.equal(renderedV3Document('api/v1'), renderedV3Document('api/v1'));
  assert.equal(renderedV2('protobuf'), renderedV2('protobuf'));
  assert.equal(renderedV2('protobuf').etag, renderedV2('json').etag);
});

test('hashed v3 URLs are immutable; a stale hash redirects; unknown group-versions are 404', () => {
  const url = new URL(openapiV3Root().paths['api/v1'].serverRelativeURL, 'http://x');
  const now = Date.UTC(2025, 0, 1);
  const ok = openapiResponse(url.pathname, url.searchParams, { accept: 'application/json' }, { now: () => now });
  assert.equal(ok?.status, 200);
  assert.equal(ok?.contentType, 'application/json');
  assert.equal(ok?.headers['Cache-Control'], 'public, immutable');
  assert.equal(ok?.headers.Expires, 'Thu, 01 Jan 2026 00:00:00 UTC');
  const leap = openapiResponse(url.pathname, url.searchParams, {}, { now: () => Date.UTC(2024, 1, 29, 12, 30, 5) });
  assert.equal(leap?.headers.Expires, 'Sat, 01 Mar 2025 12:30:05 UTC', 'AddDate(1, 0, 0) normalizes 29 Feb');
  assert.equal(ok?.headers.ETag, `"${url.searchParams.get('hash')}"`);
  assert.equal(JSON.parse(ok?.body.toString() ?? '').openapi, '3.0.0');
  const stale = openapiResponse('/openapi/v3/api/v1', q('hash=ABC'), {});
  assert.equal(stale?.status, 301);
  assert.equal(stale?.headers.Location, url.pathname + url.search);
  const plain = openapiResponse('/openapi/v3/api/v1', q(), {});
  assert.equal(plain?.status, 200);
  assert.equal(plain?.headers['Cache-Control'], undefined);
  assert.equal(openapiResponse('/openapi/v3/apis/batch/v1', q(), {})?.status, 404);
  assert.equal(openapiResponse('/openapi/v3/api/v1', q(), { accept: 'text/html' })?.status, 406);
  assert.equal(openapiResponse('/api/v1', q(), {}), undefined);
});

test('If-None-Match with the current ETag gives 304', () => {
  const first = openapiResponse('/openapi/v3', q(), {});
  assert.equal(first?.status, 200);
  const again = openapiResponse('/openapi/v3', q(), { 'if-none-match': first?.headers.ETag });
  assert.equal(again?.status, 304);
  assert.equal(again?.body.length, 0);
});

test('/openapi/v2 answers JSON or gnostic protobuf by Accept, and 406 otherwise', () => {
  const pb = openapiResponse('/openapi/v2', q(), { accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' });
  assert.equal(pb?.status, 200);
  assert.equal(pb?.contentType, OPENAPI_V2_PROTOBUF_CONTENT_TYPE);
  assert.equal(pb?.body, renderedV2('protobuf').body);
  assert.equal(openapiResponse('/openapi/v2', q(), { accept: OPENAPI_V2_PROTOBUF_CONTENT_TYPE })?.contentType, OPENAPI_V2_PROTOBUF_CONTENT_TYPE);
  const json = openapiResponse('/openapi/v2', q(), { accept: 'application/json, */*' });
  assert.equal(json?.contentType, 'application/json');
  assert.equal(JSON.parse(json?.body.toString() ?? '').swagger, '2.0');
  assert.equal(openapiResponse('/openapi/v2', q(), {})?.contentType, 'application/json', 'no Accept means */*');
  assert.equal(openapiResponse('/openapi/v2', q(), { accept: 'text/html' })?.status, 406);
  assert.equal(openapiResponse('/openapi/v2', q(), { accept: `${OPENAPI_V2_PROTOBUF_CONTENT_TYPE};q=0.5, application/json` })?.contentType, 'application/json');
});

test('negotiate orders by quality, then specificity', () => {
  const offered = ['application/json', 'application/x'];
  assert.equal(negotiate('*/*;q=0.9, application/x', offered), 'application/x');
  assert.equal(negotiate('application/*, application/x', offered), 'application/x');
  assert.equal(negotiate('text/plain, application/x;q=0', offered), undefined);
});
