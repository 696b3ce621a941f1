/**
 * @module Services against the real kubectl (issue 3's acceptance), with the default kubectl
 * and 1.27: every validation rule of dataplane.md §4.3 answered with kube-apiserver's text
 * through `kubectl apply -f -`; the update rules through `kubectl patch`; the `create service`,
 * `expose` and `run --expose` generators; `describe svc` as the Services chapter shows it; and
 * type changes in both directions with their allocations.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, type Cluster } from './harness.js';

interface ServiceSpec {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  ipFamilies?: string[];
  ipFamilyPolicy?: string;
  externalName?: string;
  externalTrafficPolicy?: string;
  internalTrafficPolicy?: string;
  healthCheckNodePort?: number;
  allocateLoadBalancerNodePorts?: boolean;
  selector?: Record<string, string>;
  sessionAffinity?: string;
  ports?: Array<{ name?: string; port: number; targetPort?: number | string; nodePort?: number; protocol?: string }>;
}

interface ServiceJSON {
  metadata: { name: string; labels?: Record<string, string> };
  spec: ServiceSpec;
}

function manifest(name: string, spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name, ...metadata }, spec });
}

const P80 = [{ port: 80 }];
const LABEL_ERR =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

/** One bad spec each, and the single error kube-apiserver answers it with. */
const INVALID: Array<{ name: string; spec: Record<string, unknown>; metadata?: Record<string, unknown>; error: string }> = [
  { name: 'no-ports', spec: { selector: { app: 'x' } }, error: 'spec.ports: Required value' },
  { name: 'unnamed-port', spec: { ports: [{ name: 'http', port: 80 }, { port: 81 }] }, error: 'spec.ports[1].name: Required value' },
  { name: 'port-name', spec: { ports: [{ name: 'Web', port: 80 }] }, error: `spec.ports[0].name: Invalid value: "Web": ${LABEL_ERR}` },
  { name: 'dup-name', spec: { ports: [{ name: 'http', port: 80 }, { name: 'http', port: 81 }] }, error: 'spec.ports[1].name: Duplicate value: "http"' },
  { name: 'port-zero', spec: { ports: [{ port: 0, targetPort: 80 }] }, error: 'spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive' },
  {
    name: 'target-port',
    spec: { ports: [{ port: 80, targetPort: 'http_x' }] },
    error: 'spec.ports[0].targetPort: Invalid value: "http_x": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
  },
  { name: 'protocol', spec: { ports: [{ port: 80, protocol: 'ICMP' }] }, error: 'spec.ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"' },
  {
    name: 'app-protocol',
    spec: { ports: [{ port: 80, appProtocol: '-h2c' }] },
    error:
      "spec.ports[0].appProtocol: Invalid value: \"-h2c\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
  },
  {
    name: 'dup-port',
    spec: { ports: [{ name: 'a', port: 53 }, { name: 'b', port: 53 }] },
    error: 'spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:53, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}',
  },
  {
    name: 'dup-node-port',
    spec: { type: 'NodePort', ports: [{ name: 'a', port: 53, protocol: 'UDP', nodePort: 30053 }, { name: 'b', port: 54, protocol: 'UDP', nodePort: 30053 }] },
    // Allocation runs before validation: the second request for 30053 finds it taken.
    error: 'spec.ports[1].nodePort: Invalid value: 30053: provided port is already allocated',
  },
  { name: 'cip-node-port', spec: { ports: [{ port: 80, nodePort: 30080 }] }, error: "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'" },
  { name: 'np-headless', spec: { type: 'NodePort', clusterIP: 'None', ports: P80 }, error: 'spec.clusterIPs[0]: Invalid value: "None": may not be set to \'None\' for NodePort services' },
  { name: 'lb-headless', spec: { type: 'LoadBalancer', clusterIP: 'None', ports: P80 }, error: 'spec.clusterIPs[0]: Invalid value: "None": may not be set to \'None\' for LoadBalancer services' },
  { name: 'ext-no-name', spec: { type: 'ExternalName' }, error: 'spec.externalName: Required value' },
  {
    name: 'ext-bad-name',
    spec: { type: 'ExternalName', externalName: 'my_db.example.com' },
    error:
      "spec.externalName: Invalid value: \"my_db.example.com\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
  },
  { name: 'ext-cluster-ip', spec: { type: 'ExternalName', externalName: 'example.com', clusterIP: '10.96.0.50' }, error: 'spec.clusterIPs: Forbidden: may not be set for ExternalName services' },
  { name: 'affinity', spec: { ports: P80, sessionAffinity: 'Cookie' }, error: 'spec.sessionAffinity: Unsupported value: "Cookie": supported values: "ClientIP", "None"' },
  {
    name: 'affinity-timeout',
    spec: { ports: P80, sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 90000 } } },
    error: 'spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 90000: must be greater than 0 and less than 86400',
  },
  { name: 'bad-ip', spec: { ports: P80, clusterIP: '10.96.0.300' }, error: 'spec.clusterIPs[0]: Invalid value: "10.96.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)' },
  {
    name: 'ips-mismatch',
    spec: { ports: P80, clusterIP: '10.96.0.50', clusterIPs: ['10.96.0.51'] },
    error: 'spec.clusterIPs: Invalid value: []string{"10.96.0.51"}: first value must match `clusterIP`',
  },
  {
    name: 'none-not-alone',
    spec: { ports: P80, clusterIP: 'None', clusterIPs: ['None', '10.96.0.51'] },
    error: 'spec.clusterIPs: Invalid value: []string{"None", "10.96.0.51"}: \'None\' must be the first and only value',
  },
  {
    name: 'family-mismatch',
    spec: { ports: P80, clusterIP: 'fd00::5', ipFamilies: ['IPv4'] },
    error: 'spec.clusterIPs[0]: Invalid value: "fd00::5": expected an IPv4 value as indicated by `ipFamilies[0]`',
  },
  { name: 'ip-taken', spec: { ports: P80, clusterIP: '10.96.0.10' }, error: 'spec.clusterIPs: Invalid value: []string{"10.96.0.10"}: failed to allocate IP 10.96.0.10: provided IP is already allocated' },
  {
    name: 'ip-outside',
    spec: { ports: P80, clusterIP: '192.168.7.7' },
    error: 'spec.clusterIPs: Invalid value: []string{"192.168.7.7"}: failed to allocate IP 192.168.7.7: the provided network does not match the current range',
  },
  {
    name: 'ip-network',
    spec: { ports: P80, clusterIP: '10.96.0.0' },
    error: 'spec.clusterIPs: Invalid value: []string{"10.96.0.0"}: failed to allocate IP 10.96.0.0: the provided IP (10.96.0.0) is not in the valid range. The range of valid IPs is 10.96.0.0/12',
  },
  {
    name: 'node-port-range',
    spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 8080 }] },
    error: 'spec.ports[0].nodePort: Invalid value: 8080: provided port is not in the valid range. The range of valid ports is 30000-32767',
  },
  { name: 'dual-stack', spec: { ports: P80, ipFamilyPolicy: 'RequireDualStack' }, error: 'spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not configured for dual-stack services' },
  { name: 'ipv6-family', spec: { ports: P80, ipFamilies: ['IPv6'] }, error: 'spec.ipFamilies[0]: Invalid value: "IPv6": not configured on this cluster' },
  {
    name: 'family-policy',
    spec: { ports: P80, ipFamilyPolicy: 'Dual' },
    error: 'spec.ipFamilyPolicy: Unsupported value: "Dual": supported values: "PreferDualStack", "RequireDualStack", "SingleStack"',
  },
  { name: 'external-ip', spec: { ports: P80, externalIPs: ['127.0.0.1'] }, error: 'spec.externalIPs[0]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)' },
  { name: 'source-ranges', spec: { ports: P80, loadBalancerSourceRanges: ['10.0.0.0/8'] }, error: "spec.LoadBalancerSourceRanges: Forbidden: may only be used when `type` is 'LoadBalancer'" },
  {
    name: 'source-cidr',
    spec: { type: 'LoadBalancer', ports: P80, loadBalancerSourceRanges: ['10.0.0.0/40'] },
    error: 'spec.LoadBalancerSourceRanges[0]: Invalid value: "10.0.0.0/40": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
  },
  { name: 'alloc-lb-ports', spec: { ports: P80, allocateLoadBalancerNodePorts: false }, error: "spec.allocateLoadBalancerNodePorts: Forbidden: may only be used when `type` is 'LoadBalancer'" },
  { name: 'lb-class', spec: { ports: P80, loadBalancerClass: 'example.com/lb' }, error: "spec.loadBalancerClass: Forbidden: may only be used when `type` is 'LoadBalancer'" },
  { name: 'etp-cluster-ip', spec: { ports: P80, externalTrafficPolicy: 'Local' }, error: 'spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services' },
  { name: 'etp-value', spec: { type: 'NodePort', ports: P80, externalTrafficPolicy: 'Global' }, error: 'spec.externalTrafficPolicy: Unsupported value: "Global": supported values: "Cluster", "Local"' },
  {
    name: 'hc-node-port',
    spec: { type: 'NodePort', ports: P80, healthCheckNodePort: 30999 },
    error: "spec.healthCheckNodePort: Invalid value: 30999: may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
  },
  { name: 'itp-value', spec: { ports: P80, internalTrafficPolicy: 'Node' }, error: 'spec.internalTrafficPolicy: Unsupported value: "Node": supported values: "Cluster", "Local"' },
  { name: 'type', spec: { ports: P80, type: 'Ingress' }, error: 'spec.type: Unsupported value: "Ingress": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"' },
  {
    name: 'selector',
    spec: { ports: P80, selector: { app: 'web server' } },
    error:
      "spec.selector: Invalid value: \"web server\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
  },
];

/** How kubectl (1.27 as the newer ones) prints a 422: one cause inline, several as a list. */
function invalidText(name: string, errors: string[]): string {
  if (errors.length === 1) return `The Service "${name}" is invalid: ${errors[0]}\n`;
  return `The Service "${name}" is invalid: \n${errors.map((e) => `* ${e}`).join('\n')}\n`;
}

const CLUSTER_IP = /^10\.(9[6-9]|10[0-9]|11[01])\.\d{1,3}\.\d{1,3}$/;

for (const version of [undefined, '1.27']) {
  describe(`Services with kubectl ${version ?? 'default'}`, () => {
    let cluster: Cluster;
    const k = (args: string[], input?: string) => cluster.kubectl(args, { version, input });
    const ok = (args: string[], input?: string) => cluster.kubectlOk(args, { version, input });
    const getSvc = async (name: string): Promise<ServiceJSON> => JSON.parse(await ok(['get', 'svc', name, '-o', 'json'])) as ServiceJSON;

    before(async () => {
      cluster = await startCluster();
    });
    after(async () => cluster.stop());

    test('every §4.3 rule answers with kube-apiserver\'s text through kubectl apply', async (t) => {
      for (const c of INVALID) {
        await t.test(c.name, async () => {
          const r = await k(['apply', '-f', '-'], manifest(`bad-${c.name}`, c.spec, c.metadata));
          assert.notEqual(r.code, 0);
          assert.equal(r.stderr, invalidText(`bad-${c.name}`, [c.error]));
        });
      }
      // Nothing refused was kept.
      assert.doesNotMatch(await ok(['get', 'svc', '-o', 'name']), /bad-/);
    });

    test('several errors at once, in upstream\'s order', async () => {
      const spec = { ports: [{ port: 0, protocol: 'FOO' }, { port: 80, name: 'Web' }], sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 90000 } } };
      const r = await k(['apply', '-f', '-'], manifest('bad-many', spec));
      assert.equal(
        r.stderr,
        invalidText('bad-many', [
          'spec.ports[0].name: Required value',
          'spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
          'spec.ports[0].protocol: Unsupported value: "FOO": supported values: "SCTP", "TCP", "UDP"',
          // targetPort defaults to the port: 0 again.
          'spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive',
          `spec.ports[1].name: Invalid value: "Web": ${LABEL_ERR}`,
          'spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 90000: must be greater than 0 and less than 86400',
        ]),
      );
    });

    test('warnings as kube-apiserver 1.33 sends them: a Service field that does nothing, a non-standard IP, a deprecated API', async () => {
      const created = await k(['apply', '-f', '-'], manifest('warn-extname', { ports: [{ port: 80 }], externalName: 'db.example.com' }));
      assert.equal(created.code, 0, created.stderr);
      assert.equal(created.stderr, 'Warning: spec.externalName is ignored when spec.type is not "ExternalName"\n');
      const patched = await k(['patch', 'svc', 'warn-extname', '-p', '{"spec":{"externalName":null,"externalIPs":["192.0.2.010"]}}']);
      assert.equal(patched.code, 0, patched.stderr);
      assert.equal(patched.stderr, 'Warning: spec.externalIPs[0]: non-standard IP address "192.0.2.010" will be considered invalid in a future Kubernetes release: use "192.0.2.10"\n');
      const endpoints = await k(['get', 'endpoints', 'kubernetes']);
      assert.equal(endpoints.code, 0, endpoints.stderr);
      assert.equal(endpoints.stderr, 'Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\n');
      await ok(['delete', 'svc', 'warn-extname']);
    });

    test('create service clusterip, nodeport, loadbalancer, externalname', async () => {
      assert.equal(await ok(['create', 'service', 'clusterip', 'my-cs', '--tcp=5678:8080']), 'service/my-cs created\n');
      const cs = await getSvc('my-cs');
      assert.equal(cs.spec.type, 'ClusterIP');
      assert.match(cs.spec.clusterIP!, CLUSTER_IP);
      assert.deepEqual(cs.spec.clusterIPs, [cs.spec.clusterIP]);
      assert.deepEqual([cs.spec.ipFamilies, cs.spec.ipFamilyPolicy, cs.spec.sessionAffinity, cs.spec.internalTrafficPolicy], [['IPv4'], 'SingleStack', 'None', 'Cluster']);
      assert.deepEqual(cs.spec.ports, [{ name: '5678-8080', port: 5678, protocol: 'TCP', targetPort: 8080 }]);
      assert.deepEqual(cs.spec.selector, { app: 'my-cs' });

      await ok(['create', 'service', 'clusterip', 'my-headless', '--clusterip=None']);
      const hl = await getSvc('my-headless');
      assert.deepEqual([hl.spec.clusterIP, hl.spec.clusterIPs], ['None', ['None']]);

      await ok(['create', 'service', 'nodeport', 'my-np', '--tcp=5678:8080', '--node-port=30080']);
      const np = await getSvc('my-np');
      assert.deepEqual([np.spec.type, np.spec.ports![0].nodePort, np.spec.externalTrafficPolicy], ['NodePort', 30080, 'Cluster']);
      const taken = await k(['create', 'service', 'nodeport', 'my-np2', '--tcp=80:80', '--node-port=30080']);
      assert.match(taken.stderr, /Service "my-np2" is invalid: spec.ports\[0\].nodePort: Invalid value: 30080: provided port is already allocated/);

      await ok(['create', 'service', 'loadbalancer', 'my-lb', '--tcp=443:8443']);
      const lb = await getSvc('my-lb');
      assert.deepEqual([lb.spec.type, lb.spec.allocateLoadBalancerNodePorts, lb.spec.externalTrafficPolicy], ['LoadBalancer', true, 'Cluster']);
      // Dynamic node ports come from above the static band (30000-30085).
      assert.ok(lb.spec.ports![0].nodePort! >= 30086 && lb.spec.ports![0].nodePort! <= 32767, String(lb.spec.ports![0].nodePort));

      await ok(['create', 'service', 'externalname', 'my-ext', '--external-name=bar.example.com']);
      const ext = await getSvc('my-ext');
      assert.deepEqual(
        [ext.spec.type, ext.spec.externalName, ext.spec.clusterIP, ext.spec.ipFamilies, ext.spec.internalTrafficPolicy],
        ['ExternalName', 'bar.example.com', undefined, undefined, undefined],
      );
      assert.match(await ok(['get', 'svc', 'my-ext']), /\nmy-ext\s+ExternalName\s+<none>\s+bar\.example\.com\s+<none>\s+/);
    });

    test('expose deployment and service; run --expose', async () => {
      await ok(['create', 'deployment', 'web', '--image=nginx', '--port=80']);
      assert.equal(
        await ok(['expose', 'deployment', 'web', '--type=NodePort', '--port=8080', '--target-port=80', '--name=web-np', '--protocol=TCP']),
        'service/web-np exposed\n',
      );
      const np = await getSvc('web-np');
      assert.equal(np.spec.type, 'NodePort');
      assert.deepEqual(np.spec.selector, { app: 'web' });
      assert.deepEqual([np.spec.ports![0].port, np.spec.ports![0].targetPort, np.spec.ports![0].protocol], [8080, 80, 'TCP']);
      assert.ok(np.spec.ports![0].nodePort! >= 30000);

      await ok(['expose', 'deployment', 'web', '--port=53', '--protocol=UDP', '--name=web-udp']);
      assert.deepEqual((await getSvc('web-udp')).spec.ports, [{ port: 53, protocol: 'UDP', targetPort: 53 }]);

      await ok(['expose', 'service', 'web-np', '--name=web-lb', '--type=LoadBalancer', '--port=9090', '--target-port=80']);
      const lb = await getSvc('web-lb');
      assert.deepEqual([lb.spec.type, lb.spec.selector, lb.spec.ports![0].port, lb.spec.ports![0].targetPort], ['LoadBalancer', { app: 'web' }, 9090, 80]);

      assert.equal(await ok(['run', 'nginx', '--image=nginx', '--port=80', '--expose']), 'service/nginx created\npod/nginx created\n');
      const svc = await getSvc('nginx');
      assert.deepEqual([svc.spec.type, svc.spec.selector, svc.spec.ports![0].port, svc.spec.ports![0].targetPort], ['ClusterIP', { run: 'nginx' }, 80, 80]);
      assert.match(svc.spec.clusterIP!, CLUSTER_IP);
      // The Service selects the pod run made.
      assert.equal(await ok(['get', 'pod', '-l', 'run=nginx', '-o', 'jsonpath={.items[*].metadata.name}']), 'nginx');
    });

    test('describe svc shows what the chapter shows', async () => {
      const chapter = manifest('chapter', { type: 'ClusterIP', ports: [{ name: 'service-http', port: 80, targetPort: 'http' }], selector: { app: 'nginx' } });
      assert.match(await ok(['apply', '-f', '-'], chapter), /service\/chapter created/);
      const ip = (await getSvc('chapter')).spec.clusterIP!;
      const out = await ok(['describe', 'svc', 'chapter']);
      const lines: Array<[string, string]> = [
        ['Name', 'chapter'],
        ['Namespace', 'default'],
        ['Selector', 'app=nginx'],
        ['Type', 'ClusterIP'],
        ['IP Family Policy', 'SingleStack'],
        ['IP Families', 'IPv4'],
        ['IP', ip],
        ['IPs', ip],
        ['Port', 'service-http  80/TCP'],
        ['TargetPort', 'http/TCP'],
        ['Session Affinity', 'None'],
      ];
      for (const [key, value] of lines) assert.match(out, new RegExp(`^${key}:\\s+${value.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`, 'm'), key);
      const np = await ok(['describe', 'svc', 'my-np']);
      assert.match(np, /^NodePort:\s+5678-8080\s+30080\/TCP$/m);
      assert.match(np, /^External Traffic Policy:\s+Cluster$/m);
    });

    test('type changes with kubectl patch, both ways', async () => {
      await ok(['create', 'service', 'clusterip', 'tc', '--tcp=80:80']);
      const ip = (await getSvc('tc')).spec.clusterIP!;

      await ok(['patch', 'svc', 'tc', '-p', '{"spec":{"type":"NodePort"}}']);
      let s = await getSvc('tc');
      assert.deepEqual([s.spec.type, s.spec.clusterIP, s.spec.externalTrafficPolicy], ['NodePort', ip, 'Cluster']);
      const nodePort = s.spec.ports![0].nodePort!;
      assert.ok(nodePort >= 30000 && nodePort <= 32767);

      await ok(['patch', 'svc', 'tc', '-p', '{"spec":{"type":"LoadBalancer","externalTrafficPolicy":"Local"}}']);
      s = await getSvc('tc');
      assert.deepEqual([s.spec.type, s.spec.ports![0].nodePort, s.spec.allocateLoadBalancerNodePorts], ['LoadBalancer', nodePort, true]);
      const hc = s.spec.healthCheckNodePort!;
      assert.ok(hc >= 30000 && hc !== nodePort);
      const immutable = await k(['patch', 'svc', 'tc', '-p', `{"spec":{"healthCheckNodePort":${hc + 1}}}`]);
      assert.equal(immutable.stderr, invalidText('tc', ['spec.healthCheckNodePort: Forbidden: field is immutable']));

      await ok(['patch', 'svc', 'tc', '-p', '{"spec":{"type":"ClusterIP"}}']);
      s = await getSvc('tc');
      assert.deepEqual(
        [s.spec.type, s.spec.clusterIP, s.spec.ports![0].nodePort, s.spec.healthCheckNodePort, s.spec.externalTrafficPolicy, s.spec.allocateLoadBalancerNodePorts],
        ['ClusterIP', ip, undefined, undefined, undefined, undefined],
      );

      await ok(['patch', 'svc', 'tc', '-p', '{"spec":{"type":"ExternalName","externalName":"db.example.com"}}']);
      s = await getSvc('tc');
      assert.deepEqual(
        [s.spec.type, s.spec.clusterIP, s.spec.clusterIPs, s.spec.ipFamilies, s.spec.ipFamilyPolicy],
        ['ExternalName', undefined, undefined, undefined, undefined],
      );

      await ok(['patch', 'svc', 'tc', '-p', '{"spec":{"type":"ClusterIP"}}']);
      s = await getSvc('tc');
      assert.match(s.spec.clusterIP!, CLUSTER_IP);
      assert.deepEqual([s.spec.ipFamilies, s.spec.ipFamilyPolicy], [['IPv4'], 'SingleStack']);
    });

    test('update rules: clusterIP, primary ipFamily, loadBalancerClass', async () => {
      await ok(['create', 'service', 'clusterip', 'imm', '--tcp=80:80']);
      const ip = (await getSvc('imm')).spec.clusterIP!;
      const moved = await k(['patch', 'svc', 'imm', '-p', '{"spec":{"clusterIP":"10.96.0.99","clusterIPs":["10.96.0.99"]}}']);
      assert.equal(moved.stderr, invalidText('imm', ['spec.clusterIPs[0]: Invalid value: []string{"10.96.0.99"}: may not change once set']));
      const family = await k(['patch', 'svc', 'imm', '-p', '{"spec":{"ipFamilies":["IPv6"]}}']);
      assert.equal(family.stderr, invalidText('imm', [`spec.clusterIPs[0]: Invalid value: "${ip}": expected an IPv6 value as indicated by \`ipFamilies[0]\``]));

      await ok(['apply', '-f', '-'], manifest('lbc', { type: 'LoadBalancer', ports: P80, loadBalancerClass: 'example.com/a' }));
      const cls = await k(['patch', 'svc', 'lbc', '-p', '{"spec":{"loadBalancerClass":"example.com/b"}}']);
      assert.equal(cls.stderr, invalidText('lbc', ['spec.loadBalancerClass: Invalid value: "example.com/b": may not change once set']));
    });

    test('deleting a Service frees its address and node port', async () => {
      await ok(['apply', '-f', '-'], manifest('freed', { type: 'NodePort', clusterIP: '10.96.0.77', ports: [{ port: 80, nodePort: 30077 }] }));
      assert.match(await ok(['delete', 'svc', 'freed']), /service "freed" deleted/);
      await ok(['apply', '-f', '-'], manifest('reuse', { type: 'NodePort', clusterIP: '10.96.0.77', ports: [{ port: 80, nodePort: 30077 }] }));
      assert.equal((await getSvc('reuse')).spec.ports![0].nodePort, 30077);
    });

    test('a node port dropped by a type change is free at once', async () => {
      await ok(['apply', '-f', '-'], manifest('drop', { type: 'NodePort', ports: [{ port: 80, nodePort: 30078 }] }));
      await ok(['patch', 'svc', 'drop', '-p', '{"spec":{"type":"ClusterIP"}}']);
      await ok(['apply', '-f', '-'], manifest('take', { type: 'NodePort', ports: [{ port: 80, nodePort: 30078 }] }));
    });
  });
}
