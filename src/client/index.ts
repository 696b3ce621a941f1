/**
 * @module The client package's public face: import from here. `testing/` (FakeTransport,
 * FakeClock) is for tests and is imported from its own files.
 */
export type { ApiRequest, Method, Transport, WatchHandlers, WatchStream } from './transport.js';
export { HttpTransport, encodeQuery, statusErrorFromResponse, type HttpTransportOptions } from './http-transport.js';
export { loadKubeconfigConnection, kubeconfigConnection, type KubeconfigOptions, type KubeconfigConnection } from './kubeconfig.js';
export {
  Client,
  ResourceClient,
  PATCH_CONTENT_TYPES,
  resourcePath,
  type DeleteOptions,
  type GetOptions,
  type ListOptions,
  type PatchOptions,
  type PatchType,
  type ResourceRef,
  type WatchOptions,
  type WriteOptions,
} from './client.js';
export { realClock, type Clock, type TimerHandle } from './clock.js';
export { Backoff, type BackoffOptions } from './backoff.js';
export {
  IndexedCache,
  NAMESPACE_INDEX,
  labelIndex,
  objectKey,
  splitKey,
  type IndexFunc,
  type ObjectCache,
  type ReplaceResult,
} from './cache.js';
export { Reflector, type ListerWatcher, type ReflectorOptions, type ReflectorSink } from './reflector.js';
export { SharedInformer, type Informer, type InformerHandlers, type InformerOptions } from './informer.js';
export { InformerFactory, type InformerFactoryOptions, type InformerRequest } from './informer-factory.js';
export {
  BucketRateLimiter,
  ItemExponentialRateLimiter,
  MaxOfRateLimiter,
  controllerRateLimiter,
  type ControllerRateLimiterOptions,
  type RateLimiter,
} from './rate-limiter.js';
export { WorkQueue, type WorkQueueOptions } from './workqueue.js';
export { processNextWorkItem, runWorkers, type RunWorkersOptions } from './controller-loop.js';
