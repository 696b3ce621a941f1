import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../api/errors.js';
import { ADMIN_USER, requestUser } from './impersonation.js';

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

test('groups without a user are a 400 in upstream words', () => {
  assert.throws(() => requestUser({ 'impersonate-group': 'dev' }), (err: unknown) => err instanceof StatusError && err.status.code === 400
    && err.status.message === 'requested [{Group  dev    }] without impersonating a user');
});
