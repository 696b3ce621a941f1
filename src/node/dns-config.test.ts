import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseResolvConf, podDnsConfig, renderResolvConf, type DnsSettings } from './dns-config.js';

const host = parseResolvConf('# host\nnameserver 192.0.2.53\nnameserver 192.0.2.54\nsearch example.com. corp.example\nsearch lab.example .\noptions ndots:2 edns0\n');
const settings: DnsSettings = { clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local', host };

test('parseResolvConf: nameservers accumulate, the last search and options win, trailing dots and "." dropped', () => {
  assert.deepEqual(host, { nameservers: ['192.0.2.53', '192.0.2.54'], searches: ['lab.example'], options: ['ndots:2', 'edns0'] });
});

test('ClusterFirst: the cluster DNS only, cluster search list then the host one, ndots:5 (the issue\'s file)', () => {
  const { config, warnings } = podDnsConfig({ namespace: 'default' }, settings);
  assert.equal(renderResolvConf(config), 'search default.svc.cluster.local svc.cluster.local cluster.local lab.example\nnameserver 10.96.0.10\noptions ndots:5\n');
  assert.deepEqual(warnings, []);
  const bare = podDnsConfig({ namespace: 'web', dnsPolicy: 'ClusterFirst' }, { ...settings, host: { nameservers: ['1.1.1.1'], searches: [], options: [] } });
  assert.equal(renderResolvConf(bare.config), 'search web.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n');
});

test('Default and ClusterFirst on the host network use the host file', () => {
  const expected = 'search lab.example\nnameserver 192.0.2.53\nnameserver 192.0.2.54\noptions ndots:2 edns0\n';
  assert.equal(renderResolvConf(podDnsConfig({ namespace: 'a', dnsPolicy: 'Default' }, settings).config), expected);
  assert.equal(renderResolvConf(podDnsConfig({ namespace: 'a', hostNetwork: true }, settings).config), expected);
  const withHostNet = podDnsConfig({ namespace: 'a', dnsPolicy: 'ClusterFirstWithHostNet', hostNetwork: true }, settings);
  assert.deepEqual(withHostNet.config.nameservers, ['10.96.0.10']);
});

test('None with dnsConfig: the doc example', () => {
  const { config } = podDnsConfig(
    { namespace: 'ns1', dnsPolicy: 'None', dnsConfig: { nameservers: ['192.0.2.1'], searches: ['ns1.svc.cluster-domain.example', 'my.dns.search.suffix'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] } },
    settings,
  );
  assert.equal(renderResolvConf(config), 'search ns1.svc.cluster-domain.example my.dns.search.suffix\nnameserver 192.0.2.1\noptions ndots:2 edns0\n');
});

test('dnsConfig merges into ClusterFirst: duplicates dropped, options overridden by name', () => {
  const { config } = podDnsConfig(
    { namespace: 'default', dnsConfig: { nameservers: ['10.96.0.10', '192.0.2.9'], searches: ['cluster.local', 'extra.example'], options: [{ name: 'ndots', value: '1' }, { name: 'single-request-reopen' }] } },
    { ...settings, host: undefined },
  );
  assert.deepEqual(config, {
    nameservers: ['10.96.0.10', '192.0.2.9'],
    searches: ['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'extra.example'],
    options: ['ndots:1', 'single-request-reopen'],
  });
});

test('limits: 3 nameservers, search domains over 253 characters dropped, with DNSConfigForming warnings', () => {
  const long = `${'a'.repeat(250)}.example`;
  const { config, warnings } = podDnsConfig({ namespace: 'x', dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1', '1.1.1.2', '1.1.1.3', '1.1.1.4'], searches: ['ok.example', long] } }, settings);
  assert.deepEqual(config.nameservers, ['1.1.1.1', '1.1.1.2', '1.1.1.3']);
  assert.deepEqual(config.searches, ['ok.example']);
  assert.deepEqual(warnings.map(([r]) => r), ['DNSConfigForming', 'DNSConfigForming']);
  assert.match(warnings[0][1], /^Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: 1\.1\.1\.1 1\.1\.1\.2 1\.1\.1\.3$/);
  assert.match(warnings[1][1], /the applied search line is: ok\.example$/);
});

test('no cluster DNS: ClusterFirst falls back to Default with MissingClusterDNS; no host file gives 127.0.0.1', () => {
  const { config, warnings } = podDnsConfig({ namespace: 'default', name: 'p' }, { clusterDNS: [], clusterDomain: 'cluster.local' });
  assert.deepEqual(config, { nameservers: ['127.0.0.1'], searches: ['.'], options: [] });
  assert.equal(warnings[0][0], 'MissingClusterDNS');
  assert.match(warnings[0][1], /Falling back to "Default" policy\.$/);
});
