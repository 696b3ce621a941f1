import assert from 'node:assert/strict';
import { test } from 'node:test';
import { entriesOf, mergeEntries, parseKubeconfig, removeEntries, stringifyKubeconfig } from './edit.js';
import { isKubeconfigError } from './errors.js';
import { renderKubeconfig } from './render.js';

const CA = '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n';
const CA_B64 = Buffer.from(CA).toString('base64');

// What kubectl leaves behind after `kind create cluster` and some hand edits.
const EXISTING = `# my clusters
apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: OLD
    server: https://127.0.0.1:1111
  name: kubito-dev
- cluster:
    server: https://prod.example:6443   # production!
    insecure-skip-tls-verify: true
  name: prod
contexts:
- context:
    cluster: prod
    user: admin
  name: prod
current-context: prod
kind: Config
preferences:
  colors: true
users:
- name: admin
  user:
    token: 012345
- name: kubito-dev
  user:
    token: old
`;

function merged(existing: string, name = 'dev'): string {
  const doc = parseKubeconfig(existing);
  mergeEntries(doc, entriesOf(renderKubeconfig({ name, server: 'https://127.0.0.1:6443', caCertPem: CA, token: 'new' })));
  return stringifyKubeconfig(doc);
}

test('merge replaces same-named entries in place, appends new ones, keeps the rest verbatim', () => {
  assert.equal(
    merged(EXISTING),
    `# my clusters
apiVersion: v1
clusters:
- name: kubito-dev
  cluster:
    certificate-authority-data: ${CA_B64}
    server: https://127.0.0.1:6443
- cluster:
    server: https://prod.example:6443 # production!
    insecure-skip-tls-verify: true
  name: prod
contexts:
- context:
    cluster: prod
    user: admin
  name: prod
- name: kubito-dev
  context:
    cluster: kubito-dev
    user: kubito-dev
current-context: kubito-dev
kind: Config
preferences:
  colors: true
users:
- name: admin
  user:
    token: 012345
- name: kubito-dev
  user:
    token: new
`,
  );
});

test('merge into nothing makes a whole kubeconfig; merging twice changes nothing more', () => {
  const once = merged('');
  assert.deepEqual(parseKubeconfig(once).toJS(), {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'kubito-dev', cluster: { 'certificate-authority-data': CA_B64, server: 'https://127.0.0.1:6443' } }],
    users: [{ name: 'kubito-dev', user: { token: 'new' } }],
    contexts: [{ name: 'kubito-dev', context: { cluster: 'kubito-dev', user: 'kubito-dev' } }],
    'current-context': 'kubito-dev',
    preferences: {},
  });
  assert.equal(once, renderKubeconfig({ name: 'dev', server: 'https://127.0.0.1:6443', caCertPem: CA, token: 'new' }));
  assert.equal(merged(once), once);
  assert.equal(merged('# only a comment\n').startsWith('# only a comment\n'), true);
});

test('null and empty flow sections become block lists', () => {
  const text = merged('apiVersion: v1\nkind: Config\nclusters: null\nusers: []\ncontexts:\n');
  assert.match(text, /^clusters:\n- name: kubito-dev\n/m);
  assert.match(text, /^users:\n- name: kubito-dev\n/m);
  assert.match(text, /^contexts:\n- name: kubito-dev\n/m);
});

test('two kubito clusters live side by side', () => {
  const both = merged(merged(''), 'other');
  const config = parseKubeconfig(both).toJS() as { clusters: { name: string }[]; 'current-context': string };
  assert.deepEqual(config.clusters.map((c) => c.name), ['kubito-dev', 'kubito-other']);
  assert.equal(config['current-context'], 'kubito-other');
});

test('remove takes out the three entries and current-context when it pointed there', () => {
  const doc = parseKubeconfig(merged(EXISTING));
  assert.equal(removeEntries(doc, 'kubito-dev'), true);
  assert.equal(
    stringifyKubeconfig(doc),
    `# my clusters
apiVersion: v1
clusters:
- cluster:
    server: https://prod.example:6443 # production!
    insecure-skip-tls-verify: true
  name: prod
contexts:
- context:
    cluster: prod
    user: admin
  name: prod
kind: Config
preferences:
  colors: true
users:
- name: admin
  user:
    token: 012345
`,
  );
  assert.equal(removeEntries(doc, 'kubito-dev'), false);
});

test('remove keeps a current-context that points elsewhere', () => {
  const doc = parseKubeconfig(EXISTING);
  assert.equal(removeEntries(doc, 'kubito-dev'), true);
  assert.equal(doc.get('current-context'), 'prod');
  assert.equal(removeEntries(parseKubeconfig(''), 'kubito-dev'), false);
});

test('text that is not a kubeconfig is refused, never reinterpreted', () => {
  const cases: [string, 'Unreadable' | 'Invalid'][] = [
    ['clusters: [\n', 'Unreadable'],
    ['a: 1\na: 2\n', 'Unreadable'],
    ['a: 1\n---\nb: 2\n', 'Unreadable'],
    ['- just\n- a list\n', 'Invalid'],
    ['just a string\n', 'Invalid'],
    ['clusters: {a: 1}\n', 'Invalid'],
    ['users: 3\n', 'Invalid'],
  ];
  for (const [text, code] of cases) assert.throws(() => parseKubeconfig(text), (err) => isKubeconfigError(err, code), text);
  assert.throws(() => entriesOf('clusters:\n- cluster: {}\n'), (err) => isKubeconfigError(err, 'Invalid'));
});
