/**
 * @module Host exposure end to end (issue 5, "Host exposure"): with the real kubectl, a NodePort
 * Service answers on 127.0.0.1:<nodePort> and a LoadBalancer Service on its EXTERNAL-IP:80 right
 * after `kubectl expose`; deleting the Service closes the port; a nodePort already taken on the
 * host gives the Service a Warning event and binds once the port is free.
 * Runs twice: with the default proxy mode (nftables: the host relay dials 10.244.0.1:<nodePort>
 * inside the node namespace, which the NodePort rules catch) and with `--proxy-mode userspace`.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { startCluster, type Cluster } from './harness.js';
import { waitForTimed } from './wait.js';

const canRun = process.platform === 'linux' && process.getuid?.() === 0 && spawnSync('ip', ['netns', 'list']).status === 0;

/** curl's body, or `curl:<exit code>` (7: refused, 56: reset, 28: timeout); `from` picks the source address. */
function curl(url: string, options: { from?: string } = {}): Promise<string> {
  return new Promise((resolve) => {
    const p = spawn('curl', ['-sS', '--max-time', '2', ...(options.from ? ['--interface', options.from] : []), url], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (c: Buffer) => (out += c.toString()));
    p.on('close', (code) => resolve(code === 0 ? out : `curl:${code}`));
  });
}

/** Whether this process can bind 127.0.0.1:port right now (false: someone — kubito — holds it). */
function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s: Server = createServer();
    s.once('error', () => resolve(false));
    s.listen({ host: '127.0.0.1', port, exclusive: true }, () => s.close(() => resolve(true)));
  });
}

for (const mode of ['default', 'userspace'] as const) describe(`host exposure (NodePort, LoadBalancer) with the real kubectl (proxy mode ${mode})`, { skip: canRun ? false : 'needs root and network namespaces' }, () => {
  let cluster: Cluster;
  const ok = (args: string[]): Promise<string> => cluster.kubectlOk(args);

  before(async () => {
    cluster = await startCluster({ name: `hp${mode.slice(0, 1)}${process.pid % 100000}`, extraArgs: mode === 'default' ? [] : ['--proxy-mode', mode] });
    await ok(['create', 'deployment', 'nginx', '--image=nginx']);
    await ok(['rollout', 'status', 'deployment/nginx', '--timeout=60s']);
  });

  after(async () => {
    await cluster?.stop();
  });

  test('NodePort: curl 127.0.0.1:<nodePort> shows the nginx welcome page right after expose', async () => {
    await ok(['expose', 'deployment/nginx', '--type=NodePort', '--port=80']);
    const nodePort = Number(await ok(['get', 'svc', 'nginx', '-o', 'jsonpath={.spec.ports[0].nodePort}']));
    assert.ok(nodePort >= 30000 && nodePort <= 32767, String(nodePort));
    const { value, ms } = await waitForTimed('the welcome page', async () => {
      const body = await curl(`http://127.0.0.1:${nodePort}/`);
      return body.includes('Welcome to nginx!') ? body : undefined;
    }, 5000, 50);
    assert.match(value, /<title>Welcome to nginx!<\/title>/);
    console.log(`# NodePort answered ${ms} ms after expose returned`);
    // The control plane bound it and handed it to the node agent (src/hostports/agent-link.ts):
    // the agent alone holds the socket, so the bytes skip the control plane.
    const agentPid = readFileSync(join(cluster.dataDir, 'run', 'agent.pid'), 'utf8').trim();
    const holders = spawnSync('ss', ['-ltnpH', `sport = :${nodePort}`], { encoding: 'utf8' }).stdout;
    assert.deepEqual([...holders.matchAll(/pid=(\d+)/g)].map((m) => m[1]), [agentPid], holders);

    await ok(['delete', 'svc', 'nginx']);
    await waitForTimed('the port to close', async () => ((await curl(`http://127.0.0.1:${nodePort}/`)) === 'curl:7' ? true : undefined), 5000, 50);
    assert.equal(await canBind(nodePort), true);
  });

  test('LoadBalancer: EXTERNAL-IP from the cluster\'s loopback pool, and curl <ip>:80 works', async () => {
    await ok(['expose', 'deployment/nginx', '--name=nginx-lb', '--type=LoadBalancer', '--port=80']);
    const { value: ip } = await waitForTimed('an EXTERNAL-IP', async () => {
      const m = /^nginx-lb\s+LoadBalancer\s+\S+\s+(127\.0\.\d+\.\d+)\s+80:\d+\/TCP/m.exec(await ok(['get', 'svc', 'nginx-lb']));
      return m?.[1];
    }, 5000, 50);
    const { ms } = await waitForTimed('the welcome page on the LB IP', async () => ((await curl(`http://${ip}/`)).includes('Welcome to nginx!') ? true : undefined), 5000, 50);
    console.log(`# LoadBalancer ${ip}:80 answered ${ms} ms after its EXTERNAL-IP showed`);
    await ok(['delete', 'svc', 'nginx-lb']);
    await waitForTimed('the LB port to close', async () => ((await curl(`http://${ip}/`)) === 'curl:7' ? true : undefined), 5000, 50);
  });

  test('a nodePort taken on the host: a Warning event, then the port is bound once free', async () => {
    let port = 0;
    let squatter: Server | undefined;
    for (let i = 0; i < 50 && !squatter; i++) {
      port = 31000 + Math.floor(Math.random() * 1700);
      const s = createServer();
      const bound = await new Promise<boolean>((r) => {
        s.once('error', () => r(false));
        s.listen({ host: '127.0.0.1', port, exclusive: true }, () => r(true));
      });
      if (bound) squatter = s;
    }
    assert.ok(squatter, 'a free port to squat');
    await ok(['create', 'service', 'nodeport', 'squat', '--tcp=80:80', `--node-port=${port}`]);
    const { value: event } = await waitForTimed('a FailedToBindHostPort event', async () => {
      const out = await ok(['get', 'events', '--field-selector', 'involvedObject.name=squat,reason=FailedToBindHostPort', '-o', 'jsonpath={.items[0].type} {.items[0].message}']);
      return out.trim() ? out : undefined;
    }, 5000, 50);
    assert.match(event, new RegExp(`^Warning Failed to bind 127\\.0\\.0\\.1:${port}/TCP for NodePort of port "80-80" \\(relays to 10\\.244\\.0\\.1:${port}\\): address already in use; retrying$`));
    await new Promise((r) => squatter!.close(r));
    await waitForTimed('kubito to bind the port', async () => ((await canBind(port)) ? undefined : true), 5000, 50);
    await ok(['delete', 'svc', 'squat']);
  });

  test('externalTrafficPolicy Local: the health check node port answers from the host; loadBalancerSourceRanges filter LB clients', async () => {
    const manifest = (ranges: string[]) => JSON.stringify({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'nginx-local' },
      spec: { type: 'LoadBalancer', externalTrafficPolicy: 'Local', selector: { app: 'nginx' }, ports: [{ port: 80 }], loadBalancerSourceRanges: ranges },
    });
    await cluster.kubectlOk(['apply', '-f', '-'], { input: manifest(['127.0.0.2/32']) });
    const hc = Number(await ok(['get', 'svc', 'nginx-local', '-o', 'jsonpath={.spec.healthCheckNodePort}']));
    assert.ok(hc >= 30000 && hc <= 32767, String(hc));
    const health = async (): Promise<string> => curl(`http://127.0.0.1:${hc}/`);
    const { value: up } = await waitForTimed('the health check to pass', async () => ((await health()).includes('"localEndpoints": 1') ? health() : undefined), 5000, 50);
    assert.equal(up, '{\n\t"service": {\n\t\t"namespace": "default",\n\t\t"name": "nginx-local"\n\t},\n\t"localEndpoints": 1,\n\t"serviceProxyHealthy": true\n}');

    const { value: ip } = await waitForTimed('an EXTERNAL-IP', async () => (await ok(['get', 'svc', 'nginx-local', '-o', 'jsonpath={.status.loadBalancer.ingress[0].ip}'])) || undefined, 5000, 50);
    await waitForTimed('the page for a client inside the ranges', async () => ((await curl(`http://${ip}/`, { from: '127.0.0.2' })).includes('Welcome to nginx!') ? true : undefined), 5000, 50);
    // Turned away by a reset: curl says 56 (receive failed), 52 (empty reply) or 7 (refused), or 55
    // (send failed) when the reset comes before it has written the whole request.
    assert.match(await curl(`http://${ip}/`, { from: '127.0.0.1' }), /^curl:(56|55|52|7)$/, 'a client outside the ranges is turned away');
    await cluster.kubectlOk(['apply', '-f', '-'], { input: manifest(['127.0.0.0/8']) });
    await waitForTimed('the page once the ranges cover the client', async () => ((await curl(`http://${ip}/`, { from: '127.0.0.1' })).includes('Welcome to nginx!') ? true : undefined), 5000, 50);

    // No local endpoint left: 503, so a load balancer would stop sending traffic to this node.
    await ok(['scale', 'deployment/nginx', '--replicas=0']);
    await waitForTimed('the health check to fail', async () => ((await health()).includes('"localEndpoints": 0') ? true : undefined), 10000, 50);
    const res = await fetch(`http://127.0.0.1:${hc}/healthz`);
    assert.equal(res.status, 503);
    await ok(['scale', 'deployment/nginx', '--replicas=1']);
    await ok(['delete', 'svc', 'nginx-local']);
    await waitForTimed('the health check port to close', async () => ((await health()) === 'curl:7' ? true : undefined), 5000, 50);
  });
});
