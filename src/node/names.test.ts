import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containerLogPath, hostVeth, isClusterNetns, isPoolNetns, nodeNetns, podNetns, poolHostVeth, poolNetns } from './names.js';

test('names fit the kernel and belong to exactly one cluster', () => {
  assert.equal(nodeNetns('kubito'), 'kubito-kubito-node');
  assert.equal(podNetns('a', 'ABCDEF01-2345-6789'), 'kubito-a-pabcdef01');
  assert.ok(hostVeth('ffffffff-0000').length <= 15);
  assert.ok(isClusterNetns('a', 'kubito-a-node'));
  assert.ok(isClusterNetns('a', 'kubito-a-p0123abcd'));
  assert.ok(isClusterNetns('a', poolNetns('a', '0123abcd')));
  assert.ok(isPoolNetns('a', 'kubito-a-w0123abcd'));
  assert.ok(!isPoolNetns('a', 'kubito-a-p0123abcd'));
  assert.ok(!isPoolNetns('a', 'kubito-a-b-w0123abcd'));
  assert.ok(!isClusterNetns('a', 'kubito-a-x0123abcd'));
  assert.equal(poolHostVeth('0123abcd'), 'kw0123abcd');
  assert.ok(!isClusterNetns('a', 'kubito-a-b-node'));
  assert.ok(!isClusterNetns('a', 'kubito-a-p0123abcd-x'));
  assert.ok(!isClusterNetns('a', 'kubito-ab-node'));
  assert.ok(!isClusterNetns('a', 'other'));
  assert.equal(containerLogPath('/d', { namespace: 'default', name: 'web', uid: 'u1' }, 'nginx', 2), '/d/pods/default_web_u1/nginx/2.log');
});
