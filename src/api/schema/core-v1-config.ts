/**
 * @module Definitions: core/v1 ConfigMap, Secret, ServiceAccount, Event, and shared reference types.
 * Fields, types, list/patch extensions and descriptions follow upstream's OpenAPI (long
 * descriptions keep their first sentences).
 */
import type { Definitions } from './types.js';
import { arr, bool, bytes, gvk, int32, map, obj, ref, str, typeMeta } from './builders.js';
import { CORE, META } from './names.js';

export const CORE_V1_CONFIG_DEFINITIONS: Definitions = {
  'io.k8s.api.core.v1.ConfigMap': obj('ConfigMap holds configuration data for pods to consume.', {
    ...typeMeta(),
    binaryData: map(bytes(), 'BinaryData contains the binary data. Each key must consist of alphanumeric characters, \'-\', \'_\' or \'.\'. BinaryData can contain byte sequences that are not in the UTF-8 range. The keys stored in BinaryData must not overlap with the ones in the Data field, this is enforced during validation process. Using this field will require 1.10+ apiserver and kubelet.'),
    data: map(str(), 'Data contains the configuration data. Each key must consist of alphanumeric characters, \'-\', \'_\' or \'.\'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored in Data must not overlap with the keys in the BinaryData field, this is enforced during validation process.'),
    immutable: bool('Immutable, if set to true, ensures that data stored in the ConfigMap cannot be updated (only object metadata can be modified). If not set to true, the field can be modified at any time. Defaulted to nil.'),
    metadata: ref(META + 'ObjectMeta', 'Standard object\'s metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata'),
  }, { gvk: gvk('', 'v1', 'ConfigMap') }),
  'io.k8s.api.core.v1.ConfigMapList': obj('ConfigMapList is a resource containing a list of ConfigMap objects.', {
    ...typeMeta(),
    items: arr(ref(CORE + 'ConfigMap'), 'Items is the list of ConfigMaps.'),
    metadata: ref(META + 'ListMeta', 'More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata'),
  }, { required: ['items'], gvk: gvk('', 'v1', 'ConfigMapList') }),
  'io.k8s.api.core.v1.Event': obj('Event is a report of an event somewhere in the cluster.  Events have a limited retention time and triggers and messages may evolve with time.  Event consumers should not rely on the timing of an event with a given Reason reflecting a consistent underlying trigger, or the continued existence of events with that Reason.  Events should be treated as informative, best-effort, supplemental data.', {
    ...typeMeta(),
    action: str('What action was taken/failed regarding to the Regarding object.'),
    count: int32('The number of times this event has occurred.'),
    eventTime: ref(META + 'MicroTime', 'Time when this Event was first observed.'),
    firstTimestamp: ref(META + 'Time', 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)'),
    involvedObject: ref(CORE + 'ObjectReference', 'The object that this event is about.'),
    lastTimestamp: ref(META + 'Time', 'The time at which the most recent occurrence of this event was recorded.'),
    message: str('A human-readable description of the status of this operation.'),
    metadata: ref(META + 'ObjectMeta', 'Standard object\'s metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata'),
    reason: str('This should be a short, machine understandable string that gives the reason for the transition into the object\'s current status.'),
    related: ref(CORE + 'ObjectReference', 'Optional secondary object for more complex actions.'),
    reportingComponent: str('Name of the controller that emitted this Event, e.g. `kubernetes.io/kubelet`.'),
    reportingInstance: str('ID of the controller instance, e.g. `kubelet-xyzf`.'),
    series: ref(CORE + 'EventSeries', 'Data about the Event series this event represents or nil if it\'s a singleton Event.'),
    source: ref(CORE + 'EventSource', 'The component reporting this event. Should be a short machine understandable string.'),
    type: str('Type of this event (Normal, Warning), new types could be added in the future'),
  }, { required: ['metadata', 'involvedObject'], gvk: gvk('', 'v1', 'Event') }),
  'io.k8s.api.core.v1.EventList': obj('EventList is a list of events.', {
    ...typeMeta(),
    items: arr(ref(CORE + 'Event'), 'List of events'),
    metadata: ref(META + 'ListMeta', 'Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds'),
  }, { required: ['items'], gvk: gvk('', 'v1', 'EventList') }),
  'io.k8s.api.core.v1.EventSeries': obj('EventSeries contain information on series of events, i.e. thing that was/is happening continuously for some time.', {
    count: int32('Number of occurrences in this series up to the last heartbeat time'),
    lastObservedTime: ref(META + 'MicroTime', 'Time of the last occurrence observed'),
  }),
  'io.k8s.api.core.v1.EventSource': obj('EventSource contains information for an event.', {
    component: str('Component from which the event is generated.'),
    host: str('Node name on which the event is generated.'),
  }),
  'io.k8s.api.core.v1.LocalObjectReference': obj('LocalObjectReference contains enough information to let you locate the referenced object inside the same namespace.', {
    name: str('Name of the referent. This field is effectively required, but due to backwards compatibility is allowed to be empty. Instances of this type with an empty value here are almost certainly wrong. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#names'),
  }, { mapType: 'atomic' }),
  'io.k8s.api.core.v1.ObjectReference': obj('ObjectReference contains enough information to let you inspect or modify the referred object.', {
    apiVersion: str('API version of the referent.'),
    fieldPath: str('If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2].'),
    kind: str('Kind of the referent. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds'),
    name: str('Name of the referent. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#names'),
    namespace: str('Namespace of the referent. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/'),
    resourceVersion: str('Specific resourceVersion to which this reference is made, if any. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#concurrency-control-and-consistency'),
    uid: str('UID of the referent. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#uids'),
  }, { mapType: 'atomic' }),
  'io.k8s.api.core.v1.Secret': obj('Secret holds secret data of a certain type. The total bytes of the values in the Data field must be less than MaxSecretSize bytes.', {
    ...typeMeta(),
    data: map(bytes(), 'Data contains the secret data. Each key must consist of alphanumeric characters, \'-\', \'_\' or \'.\'. The serialized form of the secret data is a base64 encoded string, representing the arbitrary (possibly non-string) data value here. Described in https://tools.ietf.org/html/rfc4648#section-4'),
    immutable: bool('Immutable, if set to true, ensures that data stored in the Secret cannot be updated (only object metadata can be modified). If not set to true, the field can be modified at any time. Defaulted to nil.'),
    metadata: ref(META + 'ObjectMeta', 'Standard object\'s metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata'),
    stringData: map(str(), 'stringData allows specifying non-binary secret data in string form. It is provided as a write-only input field for convenience. All keys and values are merged into the data field on write, overwriting any existing values. The stringData field is never output when reading from the API.'),
    type: str('Used to facilitate programmatic handling of secret data. More info: https://kubernetes.io/docs/concepts/configuration/secret/#secret-types'),
  }, { gvk: gvk('', 'v1', 'Secret') }),
  'io.k8s.api.core.v1.SecretList': obj('SecretList is a list of Secret.', {
    ...typeMeta(),
    items: arr(ref(CORE + 'Secret'), 'Items is a list of secret objects. More info: https://kubernetes.io/docs/concepts/configuration/secret'),
    metadata: ref(META + 'ListMeta', 'Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds'),
  }, { required: ['items'], gvk: gvk('', 'v1', 'SecretList') }),
  'io.k8s.api.core.v1.ServiceAccount': obj('ServiceAccount binds together: * a name, understood by users, and perhaps by peripheral systems, for an identity * a principal that can be authenticated and authorized * a set of secrets', {
    ...typeMeta(),
    automountServiceAccountToken: bool('AutomountServiceAccountToken indicates whether pods running as this service account should have an API token automatically mounted. Can be overridden at the pod level.'),
    imagePullSecrets: arr(ref(CORE + 'LocalObjectReference'), 'ImagePullSecrets is a list of references to secrets in the same namespace to use for pulling any images in pods that reference this ServiceAccount. ImagePullSecrets are distinct from Secrets because Secrets can be mounted in the pod, but ImagePullSecrets are only accessed by the kubelet. More info: https://kubernetes.io/docs/concepts/containers/images/#specifying-imagepullsecrets-on-a-pod', { listType: 'atomic' }),
    metadata: ref(META + 'ObjectMeta', 'Standard object\'s metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata'),
    secrets: arr(ref(CORE + 'ObjectReference'), 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use. Pods are only limited to this list if this service account has a "kubernetes.io/enforce-mountable-secrets" annotation set to "true". The "kubernetes.io/enforce-mountable-secrets" annotation is deprecated since v1.32. Prefer separate namespaces to isolate access to mounted secrets. More info: https://kubernetes.io/docs/concepts/configuration/secret', { listType: 'map', mapKeys: ['name'], mergeKey: 'name', strategy: 'merge' }),
  }, { gvk: gvk('', 'v1', 'ServiceAccount') }),
  'io.k8s.api.core.v1.ServiceAccountList': obj('ServiceAccountList is a list of ServiceAccount objects', {
    ...typeMeta(),
    items: arr(ref(CORE + 'ServiceAccount'), 'List of ServiceAccounts. More info: https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/'),
    metadata: ref(META + 'ListMeta', 'Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds'),
  }, { required: ['items'], gvk: gvk('', 'v1', 'ServiceAccountList') }),
};
