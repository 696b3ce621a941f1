/**
 * @module Cluster DNS end to end: a real cluster (`kubito up`, upstream: a stub DNS server this
 * test runs on 127.0.0.1), the DNS server inside the node namespace asked with the real `dig`
 * through `nsenter --net`, a busybox pod resolving `nginx` with its search list against the
 * node address, forwarding of outside names, and how fast a new Service reaches the answers.
 * (Through the kube-dns VIP 10.96.0.10, which needs the data plane: dns-vip.e2e-pending.ts.)
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { promisify } from 'node:util';
import { Client, HttpTransport, loadKubeconfigConnection } from '../../src/client/index.js';
import { findResource } from '../../src/api/resources.js';
import { CLASS_IN, parseMessage, RCODE, replyTo, serializeMessage, TYPE } from '../../src/dns/wire.js';
import { startCluster, type Cluster } from './harness.js';
import { waitFor } from './wait.js';

const run = promisify(execFile);
const NAME = `dns${process.pid % 100000}`;

async function digNode(args: string[]): Promise<string> {
  const { stdout } = await run('nsenter', [`--net=/run/netns/kubito-${NAME}-node`, 'dig', '@10.244.0.1', '+time=2', '+tries=1', '+nocookie', ...args]);
  return stdout;
}

function answers(out: string): string[] {
  return out.trim().split('\n').filter(Boolean);
}

describe('cluster DNS', () => {
  let cluster: Cluster;
  let stub: Socket;
  let client: Client;
  let transport: HttpTransport;

  before(async () => {
    stub = createSocket('udp4');
    stub.on('message', (buf, rinfo) => {
      const q = parseMessage(buf);
      const m = replyTo(q, q.question[0].name.toLowerCase() === 'outside.example.' ? RCODE.NOERROR : RCODE.NXDOMAIN);
      m.header.ra = true;
      if (m.header.rcode === RCODE.NOERROR && q.question[0].type === TYPE.A) m.answer.push({ name: q.question[0].name, type: TYPE.A, class: CLASS_IN, ttl: 30, data: { address: '192.0.2.44' } });
      stub.send(serializeMessage(m), rinfo.port, rinfo.address);
    });
    await new Promise<void>((r) => stub.bind(0, '127.0.0.1', () => r()));
    cluster = await startCluster({ name: NAME, extraArgs: ['--dns-upstream', `127.0.0.1:${stub.address().port}`] });
    const conn = loadKubeconfigConnection(cluster.kubeconfig);
    transport = new HttpTransport(conn.transport);
    client = new Client(transport);
  });

  after(async () => {
    transport?.close();
    await cluster?.stop();
    stub?.close();
  });

  test('dig in the node namespace: kubernetes, kube-dns, NS, SOA, dns-version, NXDOMAIN', async () => {
    const k = await waitFor('kubernetes A', async () => answers(await digNode(['+short', 'kubernetes.default.svc.cluster.local']))[0]);
    assert.equal(k, '10.96.0.1');
    assert.deepEqual(answers(await digNode(['+short', 'kube-dns.kube-system.svc.cluster.local'])), ['10.96.0.10']);
    assert.deepEqual(answers(await digNode(['+short', 'cluster.local', 'NS'])), ['kube-dns.kube-system.svc.cluster.local.']);
    assert.match(await digNode(['+short', 'cluster.local', 'SOA']), /^ns\.dns\.cluster\.local\. hostmaster\.cluster\.local\. \d+ 7200 1800 86400 30/);
    assert.deepEqual(answers(await digNode(['+short', 'dns-version.cluster.local', 'TXT'])), ['"1.1.0"']);
    assert.match(await digNode(['missing.default.svc.cluster.local']), /status: NXDOMAIN/);
    assert.deepEqual(answers(await digNode(['+short', '-x', '10.96.0.10'])), ['kube-dns.kube-system.svc.cluster.local.']);
    assert.deepEqual(answers(await digNode(['+short', '+tcp', '_dns._udp.kube-dns.kube-system.svc.cluster.local', 'SRV'])), ['0 100 53 kube-dns.kube-system.svc.cluster.local.']);
  });

  test('kube-dns selects its mirror pod, and its endpoints (the controllers\') name the node address', async () => {
    const svc = JSON.parse(await cluster.kubectlOk(['-n', 'kube-system', 'get', 'svc', 'kube-dns', '-o', 'json'])) as { spec: { selector?: unknown; clusterIP: string } };
    assert.deepEqual(svc.spec.selector, { 'k8s-app': 'kube-dns' });
    assert.equal(svc.spec.clusterIP, '10.96.0.10');
    const eps = await waitFor('kube-dns endpoints', async () => (await cluster.kubectlOk(['-n', 'kube-system', 'get', 'endpoints', 'kube-dns', '-o', 'jsonpath={.subsets[0].addresses[0].ip} {.subsets[0].addresses[0].targetRef.name}'])).trim() || undefined);
    assert.equal(eps, `10.244.0.1 kube-dns-${NAME}-node`);
  });

  test('names outside the cluster are forwarded to the upstream', async () => {
    assert.deepEqual(answers(await digNode(['+short', 'outside.example'])), ['192.0.2.44']);
    assert.match(await digNode(['nothing.example']), /status: NXDOMAIN/);
  });

  // How fast (issue 6 wants < 50 ms) is printed, not asserted: speed is the benchmarks' job.
  test('a new Service answers as soon as it is created', async () => {
    const services = client.resource(findResource('', 'v1', 'services')!);
    const figures: number[] = [];
    for (let i = 0; i < 3; i++) {
      const name = `fresh${i}`;
      // A poller inside the node namespace, started first: prints the time it saw the name.
      const poller = run('nsenter', [`--net=/run/netns/kubito-${NAME}-node`, 'sh', '-c',
        `until dig @10.244.0.1 +short +time=1 +tries=1 ${name}.default.svc.cluster.local | grep -q '^10\\.'; do :; done; date +%s%N`], { timeout: 20_000 });
      await new Promise((r) => setTimeout(r, 300));
      const t0 = BigInt(Date.now()) * 1_000_000n;
      await services.create({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { ports: [{ port: 80 }] } }, { namespace: 'default' });
      const seen = BigInt((await poller).stdout.trim());
      figures.push(Number(seen - t0) / 1e6);
    }
    figures.sort((a, b) => a - b);
    console.log(`# new Service visible in DNS after ${figures.map((f) => f.toFixed(1)).join(', ')} ms`);
    assert.equal(figures.length, 3);
  });

  test('busybox: nslookup nginx with the search list against the node address', async () => {
    await cluster.kubectlOk(['create', 'deployment', 'nginx', '--image=nginx']);
    await cluster.kubectlOk(['expose', 'deployment', 'nginx', '--port=80']);
    const clusterIP = await cluster.kubectlOk(['get', 'svc', 'nginx', '-o', 'jsonpath={.spec.clusterIP}']);
    const pod = `apiVersion: v1
kind: Pod
metadata:
  name: lookup
spec:
  restartPolicy: Never
  dnsPolicy: None
  dnsConfig:
    nameservers: [10.244.0.1]
    searches: [default.svc.cluster.local, svc.cluster.local, cluster.local]
    options:
    - name: ndots
      value: "5"
  containers:
  - name: bb
    image: busybox
    command: ["sh", "-c", "nslookup nginx; nslookup kubernetes.default.svc.cluster.local"]
`;
    await cluster.kubectlOk(['apply', '-f', '-'], { input: pod });
    await waitFor('lookup pod to finish', async () => {
      const phase = await cluster.kubectlOk(['get', 'pod', 'lookup', '-o', 'jsonpath={.status.phase}']);
      return phase === 'Succeeded' || phase === 'Failed' ? phase : undefined;
    }, 60_000);
    const logs = await cluster.kubectlOk(['logs', 'lookup']);
    assert.match(logs, new RegExp(`Name:\\s+nginx\\.default\\.svc\\.cluster\\.local\\s+Address:\\s+${clusterIP.replaceAll('.', '\\.')}`));
    assert.match(logs, /Name:\s+kubernetes\.default\.svc\.cluster\.local\s+Address:\s+10\.96\.0\.1\b/, logs);
  });
});
