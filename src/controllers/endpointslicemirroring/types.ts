/**
 * @module The names the EndpointSlice mirroring controller uses (pkg/controller/
 * endpointslicemirroring): its managed-by value, the annotations it does not copy, its event
 * reasons and its defaults. The shapes it reads and writes are the Endpoints controller's
 * (`../endpoints/types.ts`) and the EndpointSlice controller's (`../endpointslice/types.ts`).
 */

/** controllerName: the value of `endpointslice.kubernetes.io/managed-by` on mirrored slices. */
export const MIRRORING_CONTROLLER_NAME = 'endpointslicemirroring-controller.k8s.io';

/** v1.LastAppliedConfigAnnotation: kubectl apply's copy of the Endpoints; never mirrored. */
export const ANNOTATION_LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** Event reason: an address of the Endpoints is not an IP; it is not mirrored. */
export const REASON_INVALID_IP = 'InvalidIPAddress';

/** Event reason: a subset has more addresses than maxEndpointsPerSubset; the rest are not mirrored. */
export const REASON_TOO_MANY = 'TooManyAddressesToMirror';

/** `--mirroring-max-endpoints-per-subset`: default 1000, at most 1000. */
export const DEFAULT_MAX_ENDPOINTS_PER_SUBSET = 1000;
