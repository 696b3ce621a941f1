/**
 * @module The Swagger 2.0 document kube-apiserver serves at `/openapi/v2`: every group-version's
 * operations and every definition, refs as `#/definitions/<name>`, parameters shared through
 * `#/parameters/<name>-<hash>` as kube-openapi deduplicates them.
 */
import { DEFINITIONS } from '../../api/schema/index.js';
import { definitionClosure, renderDefinitions, sortKeys, type JsonSchema } from './schemas.js';
import { documentPaths, type OperationSpec, type PathSpec } from './operations.js';
import type { ParameterSpec } from './parameters.js';
import { shareParameters } from './shared-parameters.js';

const REF_PREFIX = '#/definitions/';
/** kube-apiserver's one security scheme (both documents name it). */
export const BEARER_TOKEN = { description: 'Bearer Token authentication', in: 'header', name: 'authorization', type: 'apiKey' };

export interface SwaggerDocument {
  swagger: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, unknown>>;
  definitions: Record<string, JsonSchema>;
  /** The shared parameters (`#/parameters/pretty-tJGM1-ng`), as kube-openapi deduplicates them. */
  parameters: Record<string, Record<string, unknown>>;
  securityDefinitions: Record<string, unknown>;
  security: Array<Record<string, string[]>>;
}

function parameter(p: ParameterSpec): Record<string, unknown> {
  return { description: p.description, in: p.in, name: p.name, ...(p.required ? { required: true } : {}), type: p.type, uniqueItems: true };
}

function operation(op: OperationSpec): Record<string, unknown> {
  const params: Array<Record<string, unknown>> = [];
  if (op.body) params.push({ in: 'body', name: 'body', ...(op.body.required ? { required: true } : {}), schema: { $ref: REF_PREFIX + op.body.ref } });
  params.push(...op.parameters.map(parameter));
  const out: Record<string, unknown> = {
    consumes: op.consumes,
    description: op.description,
    operationId: op.operationId,
    produces: op.produces,
    responses: Object.fromEntries(op.responses.map((r) => {
      if (!r.body) return [r.code, { description: r.description }];
      return [r.code, { description: r.description, schema: 'ref' in r.body ? { $ref: REF_PREFIX + r.body.ref } : { type: 'string' } }];
    })),
    schemes: ['https'],
    tags: [op.tag],
  };
  if (params.length) out.parameters = params;
  if (op.action !== undefined) out['x-kubernetes-action'] = op.action;
  if (op.gvk) out['x-kubernetes-group-version-kind'] = op.gvk;
  return out;
}

function pathItem(spec: PathSpec): Record<string, unknown> {
  const item: Record<string, unknown> = {};
  if (spec.parameters.length) item.parameters = spec.parameters.map(parameter);
  for (const op of spec.operations) item[op.method] = operation(op);
  return item;
}

/** The whole Swagger 2.0 document. Throws if the registry refers to a definition it lacks. */
export function buildOpenAPIV2Document(): SwaggerDocument {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const list of documentPaths().values()) {
    for (const p of list) paths[p.path] = pathItem(p);
  }
  const parameters = shareParameters(paths);
  return sortKeys({
    swagger: '2.0',
    info: { title: 'Kubernetes', version: 'unversioned' },
    paths,
    parameters,
    definitions: renderDefinitions(definitionClosure(Object.keys(DEFINITIONS)), { refPrefix: REF_PREFIX, wrapRefs: false, oneOfTypes: false, defaults: false }),
    securityDefinitions: { BearerToken: BEARER_TOKEN },
    security: [{ BearerToken: [] }],
  });
}
