/**
 * @module The userspace proxy backend's public face: `createUserspaceBackend(options)` for the
 * backends table, and the types it takes.
 */
import { UserspaceBackend, type UserspaceBackendOptions } from './backend.js';

export { UserspaceBackend, type UserspaceBackendOptions } from './backend.js';
export { UserspaceSyncError, ListenError } from './errors.js';

/** A userspace backend for the node namespace this process runs in. */
export function createUserspaceBackend(options: UserspaceBackendOptions): UserspaceBackend {
  return new UserspaceBackend(options);
}
