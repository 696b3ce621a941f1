import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../errors.js';
import { RESOURCES } from '../resources.js';
import type { KubeObject } from '../types.js';
import { validateMetadata } from '../../apiserver/registry/meta-validation.js';
import { RestStorage } from '../../apiserver/registry/rest-storage.js';
import { openMemoryStore } from '../../storage/memory/memory-store.js';
import { ServiceAllocators } from './allocators.js';
import { serviceStrategy } from './strategy.js';

const SERVICES = RESOURCES.find((r) => r.group === '' && r.resource === 'services')!;
const NS = 'default';

async function storage(): Promise<RestStorage> {
  const alloc = new ServiceAllocators({ serviceCIDR: '10.0.0.0/24', nodePortRange: { first: 30000, last: 30099 }, random: () => 0 });
  return new RestStorage(SERVICES, await openMemoryStore(), { strategy: serviceStrategy(alloc), validateMeta: validateMetadata });
}

function makeService(name: string, type: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { type, ports: [{ port: 80 }] } };
}

function writeStatus(s: RestStorage, name: string, status: Record<string, unknown>): Promise<KubeObject> {
  return s.guaranteedUpdate(NS, name, (cur) => ({ ...cur!, status }), { subresource: 'status' });
}

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof StatusError, String(err));
    assert.equal(err.code, 422);
    return err.status.message ?? '';
  }
  assert.fail('expected the status write to be refused');
}

// ValidateServiceStatusUpdate → ValidateLoadBalancerStatus (pkg/apis/core/validation, 1.33).
describe('Service status updates', () => {
  test('a load balancer ingress on a Service that is not a LoadBalancer is refused (AllowServiceLBStatusOnNonLB off)', async () => {
    const s = await storage();
    await s.create(NS, makeService('c', 'ClusterIP'));
    const message = await refusal(writeStatus(s, 'c', { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } }));
    assert.equal(message, 'Service "c" is invalid: status.loadBalancer.ingress: Forbidden: may only be used when `spec.type` is \'LoadBalancer\'');
    // An empty load balancer status is fine.
    await writeStatus(s, 'c', { loadBalancer: {} });
  });

  test('each ingress: a valid IP, ipMode only with an IP and VIP or Proxy, a DNS hostname that is not an IP', async () => {
    const s = await storage();
    await s.create(NS, makeService('lb', 'LoadBalancer'));
    const message = await refusal(
      writeStatus(s, 'lb', {
        loadBalancer: {
          ingress: [
            { ip: 'bad', ipMode: 'VIP' },
            { hostname: 'a.example', ipMode: 'VIP' },
            { ip: '1.2.3.4', ipMode: 'Foo' },
            { ip: '1.2.3.5' },
            { hostname: '1.2.3.4' },
            { hostname: 'A_b' },
          ],
        },
      }),
    );
    assert.deepEqual(message.split('\n'), [
      'Service "lb" is invalid: [status.loadBalancer.ingress[0].ip: Invalid value: "bad": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff), ' +
        'status.loadBalancer.ingress[1].ipMode: Forbidden: may not be specified when `ip` is not set, ' +
        'status.loadBalancer.ingress[2].ipMode: Unsupported value: "Foo": supported values: "Proxy", "VIP", ' +
        'status.loadBalancer.ingress[3].ipMode: Required value: must be specified when `ip` is set, ' +
        'status.loadBalancer.ingress[4].hostname: Invalid value: "1.2.3.4": must be a DNS name, not an IP address, ' +
        'status.loadBalancer.ingress[5].hostname: Invalid value: "A_b": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')]',
    ]);
    const ok = await writeStatus(s, 'lb', { loadBalancer: { ingress: [{ ip: '1.2.3.4', ipMode: 'Proxy' }, { hostname: 'lb.example' }] } });
    assert.deepEqual(ok.status, { loadBalancer: { ingress: [{ ip: '1.2.3.4', ipMode: 'Proxy' }, { hostname: 'lb.example' }] } });
  });
});
