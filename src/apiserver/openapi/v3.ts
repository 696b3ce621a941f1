/**
 * @module OpenAPI 3.0 documents, one per group-version as kube-apiserver serves them under
 * `/openapi/v3/<api/v1 | apis/G/V>`: the group-version's operations and every schema they reach,
 * refs as `#/components/schemas/<name>`.
 */
import { definitionClosure, renderDefinitions, sortKeys, type JsonSchema } from './schemas.js';
import { documentPaths, type OperationSpec, type PathSpec } from './operations.js';
import type { ParameterSpec } from './parameters.js';
import { BEARER_TOKEN } from './v2.js';

const REF_PREFIX = '#/components/schemas/';

export interface OpenAPIV3Document {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, unknown>>;
  /** No top-level `security`: kube-openapi's builder3 writes only the schemes (unlike v2). */
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, unknown> };
}

function parameter(p: ParameterSpec): Record<string, unknown> {
  return { name: p.name, in: p.in, description: p.description, ...(p.required ? { required: true } : {}), schema: { type: p.type, uniqueItems: true } };
}

function operation(op: OperationSpec, refs: Set<string>): Record<string, unknown> {
  const out: Record<string, unknown> = { description: op.description, operationId: op.operationId, tags: [op.tag] };
  if (op.parameters.length) out.parameters = op.parameters.map(parameter);
  if (op.body) {
    refs.add(op.body.ref);
    const schema = { $ref: REF_PREFIX + op.body.ref };
    out.requestBody = { content: Object.fromEntries(op.consumes.map((type) => [type, { schema }])), ...(op.body.required ? { required: true } : {}) };
  }
  out.responses = Object.fromEntries(op.responses.map((r) => {
    if (!r.body) return [r.code, { description: r.description }];
    if ('ref' in r.body) refs.add(r.body.ref);
    const schema = 'ref' in r.body ? { $ref: REF_PREFIX + r.body.ref } : { type: 'string' };
    return [r.code, { description: r.description, content: Object.fromEntries(op.produces.map((type) => [type, { schema }])) }];
  }));
  if (op.action !== undefined) out['x-kubernetes-action'] = op.action;
  if (op.gvk) out['x-kubernetes-group-version-kind'] = op.gvk;
  return out;
}

function pathItem(spec: PathSpec, refs: Set<string>): Record<string, unknown> {
  const item: Record<string, unknown> = {};
  if (spec.parameters.length) item.parameters = spec.parameters.map(parameter);
  for (const op of spec.operations) item[op.method] = operation(op, refs);
  return item;
}

let documents: Map<string, PathSpec[]> | undefined;

/** `api`, `api/v1`, `apis`, `apis/apps`, `apis/apps/v1`, ..., `version`: the keys of the v3 documents. */
export function openapiV3DocumentKeys(): string[] {
  documents ??= documentPaths();
  return [...documents.keys()];
}

/** The OpenAPI 3.0 document of one key of `/openapi/v3` (`apis/apps/v1`, `version`), or undefined. */
export function buildOpenAPIV3Document(key: string): OpenAPIV3Document | undefined {
  documents ??= documentPaths();
  const specs = documents.get(key);
  if (!specs) return undefined;
  const refs = new Set<string>();
  const paths = Object.fromEntries(specs.map((p) => [p.path, pathItem(p, refs)]));
  return sortKeys({
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'unversioned' },
    paths,
    components: {
      schemas: renderDefinitions(definitionClosure(refs), { refPrefix: REF_PREFIX, wrapRefs: true, oneOfTypes: true, defaults: true }),
      securitySchemes: { BearerToken: BEARER_TOKEN },
    },
  });
}
