import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FilePodTracer, podTracerFromEnv, traceLine } from './pod-trace.js';

const pod = { metadata: { namespace: 'default', name: 'web-1' } };

test('a trace line: epoch ms, the pod, the phase', () => {
  assert.equal(traceLine(1700000000123.456, pod, 'spawned'), '1700000000123.5 default/web-1 spawned\n');
});

test('marks are written at flush, in order; no tracer without KUBITO_POD_TRACE', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubito-trace-'));
  try {
    const tracer = new FilePodTracer(join(dir, 't.log'));
    tracer.mark(pod, 'seen');
    tracer.mark(pod, 'sandbox');
    await tracer.flush();
    const lines = readFileSync(join(dir, 't.log'), 'utf8').trim().split('\n');
    assert.deepEqual(lines.map((l) => l.split(' ').slice(1).join(' ')), ['default/web-1 seen', 'default/web-1 sandbox']);
    assert.ok(Number(lines[0].split(' ')[0]) <= Number(lines[1].split(' ')[0]));
    assert.equal(podTracerFromEnv({}), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
