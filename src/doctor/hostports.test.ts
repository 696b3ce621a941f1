/**
 * @module The hostPort check, one row per cause: each with the node's pods, what the kernel
 * holds, and the findings (level and the words that must be there).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makePod, NODE } from '../portmap/fixtures.js';
import type { KernelHostPorts, KernelMapping } from '../portmap/inspect.js';
import type { PortMapPod } from '../portmap/mappings.js';
import { diagnoseHostPorts, type HostPortsInput } from './hostports.js';

const web = makePod('default', 'web', (p) => {
  p.status.podIP = '10.244.0.5';
  p.spec.containers = [{ name: 'nginx', ports: [{ containerPort: 80, hostPort: 8081 }] }];
});
const dns = makePod('kube-system', `kube-dns-${NODE}`, (p) => {
  p.metadata.annotations = { 'kubernetes.io/config.mirror': 'abc' };
  p.spec.hostNetwork = true;
  p.status.podIP = '10.244.0.1';
  p.spec.containers = [{ name: 'dns', ports: [{ containerPort: 53, hostPort: 53, protocol: 'UDP' }, { containerPort: 9153, hostPort: 9153, protocol: 'TCP' }] }];
});
const squatter = makePod('default', 'resolver', (p) => {
  p.status.podIP = '10.244.0.6';
  p.spec.containers = [{ name: 'c', ports: [{ containerPort: 53, hostPort: 53, protocol: 'UDP' }] }];
});
const WEB: KernelMapping = { protocol: 'tcp', hostIP: '', hostPort: 8081, podIP: '10.244.0.5', containerPort: 80, owner: 'default/web' };
const OLD: KernelMapping = { protocol: 'tcp', hostIP: '', hostPort: 8082, podIP: '10.244.0.9', containerPort: 80, owner: 'uid:uid-gone' };
const nft = (mappings: KernelMapping[], missingEntries: string[] = []): HostPortsInput['kernel'] => ({ family: 'nftables', read: { mappings, missingEntries } satisfies KernelHostPorts });

const CASES: Array<{ name: string; pods: PortMapPod[]; kernel: HostPortsInput['kernel']; want: Array<[string, RegExp]> }> = [
  { name: 'nothing asked, nothing mapped: nothing to say', pods: [dns, makePod('default', 'plain')], kernel: nft([]), want: [] },
  { name: 'as asked', pods: [dns, web], kernel: nft([WEB]), want: [['ok', /^1 hostPort mapping\(s\) in the node's rules \(nftables\), as its running pods ask\.$/]] },
  { name: 'missing', pods: [web], kernel: nft([]), want: [['problem', /^hostPort 8081\/TCP of pod default\/web \(to 10\.244\.0\.5:80\) is not in the node's rules.*fix: .*kubectl logs -n kube-system kube-proxy-node-1 \| grep portmap/]] },
  { name: 'stale, its pod gone', pods: [web], kernel: nft([WEB, OLD]), want: [['problem', /^The node's rules map hostPort 8082\/TCP to 10\.244\.0\.9:80 \(pod uid uid-gone, no longer in the API\), which no running pod/]] },
  { name: 'entries missing', pods: [web], kernel: nft([WEB], ['output -> hostports']), want: [['problem', /not hooked in \(missing: output -> hostports\)/]] },
  { name: "a pod on the DNS's port, past the scheduler", pods: [dns, squatter], kernel: nft([]), want: [['problem', /^Pod default\/resolver asks for hostPort 53\/UDP, which kube-system\/kube-dns-node-1 holds on the node.*not mapped\..*fix: Pick another hostPort/]] },
  { name: 'unreadable, with mappings to check', pods: [web], kernel: { error: 'nsenter: Operation not permitted' }, want: [['warning', /^Could not read the node's hostPort rules to check 1 mapping\(s\): nsenter: Operation not permitted.*fix: Run kubito doctor as root/]] },
  { name: 'unreadable, nothing to check: nothing to say', pods: [dns], kernel: { error: 'nsenter: Operation not permitted' }, want: [] },
];

for (const c of CASES) {
  test(`hostPorts: ${c.name}`, () => {
    const findings = diagnoseHostPorts({ pods: c.pods, nodeName: NODE, kernel: c.kernel });
    assert.equal(findings.length, c.want.length, JSON.stringify(findings, null, 1));
    findings.forEach((f, i) => {
      assert.equal(f.level, c.want[i][0]);
      assert.match(`${f.message}${f.fix ? ` fix: ${f.fix}` : ''}`, c.want[i][1]);
    });
  });
}
