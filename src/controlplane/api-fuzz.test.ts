/**
 * @module Bounded fuzzing of the API: valid objects of every served kind, mutated (a value of
 * the wrong type, a field gone or unknown, huge and odd numbers, odd strings, bodies truncated or
 * flipped, other content types), sent as creates, updates, every kind of patch, deletes and
 * reads with odd query parameters, to a whole control plane with its controllers running.
 * Every answer must be a success or a Status with the HTTP code in it, and no request may reach
 * an error that is not a Kubernetes error (a TypeError deep in validation answered as an
 * InternalError: a bug that bad input reached). Some 500s are upstream's own: kube-apiserver
 * answers a strategic merge patch's "unknown patch type" or server-side apply's "failed to create
 * typed patch object" with a 500, and kubito says the same (as a StatusError, on purpose). The
 * cluster must go on serving: afterwards a valid create still works and every collection lists.
 * Deterministic by seed (KUBITO_FUZZ_SEED), KUBITO_FUZZ_REQUESTS lengthens the run.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeProtobufObject } from '../api/protobuf/envelope.js';
import { RESOURCES } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import type { HandlerRequest, HandlerResponse } from '../apiserver/http-types.js';
import { StatusError } from '../api/errors.js';
import { startControlPlane, type ControlPlane } from './control-plane.js';
import { ensureClusterCredentials } from '../pki/credentials.js';
import { rng } from '../testing/rng.js';

const REQUESTS = Number(process.env.KUBITO_FUZZ_REQUESTS ?? 2500);
const SEED = Number(process.env.KUBITO_FUZZ_SEED ?? 20261129);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const NS = 'fuzz';
const meta = (name: string, extra: Record<string, Json> = {}): Record<string, Json> => ({ name, labels: { app: 'web', tier: 'a' }, annotations: { note: 'x' }, ...extra });

/** One valid object per served kind, with the collection it is created in. */
const SEEDS: Array<{ path: string; object: Record<string, Json> }> = [
  { path: `/api/v1/namespaces/${NS}/services`, object: { apiVersion: 'v1', kind: 'Service', metadata: meta('web'), spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }, { name: 'dns', port: 53, targetPort: 5353, protocol: 'UDP' }], sessionAffinity: 'ClientIP', externalTrafficPolicy: 'Local', ipFamilyPolicy: 'SingleStack' } } },
  { path: `/api/v1/namespaces/${NS}/services`, object: { apiVersion: 'v1', kind: 'Service', metadata: meta('ext'), spec: { type: 'ExternalName', externalName: 'db.example.com', ports: [{ port: 5432 }] } } },
  { path: `/api/v1/namespaces/${NS}/services`, object: { apiVersion: 'v1', kind: 'Service', metadata: meta('lb'), spec: { type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ port: 443, targetPort: 8443 }], loadBalancerSourceRanges: ['10.0.0.0/8'] } } },
  { path: `/api/v1/namespaces/${NS}/pods`, object: { apiVersion: 'v1', kind: 'Pod', metadata: meta('p'), spec: { nodeName: 'nowhere', containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'], ports: [{ name: 'http', containerPort: 8080 }], env: [{ name: 'A', value: '1' }], resources: { limits: { cpu: '100m', memory: '64Mi' } }, readinessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 2 } }], restartPolicy: 'Always', terminationGracePeriodSeconds: 0, dnsPolicy: 'ClusterFirst', volumes: [{ name: 'v', emptyDir: {} }] } } },
  { path: `/apis/apps/v1/namespaces/${NS}/deployments`, object: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('d'), spec: { replicas: 0, selector: { matchLabels: { app: 'web' } }, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80 }] }] } } } } },
  { path: `/apis/apps/v1/namespaces/${NS}/replicasets`, object: { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: meta('rs'), spec: { replicas: 0, selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }] }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } } } },
  { path: `/api/v1/namespaces/${NS}/configmaps`, object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('cm'), data: { a: '1', 'b.txt': 'hello' }, binaryData: { bin: 'AAEC' } } },
  { path: `/api/v1/namespaces/${NS}/secrets`, object: { apiVersion: 'v1', kind: 'Secret', metadata: meta('s'), type: 'Opaque', data: { k: 'dmFsdWU=' }, stringData: { p: 'plain' } } },
  { path: `/api/v1/namespaces/${NS}/serviceaccounts`, object: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta('sa'), automountServiceAccountToken: false } },
  { path: `/api/v1/namespaces/${NS}/endpoints`, object: { apiVersion: 'v1', kind: 'Endpoints', metadata: meta('hand'), subsets: [{ addresses: [{ ip: '10.244.0.9', targetRef: { kind: 'Pod', name: 'p', namespace: NS } }], notReadyAddresses: [{ ip: '10.244.0.10' }], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }] } },
  { path: `/apis/discovery.k8s.io/v1/namespaces/${NS}/endpointslices`, object: { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: meta('hand-1', { labels: { 'kubernetes.io/service-name': 'hand' } }), addressType: 'IPv4', endpoints: [{ addresses: ['10.244.0.9'], conditions: { ready: true, serving: true, terminating: false }, nodeName: 'n1', zone: 'z' }], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] } },
  { path: `/apis/coordination.k8s.io/v1/namespaces/${NS}/leases`, object: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: meta('l'), spec: { holderIdentity: 'me', leaseDurationSeconds: 40, renewTime: '2026-11-29T10:00:00.000000Z', leaseTransitions: 1 } } },
  { path: `/api/v1/namespaces/${NS}/events`, object: { apiVersion: 'v1', kind: 'Event', metadata: meta('e'), involvedObject: { kind: 'Pod', name: 'p', namespace: NS }, reason: 'Started', message: 'started', type: 'Normal', count: 1, firstTimestamp: '2026-11-29T10:00:00Z', lastTimestamp: '2026-11-29T10:00:00Z', source: { component: 'kubelet' } } },
  { path: `/apis/events.k8s.io/v1/namespaces/${NS}/events`, object: { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: meta('ev'), eventTime: '2026-11-29T10:00:00.000000Z', action: 'Binding', reason: 'Scheduled', note: 'ok', type: 'Normal', reportingController: 'default-scheduler', reportingInstance: 'x', regarding: { kind: 'Pod', name: 'p', namespace: NS } } },
  { path: '/api/v1/nodes', object: { apiVersion: 'v1', kind: 'Node', metadata: meta('fuzz-node'), spec: { podCIDR: '10.244.9.0/24', taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }] } } },
  { path: '/api/v1/namespaces', object: { apiVersion: 'v1', kind: 'Namespace', metadata: meta('fuzz-other') } },
];

const ODD_STRINGS = ['', ' ', 'a'.repeat(300), 'UPPER', '-lead', 'trail-', 'a..b', 'ünï', '\u0000', '%zz', '../x', '10.0.0.1/33', '::ffff:10.0.0.1', '1e400', '2026-13-45T99:99:99Z', 'Exists', '${X}', '{"a":1}', '\ud800'];
const ODD_NUMBERS = [0, -1, 1, 65535, 65536, 2 ** 31, 2 ** 53 + 1, -(2 ** 63), 1.5, 1e308, -0];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)];
}

function oddValue(r: () => number, depth = 0): Json {
  switch (Math.floor(r() * 8)) {
    case 0: return null;
    case 1: return r() < 0.5;
    case 2: return pick(r, ODD_NUMBERS);
    case 3: return pick(r, ODD_STRINGS);
    case 4: return depth > 2 ? [] : [oddValue(r, depth + 1), oddValue(r, depth + 1)];
    case 5: return depth > 2 ? {} : { [pick(r, ['name', 'port', 'x', '', 'key'])]: oddValue(r, depth + 1) };
    case 6: return Math.floor(r() * 70000) - 1000;
    default: return `s${Math.floor(r() * 1000)}`;
  }
}

/** Every path to a value in `doc` (objects' keys, arrays' indexes). */
function pathsOf(doc: Json, prefix: Array<string | number> = [], out: Array<Array<string | number>> = []): Array<Array<string | number>> {
  if (doc && typeof doc === 'object') {
    for (const [k, v] of Array.isArray(doc) ? doc.entries() : Object.entries(doc)) {
      const p = [...prefix, k];
      out.push(p);
      pathsOf(v, p, out);
    }
  }
  return out;
}

function mutateObject(object: Record<string, Json>, r: () => number): Json {
  const doc = structuredClone(object) as Json;
  for (let i = 0, n = 1 + Math.floor(r() * 3); i < n; i++) {
    const paths = pathsOf(doc);
    if (paths.length === 0) break;
    const path = pick(r, paths);
    let parent = doc as Record<string | number, Json>;
    for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, Json>;
    const last = path[path.length - 1];
    const kind = r();
    if (kind < 0.5) parent[last] = oddValue(r);
    else if (kind < 0.7) {
      if (Array.isArray(parent)) parent.splice(last as number, 1);
      else delete parent[last];
    } else if (kind < 0.85 && !Array.isArray(parent)) parent[pick(r, ['unknownField', 'x-kubernetes', '$patch', '$setElementOrder/ports', '$retainKeys', 'status'])] = oddValue(r);
    else if (Array.isArray(parent[last])) (parent[last] as Json[]).push(...(parent[last] as Json[]));
    else parent[last] = oddValue(r);
  }
  return doc;
}

function mutateBytes(text: string, r: () => number): Buffer {
  const b = Buffer.from(text);
  switch (Math.floor(r() * 4)) {
    case 0: return b.subarray(0, Math.floor(r() * b.length));
    case 1: {
      for (let i = 0, n = 1 + Math.floor(r() * 4); i < n; i++) b[Math.floor(r() * b.length)] = Math.floor(r() * 256);
      return b;
    }
    case 2: return Buffer.concat([b, Buffer.from('}{"x":')]);
    default: return Buffer.concat([Buffer.from('k8s\u0000'), b.subarray(0, 40)]);
  }
}

/** The object in Kubernetes protobuf, for the kinds kubito's encoder has tables for. */
function protobufOf(object: Record<string, Json>): Buffer | undefined {
  try {
    return Buffer.from(encodeProtobufObject(object as unknown as KubeObject));
  } catch {
    return undefined;
  }
}

function mutateProtobuf(b: Buffer, r: () => number): Buffer {
  switch (Math.floor(r() * 4)) {
    case 0: return b.subarray(0, Math.floor(r() * b.length));
    case 1: {
      // Past the envelope's magic, most flips land in tags and lengths.
      for (let i = 0, n = 1 + Math.floor(r() * 3); i < n; i++) b[4 + Math.floor(r() * (b.length - 4))] = Math.floor(r() * 256);
      return b;
    }
    case 2: {
      // A length or varint made huge.
      const at = 4 + Math.floor(r() * (b.length - 8));
      b.fill(0xff, at, at + 1 + Math.floor(r() * 5));
      return b;
    }
    default: return Buffer.concat([b, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f])]);
  }
}

const CONTENT_TYPES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf', 'text/plain', 'application/json; charset=utf-16'];
const PATCH_TYPES = ['application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/json-patch+json', 'application/apply-patch+yaml'];
const QUERY_KEYS = ['labelSelector', 'fieldSelector', 'limit', 'continue', 'resourceVersion', 'resourceVersionMatch', 'dryRun', 'fieldValidation', 'fieldManager', 'force', 'propagationPolicy', 'gracePeriodSeconds', 'timeoutSeconds', 'allowWatchBookmarks', 'sendInitialEvents', 'pretty', 'orphanDependents'];
const QUERY_VALUES = ['', 'All', 'Strict', 'Warn', 'Ignore', 'app=web', 'app in (web,x)', '!app', 'app==', '=', 'metadata.name=web', 'spec.nodeName=x', 'status.phase!=Running', 'metadata.uid=1', '-1', '0', '1', '99999999999999999999', 'abc', 'NotOlderThan', 'Exact', 'Foreground', 'Orphan', 'true', 'false', '%', 'a,b'];

/** A path segment as a client might send it: escaped, or raw (a lone % and all). */
function oddPathSegment(r: () => number): string {
  const s = pick(r, ODD_STRINGS.filter((x) => x && !x.includes('/')));
  if (r() < 0.3) return s;
  try {
    return encodeURIComponent(s);
  } catch {
    return '%ED%A0%80'; // a lone surrogate, as its UTF-8 bytes would be escaped
  }
}

/** A random request built from a seed: what a confused client or a hostile one might send. */
function randomRequest(r: () => number): HandlerRequest {
  const seed = pick(r, SEEDS);
  const name = seed.object.metadata && (seed.object.metadata as Record<string, Json>).name as string;
  const item = `${seed.path}/${r() < 0.9 ? name : oddPathSegment(r)}`;
  const query = new URLSearchParams();
  for (let i = 0, n = Math.floor(r() * 3); i < n; i++) query.set(pick(r, QUERY_KEYS), pick(r, QUERY_VALUES));
  const headers: Record<string, string | undefined> = { accept: pick(r, ['application/json', 'application/json;as=Table;v=v1;g=meta.k8s.io', 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io', 'application/yaml', 'application/vnd.kubernetes.protobuf', '*/*']) };
  const body = (): Buffer => {
    const mutated = r() < 0.85 ? mutateObject(seed.object, r) : seed.object;
    const text = JSON.stringify(mutated);
    return r() < 0.15 ? mutateBytes(text, r) : Buffer.from(text);
  };
  const op = Math.floor(r() * 7);
  const protobuf = op === 0 && r() < 0.3 ? protobufOf(seed.object) : undefined;
  if (protobuf) {
    // kubectl 1.32+ creates in protobuf: the seed's bytes, flipped, cut or stretched.
    headers['content-type'] = 'application/vnd.kubernetes.protobuf';
    return { method: 'POST', path: seed.path, query, headers, body: mutateProtobuf(protobuf, r) };
  }
  if (op === 0 || op === 1) {
    headers['content-type'] = r() < 0.85 ? 'application/json' : pick(r, CONTENT_TYPES);
    return { method: 'POST', path: seed.path, query, headers, body: body() };
  }
  if (op === 2) {
    headers['content-type'] = r() < 0.85 ? 'application/json' : pick(r, CONTENT_TYPES);
    return { method: 'PUT', path: r() < 0.8 ? item : `${item}/status`, query, headers, body: body() };
  }
  if (op === 3) {
    const type = pick(r, PATCH_TYPES);
    headers['content-type'] = type;
    if (type === 'application/apply-patch+yaml' && !query.has('fieldManager')) query.set('fieldManager', 'fuzz');
    let patch: Buffer;
    if (type === 'application/json-patch+json') {
      const paths = pathsOf(seed.object as Json).map((p) => `/${p.join('/')}`);
      patch = Buffer.from(JSON.stringify([{ op: pick(r, ['add', 'remove', 'replace', 'move', 'copy', 'test', 'bogus']), path: r() < 0.8 ? pick(r, paths) : pick(r, ['', '/', '/a/b/c', '/metadata/labels/~2', '/spec/ports/-', '/spec/ports/99']), from: pick(r, paths), value: oddValue(r) }]));
    } else patch = body();
    return { method: 'PATCH', path: r() < 0.85 ? item : `${item}/${pick(r, ['status', 'scale'])}`, query, headers, body: patch };
  }
  if (op === 4) {
    const options = r() < 0.5 ? undefined : Buffer.from(JSON.stringify(mutateObject({ apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: 'Background', gracePeriodSeconds: 0, preconditions: { uid: 'x', resourceVersion: '1' } }, r)));
    if (options) headers['content-type'] = 'application/json';
    return { method: 'DELETE', path: r() < 0.9 ? item : seed.path, query, headers, body: options };
  }
  return { method: 'GET', path: r() < 0.5 ? item : seed.path, query, headers };
}

function statusOf(res: HandlerResponse): { kind?: string; code?: number; reason?: string; message?: string } | undefined {
  if (res.kind !== 'body' || !res.contentType.includes('json')) return undefined;
  return JSON.parse(typeof res.body === 'string' ? res.body : res.body.toString('utf8')) as { kind?: string; code?: number };
}

let cp: ControlPlane;
let dataDir: string;
const serverErrors: string[] = [];
const originalError = console.error;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'kubito-api-fuzz-'));
  const credentials = await ensureClusterCredentials(join(dataDir, 'pki'));
  cp = await startControlPlane({ dataDir, store: 'memory', host: '127.0.0.1', port: 0, certPem: credentials.serverCertPem, keyPem: credentials.serverKeyPem, authenticate: () => true, dnsUpstreams: [] });
  // The handler logs every 5xx it answers with its error: one that is not a StatusError (thrown
  // on purpose, with upstream's text) is a finding.
  console.error = (...args: unknown[]) => {
    const bug = args.find((a) => a instanceof Error && !(a instanceof StatusError)) as Error | undefined;
    if (bug) serverErrors.push(`${String(args[0])} ${bug.stack}`);
  };
});

after(async () => {
  console.error = originalError;
  await cp?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function send(req: HandlerRequest): Promise<HandlerResponse> {
  const res = await cp.handler.handle(req);
  // A stream (a watch, a long list) is started and stopped at once.
  if (res.kind === 'stream') res.start({ write: () => true, end: () => undefined })();
  return res;
}

test(`${REQUESTS} mutated requests: only successes and client-error Statuses, and the cluster goes on serving`, async () => {
  const r = rng(SEED);
  await send({ method: 'POST', path: '/api/v1/namespaces', query: new URLSearchParams(), headers: { 'content-type': 'application/json' }, body: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } }) });
  // Valid objects first, so that updates, patches and deletes meet something.
  for (const seed of SEEDS) await send({ method: 'POST', path: seed.path, query: new URLSearchParams(), headers: { 'content-type': 'application/json' }, body: JSON.stringify(seed.object) });
  const codes = new Map<number, number>();
  const survey = new Map<string, string>();
  for (let i = 0; i < REQUESTS; i++) {
    const req = randomRequest(r);
    const before = serverErrors.length;
    const res = await send(req);
    codes.set(res.status, (codes.get(res.status) ?? 0) + 1);
    const where = `request ${i} (seed ${SEED}): ${req.method} ${req.path}?${req.query} ${req.headers['content-type'] ?? ''} ${typeof req.body === 'string' ? req.body : req.body?.toString('utf8').slice(0, 300) ?? ''}`;
    if (serverErrors.length > before) {
      const found = `${where}\n-> ${res.status} ${res.kind === 'body' ? String(res.body).slice(0, 500) : ''}\n${serverErrors[serverErrors.length - 1]}`;
      if (!process.env.KUBITO_FUZZ_SURVEY) assert.fail(found);
      survey.set(serverErrors[serverErrors.length - 1].split('\n').slice(0, 3).join(' | '), where.slice(0, 400));
    }
    if (res.status >= 400) {
      const status = statusOf(res);
      if (status) {
        assert.equal(status.kind, 'Status', where);
        assert.equal(status.code, res.status, where);
        // Only upstream's 500 for a plain error goes without a reason (StatusReasonUnknown).
        assert.ok(status.reason || res.status >= 500, `${where}: a client error without a reason`);
      }
    }
    // Objects are re-seeded now and then, as the deletes take them away.
    if (i % 200 === 199) for (const seed of SEEDS) await send({ method: 'POST', path: seed.path, query: new URLSearchParams(), headers: { 'content-type': 'application/json' }, body: JSON.stringify(seed.object) });
  }
  // KUBITO_FUZZ_SURVEY=1: every distinct finding of the run instead of the first.
  if (process.env.KUBITO_FUZZ_SURVEY) for (const [k, v] of survey) originalError(`FINDING ${k}\n   ${v}\n`);
  assert.deepEqual(serverErrors, [], 'no request reached an error that is not a Kubernetes error');
  assert.ok((codes.get(200) ?? 0) + (codes.get(201) ?? 0) > REQUESTS / 20, `some requests succeeded: ${JSON.stringify([...codes])}`);
  assert.ok((codes.get(422) ?? 0) + (codes.get(400) ?? 0) > REQUESTS / 20, `some were refused as invalid: ${JSON.stringify([...codes])}`);

  // Still serving: every collection lists (every stored object decodes), and a valid create works.
  for (const info of RESOURCES) {
    const prefix = info.group === '' ? `/api/${info.version}` : `/apis/${info.group}/${info.version}`;
    const res = await send({ method: 'GET', path: `${prefix}/${info.resource}`, query: new URLSearchParams(), headers: { accept: 'application/json' } });
    assert.equal(res.status, 200, `list ${info.resource}`);
  }
  const created = await send({ method: 'POST', path: `/api/v1/namespaces/${NS}/configmaps`, query: new URLSearchParams(), headers: { 'content-type': 'application/json' }, body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'after-fuzz' }, data: { ok: 'yes' } }) });
  assert.equal(created.status, 201);
});
