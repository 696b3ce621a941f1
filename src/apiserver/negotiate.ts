/**
 * @module Content negotiation as kube-apiserver does it: which representation a client asked
 * for (`as=Table`, `as=PartialObjectMetadata`, JSON, YAML), and how to read a request body
 * (JSON, YAML, Kubernetes protobuf).
 */
import { createRequire } from 'node:module';
import { newBadRequest, newNotAcceptable, newUnsupportedMediaType } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';

/** The yaml package, loaded on first use: it takes longer to load (~80 ms) than most requests need. */
const requireYaml = createRequire(import.meta.url);
let yamlModule: typeof import('yaml') | undefined;
export function yaml(): typeof import('yaml') {
  return (yamlModule ??= requireYaml('yaml') as typeof import('yaml'));
}

export type Representation = 'object' | 'table' | 'metadata';

export interface Accepted {
  representation: Representation;
  /** The media type to answer with. */
  contentType: string;
  yaml: boolean;
}

interface MediaRange {
  type: string;
  params: Record<string, string>;
}

function parseAccept(header: string | undefined): MediaRange[] {
  if (!header) return [{ type: '*/*', params: {} }];
  return header.split(',').map((part) => {
    const [type, ...params] = part.split(';').map((s) => s.trim());
    const map: Record<string, string> = {};
    for (const p of params) {
      const eq = p.indexOf('=');
      if (eq > 0) map[p.slice(0, eq).trim()] = p.slice(eq + 1).trim();
    }
    return { type: type.toLowerCase(), params: map };
  });
}

/**
 * The first acceptable representation in the client's order. Protobuf is never answered:
 * every client that asks for it also accepts JSON (kubectl does).
 */
export function negotiate(accept: string | undefined, options: { list: boolean }): Accepted {
  // Clients send the same few Accept headers again and again.
  const key = `${options.list ? 'L' : 'O'}${accept ?? ''}`;
  let accepted = negotiated.get(key);
  if (!accepted) {
    accepted = Object.freeze(choose(accept, options));
    if (negotiated.size >= NEGOTIATED_ENTRIES) negotiated.clear();
    negotiated.set(key, accepted);
  }
  return accepted;
}

/** negotiate() answers by list flag and Accept header (a refusal throws and is not kept). */
const negotiated = new Map<string, Readonly<Accepted>>();
const NEGOTIATED_ENTRIES = 64;

function choose(accept: string | undefined, options: { list: boolean }): Accepted {
  const ranges = parseAccept(accept);
  for (const r of ranges) {
    const jsonish = r.type === 'application/json' || r.type === '*/*' || r.type === 'application/*';
    if (r.params.as === 'Table' && jsonish) {
      if (r.params.g === 'meta.k8s.io' && (r.params.v === 'v1' || r.params.v === 'v1beta1')) {
        return { representation: 'table', contentType: `application/json;as=Table;v=${r.params.v};g=meta.k8s.io`, yaml: false };
      }
      continue;
    }
    if ((r.params.as === 'PartialObjectMetadata' || r.params.as === 'PartialObjectMetadataList') && jsonish) {
      if (r.params.g === 'meta.k8s.io' && (r.params.v === 'v1' || r.params.v === 'v1beta1')) {
        const as = options.list ? 'PartialObjectMetadataList' : 'PartialObjectMetadata';
        return { representation: 'metadata', contentType: `application/json;as=${as};v=${r.params.v};g=meta.k8s.io`, yaml: false };
      }
      continue;
    }
    if (r.params.as) continue;
    if (jsonish) return { representation: 'object', contentType: 'application/json', yaml: false };
    if (r.type === 'application/yaml') return { representation: 'object', contentType: 'application/yaml', yaml: true };
  }
  throw newNotAcceptable('only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf');
}

/** Serializes a value for the negotiated media type. */
export function serialize(value: unknown, accepted: Pick<Accepted, 'yaml'>): string {
  return accepted.yaml ? yaml().stringify(value) : JSON.stringify(value);
}

/** Content types a body may come in, besides the patch types (see handlers/patch.ts). */
const JSON_TYPES = new Set(['application/json', '', '*/*']);
const YAML_TYPES = new Set(['application/yaml', 'application/x-yaml', 'text/yaml']);

export async function decodeBody(body: Buffer | string | undefined, contentType: string | undefined, expected?: { apiVersion: string; kind: string }): Promise<unknown> {
  const type = (contentType ?? 'application/json').split(';')[0].trim().toLowerCase();
  if (!body || body.length === 0) throw newBadRequest('the body of the request was empty');
  if (type === 'application/vnd.kubernetes.protobuf') {
    // Loaded on first use: only kubectl's create commands send protobuf.
    const { decodeProtobufObject } = await import('../api/protobuf/index.js');
    return decodeProtobufObject(typeof body === 'string' ? Buffer.from(body) : body, { defaults: expected });
  }
  const text = typeof body === 'string' ? body : body.toString('utf8');
  if (JSON_TYPES.has(type)) return parseJson(text);
  if (YAML_TYPES.has(type)) return parseYamlText(text);
  throw newUnsupportedMediaType(type);
}

/** A JSON or YAML request body as text (undefined for protobuf and other types): what strict decoding reads again. */
export function bodyText(body: Buffer | string | undefined, contentType: string | undefined): { text: string; json: boolean } | undefined {
  const type = (contentType ?? 'application/json').split(';')[0].trim().toLowerCase();
  if (!body || body.length === 0) return undefined;
  const json = JSON_TYPES.has(type);
  if (!json && !YAML_TYPES.has(type)) return undefined;
  return { text: typeof body === 'string' ? body : body.toString('utf8'), json };
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw newBadRequest(`error decoding JSON: ${(err as Error).message}`);
  }
}

export function parseYamlText(text: string): unknown {
  try {
    return yaml().parse(text, { uniqueKeys: false });
  } catch (err) {
    throw newBadRequest(`error converting YAML to JSON: ${(err as Error).message.split('\n')[0]}`);
  }
}

/** A body that must be a Kubernetes object: a JSON object with metadata. */
export function asObject(value: unknown): KubeObject {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw newBadRequest('Object \'Kind\' is missing in \'' + JSON.stringify(value)?.slice(0, 200) + '\'');
  }
  const obj = value as KubeObject;
  if (obj.metadata === undefined || obj.metadata === null) obj.metadata = {};
  if (typeof obj.metadata !== 'object' || Array.isArray(obj.metadata)) throw newBadRequest('metadata must be an object');
  return obj;
}
