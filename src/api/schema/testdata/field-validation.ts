/**
 * @module The invalid Deployment of upstream's TestFieldValidation
 * (test/integration/apiserver/field_validation_test.go, invalidBodyJSON) and the strict errors
 * kube-apiserver reports for it on create and update: shared by the schema walk's tests and the
 * handler's.
 */

/** invalidBodyJSON: a repeated name, unknown fields at three depths, repeated known fields. */
export function invalidDeployment(name: string): string {
  return `{
  "apiVersion": "apps/v1",
  "kind": "Deployment",
  "metadata": {"name": "dupename", "name": "${name}", "labels": {"app": "nginx"}, "unknownMeta": "metaVal"},
  "spec": {
    "unknown1": "val1",
    "unknownDupe": "valDupe",
    "unknownDupe": "valDupe2",
    "paused": true,
    "paused": false,
    "selector": {"matchLabels": {"app": "nginx"}},
    "template": {
      "metadata": {"labels": {"app": "nginx"}},
      "spec": {"containers": [{"name": "nginx", "image": "nginx:latest", "unknownNested": "val1", "imagePullPolicy": "Always", "imagePullPolicy": "Never"}]}
    }
  }
}`;
}

/** post-strict-validation's list: in document order, a field both unknown and repeated only unknown. */
export const INVALID_DEPLOYMENT_ERRORS = [
  'duplicate field "metadata.name"',
  'unknown field "metadata.unknownMeta"',
  'unknown field "spec.unknown1"',
  'unknown field "spec.unknownDupe"',
  'duplicate field "spec.paused"',
  'unknown field "spec.template.spec.containers[0].unknownNested"',
  'duplicate field "spec.template.spec.containers[0].imagePullPolicy"',
];
