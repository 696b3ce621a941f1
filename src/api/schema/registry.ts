/**
 * @module The one schema registry: every definition kubito knows, by upstream's name, and lookups
 * over it. Pure data; the OpenAPI documents, strict field validation, strategic merge patch and
 * server-side apply all read from here.
 */
import type { Definitions, Schema } from './types.js';
import { APIEXTENSIONS_V1_DEFINITIONS } from './apiextensions-v1.js';
import { APPS_V1_DEFINITIONS } from './apps-v1.js';
import { AUTHENTICATION_V1_DEFINITIONS } from './authentication-v1.js';
import { AUTHORIZATION_V1_DEFINITIONS } from './authorization-v1.js';
import { AUTOSCALING_V1_DEFINITIONS } from './autoscaling-v1.js';
import { COORDINATION_V1_DEFINITIONS } from './coordination-v1.js';
import { CORE_V1_CONFIG_DEFINITIONS } from './core-v1-config.js';
import { CORE_V1_CONTAINER_STATUS_DEFINITIONS } from './core-v1-container-status.js';
import { CORE_V1_CONTAINER_DEFINITIONS } from './core-v1-container.js';
import { CORE_V1_NODE_DEFINITIONS } from './core-v1-node.js';
import { CORE_V1_POD_DEFINITIONS } from './core-v1-pod.js';
import { CORE_V1_SCHEDULING_DEFINITIONS } from './core-v1-scheduling.js';
import { CORE_V1_SECURITY_DEFINITIONS } from './core-v1-security.js';
import { CORE_V1_SERVICE_DEFINITIONS } from './core-v1-service.js';
import { CORE_V1_VOLUME_INTREE_DEFINITIONS } from './core-v1-volume-intree.js';
import { CORE_V1_VOLUME_DEFINITIONS } from './core-v1-volume.js';
import { DISCOVERY_V1_DEFINITIONS } from './discovery-v1.js';
import { EVENTS_V1_DEFINITIONS } from './events-v1.js';
import { META_V1_DEFINITIONS } from './meta-v1.js';
import { POLICY_V1_DEFINITIONS } from './policy-v1.js';

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Every definition, keyed as upstream names them. Frozen: copy before changing anything. */
export const DEFINITIONS: Definitions = deepFreeze({
  ...META_V1_DEFINITIONS,
  ...APIEXTENSIONS_V1_DEFINITIONS,
  ...CORE_V1_CONFIG_DEFINITIONS,
  ...CORE_V1_CONTAINER_DEFINITIONS,
  ...CORE_V1_CONTAINER_STATUS_DEFINITIONS,
  ...CORE_V1_NODE_DEFINITIONS,
  ...CORE_V1_POD_DEFINITIONS,
  ...CORE_V1_SCHEDULING_DEFINITIONS,
  ...CORE_V1_SECURITY_DEFINITIONS,
  ...CORE_V1_SERVICE_DEFINITIONS,
  ...CORE_V1_VOLUME_DEFINITIONS,
  ...CORE_V1_VOLUME_INTREE_DEFINITIONS,
  ...APPS_V1_DEFINITIONS,
  ...AUTHENTICATION_V1_DEFINITIONS,
  ...AUTHORIZATION_V1_DEFINITIONS,
  ...AUTOSCALING_V1_DEFINITIONS,
  ...COORDINATION_V1_DEFINITIONS,
  ...DISCOVERY_V1_DEFINITIONS,
  ...EVENTS_V1_DEFINITIONS,
  ...POLICY_V1_DEFINITIONS,
});

let byGvk: Map<string, string> | undefined;

/**
 * The definition whose `x-kubernetes-group-version-kind` names this group (`""` for core),
 * version and kind, e.g. `('', 'v1', 'Service')` → `io.k8s.api.core.v1.Service`; undefined if
 * kubito has none.
 */
export function definitionNameFor(group: string, version: string, kind: string): string | undefined {
  if (!byGvk) {
    byGvk = new Map();
    for (const [name, schema] of Object.entries(DEFINITIONS)) {
      for (const g of schema['x-kubernetes-group-version-kind'] ?? []) byGvk.set(`${g.group}/${g.version}/${g.kind}`, name);
    }
  }
  return byGvk.get(`${group}/${version}/${kind}`);
}

/**
 * A schema with its `ref` (if any) replaced by the referenced definition. What the referring
 * schema says itself (description, patch and list extensions) wins over the definition's, as a
 * field's description in upstream's documents does. Undefined if the ref names no definition.
 */
export function resolveSchema(schema: Schema): Schema | undefined {
  if (schema.ref === undefined) return schema;
  const known = resolved.get(schema);
  if (known !== undefined) return known;
  const target = DEFINITIONS[schema.ref];
  if (!target) return undefined;
  const { ref: _ref, ...own } = schema;
  const out = { ...target, ...own };
  // The registry's own schemas are frozen, and so is what their refs name: the same resolution
  // serves every later walk (field validation resolves a few per field of every write).
  if (Object.isFrozen(schema)) resolved.set(schema, Object.freeze(out));
  return out;
}

const resolved = new WeakMap<Schema, Schema>();

/**
 * The schema of the field at `path` under definition `defName`, refs resolved. Each segment is
 * a field name; lists are transparent (a segment applies to the list's items: `['spec', 'ports',
 * 'port']`), and a map consumes one segment as its key (`['metadata', 'labels', 'app']`). An
 * empty path gives the definition itself. Undefined if the path leaves the schema.
 */
export function schemaAt(defName: string, path: readonly string[]): Schema | undefined {
  let current = DEFINITIONS[defName];
  if (!current) return undefined;
  for (const segment of path) {
    let resolved = resolveSchema(current);
    while (resolved?.type === 'array' && resolved.items) resolved = resolveSchema(resolved.items);
    if (!resolved) return undefined;
    const own = resolved.properties && Object.hasOwn(resolved.properties, segment) ? resolved.properties[segment] : undefined;
    const next = own ?? resolved.additionalProperties;
    if (!next) return undefined;
    current = next;
  }
  return resolveSchema(current);
}
