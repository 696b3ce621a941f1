/**
 * @module API discovery, in both forms kubectl reads: the legacy documents (`/api`, `/apis`,
 * `/api/v1`, `/apis/<group>/<version>`) and the aggregated ones (apidiscovery.k8s.io v2 and
 * v2beta1, content-negotiated on `/api` and `/apis`; kubectl 1.27-1.29 ask only for v2beta1).
 * All documents are computed once: the served kinds never change while the server runs.
 *
 * Laid out as kube-apiserver lays them out: a group-version's resources sorted by path
 * (`pods`, `pods/attach`, `pods/binding`, ...: the installer registers them sorted), the named
 * groups in the aggregator's priority order (`apps`, `events.k8s.io`, `authentication.k8s.io`,
 * ...), `/api` and `/api/v1` without `apiVersion` (the core group's legacy codec writes none),
 * and the aggregated documents with an `ETag` (upper-case hex SHA-512 of the list, as
 * `aggregated.ServeHTTPWithETag`), `Cache-Control: public` and a 304 for a matching `If-None-Match`.
 */
import { createHash } from 'node:crypto';
import { groupVersion, resourcesByGroup, REVIEW_RESOURCES, type ResourceInfo } from '../api/resources.js';
import type { BodyResponse } from './http-types.js';

/**
 * Resources stored with another group's (kube-apiserver's cohabitating resources): their
 * storage version, and so their hash, is the first one's. events.k8s.io events are stored as
 * core v1 Events (`r2yiGXH7wu8=` in both groups).
 */
const STORED_AS: Record<string, { group: string; version: string; kind: string }> = {
  'events.k8s.io/events': { group: '', version: 'v1', kind: 'Event' },
};

/** discovery.StorageVersionHash: the first 8 bytes of SHA-256 of `group/version/kind`, base64. */
function storageVersionHash(info: ResourceInfo): string {
  const stored = STORED_AS[`${info.group}/${info.resource}`] ?? info;
  return createHash('sha256').update(`${stored.group}/${stored.version}/${stored.kind}`).digest().subarray(0, 8).toString('base64');
}

/**
 * kube-aggregator's group priorities (`DefaultGenericAPIServicePriorities` and kube-apiserver's
 * additions), highest first; equal priorities sort by name, unknown groups last.
 */
const GROUP_PRIORITY: Record<string, number> = {
  apps: 17800, 'events.k8s.io': 17750, 'authentication.k8s.io': 17700, 'authorization.k8s.io': 17600,
  autoscaling: 17500, batch: 17400, 'certificates.k8s.io': 17300, 'networking.k8s.io': 17200, policy: 17100,
  'rbac.authorization.k8s.io': 17000, 'storage.k8s.io': 16800, 'admissionregistration.k8s.io': 16700,
  'apiextensions.k8s.io': 16700, 'scheduling.k8s.io': 16600, 'coordination.k8s.io': 16500, 'node.k8s.io': 16300,
  'discovery.k8s.io': 16200, 'flowcontrol.apiserver.k8s.io': 16100,
};

function byPriority(a: string, b: string): number {
  return (GROUP_PRIORITY[b] ?? 0) - (GROUP_PRIORITY[a] ?? 0) || (a < b ? -1 : a > b ? 1 : 0);
}

function byName<T>(key: (x: T) => string): (a: T, b: T) => number {
  return (a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
}

/** A group-version's resources sorted by name, each with its subresources sorted by name. */
function sortedResources(infos: ResourceInfo[]): ResourceInfo[] {
  return [...infos].sort(byName((i) => i.resource))
    .map((info) => ({ ...info, subresources: [...info.subresources].sort(byName((s) => s.name)) }));
}

function legacyResources(infos: ResourceInfo[]): unknown[] {
  const out: unknown[] = [];
  for (const info of sortedResources(infos)) {
    const entry: Record<string, unknown> = {
      name: info.resource,
      singularName: info.singular,
      namespaced: info.namespaced,
      kind: info.kind,
      verbs: info.verbs,
    };
    if (info.shortNames.length) entry.shortNames = info.shortNames;
    if (info.categories.length) entry.categories = info.categories;
    // Stored kinds have a storage version; the reviews, stored nowhere, none (as upstream).
    if (!REVIEW_RESOURCES.some((r) => r.group === info.group && r.resource === info.resource)) entry.storageVersionHash = storageVersionHash(info);
    out.push(entry);
    for (const sub of info.subresources) {
      const subEntry: Record<string, unknown> = { name: `${info.resource}/${sub.name}`, singularName: '', namespaced: info.namespaced, kind: sub.kind, verbs: sub.verbs };
      // A subresource of another group's kind (scale, eviction, token) names its group and
      // version, as the installer writes a GroupVersionKindProvider's.
      if (sub.group !== info.group || sub.version !== info.version) {
        subEntry.group = sub.group;
        subEntry.version = sub.version;
      }
      out.push(subEntry);
    }
  }
  return out;
}

function aggregatedResources(infos: ResourceInfo[]): unknown[] {
  return sortedResources(infos).map((info) => {
    const entry: Record<string, unknown> = {
      resource: info.resource,
      responseKind: { group: info.group, version: info.version, kind: info.kind },
      scope: info.namespaced ? 'Namespaced' : 'Cluster',
      singularResource: info.singular,
      verbs: info.verbs,
    };
    if (info.shortNames.length) entry.shortNames = info.shortNames;
    if (info.categories.length) entry.categories = info.categories;
    if (info.subresources.length) {
      entry.subresources = info.subresources.map((s) => ({
        subresource: s.name,
        responseKind: { group: s.group, version: s.version, kind: s.kind },
        verbs: s.verbs,
      }));
    }
    return entry;
  });
}

export interface DiscoveryDocuments {
  /** By path: `/api`, `/apis`, `/api/v1`, `/apis/apps`, `/apis/apps/v1`. */
  legacy: Map<string, string>;
  /**
   * Aggregated documents for `/api` and `/apis`, apiVersion still to be filled in; `etag` is the
   * same for v2 and v2beta1 (upstream hashes the v2 list and converts it for v2beta1).
   */
  aggregated: Map<string, { items: unknown[]; etag: string }>;
}

function aggregatedDocument(items: unknown[]): { items: unknown[]; etag: string } {
  const etag = createHash('sha512').update(JSON.stringify({ metadata: {}, items })).digest('hex').toUpperCase();
  return { items, etag };
}

export function buildDiscovery(serverAddress: string): DiscoveryDocuments {
  const legacy = new Map<string, string>();
  const aggregated = new Map<string, { items: unknown[]; etag: string }>();
  const groups = resourcesByGroup();
  for (const review of REVIEW_RESOURCES) groups.set(review.group, [...(groups.get(review.group) ?? []), review]);
  const named: unknown[] = [];
  const namedAggregated: unknown[] = [];
  for (const group of [...groups.keys()].sort(byPriority)) {
    const infos = groups.get(group) as ResourceInfo[];
    const versions = [...new Set(infos.map((i) => i.version))];
    for (const version of versions) {
      const inVersion = infos.filter((i) => i.version === version);
      const gv = groupVersion({ group, version });
      const list = { kind: 'APIResourceList', ...(group ? { apiVersion: 'v1' } : {}), groupVersion: gv, resources: legacyResources(inVersion) };
      legacy.set(group ? `/apis/${gv}` : '/api/v1', JSON.stringify(list));
    }
    const versionEntries = versions.map((v) => ({ groupVersion: groupVersion({ group, version: v }), version: v }));
    const aggregatedVersions = versions.map((v) => ({ version: v, resources: aggregatedResources(infos.filter((i) => i.version === v)), freshness: 'Current' }));
    if (!group) {
      legacy.set('/api', JSON.stringify({ kind: 'APIVersions', versions: versions, serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] }));
      aggregated.set('/api', aggregatedDocument([{ metadata: { creationTimestamp: null }, versions: aggregatedVersions }]));
      continue;
    }
    const apiGroup = { name: group, versions: versionEntries, preferredVersion: versionEntries[0] };
    legacy.set(`/apis/${group}`, JSON.stringify({ kind: 'APIGroup', apiVersion: 'v1', ...apiGroup }));
    named.push(apiGroup);
    namedAggregated.push({ metadata: { name: group, creationTimestamp: null }, versions: aggregatedVersions });
  }
  legacy.set('/apis', JSON.stringify({ kind: 'APIGroupList', apiVersion: 'v1', groups: named }));
  aggregated.set('/apis', aggregatedDocument(namedAggregated));
  return { legacy, aggregated };
}

/**
 * Answers a discovery path, choosing the aggregated form when the Accept header asks for it
 * (the answer's Content-Type must repeat the requested media type exactly), the legacy form
 * otherwise. `headers` are lower-case (`accept`, `if-none-match`).
 */
export function serveDiscovery(docs: DiscoveryDocuments, path: string, headers: Record<string, string | undefined>): BodyResponse | undefined {
  const agg = docs.aggregated.get(path);
  const accept = headers.accept;
  if (agg && accept) {
    for (const range of accept.split(',')) {
      const params = Object.fromEntries(range.split(';').slice(1).map((p) => p.trim().split('=') as [string, string]));
      if (params.g === 'apidiscovery.k8s.io' && params.as === 'APIGroupDiscoveryList' && (params.v === 'v2' || params.v === 'v2beta1')) {
        const contentType = `application/json;g=apidiscovery.k8s.io;v=${params.v};as=APIGroupDiscoveryList`;
        const quoted = `"${agg.etag}"`;
        const cacheHeaders = { ETag: quoted, Vary: 'Accept', 'Cache-Control': 'public' };
        // Upstream compares the header as a whole with the quoted hash (no lists, no `*`).
        if (headers['if-none-match'] === quoted) return { kind: 'body', status: 304, contentType, body: '', headers: cacheHeaders };
        const body = JSON.stringify({ kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${params.v}`, metadata: {}, items: agg.items });
        return { kind: 'body', status: 200, contentType, body, headers: cacheHeaders };
      }
    }
  }
  const legacy = docs.legacy.get(path);
  if (!legacy) return undefined;
  return { kind: 'body', status: 200, contentType: 'application/json', body: legacy, headers: agg ? { Vary: 'Accept' } : undefined };
}
