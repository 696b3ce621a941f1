/**
 * @module What the EndpointSlice controller last wrote (k8s.io/endpointslice util
 * EndpointSliceTracker), so that it can tell its own writes coming back through the informer
 * from other people's changes, and an informer cache that lags behind its writes (which would
 * make it create duplicate slices).
 *
 * Upstream tracks `metadata.generation`; kubito does not keep a generation for EndpointSlices,
 * so the version tracked here is the resourceVersion, compared as an integer (kubito's and
 * etcd's resourceVersions are increasing integers). Versions that are not integers compare
 * as "unknown": never stale, always worth a sync.
 */
import { LABEL_SERVICE_NAME, type EndpointSlice } from './types.js';

const DELETION_EXPECTED = 'deleted';

type Tracked = bigint | typeof DELETION_EXPECTED;

function versionOf(slice: EndpointSlice): bigint | undefined {
  const rv = slice.metadata.resourceVersion ?? '';
  return /^\d+$/.test(rv) ? BigInt(rv) : undefined;
}

function serviceKeyOf(slice: EndpointSlice): string {
  return `${slice.metadata.namespace ?? ''}/${slice.metadata.labels?.[LABEL_SERVICE_NAME] ?? ''}`;
}

export class EndpointSliceTracker {
  /** Service key → slice uid → the version we wrote, or a deletion we expect. */
  readonly #byService = new Map<string, Map<string, Tracked>>();
  /** Service key → the Service uid the versions belong to. */
  readonly #serviceUIDs = new Map<string, string>();

  #slices(slice: EndpointSlice, create: boolean): Map<string, Tracked> | undefined {
    const key = serviceKeyOf(slice);
    let slices = this.#byService.get(key);
    if (!slices && create) this.#byService.set(key, (slices = new Map()));
    return slices;
  }

  /** Whether this slice is tracked at all. */
  has(slice: EndpointSlice): boolean {
    return this.#slices(slice, false)?.has(slice.metadata.uid ?? '') ?? false;
  }

  /** True unless this is a version we wrote ourselves (or an older one). */
  shouldSync(slice: EndpointSlice): boolean {
    const tracked = this.#slices(slice, false)?.get(slice.metadata.uid ?? '');
    if (tracked === undefined || tracked === DELETION_EXPECTED) return true;
    const version = versionOf(slice);
    return version === undefined || version > tracked;
  }

  /**
   * Whether the cached slices of a Service are behind our writes: one is older than what we
   * wrote, one we deleted is still there, or one we wrote is missing. A Service recreated under
   * the same name (new uid) starts afresh.
   */
  staleSlices(service: { metadata: { namespace?: string; name?: string; uid?: string } }, slices: readonly EndpointSlice[]): boolean {
    const key = `${service.metadata.namespace ?? ''}/${service.metadata.name ?? ''}`;
    const uid = service.metadata.uid ?? '';
    const knownUID = this.#serviceUIDs.get(key);
    if (knownUID && uid && knownUID !== uid) this.#byService.delete(key);
    this.#serviceUIDs.set(key, uid);
    const tracked = this.#byService.get(key);
    if (!tracked) return false;
    const seen = new Set<string>();
    for (const slice of slices) {
      const sliceUID = slice.metadata.uid ?? '';
      seen.add(sliceUID);
      const want = tracked.get(sliceUID);
      if (want === undefined) continue;
      if (want === DELETION_EXPECTED) return true;
      const version = versionOf(slice);
      if (version !== undefined && want > version) return true;
    }
    for (const [sliceUID, want] of tracked) {
      if (want !== DELETION_EXPECTED && !seen.has(sliceUID)) return true;
    }
    return false;
  }

  /** Records a slice as we wrote it (the server's answer to a create or update). */
  update(slice: EndpointSlice): void {
    const version = versionOf(slice);
    const slices = this.#slices(slice, true)!;
    if (version === undefined) slices.delete(slice.metadata.uid ?? '');
    else slices.set(slice.metadata.uid ?? '', version);
  }

  /** Records that we deleted a slice. */
  expectDeletion(slice: EndpointSlice): void {
    this.#slices(slice, true)!.set(slice.metadata.uid ?? '', DELETION_EXPECTED);
  }

  /** A slice was deleted: forget it. Returns false if we did not expect that. */
  handleDeletion(slice: EndpointSlice): boolean {
    const slices = this.#slices(slice, false);
    if (!slices) return true;
    const want = slices.get(slice.metadata.uid ?? '');
    slices.delete(slice.metadata.uid ?? '');
    return want === undefined || want === DELETION_EXPECTED;
  }

  /** Forgets a deleted Service. */
  deleteService(namespace: string, name: string): void {
    this.#byService.delete(`${namespace}/${name}`);
    this.#serviceUIDs.delete(`${namespace}/${name}`);
  }
}
