import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RESOURCES } from '../../api/resources.js';
import { toTable } from '../../api/tables/table.js';
import type { KubeObject } from '../../api/types.js';
import { openMemoryStore } from '../../storage/memory/memory-store.js';
import { ApiHandler, storageKey } from '../handler.js';
import type { HandlerRequest, HandlerResponse } from '../http-types.js';
import { RestStorage } from '../registry/rest-storage.js';

const NOW = Date.parse('2026-11-28T10:00:00Z');
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io';
const SERVICES = RESOURCES.find((r) => r.group === '' && r.resource === 'services')!;

function service(name: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default', labels: { app: name }, annotations: { note: '"},{\\' }, managedFields: [{ manager: 'm', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': {} } }] },
    spec: { type: 'NodePort', clusterIP: '10.0.0.1', ports: [{ port: 80, nodePort: 30080 }], selector: { app: name } },
  };
}

/** The whole answer's text, from a body or from a stream run to its end; and which it was. */
async function answerText(res: HandlerResponse): Promise<{ kind: string; text: string }> {
  if (res.kind === 'body') return { kind: 'body', text: res.body.toString() };
  let text = '';
  const write = (c: string | Buffer): void => {
    text += c.toString();
  };
  await new Promise<void>((resolve) => res.start({ write, end: resolve }));
  return { kind: 'stream', text };
}

describe('Lists (Tables and plain JSON)', () => {
  let handler: ApiHandler;
  let services: RestStorage;
  const get = (inProcess = false, query = '', accept = TABLE): Promise<HandlerResponse> => {
    const req: HandlerRequest = { method: 'GET', path: '/api/v1/namespaces/default/services', query: new URLSearchParams(query), headers: { accept }, inProcess, acceptsValue: inProcess };
    return handler.handle(req);
  };

  before(async () => {
    const store = await openMemoryStore();
    const storages = new Map<string, RestStorage>();
    for (const info of RESOURCES.filter((r) => r.group === '' && (r.resource === 'services' || r.resource === 'namespaces'))) {
      storages.set(storageKey(info.group, info.version, info.resource), new RestStorage(info, store));
    }
    services = storages.get(storageKey('', 'v1', 'services'))!;
    handler = new ApiHandler({ storages, serverAddress: '127.0.0.1:6443', version: { major: '1', minor: '33', gitVersion: 'v1.33.0', gitCommit: '', gitTreeState: '', buildDate: '', goVersion: '', compiler: '', platform: '' }, clock: () => NOW });
  });

  test('a short list is one body, a long one a stream; both are the Table of the full items', async () => {
    for (const [count, kind] of [[3, 'body'], [1300, 'stream']] as const) {
      for (let i = (await services.list('default')).items.length; i < count; i++) await services.create('default', service(`s${i}`));
      const full = await services.list('default');
      const expected = JSON.parse(JSON.stringify(toTable(SERVICES, full.items, { now: new Date(NOW), listMeta: full.metadata })));
      const res = await get();
      assert.equal(res.status, 200);
      assert.equal(res.contentType, TABLE);
      const answer = await answerText(res);
      assert.equal(answer.kind, kind, String(count));
      assert.deepEqual(JSON.parse(answer.text), expected, String(count));
      // In-process callers take bodies only, of the same Table.
      const inProcess = await answerText(await get(true));
      assert.equal(inProcess.kind, 'body');
      assert.deepEqual(JSON.parse(inProcess.text), expected);
    }
  });

  test('a long list is written whole as soon as the stream starts, and ended', async () => {
    const res = await get();
    assert.equal(res.kind, 'stream');
    if (res.kind !== 'stream') return;
    let text = '';
    let ended = false;
    const write = (c: string | Buffer): void => {
      text += c.toString();
    };
    res.start({ write, end: () => (ended = true) });
    assert.equal(ended, true);
    assert.equal((JSON.parse(text) as { rows: unknown[] }).rows.length, 1300);
  });

  test('plain JSON: a long list is a stream, a short one (or a page) a body; each the text of the list', async () => {
    // 1,300 items from the tests above.
    const whole = await services.list('default');
    assert.equal(whole.items.length, 1300);
    for (const [query, kind] of [['', 'stream'], ['limit=600', 'stream'], ['limit=100', 'body']] as const) {
      const expected = await services.list('default', { limit: Number(new URLSearchParams(query).get('limit') ?? 0) });
      const answer = await answerText(await get(false, query, 'application/json'));
      assert.equal(answer.kind, kind, query);
      const got = JSON.parse(answer.text) as { items: unknown[]; metadata: { continue?: string } };
      assert.deepEqual(got, JSON.parse(JSON.stringify(expected)), query);
      const inProcess = await answerText(await get(true, query, 'application/json'));
      assert.equal(inProcess.kind, 'body');
      assert.deepEqual(JSON.parse(inProcess.text), got);
    }
  });

  test('a long list waits for the consumer between pieces (onDrain), and a stopped one writes no more', async () => {
    for (const accept of [TABLE, 'application/json']) {
      const pieces: string[] = [];
      let drained: (() => void) | undefined;
      let ended = false;
      const start = async (): Promise<() => void> => {
        const res = await get(false, '', accept);
        assert.equal(res.kind, 'stream');
        if (res.kind !== 'stream') throw new Error('not a stream');
        return res.start({
          write: (c) => {
            pieces.push(c.toString());
            return false;
          },
          onDrain: (callback) => (drained = callback),
          end: () => (ended = true),
        });
      };
      await start();
      // One piece per drain (1,300 items: 256 a piece), then the closing and the end.
      let drains = 0;
      while (!ended && drains < 20) {
        assert.equal(pieces.length, drains + 1, accept);
        const next = drained!;
        drained = undefined;
        drains++;
        next();
      }
      assert.equal(ended, true);
      assert.ok(drains >= 6, `${accept}: ${drains} drains`);
      assert.equal(drained, undefined);
      const whole = JSON.parse(pieces.join('')) as { rows?: unknown[]; items?: unknown[] };
      assert.equal((whole.rows ?? whole.items)!.length, 1300);
      // Stopped while waiting: nothing more is written, and the stream is not ended by the writer.
      pieces.length = 0;
      ended = false;
      const stop = await start();
      stop();
      drained!();
      assert.equal(pieces.length, 1);
      assert.equal(ended, false);
    }
  });
});
