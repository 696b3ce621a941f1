/**
 * @module The structural schema of the kinds kubito serves, in OpenAPI terms. One registry
 * feeds everything that needs to know an object's shape: the OpenAPI v2/v3 documents
 * (`kubectl explain`, apply validation), strict field validation (unknown fields), strategic
 * merge patch (merge keys and strategies) and server-side apply (list types and map keys).
 */

export interface Schema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  /** int32, int64, date-time, byte, int-or-string, ... */
  format?: string;
  description?: string;
  properties?: Record<string, Schema>;
  /** A map's value schema (`map[string]string` has `{ type: 'string' }`). */
  additionalProperties?: Schema;
  items?: Schema;
  /** The name of a definition in the registry, e.g. `io.k8s.api.core.v1.ServiceSpec`. */
  ref?: string;
  required?: string[];
  /** The values a string field takes (upstream's `+enum` types); its description lists them. */
  enum?: string[];
  /**
   * A scalar that takes more than one JSON type (IntOrString: integer or string; Quantity: string
   * or number). kube-openapi writes these types twice: the v2 definition has `type` (`string`),
   * the v3 one has `oneOf: [{type: ...}, ...]` and no `type`. The registry keeps `type` for v2 and
   * for the server's own readers; the v3 documents write `oneOf` from this list instead.
   */
  v3OneOf?: Array<'integer' | 'number' | 'string'>;
  default?: unknown;
  'x-kubernetes-int-or-string'?: true;
  'x-kubernetes-preserve-unknown-fields'?: true;
  'x-kubernetes-embedded-resource'?: true;
  /** Strategic merge patch: `merge`, `retainKeys` or `merge,retainKeys`. */
  'x-kubernetes-patch-strategy'?: string;
  /** Strategic merge patch: the field that identifies an element of a merged list. */
  'x-kubernetes-patch-merge-key'?: string;
  /** Server-side apply: how a list merges. */
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  /**
   * A discriminated union (`+union`): the field naming the member in use, and each member field
   * with its discriminator value. Documentation only; kube-apiserver enforces it in validation.
   */
  'x-kubernetes-unions'?: Array<{ discriminator: string; 'fields-to-discriminateBy': Record<string, string> }>;
  /** Set on top-level kinds: which group/version/kind this definition is. */
  'x-kubernetes-group-version-kind'?: Array<{ group: string; version: string; kind: string }>;
}

/** Definitions by their fully qualified name (`io.k8s.api.core.v1.Service`). */
export type Definitions = Record<string, Schema>;
