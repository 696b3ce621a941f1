import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { startStub, type StubServer } from './kubectl-stub.js';

const run = promisify(execFile);

/** The directory holding `kubectl` and the versioned `kubectl.1.NN` binaries, if any. */
function kubectlDir(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'kubectl');
    if (existsSync(candidate)) return dirname(realpathSync(candidate));
  }
  return undefined;
}

const dir = kubectlDir();
const missing = (name: string): string | false => (!dir || !existsSync(join(dir, name)) ? `${name} not installed` : false);
let stub: StubServer;
let work: string;

before(async () => {
  stub = await startStub();
  work = mkdtempSync(join(tmpdir(), 'kubito-openapi-'));
  writeFileSync(join(work, 'kubeconfig'), [
    'apiVersion: v1', 'kind: Config', 'current-context: stub',
    'clusters: [{name: stub, cluster: {server: "' + stub.url + '"}}]',
    'contexts: [{name: stub, context: {cluster: stub, user: stub, namespace: default}}]',
    'users: [{name: stub, user: {token: t}}]', '',
  ].join('\n'));
  writeFileSync(join(work, 'svc.yaml'), 'apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec:\n  portz: 1\n  ports: [{port: 80, targetPort: http}]\n');
});

after(async () => {
  await stub.close();
  rmSync(work, { recursive: true, force: true });
});

async function kubectl(binary: string, args: string[]): Promise<string> {
  const cache = mkdtempSync(join(work, 'cache-'));
  const { stdout } = await run(join(dir as string, binary), ['--kubeconfig', join(work, 'kubeconfig'), '--cache-dir', cache, ...args], { timeout: 20_000 });
  return stdout;
}

/** `withEnums`: kubectl 1.30+ prints a field's enum values under its type (1.27-1.29 do not). */
function assertServiceSpec(out: string, withEnums: boolean): void {
  assert.match(out, /KIND:\s+Service\nVERSION:\s+v1/);
  assert.match(out, /FIELD: spec <ServiceSpec>/);
  assert.match(out, /Spec defines the behavior of a service\./);
  assert.match(out, /\n {2}ports\t<\[\]ServicePort>\n {4}The list of ports that are exposed by this service\./);
  assert.match(out, /\n {2}selector\t<map\[string\]string>\n/);
  const enumLine = withEnums ? '  enum: ClusterIP, ExternalName, LoadBalancer, NodePort\n' : '';
  assert.ok(out.includes('\n  type\t<string>\n' + enumLine + '    type determines how the Service is exposed.'), out);
  assert.ok(out.includes('\n  sessionAffinity\t<string>\n' + (withEnums ? '  enum: ClientIP, None\n' : '') + '    Supports "ClientIP" and "None".'), out);
}

test('kubectl 1.33 explain service.spec reads the v3 document', { skip: missing('kubectl.1.33') }, async () => {
  assertServiceSpec(await kubectl('kubectl.1.33', ['explain', 'service.spec']), true);
});

test('kubectl 1.27 explain service.spec reads the v3 document', { skip: missing('kubectl.1.27') }, async () => {
  assertServiceSpec(await kubectl('kubectl.1.27', ['explain', 'service.spec']), false);
});

test('kubectl explain deployment.spec.template.spec.containers.ports', { skip: missing('kubectl') }, async () => {
  const out = await kubectl('kubectl', ['explain', 'deployment.spec.template.spec.containers.ports']);
  assert.match(out, /GROUP:\s+apps\nKIND:\s+Deployment\nVERSION:\s+v1/);
  assert.match(out, /FIELD: ports <\[\]ContainerPort>/);
  assert.match(out, /\n {2}containerPort\t<integer> -required-\n {4}Number of port to expose on the pod's IP address\./);
  assert.ok(out.includes('\n  protocol\t<string>\n  enum: SCTP, TCP, UDP\n    Protocol for port. Must be UDP, TCP, or SCTP.'), out);
});

test('kubectl 1.27 decodes the protobuf /openapi/v2 (explain --output plaintext-openapiv2)', { skip: missing('kubectl.1.27') }, async () => {
  const out = await kubectl('kubectl.1.27', ['explain', 'deployment.spec.template.spec.containers.ports', '--output', 'plaintext-openapiv2']);
  assert.match(out, /RESOURCE: ports <\[\]Object>/);
  assert.match(out, /containerPort\t<integer> -required-/);
  assert.ok(stub.requests.some((r) => r.startsWith('GET /openapi/v2 application/com.github.proto-openapi.spec.v2')));
});

test('kubectl 1.27 apply finds server-side field validation in /openapi/v2 and skips its own', { skip: missing('kubectl.1.27') }, async () => {
  // Without fieldValidation on the Service PATCH, kubectl 1.27 would validate against the v2
  // schemas itself and reject `spec.portz`; with it, the dry run leaves that to the server.
  const out = await kubectl('kubectl.1.27', ['apply', '-f', join(work, 'svc.yaml'), '--dry-run=client']);
  assert.equal(out.trim(), 'service/x created (dry run)');
});

test('kubectl explain reads the create-only reviews (SelfSubjectAccessReview, TokenReview) from their groups\' documents', { skip: missing('kubectl') }, async () => {
  const ssar = await kubectl('kubectl', ['explain', 'selfsubjectaccessreviews.spec']);
  assert.match(ssar, /GROUP:\s+authorization.k8s.io\nKIND:\s+SelfSubjectAccessReview\nVERSION:\s+v1/);
  assert.match(ssar, /\n {2}resourceAttributes\t<ResourceAttributes>\n/);
  const tokenReview = await kubectl('kubectl', ['explain', 'tokenreviews.status.user']);
  assert.match(tokenReview, /GROUP:\s+authentication.k8s.io\nKIND:\s+TokenReview/);
  assert.match(tokenReview, /\n {2}extra\t<map\[string\]\[\]string>\n/);
});
