import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openapiV2Document, openapiV3Document } from './index.js';

// Expected shapes are upstream's, as kube-apiserver 1.33 serves them (OpenAPIEnums on, the
// default): kube-openapi writes IntOrString and Quantity with `oneOf` in v3 and `type` in v2,
// and an `+enum` field as `enum` plus the "Possible enum values" lines in its description.

const INT_OR_STRING_DESCRIPTION = 'IntOrString is a type that can hold an int32 or a string.  When used in JSON or YAML marshalling and unmarshalling, it produces or consumes the inner type.  This allows you to have, for example, a JSON field that can accept a name or number.';
const TARGET_PORT_DESCRIPTION = "Number or name of the port to access on the pods targeted by the service. Number must be in the range 1 to 65535. Name must be an IANA_SVC_NAME. If this is a string, it will be looked up as a named port in the target Pod's container ports. If this is not specified, the value of the 'port' field is used (an identity map). This field is ignored for services with clusterIP=None, and should be omitted or set equal to the 'port' field. More info: https://kubernetes.io/docs/concepts/services-networking/service/#defining-a-service";
const PROTOCOL = {
  default: 'TCP',
  description: 'The IP protocol for this port. Supports "TCP", "UDP", and "SCTP". Default is TCP.\n\nPossible enum values:\n - `"SCTP"` is the SCTP protocol.\n - `"TCP"` is the TCP protocol.\n - `"UDP"` is the UDP protocol.',
  enum: ['SCTP', 'TCP', 'UDP'],
  type: 'string',
};
const SESSION_AFFINITY = {
  description: 'Supports "ClientIP" and "None". Used to maintain session affinity. Enable client IP based session affinity. Must be ClientIP or None. Defaults to None. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies\n\nPossible enum values:\n - `"ClientIP"` is the Client IP based.\n - `"None"` - no session affinity.',
  enum: ['ClientIP', 'None'],
  type: 'string',
};

function v3Schemas(gv: string): Record<string, Record<string, unknown>> {
  const doc = openapiV3Document(gv);
  assert.ok(doc);
  return doc.components.schemas as Record<string, Record<string, unknown>>;
}

function props(schema: Record<string, unknown>): Record<string, unknown> {
  return schema.properties as Record<string, unknown>;
}

test('v3: IntOrString and Quantity are oneOf schemas without a type, as kube-openapi writes them', () => {
  const schemas = v3Schemas('api/v1');
  assert.deepEqual(schemas['io.k8s.apimachinery.pkg.util.intstr.IntOrString'], {
    description: INT_OR_STRING_DESCRIPTION,
    format: 'int-or-string',
    oneOf: [{ type: 'integer' }, { type: 'string' }],
  });
  const quantity = schemas['io.k8s.apimachinery.pkg.api.resource.Quantity'];
  assert.deepEqual(quantity.oneOf, [{ type: 'string' }, { type: 'number' }]);
  assert.equal(quantity.type, undefined);
  assert.equal(quantity.format, undefined);
});

test('v3: every IntOrString field refers to the definition through allOf with its own description', () => {
  const core = v3Schemas('api/v1');
  const ref = { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.util.intstr.IntOrString' };
  assert.deepEqual(props(core['io.k8s.api.core.v1.ServicePort']).targetPort, { allOf: [ref], description: TARGET_PORT_DESCRIPTION });
  assert.deepEqual((props(core['io.k8s.api.core.v1.HTTPGetAction']).port as Record<string, unknown>).allOf, [ref]);
  assert.deepEqual((props(core['io.k8s.api.core.v1.TCPSocketAction']).port as Record<string, unknown>).allOf, [ref]);
  const apps = v3Schemas('apis/apps/v1');
  const rolling = props(apps['io.k8s.api.apps.v1.RollingUpdateDeployment']);
  for (const field of ['maxSurge', 'maxUnavailable']) {
    const s = rolling[field] as Record<string, unknown>;
    assert.deepEqual(s.allOf, [ref], field);
    assert.match(s.description as string, /^The maximum number of pods that can be (scheduled above|unavailable during)/);
  }
});

test('v3: enum fields carry enum and the "Possible enum values" lines', () => {
  const core = v3Schemas('api/v1');
  assert.deepEqual(props(core['io.k8s.api.core.v1.ServicePort']).protocol, PROTOCOL);
  const spec = props(core['io.k8s.api.core.v1.ServiceSpec']);
  assert.deepEqual(spec.sessionAffinity, SESSION_AFFINITY);
  assert.deepEqual((spec.type as Record<string, unknown>).enum, ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort']);
  assert.match((spec.type as Record<string, unknown>).description as string, /service-types\n\nPossible enum values:\n - `"ClusterIP"` means a service will only be accessible inside the cluster, via the cluster IP\.\n/);
  assert.deepEqual((spec.externalTrafficPolicy as Record<string, unknown>).enum, ['Cluster', 'Local']);
  assert.deepEqual((spec.ipFamilyPolicy as Record<string, unknown>).enum, ['PreferDualStack', 'RequireDualStack', 'SingleStack']);
  assert.deepEqual(spec.ipFamilies, {
    description: (spec.ipFamilies as Record<string, unknown>).description,
    items: { default: '', enum: ['', 'IPv4', 'IPv6'], type: 'string' }, // list items get openapi-gen's zero default
    type: 'array',
    'x-kubernetes-list-type': 'atomic',
  });
  const deploymentStrategy = props(v3Schemas('apis/apps/v1')['io.k8s.api.apps.v1.DeploymentStrategy']);
  assert.deepEqual(deploymentStrategy.type, {
    description: 'Type of deployment. Can be "Recreate" or "RollingUpdate". Default is RollingUpdate.\n\nPossible enum values:\n - `"Recreate"` Kill all existing pods before creating new ones.\n - `"RollingUpdate"` Replace the old ReplicaSets by new one using rolling update i.e gradually scale down the old ReplicaSets and scale up the new one.',
    enum: ['Recreate', 'RollingUpdate'],
    type: 'string',
  });
});

test('v2: IntOrString keeps type string and format int-or-string; fields refer to it with $ref beside the description', () => {
  const defs = openapiV2Document().definitions as Record<string, Record<string, unknown>>;
  assert.deepEqual(defs['io.k8s.apimachinery.pkg.util.intstr.IntOrString'], { description: INT_OR_STRING_DESCRIPTION, format: 'int-or-string', type: 'string' });
  assert.equal(defs['io.k8s.apimachinery.pkg.api.resource.Quantity'].type, 'string');
  assert.equal(defs['io.k8s.apimachinery.pkg.api.resource.Quantity'].oneOf, undefined);
  assert.deepEqual(props(defs['io.k8s.api.core.v1.ServicePort']).targetPort, { $ref: '#/definitions/io.k8s.apimachinery.pkg.util.intstr.IntOrString', description: TARGET_PORT_DESCRIPTION });
  // kube-openapi's PruneDefaults: the v2 document carries no `default` (the v3 ones keep it).
  const { default: _tcp, ...protocolV2 } = PROTOCOL;
  assert.deepEqual(props(defs['io.k8s.api.core.v1.ServicePort']).protocol, protocolV2);
  assert.deepEqual(props(defs['io.k8s.api.core.v1.ServiceSpec']).sessionAffinity, SESSION_AFFINITY);
  assert.equal(JSON.stringify(defs).includes('"default"'), false);
});

test('v2 and v3: the security scheme, and the +union profiles with their x-kubernetes-unions', () => {
  const v2 = openapiV2Document();
  const scheme = { description: 'Bearer Token authentication', in: 'header', name: 'authorization', type: 'apiKey' };
  assert.deepEqual(v2.securityDefinitions, { BearerToken: scheme });
  assert.deepEqual(v2.security, [{ BearerToken: [] }]);
  assert.deepEqual(openapiV3Document('api/v1')?.components.securitySchemes, { BearerToken: scheme });
  assert.equal('security' in (openapiV3Document('api/v1') ?? {}), false, 'builder3 sets no top-level security');
  const union = [{ discriminator: 'type', 'fields-to-discriminateBy': { localhostProfile: 'LocalhostProfile' } }];
  const defs = v2.definitions as Record<string, Record<string, unknown>>;
  const schemas = v3Schemas('api/v1');
  for (const name of ['io.k8s.api.core.v1.AppArmorProfile', 'io.k8s.api.core.v1.SeccompProfile']) {
    assert.deepEqual(defs[name]['x-kubernetes-unions'], union, name);
    assert.deepEqual(schemas[name]['x-kubernetes-unions'], union, name);
  }
});

test('v3 carries openapi-gen\'s defaults, and a defaulted reference is wrapped in allOf as kube-openapi writes it', () => {
  const core = v3Schemas('api/v1');
  assert.deepEqual(props(core['io.k8s.api.core.v1.Pod']).spec, {
    allOf: [{ $ref: '#/components/schemas/io.k8s.api.core.v1.PodSpec' }],
    default: {},
    description: 'Specification of the desired behavior of the pod. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status',
  });
  const containers = props(core['io.k8s.api.core.v1.PodSpec']).containers as Record<string, unknown>;
  assert.deepEqual(containers.items, { allOf: [{ $ref: '#/components/schemas/io.k8s.api.core.v1.Container' }], default: {} });
  const labels = props(core['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']).labels as Record<string, unknown>;
  assert.deepEqual(labels.additionalProperties, { default: '', type: 'string' });
  assert.deepEqual(props(core['io.k8s.api.core.v1.ServicePort']).protocol, PROTOCOL);
  assert.equal((props(core['io.k8s.api.core.v1.ServicePort']).port as Record<string, unknown>).default, 0);
  // Types with their own UnmarshalJSON get none (kube-openapi since 2023, so 1.29+).
  assert.equal('default' in (props(core['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']).creationTimestamp as object), false);
  assert.equal('default' in (props(core['io.k8s.api.core.v1.ServicePort']).targetPort as object), false);
});
