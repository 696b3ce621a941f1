/**
 * @module kubectl explain against kubito, compared with what kubectl prints against
 * kube-apiserver: the expected text is built from kubectl's plaintext template
 * (k8s.io/kubectl/pkg/explain/v2/templates/plaintext.tmpl: 1.27-1.29 print no enum, 1.30+ an
 * `ENUM:` block after the FIELD line) and upstream's OpenAPI descriptions (1.33, as
 * kube-apiserver serves them with OpenAPIEnums on), wrapped at 76 columns by go-wordwrap and
 * indented 4 — not from kubito's output. Also: apply takes an int and a string for IntOrString
 * fields through each validation path (server-side fieldValidation, --validate=false, SSA).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, type Cluster } from './harness.js';

/** `description` template output for targetPort: its description, then IntOrString's (allOf). */
const TARGET_PORT_DESCRIPTION = [
  '    Number or name of the port to access on the pods targeted by the service.',
  '    Number must be in the range 1 to 65535. Name must be an IANA_SVC_NAME. If',
  "    this is a string, it will be looked up as a named port in the target Pod's",
  "    container ports. If this is not specified, the value of the 'port' field is",
  '    used (an identity map). This field is ignored for services with',
  "    clusterIP=None, and should be omitted or set equal to the 'port' field. More",
  '    info:',
  '    https://kubernetes.io/docs/concepts/services-networking/service/#defining-a-service',
  '    IntOrString is a type that can hold an int32 or a string.  When used in JSON',
  '    or YAML marshalling and unmarshalling, it produces or consumes the inner',
  '    type.  This allows you to have, for example, a JSON field that can accept a',
  '    name or number.',
  '    ',
];

const TYPE_DESCRIPTION = [
  '    type determines how the Service is exposed. Defaults to ClusterIP. Valid',
  '    options are ExternalName, ClusterIP, NodePort, and LoadBalancer. "ClusterIP"',
  '    allocates a cluster-internal IP address for load-balancing to endpoints.',
  '    Endpoints are determined by the selector or if that is not specified, by',
  '    manual construction of an Endpoints object or EndpointSlice objects. If',
  '    clusterIP is "None", no virtual IP is allocated and the endpoints are',
  '    published as a set of endpoints rather than a virtual IP. "NodePort" builds',
  '    on ClusterIP and allocates a port on every node which routes to the same',
  '    endpoints as the clusterIP. "LoadBalancer" builds on NodePort and creates an',
  '    external load-balancer (if supported in the current cloud) which routes to',
  '    the same endpoints as the clusterIP. "ExternalName" aliases this service to',
  '    the specified externalName. Several other fields do not apply to',
  '    ExternalName services. More info:',
  '    https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types',
  '    ',
  '    Possible enum values:',
  '     - `"ClusterIP"` means a service will only be accessible inside the cluster,',
  '    via the cluster IP.',
  '     - `"ExternalName"` means a service consists of only a reference to an',
  '    external name that kubedns or equivalent will return as a CNAME record, with',
  '    no exposing or proxying of any pods involved.',
  '     - `"LoadBalancer"` means a service will be exposed via an external load',
  "    balancer (if the cloud provider supports it), in addition to 'NodePort'",
  '    type.',
  '     - `"NodePort"` means a service will be exposed on one port of every node,',
  "    in addition to 'ClusterIP' type.",
  '    ',
];

/** kubectl 1.30+ print a field's enum values in the long view; 1.27-1.29 have no enum block. */
const PRINTS_ENUMS: Record<string, boolean> = { '1.27': false, '1.32': true, '1.33': true };

/** The whole `kubectl explain <kind>.<path>` text for one field of the core/v1 Service. */
function explainText(version: string, field: string, type: string, enumValues: string[], description: string[]): string {
  // FIELD line, then (1.30+) extractEnum and a "\n", then "\n"; DESCRIPTION, the wrapped
  // text; the template's own closing "\n".
  const enumBlock = PRINTS_ENUMS[version] ? (enumValues.length ? ['ENUM:', ...enumValues.map((v) => `    ${v}`)].join('\n') : '') + '\n' : '';
  return `KIND:       Service\nVERSION:    v1\n\nFIELD: ${field} <${type}>\n${enumBlock}\nDESCRIPTION:\n${description.join('\n')}\n\n`;
}

const SERVICES = (targetPort: string): string => `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
  - {name: a, port: 80, targetPort: ${targetPort}}
  selector: {app: web}
`;

const DEPLOYMENT = (maxSurge: string, maxUnavailable: string): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 0
  selector: {matchLabels: {app: web}}
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxSurge: ${maxSurge}, maxUnavailable: ${maxUnavailable}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx
        ports: [{name: http, containerPort: 80}]
        readinessProbe: {httpGet: {path: /, port: ${maxSurge === '1' ? 'http' : '80'}}}
        livenessProbe: {tcpSocket: {port: ${maxSurge === '1' ? '80' : 'http'}}}
`;

/** A pod with `restartPolicyRules` (1.34's ContainerRestartRules), which a 1.33 server does not know. */
const POD_WITH_RESTART_RULES = `apiVersion: v1
kind: Pod
metadata:
  name: rules
spec:
  containers:
  - name: a
    image: nginx
    restartPolicy: Never
    restartPolicyRules: [{action: Restart, exitCodes: {operator: In, values: [42]}}]
`;

describe('kubectl explain and IntOrString fields', () => {
  let cluster: Cluster;

  before(async () => {
    cluster = await startCluster();
  });

  after(async () => {
    await cluster?.stop();
  });

  for (const version of ['1.27', '1.32', '1.33']) {
    test(`kubectl ${version} explain svc.spec.ports.targetPort prints upstream's text`, async () => {
      const out = await cluster.kubectlOk(['explain', 'svc.spec.ports.targetPort'], { version });
      assert.equal(out, explainText(version, 'targetPort', 'IntOrString', [], TARGET_PORT_DESCRIPTION));
    });

    test(`kubectl ${version} explain svc.spec.type prints upstream's text`, async () => {
      const out = await cluster.kubectlOk(['explain', 'svc.spec.type'], { version });
      assert.equal(out, explainText(version, 'type', 'string', ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'], TYPE_DESCRIPTION));
    });

    test(`kubectl ${version} explain lists IntOrString and Quantity types and enums among fields`, async () => {
      const probe = await cluster.kubectlOk(['explain', 'deployment.spec.strategy.rollingUpdate'], { version });
      assert.match(probe, /\n {2}maxSurge\t<IntOrString>\n {4}The maximum number of pods that can be scheduled above the desired number of\n/);
      assert.match(probe, /\n {2}maxUnavailable\t<IntOrString>\n/);
      const resources = await cluster.kubectlOk(['explain', 'pod.spec.containers.resources'], { version });
      assert.match(resources, /\n {2}limits\t<map\[string\]Quantity>\n/);
      const spec = await cluster.kubectlOk(['explain', 'svc.spec'], { version });
      const enumLine = (values: string): string => (PRINTS_ENUMS[version] ? `  enum: ${values}\n` : '');
      assert.ok(spec.includes(`\n  ipFamilyPolicy\t<string>\n${enumLine('PreferDualStack, RequireDualStack, SingleStack')}    IPFamilyPolicy represents`), spec);
      assert.ok(spec.includes(`\n  externalTrafficPolicy\t<string>\n${enumLine('Cluster, Local')}    externalTrafficPolicy describes`), spec);
    });

    test(`kubectl ${version} explains 1.33's fields with 1.33's text and knows no later field`, async () => {
      const name = await cluster.kubectlOk(['explain', 'pod.spec.containers.env.name'], { version });
      assert.ok(name.includes('\nDESCRIPTION:\n    Name of the environment variable. Must be a C_IDENTIFIER.\n'), name);
      const later = await cluster.kubectl(['explain', 'pod.spec.containers.restartPolicyRules'], { version });
      assert.notEqual(later.code, 0, later.stdout);
      assert.match(later.stderr, /field "restartPolicyRules" does not exist/);
    });

    test(`kubectl ${version} apply --validate=strict rejects a field 1.33 does not have`, async () => {
      const input = POD_WITH_RESTART_RULES;
      const r = await cluster.kubectl(['apply', '-f', '-', '--validate=strict'], { version, input });
      assert.notEqual(r.code, 0, r.stdout);
      assert.match(r.stderr, /Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec\.containers\[0\]\.restartPolicyRules"/);
    });

    test(`kubectl ${version} apply takes ints and strings for IntOrString fields (server-side validation, no validation, SSA)`, async () => {
      for (const [targetPort, maxSurge, maxUnavailable] of [['8080', '1', '"25%"'], ['http', '"25%"', '0']]) {
        for (const flags of [['--validate=strict'], ['--validate=false'], ['--server-side', '--force-conflicts']]) {
          const input = `${SERVICES(targetPort)}---\n${DEPLOYMENT(maxSurge, maxUnavailable)}`;
          const r = await cluster.kubectl(['apply', '-f', '-', ...flags], { version, input });
          assert.equal(r.code, 0, `${flags.join(' ')} ${targetPort}: ${r.stdout}\n${r.stderr}`);
          assert.equal(r.stderr, '', `${flags.join(' ')} ${targetPort}`);
          const got = JSON.parse(await cluster.kubectlOk(['get', 'svc/web', '-o', 'json'], { version }));
          assert.deepEqual(got.spec.ports[0].targetPort, /^\d+$/.test(targetPort) ? Number(targetPort) : targetPort, flags.join(' '));
          const deploy = JSON.parse(await cluster.kubectlOk(['get', 'deploy/web', '-o', 'json'], { version }));
          assert.deepEqual(deploy.spec.strategy.rollingUpdate, { maxSurge: JSON.parse(maxSurge), maxUnavailable: JSON.parse(maxUnavailable) }, flags.join(' '));
        }
      }
      await cluster.kubectlOk(['delete', 'svc/web', 'deploy/web'], { version });
    });
  }
});
