/**
 * @module Entry points of the pod stream subresources (see README.md): `PodStreams` serves
 * `pods/log` through the ApiHandler and `pods/{exec,attach,portforward}` upgrades through the
 * HTTPS server's 'upgrade' event.
 */
export { PodStreams, type PodStreamsOptions } from './pod-streams.js';
