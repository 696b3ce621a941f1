/**
 * @module API discovery, in both forms kubectl reads: the legacy documents (`/api`, `/apis`,
 * `/api/v1`, `/apis/<group>/<version>`) and the aggregated ones (apidiscovery.k8s.io v2 and
 * v2beta1, content-negotiated on `/api` and `/apis`; kubectl 1.27-1.29 ask only for v2beta1).
 * All documents are computed once: the served kinds never change while the server runs.
 */
import { createHash } from 'node:crypto';
import { groupVersion, resourcesByGroup, REVIEW_RESOURCES, type ResourceInfo } from '../api/resources.js';
import type { BodyResponse } from './http-types.js';

function storageVersionHash(info: ResourceInfo): string {
  return createHash('sha256').update(`${info.group}/${info.version}/${info.kind}`).digest().subarray(0, 8).toString('base64');
}

function legacyResources(infos: ResourceInfo[]): unknown[] {
  const out: unknown[] = [];
  for (const info of infos) {
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
    if (!REVIEW_RESOURCES.includes(info)) entry.storageVersionHash = storageVersionHash(info);
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
  return infos.map((info) => {
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
  /** Aggregated documents for `/api` and `/apis`, apiVersion still to be filled in. */
  aggregated: Map<string, { items: unknown[] }>;
}

export function buildDiscovery(serverAddress: string): DiscoveryDocuments {
  const legacy = new Map<string, string>();
  const aggregated = new Map<string, { items: unknown[] }>();
  const groups = resourcesByGroup();
  for (const review of REVIEW_RESOURCES) groups.set(review.group, [...(groups.get(review.group) ?? []), review]);
  const named: unknown[] = [];
  const namedAggregated: unknown[] = [];
  for (const [group, infos] of groups) {
    const versions = [...new Set(infos.map((i) => i.version))];
    for (const version of versions) {
      const inVersion = infos.filter((i) => i.version === version);
      const gv = groupVersion({ group, version });
      legacy.set(group ? `/apis/${gv}` : '/api/v1', JSON.stringify({ kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv, resources: legacyResources(inVersion) }));
    }
    const versionEntries = versions.map((v) => ({ groupVersion: groupVersion({ group, version: v }), version: v }));
    const aggregatedVersions = versions.map((v) => ({ version: v, resources: aggregatedResources(infos.filter((i) => i.version === v)), freshness: 'Current' }));
    if (!group) {
      legacy.set('/api', JSON.stringify({ kind: 'APIVersions', versions: versions, serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] }));
      aggregated.set('/api', { items: [{ metadata: { creationTimestamp: null }, versions: aggregatedVersions }] });
      continue;
    }
    const apiGroup = { name: group, versions: versionEntries, preferredVersion: versionEntries[0] };
    legacy.set(`/apis/${group}`, JSON.stringify({ kind: 'APIGroup', apiVersion: 'v1', ...apiGroup }));
    named.push(apiGroup);
    namedAggregated.push({ metadata: { name: group, creationTimestamp: null }, versions: aggregatedVersions });
  }
  legacy.set('/apis', JSON.stringify({ kind: 'APIGroupList', apiVersion: 'v1', groups: named }));
  aggregated.set('/apis', { items: namedAggregated });
  return { legacy, aggregated };
}

/**
 * Answers a discovery path, choosing the aggregated form when the Accept header asks for it
 * (the answer's Content-Type must repeat the requested media type exactly), the legacy form otherwise.
 */
export function serveDiscovery(docs: DiscoveryDocuments, path: string, accept: string | undefined): BodyResponse | undefined {
  const agg = docs.aggregated.get(path);
  if (agg && accept) {
    for (const range of accept.split(',')) {
      const params = Object.fromEntries(range.split(';').slice(1).map((p) => p.trim().split('=') as [string, string]));
      if (params.g === 'apidiscovery.k8s.io' && params.as === 'APIGroupDiscoveryList' && (params.v === 'v2' || params.v === 'v2beta1')) {
        const contentType = `application/json;g=apidiscovery.k8s.io;v=${params.v};as=APIGroupDiscoveryList`;
        const body = JSON.stringify({ kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${params.v}`, metadata: {}, items: agg.items });
        return { kind: 'body', status: 200, contentType, body, headers: { Vary: 'Accept' } };
      }
    }
  }
  const legacy = docs.legacy.get(path);
  if (!legacy) return undefined;
  return { kind: 'body', status: 200, contentType: 'application/json', body: legacy, headers: agg ? { Vary: 'Accept' } : undefined };
}
