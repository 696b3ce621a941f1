import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { bridgeChannels } from './bridge.js';
import type { ChannelEvents, ChannelTransport } from './channels.js';
import {
  channelMessage,
  closeMessage,
  expectedStreamTypes,
  exitStatus,
  negotiateProtocol,
  signalExitCode,
  SPDY_REMOTE_COMMAND_PROTOCOLS,
  streamOptions,
  TerminalSizeReader,
} from './remote-command.js';

test('stream options: 1 or true, stderr dropped with a TTY, at least one stream', () => {
  assert.deepEqual(streamOptions(new URLSearchParams('stdin=true&stdout=1&stderr=true&tty=true')), { stdin: true, stdout: true, stderr: false, tty: true });
  assert.deepEqual(streamOptions(new URLSearchParams('stdout=true&stderr=true')), { stdin: false, stdout: true, stderr: true, tty: false });
  assert.throws(() => streamOptions(new URLSearchParams('tty=true&stdout=false')), /you must specify at least 1 of stdin, stdout, stderr/);
});

test('expected SPDY streams follow the options, error first, resize only with a TTY', () => {
  assert.deepEqual(expectedStreamTypes({ stdin: true, stdout: true, stderr: false, tty: true }), ['error', 'stdin', 'stdout', 'resize']);
  assert.deepEqual(expectedStreamTypes({ stdin: false, stdout: true, stderr: true, tty: false }), ['error', 'stdout', 'stderr']);
});

test('protocol negotiation follows the client order (kubectl 1.27 offers v4..v1, 1.29+ v5..v1)', () => {
  assert.equal(negotiateProtocol(['v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'], SPDY_REMOTE_COMMAND_PROTOCOLS), 'v4.channel.k8s.io');
  assert.equal(negotiateProtocol(['v5.channel.k8s.io', 'v4.channel.k8s.io'], SPDY_REMOTE_COMMAND_PROTOCOLS), 'v5.channel.k8s.io');
  assert.equal(negotiateProtocol(['v3.channel.k8s.io', 'channel.k8s.io'], SPDY_REMOTE_COMMAND_PROTOCOLS), undefined);
});

test('exit statuses are the v4 Status kubectl decodes into an exit code', () => {
  assert.deepEqual(exitStatus(0), { metadata: {}, status: 'Success' });
  const failed = exitStatus(3) as { status: string; reason: string; details: { causes: { reason: string; message: string }[] } };
  assert.equal(failed.status, 'Failure');
  assert.equal(failed.reason, 'NonZeroExitCode');
  assert.deepEqual(failed.details.causes, [{ reason: 'ExitCode', message: '3' }]);
  assert.equal(signalExitCode('SIGKILL'), 137);
  assert.equal(signalExitCode('SIGTERM'), 143);
});

test('resize messages: split across chunks, several per chunk, garbage skipped', () => {
  const reader = new TerminalSizeReader();
  assert.deepEqual(reader.push('{"Width":80,'), []);
  assert.deepEqual(reader.push('"Height":24}\n{"Width":1,"Height":1}\nnoise{"Width":-1,"Height":2}{"Wid'), [{ width: 80, height: 24 }, { width: 1, height: 1 }]);
  assert.deepEqual(reader.push('th":100,"Height":30}'), [{ width: 100, height: 30 }]);
});

test('channel framing: channel byte then data; CLOSE is [255, channel]', () => {
  assert.deepEqual(channelMessage(1, 'hi'), Buffer.from([1, 0x68, 0x69]));
  assert.deepEqual(closeMessage(0), Buffer.from([255, 0]));
});

class FakeTransport extends EventEmitter<ChannelEvents> implements ChannelTransport {
  readonly log: string[] = [];
  write(channel: number, data: Buffer): boolean {
    this.log.push(`write ${channel} ${data}`);
    return true;
  }
  closeChannel(channel: number): void {
    this.log.push(`eof ${channel}`);
  }
  finish(status: Buffer): void {
    this.log.push(`finish ${status}`);
  }
  abort(reason?: string): void {
    this.log.push(`abort ${reason}`);
  }
  pause(): void {
    this.log.push('pause');
  }
  resume(): void {
    this.log.push('resume');
  }
}

test('the bridge copies channels both ways and hands the kubelet status to kubectl', () => {
  const client = new FakeTransport();
  const kubelet = new FakeTransport();
  bridgeChannels(client, kubelet);
  client.emit('data', 0, Buffer.from('input'));
  client.emit('data', 4, Buffer.from('{"Width":1,"Height":1}'));
  client.emit('eof', 0);
  kubelet.emit('data', 1, Buffer.from('out'));
  kubelet.emit('data', 2, Buffer.from('err'));
  kubelet.emit('eof', 1);
  kubelet.emit('data', 3, Buffer.from('{"status":'));
  kubelet.emit('data', 3, Buffer.from('"Success"}'));
  kubelet.emit('close');
  assert.deepEqual(kubelet.log, ['write 0 input', 'write 4 {"Width":1,"Height":1}', 'eof 0']);
  assert.deepEqual(client.log, ['write 1 out', 'write 2 err', 'eof 1', 'finish {"status":"Success"}']);
});

test('a kubelet that ends without a status becomes a Failure; a client that leaves aborts the kubelet', () => {
  const client = new FakeTransport();
  const kubelet = new FakeTransport();
  bridgeChannels(client, kubelet);
  kubelet.emit('close', 'cannot start');
  const status = JSON.parse(client.log[0].slice('finish '.length)) as { status: string; message: string };
  assert.equal(status.status, 'Failure');
  assert.equal(status.message, 'error executing command in container: cannot start');
  const c2 = new FakeTransport();
  const k2 = new FakeTransport();
  bridgeChannels(c2, k2);
  c2.emit('close');
  assert.deepEqual(k2.log, ['abort client went away']);
});
