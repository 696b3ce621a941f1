/**
 * @module The API benchmark's floor: the least program that does what the benchmark asks of
 * kubito's API server, on the same runtime, storage engine and transport — Node's HTTPS with the
 * cluster's certificate, better-sqlite3 in WAL mode with kubito's pragmas, one row per object —
 * and nothing of Kubernetes (no defaulting, validation, admission, managedFields, controllers).
 *
 * Serves, for Services by namespace (no Namespace objects: any name is taken): POST (create,
 * 201), GET list (JSON, or a Table when asked), GET `?watch=1` (chunked JSON lines, optionally
 * one name through `fieldSelector=metadata.name=X`), PATCH (JSON merge patch), with
 * resourceVersions from one counter and every write fanned out to the namespace's watchers. Run as its own process:
 * `node api-floor-server.js <port> <key.pem> <cert.pem> <db file> <token>`; prints `listening` once up.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import Database from 'better-sqlite3';

const [portText, keyFile, certFile, dbFile, token] = process.argv.slice(2);
/** `/api/v1/namespaces/<ns>/services[/<name>]`. */
const SERVICES = /^\/api\/v1\/namespaces\/([a-z0-9-]+)\/services(?:\/([^/]+))?$/;

const db = new Database(dbFile);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec('CREATE TABLE IF NOT EXISTS objects (ns TEXT NOT NULL, name TEXT NOT NULL, rv INTEGER NOT NULL, value TEXT NOT NULL, PRIMARY KEY (ns, name))');
const insert = db.prepare('INSERT INTO objects (ns, name, rv, value) VALUES (?, ?, ?, ?)');
const update = db.prepare('UPDATE objects SET rv = ?, value = ? WHERE ns = ? AND name = ?');
const select = db.prepare<[string, string], { value: string }>('SELECT value FROM objects WHERE ns = ? AND name = ?');
const selectAll = db.prepare<[string], { value: string }>('SELECT value FROM objects WHERE ns = ? ORDER BY name');
let rv = 1;

interface Watcher {
  res: ServerResponse;
  ns: string;
  name?: string;
}
const watchers = new Set<Watcher>();

function fanOut(type: 'ADDED' | 'MODIFIED', at: { ns: string; name: string }, text: string): void {
  const line = `{"type":"${type}","object":${text}}\n`;
  for (const w of watchers) if (w.ns === at.ns && (!w.name || w.name === at.name)) w.res.write(line);
}

type Json = Record<string, unknown>;
function mergePatch(target: Json, patch: Json): Json {
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete target[k];
    else if (typeof v === 'object' && !Array.isArray(v) && typeof target[k] === 'object' && target[k] !== null && !Array.isArray(target[k])) mergePatch(target[k] as Json, v as Json);
    else target[k] = v;
  }
  return target;
}

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(body);
}

function table(values: string[]): string {
  const rows = values.map((text) => {
    const o = JSON.parse(text) as { metadata: { name: string }; spec?: { type?: string; ports?: Array<{ port: number; protocol?: string }> } };
    const ports = (o.spec?.ports ?? []).map((p) => `${p.port}/${p.protocol ?? 'TCP'}`).join(',');
    return { cells: [o.metadata.name, o.spec?.type ?? 'ClusterIP', '<none>', '<none>', ports, '1m'], object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata } };
  });
  const columns = ['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age'].map((name) => ({ name, type: 'string', format: '', description: '', priority: 0 }));
  return JSON.stringify({ kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion: String(rv) }, columnDefinitions: columns, rows });
}

const server = createServer({ key: readFileSync(keyFile), cert: readFileSync(certFile) }, (req, res) => {
  if (req.headers.authorization !== `Bearer ${token}`) return send(res, 401, '{"kind":"Status","code":401}');
  const url = new URL(req.url ?? '/', 'https://x');
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString();
    const [, ns, name] = SERVICES.exec(url.pathname) ?? [];
    if (req.method === 'POST' && ns && !name) {
      const obj = JSON.parse(body) as Json & { metadata: Json };
      obj.metadata.namespace = ns;
      obj.metadata.resourceVersion = String(++rv);
      obj.metadata.uid = randomUUID();
      obj.metadata.creationTimestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      const text = JSON.stringify(obj);
      try {
        insert.run(ns, obj.metadata.name as string, rv, text);
      } catch {
        return send(res, 409, '{"kind":"Status","code":409}');
      }
      fanOut('ADDED', { ns, name: obj.metadata.name as string }, text);
      return send(res, 201, text);
    }
    if (req.method === 'GET' && ns && !name) {
      if (url.searchParams.get('watch') === '1' || url.searchParams.get('watch') === 'true') {
        const one = /^metadata\.name=(.+)$/.exec(url.searchParams.get('fieldSelector') ?? '')?.[1];
        res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
        res.flushHeaders();
        const w: Watcher = { res, ns, name: one };
        watchers.add(w);
        res.on('close', () => watchers.delete(w));
        return;
      }
      const values = selectAll.all(ns).map((r) => r.value);
      if ((req.headers.accept ?? '').includes('as=Table')) return send(res, 200, table(values));
      return send(res, 200, `{"kind":"ServiceList","apiVersion":"v1","metadata":{"resourceVersion":"${rv}"},"items":[${values.join(',')}]}`);
    }
    if (req.method === 'PATCH' && ns && name) {
      const row = select.get(ns, name);
      if (!row) return send(res, 404, '{"kind":"Status","code":404}');
      const obj = mergePatch(JSON.parse(row.value) as Json, JSON.parse(body) as Json) as Json & { metadata: Json };
      obj.metadata.resourceVersion = String(++rv);
      const text = JSON.stringify(obj);
      update.run(rv, text, ns, name);
      fanOut('MODIFIED', { ns, name }, text);
      return send(res, 200, text);
    }
    send(res, 404, '{"kind":"Status","code":404}');
  });
});
server.listen(Number(portText), '127.0.0.1', () => console.log('listening'));
