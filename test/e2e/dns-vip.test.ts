/**
 * @module Cluster DNS through the kube-dns VIP 10.96.0.10, in every proxy mode: a busybox pod
 * with the default dnsPolicy (ClusterFirst: nameserver 10.96.0.10, search
 * <ns>.svc.cluster.local svc.cluster.local cluster.local, ndots:5) resolves `nginx` with
 * busybox's nslookup, and `wget` (glibc's resolver, which walks the search list for dotted names
 * too) fetches the welcome page through `nginx`, `nginx.default` and reaches
 * `kubernetes.default`'s address.
 *
 * busybox ≥ 1.29's own nslookup applies the search list only to names without a dot, so
 * `nslookup nginx.default` answers NXDOMAIN from any server (the well-known
 * "nslookup kubernetes.default fails with newer busybox" of real clusters); the test checks
 * that too, as Kubernetes users meet it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, type Cluster } from './harness.js';
import { waitFor } from './wait.js';

for (const mode of ['nftables', 'iptables', 'userspace']) describe(`cluster DNS through the kube-dns VIP (--proxy-mode ${mode})`, { timeout: 120_000 }, () => {
  let cluster: Cluster;
  before(async () => {
    cluster = await startCluster({ name: `dnsvip${mode.slice(0, 3)}${process.pid % 100000}`, extraArgs: ['--proxy-mode', mode] });
  });
  after(async () => {
    await cluster?.stop();
  });

  test('busybox with ClusterFirst: nslookup nginx; wget through nginx and nginx.default', async () => {
    await cluster.kubectlOk(['create', 'deployment', 'nginx', '--image=nginx']);
    await cluster.kubectlOk(['expose', 'deployment', 'nginx', '--port=80']);
    await cluster.kubectlOk(['rollout', 'status', 'deployment/nginx', '--timeout=60s']);
    const clusterIP = await cluster.kubectlOk(['get', 'svc', 'nginx', '-o', 'jsonpath={.spec.clusterIP}']);
    await cluster.kubectlOk(['run', 'client', '--image=busybox', '--restart=Never', '--',
      'sh', '-c', 'nslookup nginx; nslookup kubernetes.default.svc.cluster.local; nslookup nginx.default; echo "== wget nginx"; wget -qO- nginx; echo "== wget nginx.default"; wget -qO- nginx.default; echo "== wget kubernetes.default"; wget -qO- http://kubernetes.default:443/ 2>&1; true']);
    await waitFor('client pod to finish', async () => {
      const phase = await cluster.kubectlOk(['get', 'pod', 'client', '-o', 'jsonpath={.status.phase}']);
      return phase === 'Succeeded' || phase === 'Failed' ? phase : undefined;
    });
    const logs = await cluster.kubectlOk(['logs', 'client']);
    assert.match(logs, /Server:\s+10\.96\.0\.10/, logs);
    assert.match(logs, new RegExp(`Name:\\s+nginx\\.default\\.svc\\.cluster\\.local\\s+Address:\\s+${clusterIP.replaceAll('.', '\\.')}\\b`), logs);
    assert.match(logs, /Name:\s+kubernetes\.default\.svc\.cluster\.local\s+Address:\s+10\.96\.0\.1\b/, logs);
    assert.match(logs, /== wget nginx\n<!DOCTYPE html>[\s\S]*<title>Welcome to nginx!<\/title>[\s\S]*== wget nginx\.default\n<!DOCTYPE html>[\s\S]*<title>Welcome to nginx!<\/title>/, logs);
    // kubernetes.default resolves (the API answers HTTP on its TLS port with an error, or refuses: either way not "bad address").
    assert.doesNotMatch(logs.split('== wget kubernetes.default')[1] ?? '', /bad address/, logs);
    // Outside the cluster domain, so forwarded; the tests run without an upstream (SERVFAIL), a
    // real one would say NXDOMAIN.
    assert.match(logs, /\*\* server can't find nginx\.default: (NXDOMAIN|SERVFAIL)/, logs);
  });
});
