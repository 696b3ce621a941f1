/**
 * @module Fixture capture (not part of the test suite). Runs the real kubectl against a tiny
 * logging API server on 127.0.0.1 (legacy discovery for `/api`, `/apis`, `/api/v1`,
 * `/apis/apps/v1`; `201` for every POST) and prints two fixture sets as JSON:
 *  - `requests`: for each `kubectl create ...` command, the protobuf body kubectl 1.33 POSTs
 *    (base64) and the JSON body kubectl 1.31 POSTs for the same command;
 *  - `replies`: a rich sample object (../testdata/sample-objects.ts) encoded by our encoder
 *    and served as the protobuf reply; kubectl 1.33 must print (`-o json`) exactly that
 *    object back, i.e. Go's decoder and JSON encoder agree with our tables. The script
 *    fails otherwise, and prints the base64 bytes when they agree.
 *
 * Usage: `npx tsx src/api/protobuf/testdata-gen/capture.ts > /tmp/fixtures.json`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { isDeepStrictEqual, promisify } from 'node:util';

import type { KubeObject } from '../../types.js';
import { encodeProtobufObject, PROTOBUF_CONTENT_TYPE } from '../envelope.js';
import {
  sampleConfigMap,
  sampleDeployment,
  sampleEventList,
  sampleNamespace,
  sampleSecret,
  sampleService,
  sampleServiceAccount,
} from '../testdata/sample-objects.js';

const run = promisify(execFile);

/** The commands whose bodies become fixtures, keyed by fixture name. */
export const COMMANDS: Record<string, string[]> = {
  serviceClusterIP: ['create', 'service', 'clusterip', 'nginx-service', '--tcp=80:80'],
  deployment: ['create', 'deployment', 'nginx', '--image=nginx', '--replicas=2', '--port=80'],
  namespace: ['create', 'namespace', 'foo'],
  configMap: ['create', 'configmap', 'c', '--from-literal=a=b'],
  secret: ['create', 'secret', 'generic', 's', '--from-literal=x=y'],
  serviceAccount: ['create', 'serviceaccount', 'sa'],
  serviceNodePort: ['create', 'service', 'nodeport', 'np', '--tcp=80:8080', '--node-port=30080'],
  serviceExternalName: ['create', 'service', 'externalname', 'ex', '--external-name=example.com'],
  serviceLoadBalancer: ['create', 'service', 'loadbalancer', 'lb', '--tcp=5678:8080'],
  deploymentMultiImage: ['create', 'deployment', 'multi', '--image=nginx', '--image=busybox'],
  deploymentCommand: ['create', 'deployment', 'cmd', '--image=busybox', '--port=8080', '--', 'sleep', '3600'],
  configMapBinary: ['create', 'configmap', 'bin', '--from-file=blob={inputs}/blob.bin', '--from-literal=text=hello'],
  secretDockerRegistry: ['create', 'secret', 'docker-registry', 'reg', '--docker-server=r.example.com', '--docker-username=u', '--docker-password=p'],
};

/** Replies: the command, and the sample object served (as protobuf) in answer to it. */
export const REPLIES: Record<string, { args: string[]; reply: () => KubeObject }> = {
  service: { args: ['create', 'service', 'clusterip', 'web', '--tcp=80:80'], reply: sampleService },
  deployment: { args: ['create', 'deployment', 'web', '--image=nginx'], reply: sampleDeployment },
  namespace: { args: ['create', 'namespace', 'foo'], reply: sampleNamespace },
  secret: { args: ['create', 'secret', 'generic', 'tls', '--from-literal=a=b'], reply: sampleSecret },
  configMap: { args: ['create', 'configmap', 'cfg'], reply: sampleConfigMap },
  serviceAccount: { args: ['create', 'serviceaccount', 'sa'], reply: sampleServiceAccount },
  eventList: { args: ['events'], reply: sampleEventList },
};

interface Captured {
  contentType: string;
  body: Buffer;
}

function resource(name: string, kind: string, namespaced: boolean, shortNames: string[] = []): Record<string, unknown> {
  return {
    name,
    singularName: kind.toLowerCase(),
    namespaced,
    kind,
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    shortNames,
  };
}

/** Legacy discovery documents: enough for kubectl to map every command to a resource. */
const DISCOVERY: Record<string, unknown> = {
  '/api': { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }] },
  '/apis': {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [{ name: 'apps', versions: [{ groupVersion: 'apps/v1', version: 'v1' }], preferredVersion: { groupVersion: 'apps/v1', version: 'v1' } }],
  },
  '/api/v1': {
    kind: 'APIResourceList',
    groupVersion: 'v1',
    resources: [
      resource('services', 'Service', true, ['svc']),
      resource('namespaces', 'Namespace', false, ['ns']),
      resource('configmaps', 'ConfigMap', true, ['cm']),
      resource('secrets', 'Secret', true),
      resource('serviceaccounts', 'ServiceAccount', true, ['sa']),
      resource('events', 'Event', true, ['ev']),
    ],
  },
  '/apis/apps/v1': { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'apps/v1', resources: [resource('deployments', 'Deployment', true, ['deploy'])] },
};

/** plural -> [apiVersion, kind], for the JSON reply kubectl decodes when no sample is served. */
const KINDS: Record<string, [string, string]> = {
  services: ['v1', 'Service'],
  namespaces: ['v1', 'Namespace'],
  configmaps: ['v1', 'ConfigMap'],
  secrets: ['v1', 'Secret'],
  serviceaccounts: ['v1', 'ServiceAccount'],
  deployments: ['apps/v1', 'Deployment'],
  events: ['v1', 'EventList'],
};

function json(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Serves discovery; records POST bodies; answers POSTs (and GET events) with `reply` in protobuf if given. */
function startServer(sink: Captured[], reply?: KubeObject): Promise<{ port: number; close: () => void }> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method === 'GET' && path in DISCOVERY) return json(res, 200, DISCOVERY[path]);
      const plural = path.split('/').at(-1) ?? '';
      if (req.method === 'POST') sink.push({ contentType: req.headers['content-type'] ?? '', body: Buffer.concat(chunks) });
      if (req.method === 'POST' || (req.method === 'GET' && plural === 'events')) {
        const code = req.method === 'POST' ? 201 : 200;
        if (reply) {
          res.writeHead(code, { 'Content-Type': PROTOBUF_CONTENT_TYPE });
          return res.end(encodeProtobufObject(reply));
        }
        const [groupVersion, kind] = KINDS[plural] ?? ['v1', 'Status'];
        return json(res, code, { kind, apiVersion: groupVersion, metadata: { name: 'x' } });
      }
      json(res, 404, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'NotFound', code: 404 });
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({ port: (server.address() as AddressInfo).port, close: () => server.close() });
    });
  });
}

async function kubectl(binary: string, args: string[], options: { inputs: string; reply?: KubeObject }): Promise<{ sink: Captured[]; stdout: string }> {
  const sink: Captured[] = [];
  const { port, close } = await startServer(sink, options.reply);
  const dir = mkdtempSync(join(tmpdir(), 'kubito-capture-'));
  writeFileSync(join(dir, 'kubeconfig'), 'apiVersion: v1\nkind: Config\n');
  const argv = args.map((a) => a.replace('{inputs}', options.inputs));
  try {
    const { stdout } = await run(binary, ['--server', `http://127.0.0.1:${port}`, '--kubeconfig', join(dir, 'kubeconfig'), '--cache-dir', join(dir, 'cache'), ...argv], {
      timeout: 30_000,
    });
    return { sink, stdout };
  } finally {
    close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `kubectl events -o json` sorts by time (the sample is already sorted), prints a fresh list and types each item. */
function fromKubectlEvents(printed: { items: Array<Record<string, unknown>> }, served: KubeObject): unknown {
  const items = printed.items.map(({ kind, apiVersion, ...rest }) => (kind === 'Event' && apiVersion === 'v1' ? rest : { kind, apiVersion, ...rest }));
  return { ...printed, metadata: served.metadata, items };
}

async function main(): Promise<void> {
  const { stdout } = await run('sh', ['-c', 'command -v kubectl']);
  const bin = dirname(realpathSync(stdout.trim()));
  const inputs = mkdtempSync(join(tmpdir(), 'kubito-capture-inputs-'));
  // Bytes that are not UTF-8, so kubectl puts them in binaryData.
  writeFileSync(join(inputs, 'blob.bin'), Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80, 0x41]));
  const requests: Record<string, { protobuf: string; json: unknown }> = {};
  const replies: Record<string, { protobuf: string }> = {};
  try {
    for (const [name, args] of Object.entries(COMMANDS)) {
      const pb = (await kubectl(join(bin, 'kubectl.1.33'), args, { inputs })).sink;
      const js = (await kubectl(join(bin, 'kubectl.1.31'), args, { inputs })).sink;
      if (pb.length !== 1 || js.length !== 1) throw new Error(`${name}: expected one POST each, saw ${pb.length} and ${js.length}`);
      if (pb[0].contentType !== PROTOBUF_CONTENT_TYPE) throw new Error(`${name}: 1.33 sent ${pb[0].contentType}`);
      if (!js[0].contentType.startsWith('application/json')) throw new Error(`${name}: 1.31 sent ${js[0].contentType}`);
      requests[name] = { protobuf: pb[0].body.toString('base64'), json: JSON.parse(js[0].body.toString('utf8')) };
    }
    for (const [name, { args, reply }] of Object.entries(REPLIES)) {
      const obj = JSON.parse(JSON.stringify(reply())) as KubeObject;
      const { stdout: printed } = await kubectl(join(bin, 'kubectl.1.33'), [...args, '-o', 'json', '--show-managed-fields'], { inputs, reply: obj });
      const seen = name === 'eventList' ? fromKubectlEvents(JSON.parse(printed), obj) : JSON.parse(printed);
      if (!isDeepStrictEqual(seen, obj)) throw new Error(`${name}: kubectl printed\n${printed}\ninstead of\n${JSON.stringify(obj, null, 2)}`);
      replies[name] = { protobuf: Buffer.from(encodeProtobufObject(obj)).toString('base64') };
    }
  } finally {
    rmSync(inputs, { recursive: true, force: true });
  }
  process.stdout.write(JSON.stringify({ requests, replies }, null, 2) + '\n');
}

await main();
