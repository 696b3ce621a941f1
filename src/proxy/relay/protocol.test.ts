import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeFrame, encodeReply, encodeRequest, FrameDecoder, LineSplitter, parseReply, parseRequest, RelayProtocolError, relaySocketPath } from './protocol.js';

describe('relay protocol', () => {
  test('request header round trip, exact bytes', () => {
    const bytes = encodeRequest({ proto: 'tcp', ip: '10.244.0.1', port: 30080, src: '127.0.0.1:51234' });
    assert.equal(bytes.toString(), '{"v":1,"proto":"tcp","ip":"10.244.0.1","port":30080,"src":"127.0.0.1:51234"}\n');
    assert.deepEqual(parseRequest(bytes.toString().trimEnd()), { proto: 'tcp', ip: '10.244.0.1', port: 30080, src: '127.0.0.1:51234' });
    assert.equal(relaySocketPath('/d'), '/d/run/proxy.sock');
  });

  test('bad headers are refused with a reason', () => {
    const bad: Array<[string, RegExp]> = [
      ['nope', /not JSON/],
      ['[1]', /not a JSON object/],
      ['{"v":2,"proto":"tcp","ip":"10.0.0.1","port":1}', /version 2/],
      ['{"v":1,"proto":"sctp","ip":"10.0.0.1","port":1}', /tcp or udp/],
      ['{"v":1,"proto":"tcp","ip":"example.com","port":1}', /IPv4/],
      ['{"v":1,"proto":"udp","ip":"10.0.0.1","port":70000}', /1-65535/],
    ];
    for (const [line, why] of bad) assert.throws(() => parseRequest(line), (err) => err instanceof RelayProtocolError && why.test(err.message), line);
  });

  test('replies', () => {
    assert.equal(encodeReply({ ok: true }).toString(), '{"ok":true}\n');
    assert.deepEqual(parseReply('{"ok":false,"code":"ECONNREFUSED","message":"connect ECONNREFUSED 10.244.0.1:30080"}'), {
      ok: false,
      code: 'ECONNREFUSED',
      message: 'connect ECONNREFUSED 10.244.0.1:30080',
    });
    assert.throws(() => parseReply('{}'), RelayProtocolError);
  });

  test('LineSplitter: the line and the bytes after it, however the stream is cut', () => {
    const s = new LineSplitter();
    assert.equal(s.push(Buffer.from('{"a"')), undefined);
    const got = s.push(Buffer.from(':1}\nGET / HTTP/1.1'));
    assert.deepEqual({ line: got!.line, rest: got!.rest.toString() }, { line: '{"a":1}', rest: 'GET / HTTP/1.1' });
    assert.throws(() => new LineSplitter().push(Buffer.alloc(2000, 0x41)), RelayProtocolError);
  });

  test('frames survive any cut, including inside the length', () => {
    const frames = [Buffer.from('hello'), Buffer.alloc(0), Buffer.alloc(1500, 7)];
    const bytes = Buffer.concat(frames.map(encodeFrame));
    for (const cut of [1, 2, 3, 7, 100, bytes.length]) {
      const d = new FrameDecoder();
      const out: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += cut) out.push(...d.push(bytes.subarray(i, i + cut)));
      assert.deepEqual(out, frames, `cut ${cut}`);
    }
    assert.throws(() => encodeFrame(Buffer.alloc(70_000)), RelayProtocolError);
  });
});
