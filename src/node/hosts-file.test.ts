import { test } from 'node:test';
import assert from 'node:assert/strict';
import { podHostname, renderHostsFile, renderNodeHostsFile } from './hosts-file.js';

const HEADER = '# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n';

test('hosts: localhost lines, then the pod IP and its hostname', () => {
  const { hostname, domain } = podHostname({ name: 'busybox', namespace: 'default' }, 'cluster.local');
  assert.equal(renderHostsFile({ podIPs: ['10.244.0.7'], hostname, domain }), `${HEADER}10.244.0.7\tbusybox\n`);
});

test('hostname and subdomain give the FQDN first; hostAliases come last', () => {
  const { hostname, domain } = podHostname({ name: 'web-0', namespace: 'shop', hostname: 'web', subdomain: 'nginx' }, 'cluster.local');
  assert.equal(hostname, 'web');
  assert.equal(domain, 'nginx.shop.svc.cluster.local');
  const text = renderHostsFile({ podIPs: ['10.244.0.8'], hostname, domain, hostAliases: [{ ip: '127.0.0.1', hostnames: ['foo.local', 'bar.local'] }] });
  assert.equal(text, `${HEADER}10.244.0.8\tweb.nginx.shop.svc.cluster.local\tweb\n\n# Entries added by HostAliases.\n127.0.0.1\tfoo.local\tbar.local\n`);
});

test('a pod name over 63 characters is cut, without a trailing dash', () => {
  const name = `${'a'.repeat(62)}-bbbb`;
  assert.equal(podHostname({ name, namespace: 'x' }, 'cluster.local').hostname, 'a'.repeat(62));
});

test("a hostNetwork pod's hosts file: the node's own under the kubelet's host-network header, then its hostAliases", () => {
  const node = '127.0.0.1\tlocalhost\n10.0.0.5\tmachine\n';
  assert.equal(renderNodeHostsFile(node), `# Kubernetes-managed hosts file (host network).\n${node}`);
  assert.equal(
    renderNodeHostsFile(node, [{ ip: '10.1.2.3', hostnames: ['foo', 'bar'] }]),
    `# Kubernetes-managed hosts file (host network).\n${node}\n# Entries added by HostAliases.\n10.1.2.3\tfoo\tbar\n`,
  );
});
