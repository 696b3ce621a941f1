import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { encodeOpenAPIV2 } from './gnostic.js';
import { ProtoWriter, readFields, type ProtoField } from './protobuf.js';
import { openapiV2Document, renderedV2 } from './serve.js';

// Field numbers from gnostic's OpenAPIv2.proto, written out again here so that a wrong number in
// the encoder shows up as a failure rather than agreeing with itself.
const text = (f: ProtoField | undefined): string | undefined => f?.bytes?.toString('utf8');
const all = (buf: Buffer, field: number): ProtoField[] => readFields(buf).filter((f) => f.field === field);
const one = (buf: Buffer, field: number): ProtoField | undefined => all(buf, field)[0];
const sub = (buf: Buffer | undefined, field: number): Buffer | undefined => (buf ? one(buf, field)?.bytes : undefined);

/** NamedX entries of a map-like message: name (1) -> value (2). */
function named(buf: Buffer | undefined, field: number): Map<string, Buffer> {
  return new Map(buf ? all(buf, field).map((f) => [text(one(f.bytes as Buffer, 1)) as string, one(f.bytes as Buffer, 2)?.bytes ?? Buffer.alloc(0)]) : []);
}

function extensions(buf: Buffer, field: number): Map<string, unknown> {
  return new Map([...named(buf, field)].map(([name, any]) => [name, parse(text(one(any, 2)) ?? '')]));
}

const doc = renderedV2('protobuf').body;

test('the Document has the Swagger version and every definition', () => {
  assert.equal(text(one(doc, 1)), '2.0');
  assert.equal(text(one(sub(doc, 2) as Buffer, 1)), 'Kubernetes');
  const defs = named(sub(doc, 9), 1);
  assert.equal(defs.size, Object.keys(openapiV2Document().definitions).length);
  assert.ok(defs.has('io.k8s.api.core.v1.Service'));
});

test('schemas carry type, $ref, required and the patch extensions as YAML', () => {
  const defs = named(sub(doc, 9), 1);
  const spec = defs.get('io.k8s.api.core.v1.ServiceSpec') as Buffer;
  assert.deepEqual(all(sub(spec, 22) as Buffer, 1).map(text), ['object']);
  const ports = named(sub(spec, 25), 1).get('ports') as Buffer;
  assert.deepEqual(all(sub(ports, 22) as Buffer, 1).map(text), ['array']);
  const item = sub(sub(ports, 23), 1) as Buffer;
  assert.equal(text(one(item, 1)), '#/definitions/io.k8s.api.core.v1.ServicePort');
  const ext = extensions(ports, 31);
  assert.equal(ext.get('x-kubernetes-patch-merge-key'), 'port');
  assert.equal(ext.get('x-kubernetes-patch-strategy'), 'merge');
  assert.deepEqual(ext.get('x-kubernetes-list-map-keys'), ['port', 'protocol']);
  const port = defs.get('io.k8s.api.core.v1.ServicePort') as Buffer;
  assert.deepEqual(all(port, 19).map(text), ['port']);
  const labels = named(sub(defs.get('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'), 25), 1).get('labels') as Buffer;
  const values = sub(sub(labels, 21), 1) as Buffer;
  assert.deepEqual(all(sub(values, 22) as Buffer, 1).map(text), ['string']);
});

test('enum values are repeated Any (20) holding YAML, as gnostic writes them', () => {
  const defs = named(sub(doc, 9), 1);
  const protocol = named(sub(defs.get('io.k8s.api.core.v1.ServicePort'), 25), 1).get('protocol') as Buffer;
  assert.deepEqual(all(protocol, 20).map((f) => text(one(f.bytes as Buffer, 2))), ['SCTP\n', 'TCP\n', 'UDP\n']);
  const families = named(sub(defs.get('io.k8s.api.core.v1.ServiceSpec'), 25), 1).get('ipFamilies') as Buffer;
  const item = sub(sub(families, 23), 1) as Buffer;
  assert.deepEqual(all(item, 20).map((f) => text(one(f.bytes as Buffer, 2))), ['""\n', 'IPv4\n', 'IPv6\n']);
});

test('kubectl 1.27/1.28 find fieldValidation on the PATCH of each kind (supportsQueryParam)', () => {
  const paths = named(sub(doc, 8), 2);
  const supports = (gvk: { group: string; version: string; kind: string }): boolean => {
    for (const item of paths.values()) {
      const patch = sub(item, 8);
      if (!patch) continue;
      const found = extensions(patch, 13).get('x-kubernetes-group-version-kind') as Record<string, string> | undefined;
      if (!found || found.group !== gvk.group || found.version !== gvk.version || found.kind !== gvk.kind) continue;
      return all(patch, 8).some((p) => text(one(sub(sub(sub(p.bytes, 1), 2), 3) as Buffer ?? Buffer.alloc(0), 4)) === 'fieldValidation');
    }
    return false;
  };
  assert.equal(supports({ group: '', version: 'v1', kind: 'Service' }), true);
  assert.equal(supports({ group: 'apps', version: 'v1', kind: 'Deployment' }), true);
  assert.equal(supports({ group: 'autoscaling', version: 'v1', kind: 'Scale' }), true);
  assert.equal(supports({ group: 'batch', version: 'v1', kind: 'Job' }), false);
});

test('path parameters, body parameters and responses are encoded in their oneofs', () => {
  const item = named(sub(doc, 8), 2).get('/api/v1/namespaces/{namespace}/services/{name}') as Buffer;
  const pathParams = all(item, 9).map((p) => sub(sub(sub(p.bytes, 1), 2), 4)).filter((b): b is Buffer => !!b);
  assert.deepEqual(pathParams.map((b) => text(one(b, 4))), ['name']); // namespace is shared: a $ref
  assert.equal(readFields(pathParams[0]).find((f) => f.field === 1)?.value, 1, 'required');
  const refs = all(item, 9).map((p) => sub(p.bytes, 2)).filter((b): b is Buffer => !!b).map((b) => text(one(b, 1)));
  assert.deepEqual(refs, ['#/parameters/namespace-vgWSWtn3', '#/parameters/pretty-tJGM1-ng']);
  const put = sub(item, 3) as Buffer;
  const body = sub(sub(all(put, 8)[0].bytes, 1), 1) as Buffer;
  assert.equal(text(one(body, 3)), 'body');
  assert.equal(text(one(sub(body, 5) as Buffer, 1)), '#/definitions/io.k8s.api.core.v1.Service');
  const responses = named(sub(put, 9), 1);
  assert.deepEqual([...responses.keys()], ['200', '201', '401']);
  const ok = sub(responses.get('200'), 1) as Buffer;
  assert.equal(text(one(ok, 1)), 'OK');
  assert.equal(text(one(sub(sub(ok, 2), 1) as Buffer, 1)), '#/definitions/io.k8s.api.core.v1.Service');
});

test('the writer omits proto3 zero values and encodes multi-byte varints', () => {
  assert.equal(new ProtoWriter().string(1, '').bool(2, false).strings(3, []).finish().length, 0);
  const big = 'x'.repeat(300);
  const fields = readFields(new ProtoWriter().string(5, big).bool(6, true).finish());
  assert.deepEqual(fields.map((f) => [f.field, f.wireType]), [[5, 2], [6, 0]]);
  assert.equal(fields[0].bytes?.toString(), big);
  assert.throws(() => encodeOpenAPIV2({ paths: { '/x': { get: { parameters: [{ in: 'formData', name: 'f' }] } } } }), /unsupported parameter/);
});

test('the shared parameters (10), the security requirement (12) and the BearerToken scheme (13) are encoded', () => {
  const params = named(sub(doc, 10), 1);
  assert.equal(params.size, Object.keys(openapiV2Document().parameters).length);
  const pretty = params.get('pretty-tJGM1-ng') as Buffer;
  const query = sub(sub(pretty, 2), 3) as Buffer; // Parameter.non_body_parameter.query_parameter_sub_schema
  assert.equal(text(one(query, 4)), 'pretty');
  assert.equal(text(one(query, 2)), 'query');
  const body = sub(params.get('body-78PwaGsr'), 1) as Buffer; // Parameter.body_parameter
  assert.equal(text(one(sub(body, 5) as Buffer, 1)), '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch');
  const requirement = named(one(doc, 12)?.bytes, 1);
  assert.deepEqual([...requirement.keys()], ['BearerToken']);
  const scheme = sub(named(sub(doc, 13), 1).get('BearerToken'), 2) as Buffer; // ApiKeySecurity
  assert.deepEqual([1, 2, 3, 4].map((f) => text(one(scheme, f))), ['apiKey', 'authorization', 'header', 'Bearer Token authentication']);
});
