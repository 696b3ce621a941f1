/**
 * @module A cluster of `n` ClusterIP Services x 2 ready endpoints through the real change-tracker
 * code (imported by tests only): enough ports for the code paths that start at a size (the
 * iptables backend's streamed full sync).
 */
import { computeDesiredState } from '../tracker/desired.js';
import { ep, makeService, makeSlice, TEST_NODE } from '../tracker/fixtures.js';
import type { DesiredState, ProxyNodeConfig } from '../types.js';

export function manyServices(n: number, node: ProxyNodeConfig = TEST_NODE): DesiredState {
  const services = [];
  const slices = [];
  for (let i = 0; i < n; i++) {
    const [hi, lo] = [Math.floor(i / 250), (i % 250) + 1];
    services.push(
      makeService('many', `s${i}`, (s) => {
        s.spec.clusterIP = `10.97.${hi}.${lo}`;
        s.spec.ports = [{ name: 'http', protocol: 'TCP', port: 80 }];
      }),
    );
    slices.push(
      makeSlice('many', `s${i}`, 1, (s) => {
        s.ports = [{ name: 'http', protocol: 'TCP', port: 8080 }];
        s.endpoints = [ep(`10.245.${hi}.${lo}`), ep(`10.246.${hi}.${lo}`)];
      }),
    );
  }
  return computeDesiredState(services, slices, node);
}
