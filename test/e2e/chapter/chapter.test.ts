/**
 * @module The Services chapter (`shared/seed/services-chapter.es.md`), step by step, against a
 * fresh kubito with the real kubectl, checking each output's shape as the chapter shows it.
 * The manifests beside this file are the chapter's own (`nginx-deployment.yaml`,
 * `nginx-srv.yaml`, `busybox.yaml`).
 *
 * One deliberate change: the chapter's `kubectl run nginx ... --port=80 --target-port=80` no
 * longer parses in any kubectl this project supports (`--target-port` left `run` in 1.24's
 * clean-up; the text means `--expose`), so the test runs `--expose`, as the chapter's own prose
 * describes, and checks that the verbatim line is kubectl's client-side refusal, not ours.
 *
 * As in the tutorial (docs/es/servicios.md, docs/en/services.md), the cluster starts in the
 * default nftables mode and step 6 restarts it in iptables mode on the same data
 * (`kubito down && kubito up --proxy-mode iptables`), so both rule listings are checked.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KUBITO_BIN, kubectlPath, startCluster, type Cluster } from '../harness.js';
import { waitFor } from '../wait.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const MANIFESTS = join(ROOT, 'test', 'e2e', 'chapter');
const manifest = (name: string): string => join(MANIFESTS, name);

function httpGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolveGet, reject) => {
    // A new connection per request, as curl makes: Node's global agent keeps connections alive,
    // and an open connection outlives a released NodePort (as conntrack's flows do upstream).
    const req = request(url, { timeout: 5000, agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolveGet({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/** The value of one `Key:   value` line of `kubectl describe`. */
function describeField(text: string, key: string): string | undefined {
  const m = new RegExp(`^${key}:[ \\t]+(.*)$`, 'm').exec(text);
  return m?.[1].trim();
}

// With the kubectl the course uses (1.32, on PATH) and the oldest and newest kubito supports.
for (const version of ['1.32', '1.27', '1.33']) describe(`the Services chapter, verbatim (kubectl ${version})`, { timeout: 240_000 }, () => {
  let cluster: Cluster;
  const ok = (args: string[]): Promise<string> => cluster.kubectlOk(args, { version });
  // One directory for both runs of step 6 (the SQLite store keeps the objects across the restart).
  const dir = mkdtempSync(join(tmpdir(), 'kubito-chapter-'));
  const name = `ch${version.replace('.', '')}-${process.pid % 100000}`;

  before(async () => {
    // The tutorial's `npx kubito up --detach`: the default proxy mode (nftables), durable store.
    cluster = await startCluster({ name, dir, store: 'sqlite' });
  });
  after(async () => {
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('1. kubectl apply -f nginx-deployment.yaml; kubectl get deployments -> nginx 2/2 2 2', async () => {
    assert.equal(await ok(['apply', '-f', manifest('nginx-deployment.yaml')]), 'deployment.apps/nginx created\n');
    const table = await waitFor('the deployment to be 2/2', async () => {
      const out = await ok(['get', 'deployments']);
      return /^nginx\s+2\/2\s+2\s+2\s+\S+$/m.test(out) ? out : undefined;
    });
    assert.match(table, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/m);
  });

  test('2. create service clusterip, run --expose, expose deployment', async () => {
    assert.equal(await ok(['create', 'service', 'clusterip', 'nginx-service', '--tcp=80:80']), 'service/nginx-service created\n');

    const verbatim = await cluster.kubectl(['run', 'nginx', '--image=nginx', '--restart=Never', '--port=80', '--target-port=80'], { version });
    assert.notEqual(verbatim.code, 0);
    assert.match(verbatim.stderr, /unknown flag: --target-port/);
    assert.equal(await ok(['run', 'nginx', '--image=nginx', '--restart=Never', '--port=80', '--expose']), 'service/nginx created\npod/nginx created\n');
    assert.deepEqual(JSON.parse(await ok(['get', 'svc', 'nginx', '-o', 'jsonpath={.spec.selector}'])), { run: 'nginx' });

    // "after the previous nginx Service is gone": expose names its Service after the deployment.
    await ok(['delete', 'svc', 'nginx']);
    assert.equal(await ok(['expose', 'deployment/nginx', '--port=80', '--type=ClusterIP']), 'service/nginx exposed\n');
    assert.deepEqual(JSON.parse(await ok(['get', 'svc', 'nginx', '-o', 'jsonpath={.spec.selector}'])), { app: 'nginx' });
  });

  test('3. kubectl apply -f nginx-srv.yaml; get services; describe svc nginx shows both pods', async () => {
    const applied = await cluster.kubectl(['apply', '-f', manifest('nginx-srv.yaml')], { version });
    assert.equal(applied.code, 0, applied.stderr);
    // The Service exists (made by expose above), so apply patches it, as kubectl says, with the
    // warning the tutorial shows.
    assert.equal(applied.stdout, 'service/nginx configured\n');
    assert.match(applied.stderr, /^Warning: resource services\/nginx is missing the kubectl\.kubernetes\.io\/last-applied-configuration annotation which is required by kubectl apply\. .*The missing annotation will be patched automatically\.$/m);

    const services = await ok(['get', 'services']);
    assert.match(services, /^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE$/m);
    const row = /^nginx\s+ClusterIP\s+(10\.\d+\.\d+\.\d+)\s+<none>\s+80\/TCP\s+\S+$/m.exec(services);
    assert.ok(row, services);
    const clusterIP = row[1];

    const podIPs = (await ok(['get', 'pods', '-l', 'app=nginx', '-o', 'jsonpath={.items[*].status.podIP}'])).split(' ').filter(Boolean).sort();
    assert.equal(podIPs.length, 2);
    const described = await waitFor('describe svc nginx to list both pods', async () => {
      const out = await ok(['describe', 'svc', 'nginx']);
      const endpoints = describeField(out, 'Endpoints')?.split(',').sort();
      return JSON.stringify(endpoints) === JSON.stringify(podIPs.map((ip) => `${ip}:80`)) ? out : undefined;
    });
    const expected: Array<[string, string | undefined]> = [
      ['Name', 'nginx'],
      ['Namespace', 'default'],
      ['Labels', 'app=nginx'],
      ['Annotations', '<none>'],
      ['Selector', 'app=nginx'],
      ['Type', 'ClusterIP'],
      ['IP Family Policy', 'SingleStack'],
      ['IP Families', 'IPv4'],
      ['IP', clusterIP],
      ['IPs', clusterIP],
      ['Port', 'service-http  80/TCP'],
      ['TargetPort', 'http/TCP'],
      ['Session Affinity', 'None'],
      // kubectl 1.27 does not print it (the tutorial says so).
      ['Internal Traffic Policy', version === '1.27' ? undefined : 'Cluster'],
      ['Events', '<none>'],
    ];
    for (const [key, value] of expected) assert.equal(describeField(described, key), value, key);

    // The newcomer's check: kubito doctor finds nothing wrong and names both endpoints.
    const doctor = await cluster.kubito(['doctor', 'svc/nginx']);
    assert.equal(doctor.code, 0, doctor.stdout + doctor.stderr);
    assert.match(doctor.stdout, new RegExp(`^svc/nginx in default \\(ClusterIP ${clusterIP.replace(/\./g, '\\.')}\\)\n`));
    // ... and names the cause for step 2's nginx-service, which selects no pod (exit code 1).
    const broken = await cluster.kubito(['doctor', 'svc/nginx-service']);
    assert.equal(broken.code, 1, broken.stdout + broken.stderr);
    assert.match(broken.stdout, /^svc\/nginx-service in default \(ClusterIP 10\.\d+\.\d+\.\d+\)\n {2}✗ The selector app=nginx-service matches no pod in namespace default\. Pods here carry app=nginx\.\n {4}fix: Make the selector and the pods' labels agree: kubectl get pods -n default --show-labels; kubectl set selector svc nginx-service <key>=<value> -n default\.\n$/);
    assert.match(doctor.stdout, new RegExp(`✓ 2 pods selected; ready endpoints: ${podIPs.map((ip) => `${ip.replace(/\./g, '\\.')}:80`).join(', ')}\\.`));
  });

  test('4. kubectl port-forward svc/nginx 8080:80 serves the welcome page on localhost:8080', async () => {
    const pf = await startPortForward(cluster, ['port-forward', 'svc/nginx', '8080:80'], version);
    try {
      assert.match(pf.banner, /^Forwarding from 127\.0\.0\.1:8080 -> 80$/m);
      const page = await httpGet('http://127.0.0.1:8080/');
      assert.equal(page.status, 200);
      assert.match(page.body, /<title>Welcome to nginx!<\/title>/);
      // The port-forward terminal tells of each connection, as the tutorial says.
      await waitFor('port-forward to print "Handling connection for 8080"', async () => (/^Handling connection for 8080$/m.test(pf.output()) ? true : undefined), 5000);
    } finally {
      await pf.stop();
    }
  });

  test('5. kubectl run busybox -it, then wget -O- <CLUSTER-IP>:80 inside it', async () => {
    const clusterIP = await ok(['get', 'svc', 'nginx', '-o', 'jsonpath={.spec.clusterIP}']);
    const session = await interactive(cluster, version, 'run busybox --image=busybox --restart=Never -it -- /bin/sh', [
      { after: /If you don't see a command prompt, try pressing enter\./, send: `wget -O- ${clusterIP}:80\n` },
      { after: /written to stdout/, send: 'exit\n' },
    ]);
    assert.equal(session.code, 0, session.output);
    assert.match(session.output, new RegExp(`Connecting to ${clusterIP.replace(/\./g, '\\.')}:80 \\(${clusterIP.replace(/\./g, '\\.')}:80\\)`));
    assert.match(session.output, /writing to stdout/);
    assert.match(session.output, /<h1>Welcome to nginx!<\/h1>/);
    await waitFor('the busybox pod to complete', async () => ((await ok(['get', 'pod', 'busybox', '-o', 'jsonpath={.status.phase}'])) === 'Succeeded' ? true : undefined));
    // The tutorial deletes it, as step 8 applies busybox.yaml under the same name.
    assert.equal(await ok(['delete', 'pod', 'busybox']), 'pod "busybox" deleted\n');
  });

  test("6. kubito proxy rules (nftables), then iptables mode: iptables-save | grep 'default/nginx:service-http' reads like the chapter", async () => {
    const podIPs = async (): Promise<string[]> => (await ok(['get', 'pods', '-l', 'app=nginx', '-o', 'jsonpath={.items[*].status.podIP}'])).split(' ').filter(Boolean).sort();
    const clusterIP = await ok(['get', 'svc', 'nginx', '-o', 'jsonpath={.spec.clusterIP}']);
    const esc = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

    // nftables (the default): `npx kubito proxy rules | grep -A3 'chain service-.*nginx'`.
    const before = await podIPs();
    const nft = await kubitoShell(cluster, `proxy rules | grep -A3 'chain service-.*nginx'`);
    assert.equal(nft.code, 0, nft.stderr);
    const svcChain = 'service-VN7ENDMF-default/nginx/tcp/service-http';
    const endpointChain = (ip: string): string => `endpoint-[A-Z2-7]{8}-default/nginx/tcp/service-http__${esc(ip)}/80`;
    assert.match(
      nft.stdout,
      new RegExp(
        `^\\tchain ${esc(svcChain)} \\{\\n` +
          `\\t\\tip daddr ${esc(clusterIP)} tcp dport 80 ip saddr != 10\\.244\\.0\\.0/16 jump mark-for-masquerade\\n` +
          `\\t\\tnumgen random mod 2 vmap \\{ 0 : goto ${endpointChain(before[0])}, 1 : goto ${endpointChain(before[1])} \\}\\n` +
          `\\t\\}$`,
        'm',
      ),
      nft.stdout,
    );

    // `npx kubito down && npx kubito up --detach --proxy-mode iptables`: the same data, another mode.
    await cluster.stop();
    cluster = await startCluster({ name, dir, store: 'sqlite', extraArgs: ['--proxy-mode', 'iptables'] });
    await waitFor('the deployment to be 2/2 again', async () => (/^nginx\s+2\/2\s+2\s+2\s+\S+$/m.test(await ok(['get', 'deployments'])) ? true : undefined));
    assert.equal(await ok(['get', 'svc', 'nginx', '-o', 'jsonpath={.spec.clusterIP}']), clusterIP, 'the Service keeps its IP');
    const ips = await podIPs();
    assert.equal(ips.length, 2);

    // `npx kubito node exec -- iptables-save | grep 'default/nginx:service-http'`, run as the tutorial shows.
    const rules = await waitFor('both pods in the iptables rules', async () => {
      const grep = await kubitoShell(cluster, `node exec -- iptables-save | grep 'default/nginx:service-http'`);
      return grep.code === 0 && ips.every((ip) => grep.stdout.includes(`--to-destination ${ip}:80`)) ? grep.stdout : undefined;
    }, 15_000);
    // The chapter's own chain name: kube-proxy hashes "default/nginx:service-http" + "tcp" the same way.
    const chain = 'KUBE-SVC-J3IQXGWMHP6USLHH';
    const sep = (ip: string): string => new RegExp(`^-A (KUBE-SEP-[A-Z2-7]{16}) -s ${esc(ip)}/32 `, 'm').exec(rules)?.[1] ?? 'missing';
    const expected = [
      ...ips.flatMap((ip) => [
        `-A ${sep(ip)} -s ${ip}/32 -m comment --comment "default/nginx:service-http" -j KUBE-MARK-MASQ`,
        `-A ${sep(ip)} -p tcp -m comment --comment "default/nginx:service-http" -m tcp -j DNAT --to-destination ${ip}:80`,
      ]),
      `-A KUBE-SERVICES -d ${clusterIP}/32 -p tcp -m comment --comment "default/nginx:service-http cluster IP" -m tcp --dport 80 -j ${chain}`,
      `-A ${chain} ! -s 10.244.0.0/16 -d ${clusterIP}/32 -p tcp -m comment --comment "default/nginx:service-http cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ`,
      // The kernel keeps the probability as a 32-bit fraction: 0.5 reads back with 11 decimals, as in the chapter.
      `-A ${chain} -m comment --comment "default/nginx:service-http -> ${ips[0]}:80" -m statistic --mode random --probability 0.50000000000 -j ${sep(ips[0])}`,
      `-A ${chain} -m comment --comment "default/nginx:service-http -> ${ips[1]}:80" -j ${sep(ips[1])}`,
    ];
    // The same eight lines as the tutorial, in iptables-save's order (KUBE-SEP chains sorted by name).
    assert.deepEqual(rules.trimEnd().split('\n').sort(), expected.sort(), rules);
    // The same rules through `ip netns exec`, for those who know it.
    const netns = spawnSync('sh', ['-c', `ip netns exec kubito-${cluster.name}-node iptables-save | grep 'default/nginx:service-http'`], { encoding: 'utf8' });
    assert.equal(netns.stdout, rules);
  });

  test('7. the same Service as NodePort, then LoadBalancer, reached from the host', async () => {
    assert.equal(await ok(['patch', 'svc', 'nginx', '-p', '{"spec":{"type":"NodePort"}}']), 'service/nginx patched\n');
    const row = /^nginx\s+NodePort\s+\S+\s+<none>\s+80:(\d+)\/TCP\s+\S+$/m.exec(await ok(['get', 'svc', 'nginx']));
    assert.ok(row, 'get svc shows PORT(S) 80:<nodePort>/TCP');
    const nodePort = Number(row[1]);
    assert.ok(nodePort >= 30000 && nodePort <= 32767, `${nodePort} is in the NodePort range`);
    const viaNodePort = await waitFor('the NodePort on the host', async () => {
      const page = await httpGet(`http://127.0.0.1:${nodePort}/`).catch(() => undefined);
      return page?.status === 200 ? page : undefined;
    }, 10_000);
    assert.match(viaNodePort.body, /<title>Welcome to nginx!<\/title>/);

    assert.equal(await ok(['patch', 'svc', 'nginx', '-p', '{"spec":{"type":"LoadBalancer"}}']), 'service/nginx patched\n');
    const externalIP = await waitFor('an EXTERNAL-IP', async () => {
      const m = /^nginx\s+LoadBalancer\s+\S+\s+(127\.\d+\.\d+\.\d+)\s+80:\d+\/TCP\s+\S+$/m.exec(await ok(['get', 'svc', 'nginx']));
      return m?.[1];
    }, 10_000);
    const viaLoadBalancer = await waitFor('the load balancer on the host', async () => {
      const page = await httpGet(`http://${externalIP}/`).catch(() => undefined);
      return page?.status === 200 ? page : undefined;
    }, 10_000);
    assert.match(viaLoadBalancer.body, /<title>Welcome to nginx!<\/title>/);
    // Back to the chapter's ClusterIP for the DNS section: the NodePort and the address are released.
    assert.equal(await ok(['patch', 'svc', 'nginx', '-p', '{"spec":{"type":"ClusterIP"}}']), 'service/nginx patched\n');
    assert.match(await ok(['get', 'svc', 'nginx']), /^nginx\s+ClusterIP\s+\S+\s+<none>\s+80\/TCP\s+\S+$/m);
    await waitFor('the NodePort and the load balancer to stop answering', async () => {
      const urls = [`http://127.0.0.1:${nodePort}/`, `http://${externalIP}/`];
      const answers = await Promise.all(urls.map((url) => httpGet(url).then((r) => `${url} answered ${r.status}`, () => undefined)));
      const still = answers.filter(Boolean);
      if (still.length) throw new Error(still.join('; '));
      return true;
    }, 10_000);
  });

  test('8. the DNS section: busybox.yaml, resolv.conf, nslookup nginx', async () => {
    assert.equal(await ok(['apply', '-f', manifest('busybox.yaml')]), 'pod/busybox created\n');
    await waitFor('busybox to run', async () => ((await ok(['get', 'pod', 'busybox', '-o', 'jsonpath={.status.phase}'])) === 'Running' ? true : undefined));
    const resolv = await interactive(cluster, version, 'exec -it busybox -- cat /etc/resolv.conf', []);
    assert.equal(resolv.code, 0, resolv.output);
    // The three lines the tutorial shows, in its order.
    assert.deepEqual(resolv.output.replace(/\0/g, '').trim().split(/\r?\n/), ['search default.svc.cluster.local svc.cluster.local cluster.local', 'nameserver 10.96.0.10', 'options ndots:5']);

    const clusterIP = await ok(['get', 'svc', 'nginx', '-o', 'jsonpath={.spec.clusterIP}']);
    // Debian's busybox (1.35) also asks for AAAA and walks the rest of the search list, printing
    // "can't find nginx.svc.cluster.local: NXDOMAIN" lines and exiting 1, as it does against
    // CoreDNS on a real cluster; the chapter's older busybox printed only the answer.
    const lookup = await interactive(cluster, version, 'exec -it busybox -- nslookup nginx', []);
    assert.match(lookup.output, /^Server:\s+10\.96\.0\.10\r?$/m);
    assert.match(lookup.output, /^Address:\s+10\.96\.0\.10:53\r?$/m);
    assert.match(lookup.output, new RegExp(`^Name:\\s+nginx\\.default\\.svc\\.cluster\\.local\\r?\\nAddress: ${clusterIP.replace(/\./g, '\\.')}\\r?$`, 'm'));
    // The rest of what the tutorial shows: the other search domains answer NXDOMAIN, exit code 1.
    assert.match(lookup.output, /^\*\* server can't find nginx\.svc\.cluster\.local: NXDOMAIN\r?$/m);
    assert.match(lookup.output, /^\*\* server can't find nginx\.cluster\.local: NXDOMAIN\r?$/m);
    assert.match(lookup.output, /^command terminated with exit code 1\r?$/m);
    assert.doesNotMatch(lookup.output, /nginx\.default\.svc\.cluster\.local: NXDOMAIN/);
  });
});

/**
 * Runs `kubectl <command>` on a pseudo-terminal (util-linux `script`), as a person at a terminal
 * would: each input is typed once the output so far matches its `after`.
 */
async function interactive(cluster: Cluster, version: string, command: string, inputs: Array<{ after: RegExp; send: string }>): Promise<{ code: number; output: string }> {
  const kubectl = `${kubectlPath(version)} --kubeconfig ${cluster.kubeconfig} ${command}`;
  const child = spawn('script', ['-qfec', kubectl, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, HOME: cluster.dir, TERM: 'xterm' } });
  let output = '';
  let next = 0;
  const feed = (): void => {
    while (next < inputs.length && inputs[next].after.test(output)) child.stdin!.write(inputs[next++].send);
  };
  child.stdout!.on('data', (c: Buffer) => {
    output += c.toString();
    feed();
  });
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await new Promise<number>((resolveExit) => child.once('exit', (c) => resolveExit(c ?? -1)));
  clearTimeout(timer);
  return { code, output };
}

/** Runs `sh -c 'kubito <pipeline>'` with the cluster's --name and --data-dir, as the tutorial's `npx kubito ...` lines. */
function kubitoShell(cluster: Cluster, pipeline: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const [sub, ...rest] = pipeline.split(' | ');
  const words = sub.split(' ');
  const dash = words.indexOf('--');
  const flags = ['--name', cluster.name, '--data-dir', cluster.dataDir];
  const argv = dash >= 0 ? [...words.slice(0, dash), ...flags, ...words.slice(dash)] : [...words, ...flags];
  const command = [`${process.execPath} ${KUBITO_BIN} ${argv.join(' ')}`, ...rest].join(' | ');
  return new Promise((resolveRun) => {
    const child = spawn('sh', ['-c', command], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('close', (code) => resolveRun({ code: code ?? -1, stdout, stderr }));
  });
}

/** Runs `kubectl port-forward` in the background until its "Forwarding from" lines appear. */
async function startPortForward(cluster: Cluster, args: string[], version: string): Promise<{ banner: string; output(): string; stop(): Promise<void> }> {
  const child = spawn(kubectlPath(version), ['--kubeconfig', cluster.kubeconfig, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOME: cluster.dir } });
  let banner = '';
  let errors = '';
  child.stderr!.on('data', (c: Buffer) => (errors += c.toString()));
  await new Promise<void>((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`port-forward did not start: ${banner}${errors}`)), 15_000);
    child.stdout!.on('data', (c: Buffer) => {
      banner += c.toString();
      if (/Forwarding from \[::1\]|Forwarding from 127\.0\.0\.1:\d+ -> \d+\n/.test(banner)) {
        clearTimeout(timer);
        resolveReady();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`port-forward exited with ${code}: ${banner}${errors}`));
    });
  });
  // (The listener above keeps appending: output() has the "Handling connection" lines too.)
  const first = banner;
  return {
    banner: first,
    output: () => banner,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
