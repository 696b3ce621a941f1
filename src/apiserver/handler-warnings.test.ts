/** @module Tests of the Warning headers on the handler's failure answers (a deprecated API's warning). */
import { warningHeaderValue } from './handlers/scope.js';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RESOURCES } from '../api/resources.js';
import { openMemoryStore } from '../storage/memory/memory-store.js';
import { ApiHandler, storageKey } from './handler.js';
import type { HandlerRequest, HandlerResponse } from './http-types.js';
import { RestStorage } from './registry/rest-storage.js';

const DEPRECATION = '299 - "v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"';

/** A registry whose reads fail as a broken store would: a plain error, answered 500 InternalError. */
class BrokenStorage extends RestStorage {
  override get(): never {
    throw new Error('store unavailable');
  }

  override getText(): never {
    throw new Error('store unavailable');
  }
}

function request(path: string): HandlerRequest {
  return { method: 'GET', path, query: new URLSearchParams(), headers: { accept: 'application/json' } };
}

function warnings(res: HandlerResponse): unknown {
  return res.kind === 'body' ? res.headers?.Warning : undefined;
}

describe('Warning headers on failures', () => {
  let handler: ApiHandler;
  const logged: unknown[][] = [];
  const consoleError = console.error;

  before(async () => {
    const store = await openMemoryStore();
    const storages = new Map<string, RestStorage>();
    for (const info of RESOURCES.filter((r) => r.group === '' && (r.resource === 'endpoints' || r.resource === 'services'))) {
      const Storage = info.resource === 'endpoints' ? BrokenStorage : RestStorage;
      storages.set(storageKey(info.group, info.version, info.resource), new Storage(info, store));
    }
    handler = new ApiHandler({ storages, serverAddress: '127.0.0.1:6443', version: { major: '1', minor: '33', gitVersion: 'v1.33.0', gitCommit: '', gitTreeState: '', buildDate: '', goVersion: '', compiler: '', platform: '' } });
    console.error = (...args: unknown[]) => void logged.push(args);
  });

  after(() => {
    console.error = consoleError;
  });

  test('a server error on a deprecated API still carries the deprecation warning, and is logged', async () => {
    const res = await handler.handle(request('/api/v1/namespaces/default/endpoints/x'));
    assert.equal(res.status, 500);
    assert.deepEqual(warnings(res), [DEPRECATION]);
    assert.equal(res.kind === 'body' ? JSON.parse(res.body.toString()).reason : undefined, 'InternalError');
    assert.ok(logged.some((args) => String(args[0]).includes('GET /api/v1/namespaces/default/endpoints/x')));
  });

  test('a client error on a deprecated API carries it too; an API with no warning gets no header', async () => {
    const refused = await handler.handle({ ...request('/api/v1/namespaces/default/endpoints/x'), method: 'POST' });
    assert.equal(refused.status, 405);
    assert.deepEqual(warnings(refused), [DEPRECATION]);
    const missing = await handler.handle(request('/api/v1/namespaces/default/services/none'));
    assert.equal(missing.status, 404);
    assert.equal(warnings(missing), undefined);
  });
});

test('a Warning header value is net.NewWarningHeader\'s: quotes and backslashes escaped, UTF-8 as its bytes, none with a control character', () => {
  assert.equal(warningHeaderValue('unknown field "spec.x"'), '299 - "unknown field \\"spec.x\\""');
  assert.equal(warningHeaderValue('a\\b'), '299 - "a\\\\b"');
  assert.equal(warningHeaderValue('ü中'), Buffer.from('299 - "ü中"', 'utf8').toString('latin1'));
  assert.equal(warningHeaderValue('lone \ud800'), Buffer.from('299 - "lone \ufffd"', 'utf8').toString('latin1'));
  assert.equal(warningHeaderValue('bell\u0007'), undefined);
  assert.equal(warningHeaderValue('c1\u0085'), undefined);
});
