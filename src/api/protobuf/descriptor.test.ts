/** @module The descriptor tables and the kind registry. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findMessage, messageNames, parseMessage } from './descriptor.js';
import { messageForKind, protobufKinds } from './kinds.js';

describe('descriptor tables', () => {
  it('parse, with unique field numbers and JSON names per message', () => {
    assert.ok(messageNames().length > 150);
    for (const name of messageNames()) {
      const desc = findMessage(name)!;
      assert.equal(new Set(desc.fields.map((f) => f.number)).size, desc.fields.length, name);
      const named = desc.fields.filter((f) => f.presence !== 'inline');
      assert.equal(new Set(named.map((f) => f.json)).size, named.length, name);
      assert.deepEqual(
        desc.byNumberOrder.map((f) => f.number),
        desc.fields.map((f) => f.number).sort((a, b) => a - b),
      );
    }
  });

  it('carry upstream field numbers (spot checks against generated.proto)', () => {
    const meta = findMessage('meta.ObjectMeta')!;
    assert.equal(meta.byNumber.get(8)?.json, 'creationTimestamp');
    assert.equal(meta.byNumber.get(17)?.json, 'managedFields');
    const port = findMessage('core.ServicePort')!;
    assert.deepEqual(
      port.fields.map((f) => `${f.number}:${f.json}`),
      ['1:name', '2:protocol', '6:appProtocol', '3:port', '4:targetPort', '5:nodePort'],
    );
    assert.equal(findMessage('discovery.EndpointPort')!.byNumber.get(3)?.json, 'port');
    assert.equal(findMessage('core.EndpointPort')!.byNumber.get(2)?.json, 'port');
  });

  it('reject malformed lines', () => {
    assert.throws(() => parseMessage('x.Bad', '1:name'), /bad field/);
    assert.throws(() => parseMessage('x.Bad', '1:name:Thing'), /unknown type Thing/);
    assert.throws(() => parseMessage('x.Bad', '1::s'), /only inlined fields lack a name/);
    assert.deepEqual(parseMessage('x.Ok', '2:b:{quantity}! 1:a:s*?').byNumberOrder.map((f) => [f.json, f.label, f.presence]), [
      ['a', 'repeated', 'pointer'],
      ['b', 'map', 'always'],
    ]);
  });
});

describe('kinds', () => {
  it('resolve every served kind and its list', () => {
    assert.equal(protobufKinds().length, 13);
    for (const { apiVersion, kind } of protobufKinds()) {
      assert.ok(messageForKind(apiVersion, kind), `${apiVersion} ${kind}`);
      assert.equal(messageForKind(apiVersion, `${kind}List`)?.byNumber.get(2)?.type, messageForKind(apiVersion, kind)!.name);
    }
  });

  it('do not resolve a kind under another group', () => {
    assert.equal(messageForKind('v1', 'Deployment'), undefined);
    assert.equal(messageForKind('apps/v1', 'Pod'), undefined);
    assert.equal(messageForKind('v1', 'FooList'), undefined);
    assert.equal(messageForKind('policy/v1', 'DeleteOptions')?.name, 'meta.DeleteOptions');
  });
});
