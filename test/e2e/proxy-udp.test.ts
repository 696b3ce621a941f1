/**
 * @module A UDP Service's flow moves when its endpoint goes (issue 5: "UDP with stale conntrack
 * entries removed when endpoints go away"), in the kernel modes. A client pod sends a datagram
 * every 100 ms from one fixed source port to a UDP ClusterIP with two agnhost serve-hostname
 * backends: the kernel keeps that flow's DNAT to one backend as long as packets keep coming.
 * That backend's pod is deleted; once it left the EndpointSlice the proxy deletes the stale
 * conntrack entry, and the very same flow is answered by another backend. Without the
 * clean-up the client would keep sending into the void.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, type Cluster } from './harness.js';
import { waitFor } from './wait.js';

const BACKENDS = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: udp-hostnames
spec:
  replicas: 2
  selector:
    matchLabels:
      app: udp-hostnames
  template:
    metadata:
      labels:
        app: udp-hostnames
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: agnhost
        image: registry.k8s.io/e2e-test-images/agnhost:2.53
        args: ["serve-hostname", "--udp", "--http=false", "--port=9376"]
        ports:
        - containerPort: 9376
          protocol: UDP
---
apiVersion: v1
kind: Service
metadata:
  name: udp-hostnames
spec:
  selector:
    app: udp-hostnames
  ports:
  - name: dgram
    port: 5353
    protocol: UDP
    targetPort: 9376
`;

/** A pod running the host's node: one UDP socket on a fixed port, a datagram every 100 ms, each answer printed. */
function clientPod(vip: string): string {
  const script = `const s=require('dgram').createSocket('udp4');s.on('message',m=>console.log(Date.now()+' '+m));s.bind(40000,()=>setInterval(()=>s.send('hi',5353,'${vip}'),100));`;
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'udp-client' },
    spec: { restartPolicy: 'Never', terminationGracePeriodSeconds: 1, containers: [{ name: 'client', image: 'node-on-host', command: [process.execPath, '-e', script] }] },
  });
}

for (const mode of ['nftables', 'iptables']) {
  describe(`a UDP flow follows its Service's endpoints (--proxy-mode ${mode})`, { timeout: 120_000 }, () => {
    let cluster: Cluster;
    before(async () => {
      cluster = await startCluster({ name: `udp${mode.slice(0, 3)}${process.pid % 100000}`, extraArgs: ['--proxy-mode', mode] });
    });
    after(async () => {
      await cluster?.stop();
    });

    test('the same flow is answered by the other backend once its endpoint is deleted', async () => {
      await cluster.kubectlOk(['apply', '-f', '-'], { input: BACKENDS });
      await cluster.kubectlOk(['rollout', 'status', 'deployment/udp-hostnames', '--timeout=60s']);
      const pods = (await cluster.kubectlOk(['get', 'pods', '-l', 'app=udp-hostnames', '-o', 'jsonpath={.items[*].metadata.name}'])).split(' ');
      assert.equal(pods.length, 2);
      await waitFor('both endpoints in the slice', async () => {
        const ips = await cluster.kubectlOk(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=udp-hostnames', '-o', 'jsonpath={.items[*].endpoints[*].addresses[0]}']);
        return ips.split(' ').filter(Boolean).length === 2 ? true : undefined;
      });
      const vip = await cluster.kubectlOk(['get', 'svc', 'udp-hostnames', '-o', 'jsonpath={.spec.clusterIP}']);
      await cluster.kubectlOk(['apply', '-f', '-'], { input: clientPod(vip) });

      // The flow settles on one backend (the answer is its pod's hostname).
      const first = await waitFor('answers from a backend', async () => {
        const lines = (await cluster.kubectlOk(['logs', 'udp-client'])).trim().split('\n').filter(Boolean);
        return lines.length >= 3 ? lines[lines.length - 1].split(' ')[1] : undefined;
      });
      assert.ok(pods.includes(first), `answered by ${first}`);

      await cluster.kubectlOk(['delete', 'pod', first, '--wait=false']);
      // Answers from another backend (the other pod, or the ReplicaSet's replacement), on the same
      // flow: same socket, same source port.
      const moved = await waitFor('answers from another backend', async () => {
        const lines = (await cluster.kubectlOk(['logs', 'udp-client'])).trim().split('\n');
        const last = lines[lines.length - 1].split(' ')[1];
        return last && last !== first ? lines : undefined;
      }, 20_000);
      assert.ok(moved.length > 3);
    });
  });
}
