import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listItemBytes, metadataText, storedPrefix, withResourceVersion, type ListItemText } from './stored-json.js';

const prefix = storedPrefix('v1', 'Service');

test('splices resourceVersion into metadata, giving the decoded object', () => {
  const stored = JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'a', labels: { x: 'y' } }, spec: { ports: [{ port: 80 }] } });
  const text = withResourceVersion(stored, prefix, '42')!;
  const expected = JSON.parse(stored);
  expected.metadata.resourceVersion = '42';
  assert.deepEqual(JSON.parse(text), expected);
});

test('empty metadata gets no trailing comma', () => {
  const text = withResourceVersion('{"apiVersion":"v1","kind":"Service","metadata":{},"spec":{}}', prefix, '7')!;
  assert.deepEqual(JSON.parse(text), { apiVersion: 'v1', kind: 'Service', metadata: { resourceVersion: '7' }, spec: {} });
});

test('other layouts and kinds are not recognised', () => {
  assert.equal(withResourceVersion('{"kind":"Service","apiVersion":"v1","metadata":{}}', prefix, '1'), undefined);
  assert.equal(withResourceVersion('{"apiVersion":"v1","kind":"Pod","metadata":{}}', prefix, '1'), undefined);
  assert.equal(withResourceVersion('{"apiVersion":"v1","kind":"Service","metadata":{"resourceVersion":"3"}}', prefix, '1'), undefined);
});

test('names that need escaping are escaped in the prefix', () => {
  assert.equal(storedPrefix('a"b/v1', 'K'), '{"apiVersion":"a\\"b/v1","kind":"K","metadata":{');
});

test('objectEnd skips strings, escapes and nested values', async () => {
  const { objectEnd } = await import('../../api/json-text.js');
  const meta = { name: 'a', annotations: { x: 'br{ace}s "quoted" \\ and ]', y: '\\"' }, managedFields: [{ fieldsV1: { 'f:spec': { 'k:{"port":80}': {} } } }] };
  const text = JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: meta, spec: { a: [1, { b: '}' }] } });
  const at = text.indexOf('"metadata":') + '"metadata":'.length;
  assert.deepEqual(JSON.parse(text.slice(at, objectEnd(text, at))), meta);
  assert.equal(objectEnd(text, 0), text.length);
  assert.equal(objectEnd('{"a":"}', 0), -1);
  // Runs of backslashes before a quote: even ones end the string, odd ones escape the quote.
  for (const value of ['\\', '\\\\', '\\"', '"}', '\\\\\\"{', '', '\\\\"]']) {
    const odd = JSON.stringify({ metadata: { [value]: value, b: [value] }, spec: {} });
    const start = odd.indexOf('{', 1);
    assert.deepEqual(JSON.parse(odd.slice(start, objectEnd(odd, start))), { [value]: value, b: [value] }, value);
  }
});

test('splitMember takes one member of one object off, wherever it stands; withMember puts it back', async () => {
  const { splitMember } = await import('../../api/json-text.js');
  const { withMember } = await import('./stored-json.js');
  const cases: Record<string, unknown>[] = [
    { name: 'a', annotations: { managedFields: '"managedFields":[1]' }, managedFields: [{ fieldsV1: { 'f:x': {} } }], uid: 'u' },
    { managedFields: [1, [2, { a: '}' }]], name: 'first' },
    { name: 'last', n: 1.5, b: true, z: null, managedFields: [] },
    { managedFields: 'only' },
  ];
  for (const m of cases) {
    const text = JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: m, spec: { managedFields: 'not this one' } });
    const at = text.indexOf('"metadata":') + '"metadata":'.length;
    const { managedFields, ...rest } = m;
    const split = splitMember(text, at, 'managedFields')!;
    const obj = JSON.parse(split.rest);
    assert.deepEqual(obj, { apiVersion: 'v1', kind: 'Service', metadata: rest, spec: { managedFields: 'not this one' } });
    assert.deepEqual(JSON.parse(split.value), managedFields);
    assert.deepEqual(JSON.parse(withMember(JSON.stringify(obj.metadata), 'managedFields', split.value)), m);
  }
  const none = JSON.stringify({ metadata: { name: 'x', labels: { managedFields: 'v' } } });
  assert.equal(splitMember(none, none.indexOf('{', 1), 'managedFields'), undefined);
  assert.equal(splitMember('{"metadata":{ "name":"spaced"}}', 12, 'name'), undefined);
});

test('metadataText puts resourceVersion first and the managedFields text last, for empty metadata too', () => {
  const managed = JSON.stringify([{ manager: 'm', fieldsV1: { 'f:spec': {} } }]);
  assert.deepEqual(JSON.parse(metadataText('{"name":"a","labels":{"x":"}"}}', '7', managed)), { resourceVersion: '7', name: 'a', labels: { x: '}' }, managedFields: JSON.parse(managed) });
  assert.deepEqual(JSON.parse(metadataText('{}', '8', '[]')), { resourceVersion: '8', managedFields: [] });
});

test('pickMembers decodes only the named members of one object, escapes included, and finds its end', async () => {
  const { pickMembers } = await import('./stored-json.js');
  const cases: Record<string, unknown>[] = [
    { name: 'a"\\}{\u2028é', labels: { name: 'not this one', creationTimestamp: 'x' }, managedFields: [{ fieldsV1: { 'f:name': {} } }], creationTimestamp: '2026-01-01T00:00:00Z' },
    { creationTimestamp: null, names: 'longer', nam: 'shorter', name: 'n' },
    { uid: 'u' },
    {},
  ];
  for (const m of cases) {
    const text = JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: m, spec: { name: 'spec' } });
    const at = text.indexOf('"metadata":') + '"metadata":'.length;
    const picked = pickMembers(text, at, ['name', 'creationTimestamp'])!;
    const expected = Object.fromEntries(Object.entries(m).filter(([k]) => k === 'name' || k === 'creationTimestamp'));
    assert.deepEqual(picked.members, expected);
    assert.equal(text.slice(picked.end), ',"spec":{"name":"spec"}}');
    assert.deepEqual(JSON.parse(text.slice(at, picked.end)), m);
  }
  assert.equal(pickMembers('{"metadata":{ "name":"spaced"}}', 12, ['name']), undefined);
  assert.equal(pickMembers('{"metadata":{"name":"cut', 12, ['name']), undefined);
});

test('listItemBytes writes what joining withResourceVersion texts gives, for any range', () => {
  const stored = [
    `${prefix}"name":"a","labels":{"x":"é"}},"spec":{}}`,
    `${prefix}},"spec":{"note":"😀 \\" } ,"}}`,
    `${prefix}"name":"c"},"spec":{"ports":[{"port":80}]}}`,
  ];
  const items: ListItemText[] = [
    { stored: stored[0], resourceVersion: '7' },
    '{"apiVersion":"v1","kind":"Service","metadata":{"name":"decoded ü"}}',
    { stored: stored[1], resourceVersion: '12' },
    { stored: stored[2], resourceVersion: '3000000' },
  ];
  const texts = items.map((item) => (typeof item === 'string' ? item : withResourceVersion(item.stored, prefix, item.resourceVersion)!));
  for (let start = 0; start <= items.length; start++) {
    for (let end = start; end <= items.length; end++) {
      const expected = `${start > 0 && end > start ? ',' : ''}${texts.slice(start, end).join(',')}`;
      assert.equal(listItemBytes(items, prefix, start, end).toString(), expected, `${start}..${end}`);
    }
  }
  // The whole list parses, with each resourceVersion first in its metadata.
  const list = JSON.parse(`[${listItemBytes(items, prefix, 0, items.length).toString()}]`) as Array<{ metadata: Record<string, string> }>;
  assert.deepEqual(list.map((o) => Object.keys(o.metadata)[0]), ['resourceVersion', 'name', 'resourceVersion', 'resourceVersion']);
});
