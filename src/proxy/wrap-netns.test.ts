import { test } from 'node:test';
import assert from 'node:assert/strict';
import { netnsOfWrap } from './wrap-netns.js';

test('netnsOfWrap: the namespace a command prefix enters, where the addon can follow it', () => {
  assert.equal(netnsOfWrap([]), null);
  assert.equal(netnsOfWrap(['nsenter', '--net=/run/netns/a', '--']), '/run/netns/a');
  assert.equal(netnsOfWrap(['nsenter', '--net=/proc/7/ns/net']), '/proc/7/ns/net');
  assert.equal(netnsOfWrap(['ip', 'netns', 'exec', 'kubito-x-node']), '/run/netns/kubito-x-node');
  for (const wrap of [['nsenter', '--net='], ['nsenter', '--mount=/x', '--'], ['nsenter', '--net=/x', '--mount=/y', '--'], ['ip', 'netns', 'exec', '../x'], ['ip', 'netns', 'exec', '..'], ['sudo'], ['ip', 'netns', 'exec']]) {
    assert.equal(netnsOfWrap(wrap), undefined, wrap.join(' '));
  }
});
