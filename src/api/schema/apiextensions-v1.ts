/**
 * @module Definitions: apiextensions.k8s.io/v1 CustomResourceDefinition, served read-only and
 * empty (kubito has no custom resources yet; kubectl lists CRDs to explain an unknown kind).
 * The spec and status are kept opaque rather than typed field by field.
 */
import type { Definitions } from './types.js';
import { arr, gvk, obj, ref, typeMeta } from './builders.js';
import { META } from './names.js';

const APIEXTENSIONS = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.';

export const APIEXTENSIONS_V1_DEFINITIONS: Definitions = {
  [`${APIEXTENSIONS}CustomResourceDefinition`]: obj('CustomResourceDefinition represents a resource that should be exposed on the API server.  Its name MUST be in the format <.spec.name>.<.spec.group>.', {
    ...typeMeta(),
    metadata: ref(META + 'ObjectMeta', 'Standard object\'s metadata More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata'),
    spec: { type: 'object', description: 'spec describes how the user wants the resources to appear', 'x-kubernetes-preserve-unknown-fields': true },
    status: { type: 'object', description: 'status indicates the actual state of the CustomResourceDefinition', 'x-kubernetes-preserve-unknown-fields': true },
  }, { required: ['spec'], gvk: gvk('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition') }),
  [`${APIEXTENSIONS}CustomResourceDefinitionList`]: obj('CustomResourceDefinitionList is a list of CustomResourceDefinition objects.', {
    ...typeMeta(),
    items: arr(ref(`${APIEXTENSIONS}CustomResourceDefinition`), 'items list individual CustomResourceDefinition objects'),
    metadata: ref(META + 'ListMeta', 'Standard object\'s metadata More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata'),
  }, { required: ['items'], gvk: gvk('apiextensions.k8s.io', 'v1', 'CustomResourceDefinitionList') }),
};
