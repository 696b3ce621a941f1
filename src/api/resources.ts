/**
 * @module The kinds kubito serves, in one explicit table: what discovery lists, how URLs map
 * to kinds, and which are namespaced. Behaviour per kind (defaults, validation, tables) lives
 * in the strategies; this file only names things.
 */

export type Verb = 'create' | 'delete' | 'deletecollection' | 'get' | 'list' | 'patch' | 'update' | 'watch';

export interface SubresourceInfo {
  /** e.g. `status`, `scale`, `log`, `exec`. */
  name: string;
  /** The kind it reads and writes (`Scale` for scale, the parent's kind for status). */
  kind: string;
  group: string;
  version: string;
  verbs: string[];
}

export interface ResourceInfo {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  /** Plural, lower case: `services`. */
  resource: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: Verb[];
  subresources: SubresourceInfo[];
  /**
   * The warning every request of a deprecated API gets (the generic apiserver's deprecation
   * warning: `v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice`).
   */
  deprecationWarning?: string;
}

const ALL_VERBS: Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

interface Spec {
  group: string;
  version: string;
  kind: string;
  resource: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs?: Verb[];
  /** `status`, `scale`, or streaming subresources with their verbs. */
  subresources?: Array<string | { name: string; kind?: string; group?: string; version?: string; verbs: string[] }>;
  /** Deprecated since this release, with its replacement (`group/version Kind`). */
  deprecated?: { since: string; replacement: string };
}

function define(spec: Spec): ResourceInfo {
  const subresources = (spec.subresources ?? []).map((s): SubresourceInfo => {
    if (typeof s !== 'string') {
      return { name: s.name, kind: s.kind ?? spec.kind, group: s.group ?? spec.group, version: s.version ?? spec.version, verbs: s.verbs };
    }
    if (s === 'scale') return { name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] };
    return { name: s, kind: spec.kind, group: spec.group, version: spec.version, verbs: ['get', 'patch', 'update'] };
  });
  return {
    group: spec.group,
    version: spec.version,
    kind: spec.kind,
    listKind: `${spec.kind}List`,
    resource: spec.resource,
    singular: spec.kind.toLowerCase(),
    namespaced: spec.namespaced,
    shortNames: spec.shortNames ?? [],
    categories: spec.categories ?? [],
    verbs: spec.verbs ?? ALL_VERBS,
    subresources,
    ...(spec.deprecated && {
      deprecationWarning: `${spec.group ? `${spec.group}/` : ''}${spec.version} ${spec.kind} is deprecated in v${spec.deprecated.since}+; use ${spec.deprecated.replacement}`,
    }),
  };
}

const podStreams = [
  { name: 'attach', kind: 'PodAttachOptions', verbs: ['create', 'get'] },
  { name: 'exec', kind: 'PodExecOptions', verbs: ['create', 'get'] },
  { name: 'log', kind: 'Pod', verbs: ['get'] },
  { name: 'portforward', kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
];

/** Every resource kubito serves. Order is discovery order. */
export const RESOURCES: readonly ResourceInfo[] = [
  define({ group: '', version: 'v1', kind: 'ConfigMap', resource: 'configmaps', namespaced: true, shortNames: ['cm'] }),
  // Deprecated in 1.33 (KEP-4974), the release kubito serves.
  define({ group: '', version: 'v1', kind: 'Endpoints', resource: 'endpoints', namespaced: true, shortNames: ['ep'], deprecated: { since: '1.33', replacement: 'discovery.k8s.io/v1 EndpointSlice' } }),
  define({ group: '', version: 'v1', kind: 'Event', resource: 'events', namespaced: true, shortNames: ['ev'] }),
  define({ group: '', version: 'v1', kind: 'Namespace', resource: 'namespaces', namespaced: false, shortNames: ['ns'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], subresources: ['status', { name: 'finalize', verbs: ['update'] }] }),
  define({ group: '', version: 'v1', kind: 'Node', resource: 'nodes', namespaced: false, shortNames: ['no'], subresources: ['status', { name: 'proxy', kind: 'NodeProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'] }] }),
  define({ group: '', version: 'v1', kind: 'Pod', resource: 'pods', namespaced: true, shortNames: ['po'], categories: ['all'],
    subresources: [...podStreams, { name: 'proxy', kind: 'PodProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'] }, 'status', { name: 'binding', kind: 'Binding', verbs: ['create'] }, 'ephemeralcontainers', { name: 'eviction', kind: 'Eviction', group: 'policy', verbs: ['create'] }] }),
  define({ group: '', version: 'v1', kind: 'Secret', resource: 'secrets', namespaced: true }),
  define({ group: '', version: 'v1', kind: 'ServiceAccount', resource: 'serviceaccounts', namespaced: true, shortNames: ['sa'],
    subresources: [{ name: 'token', kind: 'TokenRequest', group: 'authentication.k8s.io', version: 'v1', verbs: ['create'] }] }),
  define({ group: '', version: 'v1', kind: 'Service', resource: 'services', namespaced: true, shortNames: ['svc'], categories: ['all'],
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], subresources: ['status', { name: 'proxy', kind: 'ServiceProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'] }] }),
  define({ group: 'apps', version: 'v1', kind: 'Deployment', resource: 'deployments', namespaced: true, shortNames: ['deploy'], categories: ['all'], subresources: ['scale', 'status'] }),
  define({ group: 'apps', version: 'v1', kind: 'ReplicaSet', resource: 'replicasets', namespaced: true, shortNames: ['rs'], categories: ['all'], subresources: ['scale', 'status'] }),
  define({ group: 'discovery.k8s.io', version: 'v1', kind: 'EndpointSlice', resource: 'endpointslices', namespaced: true }),
  define({ group: 'coordination.k8s.io', version: 'v1', kind: 'Lease', resource: 'leases', namespaced: true }),
  define({ group: 'events.k8s.io', version: 'v1', kind: 'Event', resource: 'events', namespaced: true, shortNames: ['ev'] }),
  // Read-only and always empty: kubito serves no custom resources yet, but kubectl lists CRDs to
  // explain an unknown kind ("no matches for kind ..."), as it does against any cluster.
  define({ group: 'apiextensions.k8s.io', version: 'v1', kind: 'CustomResourceDefinition', resource: 'customresourcedefinitions', namespaced: false, shortNames: ['crd', 'crds'], categories: ['api-extensions'], verbs: ['get', 'list', 'watch'], subresources: [] }),
];

/**
 * The create-only reviews (apiserver/handlers/reviews.ts): listed by discovery as upstream lists
 * them, never stored, so they are not in RESOURCES (no registry, no watch, no OpenAPI document).
 */
export const REVIEW_RESOURCES: readonly ResourceInfo[] = [
  define({ group: 'authentication.k8s.io', version: 'v1', kind: 'SelfSubjectReview', resource: 'selfsubjectreviews', namespaced: false, verbs: ['create'] }),
  define({ group: 'authentication.k8s.io', version: 'v1', kind: 'TokenReview', resource: 'tokenreviews', namespaced: false, verbs: ['create'] }),
  define({ group: 'authorization.k8s.io', version: 'v1', kind: 'LocalSubjectAccessReview', resource: 'localsubjectaccessreviews', namespaced: true, verbs: ['create'] }),
  define({ group: 'authorization.k8s.io', version: 'v1', kind: 'SelfSubjectAccessReview', resource: 'selfsubjectaccessreviews', namespaced: false, verbs: ['create'] }),
  define({ group: 'authorization.k8s.io', version: 'v1', kind: 'SelfSubjectRulesReview', resource: 'selfsubjectrulesreviews', namespaced: false, verbs: ['create'] }),
  define({ group: 'authorization.k8s.io', version: 'v1', kind: 'SubjectAccessReview', resource: 'subjectaccessreviews', namespaced: false, verbs: ['create'] }),
];

/** `group/version`, or just `version` for the core group. */
export function groupVersion(info: { group: string; version: string }): string {
  return info.group ? `${info.group}/${info.version}` : info.version;
}

/** Resources by group, in discovery order; the core group is `""`. */
export function resourcesByGroup(): Map<string, ResourceInfo[]> {
  const groups = new Map<string, ResourceInfo[]>();
  for (const info of RESOURCES) {
    const list = groups.get(info.group) ?? [];
    list.push(info);
    groups.set(info.group, list);
  }
  return groups;
}

/** The resource served at `/api(s)/<group>/<version>/.../<resource>`, if any. */
export function findResource(group: string, version: string, resource: string): ResourceInfo | undefined {
  return RESOURCES.find((r) => r.group === group && r.version === version && r.resource === resource);
}

/** The resource for an apiVersion + kind, if any. */
export function findKind(apiVersion: string, kind: string): ResourceInfo | undefined {
  return RESOURCES.find((r) => groupVersion(r) === apiVersion && r.kind === kind);
}
