/** @module Tests for proxy ids and locations, with the cases of upstream's port_split_test.go and rest_test.go. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toStatusError } from '../../api/errors.js';
import {
  addressCheck,
  isGlobalUnicast,
  parseProxyId,
  pickEndpoint,
  podTarget,
  servicePortName,
  splitSchemeNamePort,
  type EndpointsView,
  type PodView,
} from './location.js';

test('splitSchemeNamePort: upstream TestSplitSchemeNamePort', () => {
  const valid: Array<[string, string, string, string]> = [
    ['aoeu:asdf', '', 'aoeu', 'asdf'],
    ['http:aoeu:asdf', 'http', 'aoeu', 'asdf'],
    ['https:aoeu:', 'https', 'aoeu', ''],
    ['https:aoeu:asdf', 'https', 'aoeu', 'asdf'],
    ['aoeu:', '', 'aoeu', ''],
    ['aoeu', '', 'aoeu', ''],
  ];
  for (const [id, scheme, name, port] of valid) assert.deepEqual(splitSchemeNamePort(id), { scheme, name, port }, id);
  for (const id of [':asdf', 'aoeu:asdf:htns', 'http::asdf', 'http::', '', 'a:b:c:d', 'ftp:a:1']) assert.equal(splitSchemeNamePort(id), undefined, id);
});

test('an invalid id is a 400 naming the kind', () => {
  const err = toStatusError(catchSync(() => parseProxyId('service', 'x:y:z')));
  assert.deepEqual([err.status.code, err.status.message], [400, 'invalid service request "x:y:z"']);
  assert.equal(toStatusError(catchSync(() => parseProxyId('pod', ':80'))).status.message, 'invalid pod request ":80"');
});

function catchSync(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  assert.fail('expected a throw');
}

async function catchAsync(p: Promise<unknown>): Promise<ReturnType<typeof toStatusError>> {
  try {
    await p;
  } catch (err) {
    return toStatusError(err);
  }
  assert.fail('expected a rejection');
}

const svc = { metadata: { name: 'foo' }, spec: { ports: [{ name: '', port: 80 }, { name: 'p', port: 93 }] } };

test('a Service port by number becomes its name; an unknown number is 503', () => {
  assert.equal(servicePortName(svc, '93'), 'p');
  assert.equal(servicePortName(svc, '80'), '');
  assert.equal(servicePortName(svc, 'p'), 'p');
  const err = toStatusError(catchSync(() => servicePortName(svc, '100')));
  assert.deepEqual([err.status.code, err.status.reason, err.status.message], [503, 'ServiceUnavailable', 'no service port 100 found for service "foo"']);
});

// rest_test.go TestServiceRegistryResourceLocation's shape: one subset, two ports, pods by targetRef.
const pods: Record<string, PodView> = {
  unnamed: { status: { podIPs: [{ ip: '1.2.3.4' }, { ip: '1.2.3.5' }] } },
  unnamed2: { status: { podIPs: [{ ip: '1.2.3.5' }] } },
};
const getPod = async (name: string): Promise<PodView | undefined> => pods[name];
const eps: EndpointsView = {
  subsets: [{ addresses: [{ ip: '1.2.3.4', targetRef: { kind: 'Pod', namespace: 'ns', name: 'unnamed' } }], ports: [{ name: '', port: 80 }, { name: 'p', port: 93 }] }],
};

function pick(e: EndpointsView, portName: string, id: string, scheme = '') {
  return pickEndpoint(e, { serviceName: 'foo', id, portName, scheme, valid: addressCheck('ns', getPod), random: () => 0 });
}

test('endpoint choice: the port by name, the scheme kept', async () => {
  assert.deepEqual(await pick(eps, '', 'foo'), { scheme: '', host: '1.2.3.4', port: 80 });
  assert.deepEqual(await pick(eps, 'p', 'foo:p'), { scheme: '', host: '1.2.3.4', port: 93 });
  assert.deepEqual(await pick(eps, 'p', 'https:foo:p', 'https'), { scheme: 'https', host: '1.2.3.4', port: 93 });
  const err = await catchAsync(pick(eps, 'q', 'foo:q'));
  assert.deepEqual([err.status.code, err.status.message], [503, 'no endpoints available for service "foo:q"']);
});

test('endpoint choice: no subsets names the Service; addresses upstream does not trust are skipped', async () => {
  const none = await catchAsync(pick({ subsets: [] }, '', 'foo:80'));
  assert.deepEqual([none.status.code, none.status.message], [503, 'no endpoints available for service "foo"']);
  const untrusted: EndpointsView = {
    subsets: [{
      addresses: [
        { ip: '9.9.9.9' },
        { ip: '1.2.3.6', targetRef: { kind: 'Pod', namespace: 'ns', name: 'unnamed' } },
        { ip: '1.2.3.5', targetRef: { kind: 'Pod', namespace: 'other', name: 'unnamed2' } },
        { ip: '1.2.3.4', targetRef: { kind: 'Pod', namespace: 'ns', name: 'gone' } },
      ],
      ports: [{ name: '', port: 80 }],
    }],
  };
  const err = await catchAsync(pick(untrusted, '', 'foo'));
  assert.equal(err.status.message, 'no endpoints available for service "foo"');
  untrusted.subsets![0].addresses!.push({ ip: '1.2.3.5', targetRef: { kind: 'Pod', namespace: 'ns', name: 'unnamed2' } });
  assert.deepEqual(await pick(untrusted, '', 'foo'), { scheme: '', host: '1.2.3.5', port: 80 });
});

test('endpoint choice is random over subsets and addresses, ready addresses only', async () => {
  const many: EndpointsView = {
    subsets: [
      { addresses: [], ports: [{ name: '', port: 1 }] },
      {
        addresses: [
          { ip: '1.2.3.4', targetRef: { namespace: 'ns', name: 'unnamed' } },
          { ip: '1.2.3.5', targetRef: { namespace: 'ns', name: 'unnamed2' } },
        ],
        ports: [{ name: '', port: 80 }],
      },
    ],
  };
  const seen = new Set<string>();
  for (const seed of [0, 1]) {
    const got = await pickEndpoint(many, { serviceName: 'foo', id: 'foo', portName: '', scheme: '', valid: addressCheck('ns', getPod), random: (n) => seed % n });
    seen.add(got.host);
  }
  assert.deepEqual([...seen].sort(), ['1.2.3.4', '1.2.3.5']);
});

test('pod location: the first pod IP, the given port or the first declared one', () => {
  const pod: PodView = { spec: { containers: [{}, { ports: [{ containerPort: 8080 }] }] }, status: { podIP: '10.244.0.7', podIPs: [{ ip: '10.244.0.7' }] } };
  assert.deepEqual(podTarget(pod, { scheme: '', name: 'p', port: '' }), { scheme: '', host: '10.244.0.7', port: 8080 });
  assert.deepEqual(podTarget(pod, { scheme: 'https', name: 'p', port: '443' }), { scheme: 'https', host: '10.244.0.7', port: 443 });
  assert.deepEqual(podTarget({ status: { podIPs: [{ ip: '10.244.0.7' }] } }, { scheme: '', name: 'p', port: '' }), { scheme: '', host: '10.244.0.7', port: 0 });
  for (const ips of [[], [{ ip: '127.0.0.1' }], [{ ip: '169.254.1.1' }], [{ ip: '0.0.0.0' }]]) {
    const err = toStatusError(catchSync(() => podTarget({ status: { podIPs: ips } }, { scheme: '', name: 'p', port: '80' })));
    assert.deepEqual([err.status.code, err.status.message], [400, 'address not allowed'], JSON.stringify(ips));
  }
  const named = toStatusError(catchSync(() => podTarget(pod, { scheme: '', name: 'p', port: 'http' })));
  assert.equal(named.status.code, 503);
});

test("isGlobalUnicast: Go's net.IP.IsGlobalUnicast", () => {
  for (const ip of ['10.244.0.5', '1.2.3.4', '192.168.1.1', '2001:db7::', '::ffff:10.1.2.3', '010.001.002.003']) assert.equal(isGlobalUnicast(ip), true, ip);
  for (const ip of ['', 'nginx', '127.0.0.1', '0.0.0.0', '255.255.255.255', '224.0.0.1', '169.254.169.254', '::', '::1', 'fe80::1', 'ff02::1', '::ffff:127.0.0.1']) {
    assert.equal(isGlobalUnicast(ip), false, ip);
  }
});

test('the address check wants a pod of the namespace that holds the address', async () => {
  const check = addressCheck('ns', getPod);
  assert.equal(await check({ ip: '1.2.3.4', targetRef: { namespace: 'ns', name: 'x' } }), false);
  assert.equal(await check({ ip: '1.2.3.5', targetRef: { namespace: 'ns', name: 'unnamed' } }), true);
  assert.equal(await check({ ip: '1.2.3.5', targetRef: { namespace: 'ns' } }), false);
});
