/**
 * @module The Swagger 2.0 document encoded as gnostic's `openapi_v2.Document` protobuf, what
 * kube-apiserver serves at `/openapi/v2` to `Accept: application/com.github.proto-openapi.spec.v2…
 * +protobuf` and what kubectl 1.27/1.28 require before `apply` (client-go decodes the body with
 * proto.Unmarshal; JSON there is a parse error). Field numbers are those of gnostic-models'
 * openapiv2/OpenAPIv2.proto. Vendor extensions travel as `Any{yaml}`, as gnostic's compiler
 * writes them and as kubectl reads them (it yaml-decodes `x-kubernetes-group-version-kind` and the
 * patch extensions). Only the constructs kubito's documents use are encoded.
 */
import { createRequire } from 'node:module';
import { ProtoWriter } from './protobuf.js';

/** The yaml package, loaded on first use: it takes longer to load (~80 ms) than most requests need. */
const requireYaml = createRequire(import.meta.url);
let yamlModule: typeof import('yaml') | undefined;
function yaml(): typeof import('yaml') {
  return (yamlModule ??= requireYaml('yaml') as typeof import('yaml'));
}

type Json = Record<string, unknown>;

function asObject(value: unknown): Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}

function asStrings(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.map(String) : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** `repeated NamedAny vendor_extension`: every `x-` key of `obj`, its value as YAML text. */
function vendorExtensions(w: ProtoWriter, field: number, obj: Json): void {
  for (const [name, value] of Object.entries(obj)) {
    if (!name.startsWith('x-')) continue;
    const any = new ProtoWriter().string(2, yaml().stringify(value));
    w.message(field, new ProtoWriter().string(1, name).message(2, any));
  }
}

/** message Schema. */
function schema(s: Json): ProtoWriter {
  const w = new ProtoWriter()
    .string(1, str(s.$ref))
    .string(2, str(s.format))
    .string(4, str(s.description))
    .strings(19, asStrings(s.required));
  // `repeated Any enum`: each value as YAML text, as gnostic's compiler writes it.
  for (const value of Array.isArray(s.enum) ? s.enum : []) w.message(20, new ProtoWriter().string(2, yaml().stringify(value)));
  if (s.additionalProperties !== undefined) {
    w.message(21, new ProtoWriter().message(1, schema(asObject(s.additionalProperties))));
  }
  if (typeof s.type === 'string') w.message(22, new ProtoWriter().strings(1, [s.type]));
  if (s.items !== undefined) w.message(23, new ProtoWriter().message(1, schema(asObject(s.items))));
  for (const sub of Array.isArray(s.allOf) ? s.allOf : []) w.message(24, schema(asObject(sub)));
  if (s.properties !== undefined) {
    const props = new ProtoWriter();
    for (const [name, value] of Object.entries(asObject(s.properties))) props.message(1, named(name, schema(asObject(value))));
    w.message(25, props);
  }
  vendorExtensions(w, 31, s);
  return w;
}

function named(name: string, value: ProtoWriter): ProtoWriter {
  return new ProtoWriter().string(1, name).message(2, value);
}

/** message Parameter: a body parameter, or a query or path parameter. */
function parameterMessage(p: Json): ProtoWriter {
  if (p.in === 'body') {
    const body = new ProtoWriter().string(1, str(p.description)).string(2, str(p.name)).string(3, 'body').bool(4, p.required === true).message(5, schema(asObject(p.schema)));
    return new ProtoWriter().message(1, body);
  }
  if (p.in === 'query') {
    const q = new ProtoWriter().bool(1, p.required === true).string(2, 'query').string(3, str(p.description)).string(4, str(p.name)).string(6, str(p.type)).string(7, str(p.format)).bool(20, p.uniqueItems === true);
    return new ProtoWriter().message(2, new ProtoWriter().message(3, q));
  }
  if (p.in === 'path') {
    const q = new ProtoWriter().bool(1, p.required === true).string(2, 'path').string(3, str(p.description)).string(4, str(p.name)).string(5, str(p.type)).string(6, str(p.format)).bool(19, p.uniqueItems === true);
    return new ProtoWriter().message(2, new ProtoWriter().message(4, q));
  }
  throw new Error(`gnostic: unsupported parameter location ${String(p.in)}`);
}

/** message ParametersItem: a parameter or a `$ref` to a shared one. */
function parametersItem(p: Json): ProtoWriter {
  if (typeof p.$ref === 'string') return new ProtoWriter().message(2, new ProtoWriter().string(1, p.$ref));
  return new ProtoWriter().message(1, parameterMessage(p));
}

/** message Responses. */
function responses(r: Json): ProtoWriter {
  const w = new ProtoWriter();
  for (const [code, value] of Object.entries(r)) {
    const v = asObject(value);
    const response = new ProtoWriter().string(1, str(v.description));
    if (v.schema !== undefined) response.message(2, new ProtoWriter().message(1, schema(asObject(v.schema))));
    w.message(1, named(code, new ProtoWriter().message(1, response)));
  }
  return w;
}

/** message Operation. */
function operation(op: Json): ProtoWriter {
  const w = new ProtoWriter()
    .strings(1, asStrings(op.tags))
    .string(2, str(op.summary))
    .string(3, str(op.description))
    .string(5, str(op.operationId))
    .strings(6, asStrings(op.produces))
    .strings(7, asStrings(op.consumes));
  for (const p of Array.isArray(op.parameters) ? op.parameters : []) w.message(8, parametersItem(asObject(p)));
  w.message(9, responses(asObject(op.responses))).strings(10, asStrings(op.schemes));
  vendorExtensions(w, 13, op);
  return w;
}

const METHOD_FIELDS: Record<string, number> = { get: 2, put: 3, post: 4, delete: 5, options: 6, head: 7, patch: 8 };

/** message PathItem. */
function pathItem(item: Json): ProtoWriter {
  const w = new ProtoWriter();
  for (const [method, field] of Object.entries(METHOD_FIELDS)) {
    if (item[method] !== undefined) w.message(field, operation(asObject(item[method])));
  }
  for (const p of Array.isArray(item.parameters) ? item.parameters : []) w.message(9, parametersItem(asObject(p)));
  vendorExtensions(w, 10, item);
  return w;
}

/** Encodes a Swagger 2.0 document (as JSON values) as a gnostic `openapi_v2.Document`. */
export function encodeOpenAPIV2(doc: Json): Buffer {
  const info = asObject(doc.info);
  const paths = new ProtoWriter();
  vendorExtensions(paths, 1, asObject(doc.paths));
  for (const [path, item] of Object.entries(asObject(doc.paths))) {
    if (!path.startsWith('x-')) paths.message(2, named(path, pathItem(asObject(item))));
  }
  const definitions = new ProtoWriter();
  for (const [name, def] of Object.entries(asObject(doc.definitions))) definitions.message(1, named(name, schema(asObject(def))));
  const parameters = new ProtoWriter();
  for (const [name, p] of Object.entries(asObject(doc.parameters ?? {}))) parameters.message(1, named(name, parameterMessage(asObject(p))));
  const securityDefinitions = new ProtoWriter();
  for (const [name, d] of Object.entries(asObject(doc.securityDefinitions ?? {}))) {
    const key = asObject(d);
    if (key.type !== 'apiKey') throw new Error(`gnostic: unsupported security scheme ${String(key.type)}`);
    const apiKey = new ProtoWriter().string(1, 'apiKey').string(2, str(key.name)).string(3, str(key.in)).string(4, str(key.description));
    securityDefinitions.message(1, named(name, new ProtoWriter().message(2, apiKey)));
  }
  const w = new ProtoWriter()
    .string(1, str(doc.swagger))
    .message(2, new ProtoWriter().string(1, str(info.title)).string(2, str(info.version)).string(3, str(info.description)))
    .string(3, str(doc.host))
    .string(4, str(doc.basePath))
    .strings(5, asStrings(doc.schemes))
    .strings(6, asStrings(doc.consumes))
    .strings(7, asStrings(doc.produces))
    .message(8, paths)
    .message(9, definitions)
    .message(10, parameters);
  for (const requirement of Array.isArray(doc.security) ? doc.security : []) {
    const req = new ProtoWriter();
    for (const [name, scopes] of Object.entries(asObject(requirement))) req.message(1, new ProtoWriter().string(1, name).message(2, new ProtoWriter().strings(1, asStrings(scopes))));
    w.message(12, req);
  }
  w.message(13, securityDefinitions);
  vendorExtensions(w, 16, doc);
  return w.finish();
}
