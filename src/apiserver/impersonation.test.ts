import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_USER, ImpersonationError, impersonationFailure, requestUser } from './impersonation.js';

test('without impersonation headers a request acts as its credential', () => {
  assert.equal(requestUser({ authorization: 'Bearer x' }), ADMIN_USER);
});

test('a user, its groups (each header one group) and system:authenticated; a service account gets its groups', () => {
  assert.deepEqual(requestUser({ 'impersonate-user': 'jane' }), { username: 'jane', groups: ['system:authenticated'] });
  assert.deepEqual(requestUser({ 'impersonate-user': 'jane', 'impersonate-group': 'dev\nops, qa' }), { username: 'jane', groups: ['dev', 'ops, qa', 'system:authenticated'] });
  assert.deepEqual(requestUser({ 'impersonate-user': 'system:serviceaccount:default:builder' }), {
    username: 'system:serviceaccount:default:builder',
    groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'],
  });
  // Groups given: the service account's own are not added.
  assert.deepEqual(requestUser({ 'impersonate-user': 'system:serviceaccount:default:builder', 'impersonate-group': 'x' }).groups, ['x', 'system:authenticated']);
  // Not a valid service account name: an ordinary user.
  assert.deepEqual(requestUser({ 'impersonate-user': 'system:serviceaccount:Bad:x' }).groups, ['system:authenticated']);
  assert.deepEqual(requestUser({ 'impersonate-user': 'system:anonymous' }).groups, ['system:unauthenticated']);
  assert.deepEqual(requestUser({ 'impersonate-user': 'jane', 'impersonate-uid': 'u-1', 'impersonate-extra-scopes%2Fa': 'read\nwrite' }), {
    username: 'jane', groups: ['system:authenticated'], extra: { 'scopes/a': ['read', 'write'] }, uid: 'u-1',
  });
});

test("groups without a user: 1.33's InternalError, the request URI quoted, the line HTML-escaped", () => {
  assert.throws(() => requestUser({ 'impersonate-group': 'dev' }), (err: unknown) => err instanceof ImpersonationError
    && err.message === 'requested [{Group  dev    }] without impersonating a user');
  const err = new ImpersonationError('requested [{Group  dev    }] without impersonating a user');
  assert.deepEqual(impersonationFailure('/api/v1/namespaces?limit=1', err), {
    kind: 'body', status: 500, contentType: 'text/plain; charset=utf-8', headers: { 'X-Content-Type-Options': 'nosniff' },
    body: 'Internal Server Error: &#34;/api/v1/namespaces?limit=1&#34;: requested [{Group  dev    }] without impersonating a user\n',
  });
});
