import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ImagePullError, imageArgv, imageUid, parseImageRef, planImage, type HostTools } from './images.js';

const tools: HostTools = {
  nginx: '/usr/sbin/nginx',
  busybox: '/usr/bin/busybox',
  busyboxBin: '/data/images/busybox/bin',
  agnhost: ['/usr/bin/node', '/k/agnhost/main.js'],
  agnhostBin: '/data/images/agnhost/bin',
  applets: new Set(['sh', 'wget', 'sleep', 'nslookup']),
  exists: (p) => p === '/bin/sh' || p === '/bin/sleep',
};

test('image references normalize as the runtime shows them', () => {
  assert.equal(parseImageRef('nginx').normalized, 'docker.io/library/nginx:latest');
  assert.equal(parseImageRef('nginx:1.27').normalized, 'docker.io/library/nginx:1.27');
  assert.equal(parseImageRef('library/busybox:1.36').repository, 'docker.io/library/busybox');
  assert.equal(parseImageRef('bitnami/nginx').normalized, 'docker.io/bitnami/nginx:latest');
  assert.equal(parseImageRef('registry.k8s.io/e2e-test-images/agnhost:2.53').repository, 'registry.k8s.io/e2e-test-images/agnhost');
  assert.equal(parseImageRef('localhost:5000/app@sha256:abc').normalized, 'localhost:5000/app@sha256:abc');
  // Docker Hub with its registry named, as distribution's ParseNormalizedNamed reads it.
  assert.equal(parseImageRef('docker.io/busybox:1.36').normalized, 'docker.io/library/busybox:1.36');
  assert.equal(parseImageRef('index.docker.io/library/nginx').normalized, 'docker.io/library/nginx:latest');
  assert.equal(parseImageRef('docker.io/bitnami/nginx').repository, 'docker.io/bitnami/nginx');
  assert.equal(planImage({ image: 'docker.io/nginx' }, tools).kind, 'nginx');
});

test('nginx without command: the generated server on its TCP ports, stopped with SIGQUIT', () => {
  const plan = planImage({ image: 'nginx:1.27', ports: [{ containerPort: 8080 }, { containerPort: 53, protocol: 'UDP' }] }, tools);
  assert.deepEqual(plan.nginx, { ports: [8080] });
  assert.equal(plan.stopSignal, 'SIGQUIT');
  assert.equal(plan.kind, 'nginx');
});

test('busybox: sh by default, applets first on PATH, absolute applet paths are busybox', () => {
  assert.deepEqual(planImage({ image: 'busybox' }, tools).argv, ['sh']);
  const wget = planImage({ image: 'busybox', command: ['/bin/wget', '-qO-', '10.244.0.2'] }, tools);
  assert.deepEqual(wget.argv, ['/data/images/busybox/bin/wget', '-qO-', '10.244.0.2']);
  assert.match(wget.path, /^\/data\/images\/busybox\/bin:/);
  assert.deepEqual(planImage({ image: 'busybox', args: ['sleep', '3600'] }, tools).argv, ['sleep', '3600']);
  // The image's /bin/sh is busybox's, even where the host has its own.
  assert.deepEqual(planImage({ image: 'busybox', command: ['/bin/sh', '-c', 'true'] }, tools).argv, ['/data/images/busybox/bin/sh', '-c', 'true']);
  assert.deepEqual(planImage({ image: 'busybox', command: ['/opt/app'] }, tools).argv, ['/opt/app']);
});

test('imageArgv: outside busybox, only the applet paths the host lacks', () => {
  assert.deepEqual(imageArgv('agnhost', ['/bin/sh', '-c', 'true'], tools), ['/bin/sh', '-c', 'true']);
  assert.deepEqual(imageArgv('agnhost', ['/usr/bin/nslookup', 'x'], tools), ['/data/images/busybox/bin/nslookup', 'x']);
  assert.deepEqual(imageArgv('busybox', ['/bin/sleep', '1'], tools), ['/data/images/busybox/bin/sleep', '1']);
  assert.deepEqual(imageArgv('busybox', ['/bin/not-an-applet'], tools), ['/bin/not-an-applet']);
});

test('agnhost: args are the subcommand; /agnhost in a command is the built-in', () => {
  assert.deepEqual(planImage({ image: 'registry.k8s.io/e2e-test-images/agnhost:2.53', args: ['netexec', '--http-port=8080'] }, tools).argv, ['/usr/bin/node', '/k/agnhost/main.js', 'netexec', '--http-port=8080']);
  assert.deepEqual(planImage({ image: 'registry.k8s.io/e2e-test-images/agnhost:2.53', command: ['/agnhost', 'serve-hostname'] }, tools).argv, ['/usr/bin/node', '/k/agnhost/main.js', 'serve-hostname']);
  assert.deepEqual(planImage({ image: 'registry.k8s.io/pause:3.10' }, tools).argv, ['/usr/bin/node', '/k/agnhost/main.js', 'pause']);
});

test('serve_hostname (the Debug Services guide\'s backends): agnhost serve-hostname, its args the flags; the old busybox images are busybox', () => {
  const agnhost = ['/usr/bin/node', '/k/agnhost/main.js'];
  assert.deepEqual(planImage({ image: 'registry.k8s.io/serve_hostname' }, tools).argv, [...agnhost, 'serve-hostname']);
  assert.deepEqual(planImage({ image: 'k8s.gcr.io/serve_hostname:1.1', args: ['-udp', '-http=false'] }, tools).argv, [...agnhost, 'serve-hostname', '-udp', '-http=false']);
  assert.deepEqual(planImage({ image: 'gcr.io/google_containers/serve_hostname', command: ['/serve_hostname', '-port=8080'] }, tools).argv, [...agnhost, 'serve-hostname', '-port=8080']);
  assert.deepEqual(planImage({ image: 'registry.k8s.io/serve_hostname', command: ['sh', '-c', 'true'] }, tools).argv, ['sh', '-c', 'true']);
  for (const image of ['gcr.io/google-containers/busybox', 'registry.k8s.io/busybox:1.27.2', 'k8s.gcr.io/busybox']) assert.deepEqual(planImage({ image }, tools).argv, ['sh'], image);
});

test('curl images: busybox with the host\'s curl; curlimages/curl runs curl on args that are options or no command, as its entrypoint.sh', () => {
  const withCurl: HostTools = { ...tools, exists: (p) => p === '/usr/bin/curl' || tools.exists(p) };
  const curl = (args: string[], command?: string[]) => planImage({ image: 'curlimages/curl:8.11.0', args, command }, withCurl).argv;
  assert.deepEqual(curl([]), ['curl']);
  assert.deepEqual(curl(['-sS', 'http://web']), ['curl', '-sS', 'http://web']);
  assert.deepEqual(curl(['http://web']), ['curl', 'http://web']);
  assert.deepEqual(curl(['sleep', '3600']), ['sleep', '3600']);
  assert.deepEqual(curl(['curl', 'http://web']), ['curl', 'http://web']);
  assert.deepEqual(curl([], ['sh', '-c', 'curl web']), ['sh', '-c', 'curl web']);
  assert.deepEqual(planImage({ image: 'radial/busyboxplus:curl' }, withCurl).argv, ['sh']);
  assert.throws(() => planImage({ image: 'curlimages/curl' }, tools), /runs the host's curl, which is not installed; install curl/);
});

test('unknown images run only with a command; otherwise ErrImagePull says what to do', () => {
  assert.deepEqual(planImage({ image: 'python:3', command: ['python3', '-m', 'http.server'] }, tools).argv, ['python3', '-m', 'http.server']);
  assert.throws(() => planImage({ image: 'redis' }, tools), (err: unknown) => err instanceof ImagePullError && /^Failed to pull image "redis": kubito has no image docker\.io\/library\/redis; kubito runs host programs/.test(err.message));
  assert.throws(() => planImage({ image: 'nginx' }, { ...tools, nginx: undefined }), /install nginx-light/);
});

test('the images\' users: pause runs as 65535 (USER 65535:65535), the others as root', () => {
  assert.equal(imageUid('pause'), 65535);
  for (const kind of ['busybox', 'nginx', 'agnhost', 'command'] as const) assert.equal(imageUid(kind), 0);
});
