/**
 * @module Test fixtures for the mirroring controller (imported by tests only): Endpoints built
 * as `makeEndpoints('default', 'db', (e) => {...})` (one subset, two ready addresses and one
 * not ready, port 5432 by default), and selector-less Services.
 */
import type { EndpointAddress, Endpoints } from '../endpoints/types.js';
import { makeService } from '../endpointslice/fixtures.js';
import type { ServiceView } from '../endpointslice/types.js';

/** An EndpointAddress: the IP, and any of hostname, nodeName and targetRef. */
export function address(ip: string, extra: Partial<EndpointAddress> = {}): EndpointAddress {
  return { ip, ...extra };
}

export function makeEndpoints(namespace: string, name: string, edit: (e: Endpoints & { subsets: NonNullable<Endpoints['subsets']> }) => void = () => {}): Endpoints {
  const ep = {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { namespace, name, uid: `uid-ep-${name}`, resourceVersion: '1' } as Endpoints['metadata'],
    subsets: [
      {
        addresses: [address('10.244.0.6'), address('10.244.0.7')],
        notReadyAddresses: [address('10.244.0.8')],
        ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }],
      },
    ],
  };
  edit(ep);
  return ep;
}

/** A ClusterIP Service without a selector (its Endpoints are written by hand). */
export function makeSelectorlessService(namespace: string, name: string, edit: Parameters<typeof makeService>[2] = () => {}): ServiceView {
  return makeService(namespace, name, (s) => {
    s.spec.selector = null;
    s.spec.ports = [{ name: 'pg', protocol: 'TCP', port: 5432, targetPort: 5432 }];
    edit(s);
  });
}
