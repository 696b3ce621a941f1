import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countAddresses, repackSubsets, truncateSubsets } from './repack.js';
import type { EndpointAddress, EndpointSubset } from './types.js';

const addr = (ip: string, uid = `uid-${ip}`): EndpointAddress => ({ ip, targetRef: { kind: 'Pod', namespace: 'd', name: ip, uid } });
const http = { name: 'http', port: 80, protocol: 'TCP' };
const https = { name: 'https', port: 443, protocol: 'TCP' };

describe('repackSubsets', () => {
  it('merges per-pod subsets into one per address set, sorted by IP bytes', () => {
    const out = repackSubsets([
      { addresses: [addr('10.0.0.2')], ports: [http] },
      { addresses: [addr('10.0.0.10')], ports: [http] },
      { notReadyAddresses: [addr('10.0.0.3')], ports: [http] },
      { addresses: [addr('10.0.0.2')], ports: [https] },
      { addresses: [addr('10.0.0.10')], ports: [https] },
      { notReadyAddresses: [addr('10.0.0.3')], ports: [https] },
    ]);
    assert.deepEqual(out, [{ addresses: [addr('10.0.0.10'), addr('10.0.0.2')], notReadyAddresses: [addr('10.0.0.3')], ports: [http, https] }]);
  });

  it('splits addresses that offer different ports, and not ready wins', () => {
    const out = repackSubsets([
      { addresses: [addr('10.0.0.1')], ports: [http] },
      { addresses: [addr('10.0.0.2')], ports: [http, https] },
      { notReadyAddresses: [addr('10.0.0.1')], ports: [http] },
    ]);
    assert.deepEqual(out, [
      { addresses: [addr('10.0.0.2')], notReadyAddresses: [addr('10.0.0.1')], ports: [http] },
      { addresses: [addr('10.0.0.2')], ports: [https] },
    ]);
  });

  it('keeps addresses without ports (headless Services without ports)', () => {
    assert.deepEqual(repackSubsets([{ addresses: [addr('10.0.0.1')], ports: [] }, { addresses: [addr('10.0.0.2')] }]), [{ addresses: [addr('10.0.0.1'), addr('10.0.0.2')] }]);
    assert.deepEqual(repackSubsets([]), []);
  });
});

describe('truncateSubsets', () => {
  const many = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => addr(`${prefix}.${i}`));
  it('leaves small sets alone', () => {
    assert.equal(truncateSubsets([{ addresses: many('10.0.0', 3), ports: [http] }], 3), undefined);
  });
  it('drops not-ready addresses first, in proportion', () => {
    const subsets: EndpointSubset[] = [
      { addresses: many('10.0.0', 4), notReadyAddresses: many('10.0.1', 6), ports: [http] },
      { addresses: many('10.0.2', 2), notReadyAddresses: many('10.0.3', 2), ports: [https] },
    ];
    const out = truncateSubsets(subsets, 10)!;
    // 6 ready stay; 4 not-ready places: ceil(6/8*4)=3, then 1 left.
    assert.deepEqual(out.map((s) => [s.addresses?.length ?? 0, s.notReadyAddresses?.length ?? 0]), [[4, 3], [2, 1]]);
    assert.equal(countAddresses(out), 10);
  });
  it('with too many ready addresses keeps ready ones only, in proportion', () => {
    const subsets: EndpointSubset[] = [
      { addresses: many('10.0.0', 900), notReadyAddresses: many('10.0.1', 5), ports: [http] },
      { addresses: many('10.0.2', 300), ports: [https] },
    ];
    const out = truncateSubsets(subsets)!;
    assert.deepEqual(out.map((s) => [s.addresses?.length ?? 0, s.notReadyAddresses?.length ?? 0]), [[750, 0], [250, 0]]);
  });
});
