/**
 * @module The API server against the real kubectl (issue 2's acceptance): apply, get in every
 * output format, watch, describe, label/annotate/patch/scale/delete, create generators
 * (protobuf bodies from 1.32 on), discovery and explain, server-side apply, and errors — with
 * the oldest, the default and the newest kubectl.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startCluster, type Cluster } from './harness.js';
import { waitFor } from './wait.js';

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx
  labels:
    app: nginx
spec:
  replicas: 2
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx
        ports:
        - name: http
          containerPort: 80
`;

const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: nginx
spec:
  type: ClusterIP
  ports:
  - name: service-http
    port: 80
    targetPort: http
  selector:
    app: nginx
`;

for (const version of ['1.27', '1.32', '1.33']) {
  describe(`kubectl ${version}`, () => {
    let cluster: Cluster;
    const k = (args: string[], input?: string) => cluster.kubectl(args, { version, input });
    const ok = (args: string[], input?: string) => cluster.kubectlOk(args, { version, input });

    before(async () => {
      cluster = await startCluster();
      writeFileSync(join(cluster.dir, 'deploy.yaml'), DEPLOYMENT);
      writeFileSync(join(cluster.dir, 'svc.yaml'), SERVICE);
    });
    after(async () => cluster.stop());

    test('apply: created, unchanged, configured', async () => {
      const file = join(cluster.dir, 'deploy.yaml');
      assert.match(await ok(['apply', '-f', file]), /deployment.apps\/nginx created/);
      assert.match(await ok(['apply', '-f', join(cluster.dir, 'svc.yaml')]), /service\/nginx created/);
      assert.match(await ok(['apply', '-f', file]), /deployment.apps\/nginx unchanged/);
      writeFileSync(file, DEPLOYMENT.replace('image: nginx', 'image: nginx:1.27'));
      assert.match(await ok(['apply', '-f', file]), /deployment.apps\/nginx configured/);
      const image = await ok(['get', 'deploy', 'nginx', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']);
      assert.equal(image, 'nginx:1.27');
    });

    test('get as a table, wide, yaml, json, jsonpath, -l, -A', async () => {
      const table = await ok(['get', 'services']);
      assert.match(table, /^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\n/);
      assert.match(table, /\nnginx\s+ClusterIP\s+10\.(9[6-9]|1[01][0-9])\.\d+\.\d+\s+<none>\s+80\/TCP\s+\d+s\n/);
      assert.match(table, /\nkubernetes\s+ClusterIP\s+10\.96\.0\.1\s+<none>\s+443\/TCP/);
      assert.match(await ok(['get', 'svc', '-o', 'wide']), /SELECTOR[\s\S]*app=nginx/);
      assert.match(await ok(['get', 'svc', 'nginx', '-o', 'yaml']), /targetPort: http/);
      const json = JSON.parse(await ok(['get', 'svc', 'nginx', '-o', 'json'])) as { spec: { ports: Array<{ name: string }> } };
      assert.equal(json.spec.ports[0].name, 'service-http');
      assert.equal(await ok(['get', 'svc', '-l', 'component=apiserver', '-o', 'jsonpath={.items[*].metadata.name}']), 'kubernetes');
      assert.match(await ok(['get', 'ns', '-A']), /kube-system\s+Active/);
      assert.match(await ok(['get', 'deployments']), /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\nnginx\s+/);
      assert.match(await ok(['get', 'svc', '-A']), /default\s+kubernetes/);
    });

    test('get -w prints a change made by another client', async () => {
      // The new Service's row ends the watch; --request-timeout bounds it if the row never comes.
      const row = new RegExp(`\\nw${version.replace('.', '')}\\s+ClusterIP`);
      const watcher = cluster.kubectl(['get', 'svc', '-w', '--request-timeout=8s'], { version, until: row });
      await new Promise((r) => setTimeout(r, 1500));
      await ok(['label', 'svc', 'nginx', `watched=v${version.replace('.', '-')}`]);
      await ok(['create', 'service', 'clusterip', `w${version.replace('.', '')}`, '--tcp=81:81']);
      const result = await watcher;
      assert.match(result.stdout, row);
    });

    test('describe svc and deploy', async () => {
      const svc = await ok(['describe', 'svc', 'nginx']);
      assert.match(svc, /Name:\s+nginx\nNamespace:\s+default/);
      assert.match(svc, /Selector:\s+app=nginx/);
      assert.match(svc, /Type:\s+ClusterIP/);
      assert.match(svc, /TargetPort:\s+http\/TCP/);
      const deploy = await ok(['describe', 'deploy', 'nginx']);
      assert.match(deploy, /Replicas:\s+2 desired/);
    });

    test('label, annotate, patch (merge, strategic, json), scale', async () => {
      await ok(['label', 'deploy', 'nginx', 'tier=web']);
      await ok(['annotate', 'deploy', 'nginx', 'note=hello']);
      await ok(['patch', 'svc', 'nginx', '--type=merge', '-p', '{"metadata":{"labels":{"m":"1"}}}']);
      await ok(['patch', 'deploy', 'nginx', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.28"}]}}}}']);
      await ok(['patch', 'svc', 'nginx', '--type=json', '-p', '[{"op":"add","path":"/metadata/annotations/j","value":"2"}]']);
      await ok(['scale', 'deploy', 'nginx', '--replicas=3']);
      const out = await ok(['get', 'deploy', 'nginx', '-o', 'jsonpath={.metadata.labels.tier} {.metadata.annotations.note} {.spec.replicas} {.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].ports[0].name}']);
      assert.equal(out, 'web hello 3 nginx:1.28 http');
      assert.equal(await ok(['get', 'svc', 'nginx', '-o', 'jsonpath={.metadata.labels.m} {.metadata.annotations.j}']), '1 2');
    });

    test('replace without a resourceVersion writes over the current version, as upstream allows', async () => {
      await ok(['create', 'configmap', 'plain', '--from-literal=a=1']);
      const replaced = (rv?: string) => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'plain', resourceVersion: rv }, data: { a: '2' } });
      // --raw PUTs the body as it is (plain `replace` would fill in the current resourceVersion itself).
      await ok(['replace', '--raw', '/api/v1/namespaces/default/configmaps/plain', '-f', '-'], replaced());
      assert.equal(await ok(['get', 'cm', 'plain', '-o', 'jsonpath={.data.a}']), '2');
      const conflict = await k(['replace', '--raw', '/api/v1/namespaces/default/configmaps/plain', '-f', '-'], replaced('1'));
      assert.match(conflict.stderr, /Operation cannot be fulfilled on configmaps "plain": the object has been modified; please apply your changes to the latest version and try again/);
    });

    test('create generators: service, deployment, namespace', async () => {
      assert.match(await ok(['create', 'service', 'clusterip', 'nginx-service', '--tcp=80:80']), /service\/nginx-service created/);
      assert.match(await ok(['create', 'deployment', 'web', '--image=nginx', '--replicas=2', '--port=80']), /deployment.apps\/web created/);
      assert.match(await ok(['create', 'namespace', 'team-a']), /namespace\/team-a created/);
      const svc = JSON.parse(await ok(['get', 'svc', 'nginx-service', '-o', 'json'])) as { spec: { ports: Array<{ port: number; targetPort: number; name: string }>; selector: Record<string, string>; clusterIP: string } };
      assert.deepEqual(svc.spec.ports.map((p) => [p.name, p.port, p.targetPort]), [['80-80', 80, 80]]);
      assert.deepEqual(svc.spec.selector, { app: 'nginx-service' });
      assert.match(svc.spec.clusterIP, /^10\./);
    });

    test('api-resources, api-versions, explain', async () => {
      const resources = await ok(['api-resources']);
      assert.match(resources, /services\s+svc\s+v1\s+true\s+Service/);
      assert.match(resources, /deployments\s+deploy\s+apps\/v1\s+true\s+Deployment/);
      assert.match(resources, /endpointslices\s+discovery.k8s.io\/v1\s+true\s+EndpointSlice/);
      const versions = await ok(['api-versions']);
      assert.match(versions, /^apps\/v1$/m);
      assert.match(versions, /^v1$/m);
      const explain = await ok(['explain', 'service.spec']);
      assert.match(explain, /KIND:\s+Service/);
      assert.match(explain, /clusterIP/);
    });

    test('auth can-i (one, --list) and auth whoami: the admin may do anything', async () => {
      // kubectl 1.32+ sends these reviews in protobuf, 1.27 in JSON.
      assert.equal((await ok(['auth', 'can-i', 'create', 'services'])).trim(), 'yes');
      assert.equal((await ok(['auth', 'can-i', 'delete', 'deployments.apps', '-n', 'kube-system'])).trim(), 'yes');
      assert.equal((await ok(['auth', 'can-i', 'get', '/healthz'])).trim(), 'yes');
      assert.match(await ok(['auth', 'can-i', '--list']), /^\*\.\*\s+\[\]\s+\[\]\s+\[\*\]$/m);
      const whoami = await k(['auth', 'whoami']);
      if (version === '1.27') {
        // kubectl 1.27 knows only v1alpha1/v1beta1 SelfSubjectReview, which 1.33 no longer serves.
        assert.match(whoami.stderr, /the selfsubjectreviews API is not enabled in the cluster/);
      } else assert.match(whoami.stdout, /Username\s+kubernetes-admin\nGroups\s+\[system:masters system:authenticated\]/);
    });

    test('apply --server-side', async () => {
      const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  a: "1"\n';
      assert.match(await ok(['apply', '--server-side', '-f', '-'], cm), /configmap\/ssa serverside-applied/);
      assert.match(await ok(['apply', '--server-side', '-f', '-'], cm.replace('"1"', '"2"')), /configmap\/ssa serverside-applied/);
      const managed = await ok(['get', 'cm', 'ssa', '--show-managed-fields', '-o', 'jsonpath={.metadata.managedFields[0].manager} {.metadata.managedFields[0].operation} {.data.a}']);
      assert.equal(managed, 'kubectl Apply 2');
      // Another manager changing an applied field conflicts unless forced.
      const conflict = await k(['apply', '--server-side', '--field-manager=other', '-f', '-'], cm.replace('"1"', '"3"'));
      assert.notEqual(conflict.code, 0);
      assert.match(conflict.stderr, /conflict with "kubectl"/);
      assert.match(await ok(['apply', '--server-side', '--field-manager=other', '--force-conflicts', '-f', '-'], cm.replace('"1"', '"3"')), /serverside-applied/);
    });

    // With the default kubectl only: the server's part is the same for all three (handlers/patch.test.ts).
    if (version === '1.32') test('client-side to server-side apply: kubectl moves the fields to its apply manager; a stale --resource-version conflicts', async () => {
      const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: csa\ndata:\n  a: "1"\n';
      await ok(['apply', '-f', '-'], cm);
      // kubectl's managedFields patch (conditional on the resourceVersion it read) must be stored.
      await ok(['apply', '--server-side', '-f', '-'], cm.replace('"1"', '"2"'));
      const managers = await ok(['get', 'cm', 'csa', '--show-managed-fields', '-o', 'jsonpath={.metadata.managedFields[*].manager}']);
      assert.deepEqual(managers.split(' ').sort(), ['kubectl', 'kubectl-last-applied']);
      const stale = await k(['label', 'cm', 'csa', 'x=1', '--resource-version=1']);
      assert.match(stale.stderr, /Operation cannot be fulfilled on configmaps "csa": the object has been modified/);
    });

    test('a pod takes a new image but no other spec change, as ValidatePodUpdate allows', async () => {
      const pod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: fixed\nspec:\n  restartPolicy: Never\n  containers:\n  - name: c\n    image: busybox\n    command: ["sleep", "3600"]\n';
      assert.match(await ok(['apply', '-f', '-'], pod), /pod\/fixed created/);
      assert.match(await ok(['apply', '-f', '-'], pod.replace('image: busybox', 'image: busybox:1.36')), /pod\/fixed configured/);
      const changed = await k(['apply', '-f', '-'], pod.replace('"3600"', '"10"'));
      assert.notEqual(changed.code, 0);
      assert.match(changed.stderr, /The Pod "fixed" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers\[\*\].image`/);
      assert.match(changed.stderr, /containers\[0\]\.command\[1\]: "3600"/);
      const added = await k(['apply', '-f', '-'], `${pod}  - name: d\n    image: nginx\n`);
      assert.match(added.stderr, /spec.containers: Forbidden: pod updates may not add or remove containers/);
      assert.equal(await ok(['get', 'pod', 'fixed', '-o', 'jsonpath={.spec.containers[0].command[1]} {.spec.containers[0].image}']), '3600 busybox:1.36');
      assert.match(await ok(['delete', 'pod', 'fixed', '--grace-period=0', '--force']), /pod "fixed" force deleted/);
    });

    test('delete, also --cascade=foreground', async () => {
      assert.match(await ok(['delete', 'svc', 'nginx-service']), /service "nginx-service" deleted/);
      assert.match(await ok(['delete', 'deploy', 'web', '--cascade=foreground']), /deployment.apps "web" deleted/);
      const gone = await k(['get', 'deploy', 'web']);
      assert.notEqual(gone.code, 0);
      assert.match(gone.stderr, /NotFound.*deployments.apps "web" not found/);
    });

    test('every namespace has its default ServiceAccount; a pod runs as it', async () => {
      await ok(['create', 'namespace', 'team-sa']);
      const table = await waitFor('the default ServiceAccount of team-sa', async () => {
        const out = await ok(['get', 'serviceaccounts', '-n', 'team-sa']);
        return out.includes('default') ? out : undefined;
      });
      assert.match(table, /^NAME\s+SECRETS\s+AGE\ndefault\s+0\s+\S+\n$/);
      assert.match(await ok(['get', 'sa', 'default', '-n', 'default', '-o', 'name']), /^serviceaccount\/default\n$/);
      await ok(['run', 'sa-pod', '-n', 'team-sa', '--image=busybox', '--restart=Never', '--', 'true']);
      assert.equal(await ok(['get', 'pod', 'sa-pod', '-n', 'team-sa', '-o', 'jsonpath={.spec.serviceAccountName} {.spec.serviceAccount}']), 'default default');
      // Deleted, it comes back.
      await ok(['delete', 'sa', 'default', '-n', 'team-sa']);
      await waitFor('the default ServiceAccount again', async () => ((await k(['get', 'sa', 'default', '-n', 'team-sa'])).code === 0 ? true : undefined));
      await ok(['delete', 'namespace', 'team-sa', '--wait=false']);
    });

    test('delete --cascade=orphan: the Deployment goes, its ReplicaSet stays without an owner', async () => {
      assert.match(await ok(['create', 'deployment', 'orph', '--image=busybox', '--replicas=0']), /deployment.apps\/orph created/);
      const rs = await waitFor('the ReplicaSet of deployment orph', async () => (await ok(['get', 'rs', '-l', 'app=orph', '-o', 'jsonpath={.items[0].metadata.name}'])) || undefined);
      // kubectl waits until the Deployment is gone: the garbage collector must orphan the
      // ReplicaSet, then take its `orphan` finalizer off the Deployment.
      assert.match(await ok(['delete', 'deploy', 'orph', '--cascade=orphan', '--timeout=20s']), /deployment.apps "orph" deleted/);
      assert.notEqual((await k(['get', 'deploy', 'orph'])).code, 0);
      assert.equal(await ok(['get', 'rs', rs, '-o', 'jsonpath={.metadata.ownerReferences}']), '');
      assert.match(await ok(['delete', 'rs', rs]), /deleted/);
    });

    // Once, with the newest kubectl: the server's side is what is checked.
    if (version === '1.33') {
      test('a ConfigMap naming a Deployment of another namespace as owner is collected, with an OwnerRefInvalidNamespace warning from garbage-collector-controller', async () => {
        await ok(['create', 'deployment', 'owner', '--image=busybox', '--replicas=0']);
        const uid = await ok(['get', 'deploy', 'owner', '-o', 'jsonpath={.metadata.uid}']);
        await ok(['create', '-f', '-'], `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: stray\n  namespace: kube-public\n  ownerReferences:\n  - {apiVersion: apps/v1, kind: Deployment, name: owner, uid: ${uid}}\n`);
        const event = await waitFor('the OwnerRefInvalidNamespace event', async () =>
          (await ok(['get', 'events', '-n', 'kube-public', '--field-selector', 'reason=OwnerRefInvalidNamespace', '-o', 'jsonpath={.items[0].source.component}|{.items[0].type}|{.items[0].message}'])) || undefined);
        assert.equal(event, `garbage-collector-controller|Warning|ownerRef [apps/v1/Deployment, namespace: kube-public, name: owner, uid: ${uid}] does not exist in namespace "kube-public"`);
        // Collected: its owner is not in its namespace.
        await waitFor('the stray ConfigMap collected', async () => ((await k(['get', 'configmap', 'stray', '-n', 'kube-public'])).code !== 0 ? true : undefined));
        await ok(['delete', 'deployment', 'owner']);
      });
    }

    test('kubectl wait with client-go\'s WatchListClient on (a watch with sendInitialEvents): 422 as kube-apiserver 1.33, so its reflector falls back to list and watch', async () => {
      await ok(['create', 'configmap', 'watchlist', '--from-literal=a=b']);
      const started = Date.now();
      const res = await cluster.kubectl(['wait', '--for=jsonpath={.data.a}=b', 'configmap/watchlist', '--timeout=20s'], { version, env: { KUBE_FEATURE_WatchListClient: 'true' } });
      assert.equal(res.code, 0, res.stderr);
      assert.match(res.stdout, /configmap\/watchlist condition met/);
      // Waiting for an initial-events-end bookmark that never comes would take the whole timeout.
      assert.ok(Date.now() - started < 15_000, `took ${Date.now() - started} ms`);
    });

    test('errors read as against a real cluster', async () => {
      const bad = await k(['apply', '-f', '-'], 'apiVersion: v1\nkind: Service\nmetadata:\n  name: Bad_Name\nspec:\n  ports:\n  - port: 80\n');
      assert.notEqual(bad.code, 0);
      assert.match(bad.stderr, /Service "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name"/);
      const unknown = await k(['apply', '-f', '-'], 'apiVersion: v1\nkind: Service\nmetadata:\n  name: strict\nspec:\n  portz: 1\n  ports:\n  - port: 80\n');
      assert.notEqual(unknown.code, 0);
      assert.match(unknown.stderr, /unknown field "spec.portz"/);
      const kind = await k(['apply', '-f', '-'], 'apiVersion: v1\nkind: Servicez\nmetadata:\n  name: x\n');
      assert.notEqual(kind.code, 0);
      assert.match(kind.stderr, /no matches for kind "Servicez" in version "v1"/);
      const yaml = await k(['apply', '-f', '-'], 'apiVersion: v1\nkind: Service\nmetadata:\n  name: [unclosed\n');
      assert.notEqual(yaml.code, 0);
      const missing = await k(['get', 'svc', 'nope']);
      assert.match(missing.stderr, /Error from server \(NotFound\): services "nope" not found/);
      const port = await k(['create', 'service', 'clusterip', 'badport', '--tcp=0:80']);
      assert.notEqual(port.code, 0);
    });

    test('a Deployment whose selector misses its template, or a Pod without an image, is refused as kube-apiserver refuses it', async () => {
      const deploy = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nspec:\n  selector:\n    matchLabels:\n      app: x\n  template:\n    metadata:\n      labels:\n        app: other\n    spec:\n      containers:\n      - name: c\n        image: busybox\n';
      const bad = await k(['create', '-f', '-'], deploy);
      assert.notEqual(bad.code, 0);
      assert.equal(bad.stderr, 'The Deployment "x" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"other"}: `selector` does not match template `labels`\n');
      assert.notEqual((await k(['get', 'deploy', 'x'])).code, 0);
      const pod = await k(['create', '-f', '-'], 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: noimage\nspec:\n  containers:\n  - name: c\n    ports:\n    - containerPort: 70000\n');
      assert.notEqual(pod.code, 0);
      assert.equal(pod.stderr, 'The Pod "noimage" is invalid: \n* spec.containers[0].image: Required value\n* spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive\n');
    });

    test('ConfigMaps, Secrets, Leases and container resources are refused as kube-apiserver refuses them', async () => {
      const cm = await k(['create', '-f', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: badkey\ndata:\n  "a b": "1"\n');
      assert.equal(
        cm.stderr,
        'The ConfigMap "badkey" is invalid: data[a b]: Invalid value: "a b": a valid config key must consist of alphanumeric characters, \'-\', \'_\' or \'.\' (e.g. \'key.name\',  or \'KEY_NAME\',  or \'key-name\', regex used for validation is \'[-._a-zA-Z0-9]+\')\n',
      );
      await ok(['create', 'configmap', 'frozen', '--from-literal=a=1']);
      await ok(['patch', 'configmap', 'frozen', '-p', '{"immutable":true}']);
      const thaw = await k(['patch', 'configmap', 'frozen', '-p', '{"data":{"a":"2"}}']);
      assert.equal(thaw.stderr, 'The ConfigMap "frozen" is invalid: data: Forbidden: field is immutable when `immutable` is set\n');
      // stringData is written into data, and the type defaults to Opaque.
      await ok(['apply', '-f', '-'], 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: plain\nstringData:\n  user: admin\n');
      assert.equal(await ok(['get', 'secret', 'plain', '-o', 'jsonpath={.type} {.data.user} {.stringData}']), `Opaque ${Buffer.from('admin').toString('base64')} `);
      const tls = await k(['create', '-f', '-'], 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: tls\ntype: kubernetes.io/tls\ndata:\n  tls.crt: ""\n');
      assert.equal(tls.stderr, 'The Secret "tls" is invalid: data[tls.key]: Required value\n');
      const lease = await k(['create', '-f', '-'], 'apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata:\n  name: l\nspec:\n  leaseDurationSeconds: 0\n');
      assert.equal(lease.stderr, 'The Lease "l" is invalid: spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0\n');
      const greedy = await k(['run', 'greedy', '--image=busybox', '--overrides', '{"spec":{"containers":[{"name":"greedy","image":"busybox","resources":{"requests":{"cpu":"2"},"limits":{"cpu":"1"}}}]}}']);
      assert.equal(greedy.stderr, 'The Pod "greedy" is invalid: spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1\n');
      // Quantities are stored as resource.Quantity prints them (SetDefaults_ResourceList).
      const modest = await ok(['run', 'modest', '--image=busybox', '--dry-run=server', '-o', 'jsonpath={.spec.containers[0].resources}', '--overrides', '{"spec":{"containers":[{"name":"modest","image":"busybox","resources":{"requests":{"cpu":"0.5","memory":"1024Mi"}}}]}}']);
      assert.deepEqual(JSON.parse(modest), { requests: { cpu: '500m', memory: '1Gi' } });
    });
  });
}
