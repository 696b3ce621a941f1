/**
 * @module Definitions: meta/v1 and other apimachinery types: ObjectMeta, ListMeta, Status, DeleteOptions, WatchEvent, Quantity, IntOrString...
 * Fields, types, list/patch extensions and descriptions follow upstream's OpenAPI (long
 * descriptions keep their first sentences).
 */
import type { Definitions } from './types.js';
import { arr, bool, gvk, int32, int64, map, obj, oneOfScalar, ref, str, typeMeta } from './builders.js';
import { META, RAW_EXTENSION, everyGroupVersion } from './names.js';

export const META_V1_DEFINITIONS: Definitions = {
  // kube-openapi: OpenAPISchemaType string, no format, OpenAPIV3OneOfTypes string, number.
  'io.k8s.apimachinery.pkg.api.resource.Quantity': oneOfScalar('Quantity is a fixed-point representation of a number. It provides convenient marshaling/unmarshaling in JSON and YAML, in addition to String() and AsInt64() accessors.', { type: 'string', v3OneOf: ['string', 'number'] }),
  'io.k8s.apimachinery.pkg.apis.meta.v1.APIGroup': obj('APIGroup contains the name, the supported versions, and the preferred version of a group.', {
    ...typeMeta(),
    name: str('name is the name of the group.'),
    preferredVersion: ref(META + 'GroupVersionForDiscovery', 'preferredVersion is the version preferred by the API server, which probably is the storage version.'),
    serverAddressByClientCIDRs: arr(ref(META + 'ServerAddressByClientCIDR'), 'a map of client CIDR to server address that is serving this group. This is to help clients reach servers in the most network-efficient way possible. Clients can use the appropriate server address as per the CIDR that they match. In case of multiple matches, clients should use the longest matching CIDR. The server returns only those CIDRs that it thinks that the client can match.', { listType: 'atomic' }),
    versions: arr(ref(META + 'GroupVersionForDiscovery'), 'versions are the versions supported in this group.', { listType: 'atomic' }),
  }, { required: ['name', 'versions'], gvk: gvk('', 'v1', 'APIGroup') }),
  'io.k8s.apimachinery.pkg.apis.meta.v1.APIGroupList': obj('APIGroupList is a list of APIGroup, to allow clients to discover the API at /apis.', {
    ...typeMeta(),
    groups: arr(ref(META + 'APIGroup'), 'groups is a list of APIGroup.', { listType: 'atomic' }),
  }, { required: ['groups'], gvk: gvk('', 'v1', 'APIGroupList') }),
  'io.k8s.apimachinery.pkg.apis.meta.v1.APIResource': obj('APIResource specifies the name of a resource and whether it is namespaced.', {
    categories: arr(str(), 'categories is a list of the grouped resources this resource belongs to (e.g. \'all\')', { listType: 'atomic' }),
    group: str('group is the preferred group of the resource.  Empty implies the group of the containing resource list. For subresources, this may have a different value, for example: Scale".'),
    kind: str('kind is the kind for the resource (e.g. \'Foo\' is the kind for a resource \'foo\')'),
    name: str('name is the plural name of the resource.'),
    namespaced: bool('namespaced indicates if a resource is namespaced or not.'),
    shortNames: arr(str(), 'shortNames is a list of suggested short names of the resource.', { listType: 'atomic' }),
    singularName: str('singularName is the singular name of the resource.  This allows clients to handle plural and singular opaquely. The singularName is more correct for reporting status on a single item and both singular and plural are allowed from the kubectl CLI interface.'),
    storageVersionHash: str('The hash value of the storage version, the version this resource is converted to when written to the data store. Value must be treated as opaque by clients. Only equality comparison on the value is valid. This is an alpha feature and may change or be removed in the future. The field is populated by the apiserver only if the StorageVersionHash feature gate is enabled. This field will remain optional even if it graduates.'),
    verbs: arr(str(), 'verbs is a list of supported kube verbs (this includes get, list, watch, create, update, patch, delete, deletecollection, and proxy)'),
    version: str('version is the preferred version of the resource.  Empty implies the version of the containing resource list For subresources, this may have a different value, for example: v1 (while inside a v1beta1 version of the core resource\'s group)".'),
  }, { required: ['name', 'singularName', 'namespaced', 'kind', 'verbs'] }),
  'io.k8s.apimachinery.pkg.apis.meta.v1.APIResourceList': obj('APIResourceList is a list of APIResource, it is used to expose the name of the resources supported in a specific group and version, and if the resource is namespaced.', {
    ...typeMeta(),
    groupVersion: str('groupVersion is the group and version this APIResourceList is for.'),
    resources: arr(ref(META + 'APIResource'), 'resources contains the name of the resources and if they are namespaced.', { listType: 'atomic' }),
  }, { required: ['groupVersion', 'resources'], gvk: gvk('', 'v1', 'APIResourceList') }),
  'io.k8s.apimachinery.pkg.apis.meta.v1.APIVersions': obj('APIVersions lists the versions that are available, to allow clients to discover the API at /api, which is the root path of the legacy v1 API.', {
    ...typeMeta(),
    serverAddressByClientCIDRs: arr(ref(META + 'ServerAddressByClientCIDR'), 'a map of client CIDR to server address that is serving this group. This is to help clients reach servers in the most network-efficient way possible. Clients can use the appropriate server address as per the CIDR that they match. In case of multiple matches, clients should use the longest matching CIDR. The server returns only those CIDRs that it thinks that the client can match.', { listType: 'atomic' }),
    versions: arr(str(), 'versions are the api versions that are available.', { listType: 'atomic' }),
  }, { required: ['versions', 'serverAddressByClientCIDRs'], gvk: gvk('', 'v1', 'APIVersions') }),
  'io.k8s.apimachinery.pkg.apis.meta.v1.Condition': obj('Condition contains details for one aspect of the current state of this API Resource.', {
    lastTransitionTime: ref(META + 'Time', 'lastTransitionTime is the last time the condition transitioned from one status to another. This should be when the underlying condition changed.  If that is not known, then using the time when the API field changed is acceptable.'),
    message: str('message is a human readable message indicating details about the transition. This may be an empty string.'),
    observedGeneration: int64('observedGeneration represents the .metadata.generation that the condition was set based upon. For instance, if .metadata.generation is currently 12, but the .status.conditions[x].observedGeneration is 9, the condition is out of date with respect to the current state of the instance.'),
    reason: str('reason contains a programmatic identifier indicating the reason for the condition\'s last transition. Producers of specific condition types may define expected values and meanings for this field, and whether the values are considered a guaranteed API. The value should be a CamelCase string. This field may not be empty.'),
    status: str('status of the condition, one of True, False, Unknown.'),
    type: str('type of condition in CamelCase or in foo.example.com/CamelCase.'),
  }, { required: ['type', 'status', 'lastTransitionTime', 'reason', 'message'] }),
  'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions': obj('DeleteOptions may be provided when deleting an API object.', {
    ...typeMeta(),
    dryRun: arr(str(), 'When present, indicates that modifications should not be persisted. An invalid or unrecognized dryRun directive will result in an error response and no further processing of the request. Valid values are: - All: all dry run stages will be processed', { listType: 'atomic' }),
    gracePeriodSeconds: int64('The duration in seconds before the object should be deleted. Value must be non-negative integer. The value zero indicates delete immediately. If this value is nil, the default grace period for the specified type will be used. Defaults to a per object value if not specified. zero means delete immediately.'),
    ignoreStoreReadErrorWithClusterBreakingPotential: bool('if set to true, it will trigger an unsafe deletion of the resource in case the normal deletion flow fails with a corrupt object error. A resource is considered corrupt if it can not be retrieved from the underlying storage successfully because of a) its data can not be transformed e.g. decryption failure, or b) it fails to decode into an object.'),
    orphanDependents: bool('Deprecated: please use the PropagationPolicy, this field will be deprecated in 1.7. Should the dependent objects be orphaned. If true/false, the "orphan" finalizer will be added to/removed from the object\'s finalizers list. Either this field or PropagationPolicy may be set, but not both.'),
    preconditions: ref(META + 'Preconditions', 'Must be fulfilled before a deletion is carried out. If not possible, a 409 Conflict status will be returned.'),
    propagationPolicy: str('Whether and how garbage collection will be performed. Either this field or OrphanDependents may be set, but not both. The default policy is decided by the existing finalizer set in the metadata.finalizers and the resource-specific default policy. Acceptable values are: \'Orphan\' - orphan the dependents; \'Background\' - allow the garbage collector to delete the dependents in the background; \'Foreground\' - a cascading policy that deletes all dependents in the foreground.'),
  }, { gvk: everyGroupVersion('DeleteOptions') }),
  'io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1': obj('FieldsV1 stores a set of fields in a data structure like a Trie, in JSON format. Each key is either a \'.\' representing the field itself, and will always map to an empty set, or a string representing a sub-field or item.', {}),
  'io.k8s.apimachinery.pkg.apis.meta.v1.GroupVersionForDiscovery': obj('GroupVersion contains the "group/version" and "version" string of a version. It is made a struct to keep extensibility.', {
    groupVersion: str('groupVersion specifies the API group and version in the form "group/version"'),
    version: str('version specifies the version in the form of "version". This is to save the clients the trouble of splitting the GroupVersion.'),
  }, { required: ['groupVersion', 'version'] }),
  'io.k8s.apimachinery.pkg.apis.meta.v1.FieldSelectorRequirement': obj('FieldSelectorRequirement is a selector that contains values, a key, and an operator that relates the key and values.', {
    key: str('key is the field selector key that the requirement applies to.'),
    operator: str('operator represents a key\'s relationship to a set of values. Valid operators are In, NotIn, Exists, DoesNotExist. The list of operators may grow in the future.'),
    values: arr(str(), 'values is an array of string values. If the operator is In or NotIn, the values array must be non-empty. If the operator is Exists or DoesNotExist, the values array must be empty.', { listType: 'atomic' }),
  }, { required: ['key', 'operator'] }),
  'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector': obj('A label selector is a label query over a set of resources. The result of matchLabels and matchExpressions are ANDed. An empty label selector matches all objects. A null label selector matches no objects.', {
    matchExpressions: arr(ref(META + 'LabelSelectorRequirement'), 'matchExpressions is a list of label selector requirements. The requirements are ANDed.', { listType: 'atomic' }),
    matchLabels: map(str(), 'matchLabels is a map of {key,value} pairs. A single {key,value} in the matchLabels map is equivalent to an element of matchExpressions, whose key field is "key", the operator is "In", and the values array contains only "value". The requirements are ANDed.'),
  }, { mapType: 'atomic' }),
  'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement': obj('A label selector requirement is a selector that contains values, a key, and an operator that relates the key and values.', {
    key: str('key is the label key that the selector applies to.'),
    operator: str('operator represents a key\'s relationship to a set of values. Valid operators are In, NotIn, Exists and DoesNotExist.'),
    values: arr(str(), 'values is an array of string values. If the operator is In or NotIn, the values array must be non-empty. If the operator is Exists or DoesNotExist, the values array must be empty. This array is replaced during a strategic merge patch.', { listType: 'atomic' }),
  }, { required: ['key', 'operator'] }),
  'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta': obj('ListMeta describes metadata that synthetic resources must have, including lists and various status objects. A resource may have only one of {ObjectMeta, ListMeta}.', {
    continue: str('continue may be set if the user set a limit on the number of items returned, and indicates that the server has more data available. The value is opaque and may be used to issue another request to the endpoint that served this list to retrieve the next set of available objects.'),
    remainingItemCount: int64('remainingItemCount is the number of subsequent items in the list which are not included in this list response. If the list request contained label or field selectors, then the number of remaining items is unknown and the field will be left unset and omitted during serialization.'),
    resourceVersion: str('String that identifies the server\'s internal version of this object that can be used by clients to determine when objects have changed. Value must be treated as opaque by clients and passed unmodified back to the server. Populated by the system. Read-only. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#concurrency-control-and-consistency'),
    selfLink: str('Deprecated: selfLink is a legacy read-only field that is no longer populated by the system.'),
  }),
  'io.k8s.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry': obj('ManagedFieldsEntry is a workflow-id, a FieldSet and the group version of the resource that the fieldset applies to.', {
    apiVersion: str('APIVersion defines the version of this resource that this field set applies to. The format is "group/version" just like the top-level APIVersion field. It is necessary to track the version of a field set because it cannot be automatically converted.'),
    fieldsType: str('FieldsType is the discriminator for the different fields format and version. There is currently only one possible value: "FieldsV1"'),
    fieldsV1: ref(META + 'FieldsV1', 'FieldsV1 holds the first JSON version format as described in the "FieldsV1" type.'),
    manager: str('Manager is an identifier of the workflow managing these fields.'),
    operation: str('Operation is the type of operation which lead to this ManagedFieldsEntry being created. The only valid values for this field are \'Apply\' and \'Update\'.'),
    subresource: str('Subresource is the name of the subresource used to update that object, or empty string if the object was updated through the main resource. The value of this field is used to distinguish between managers, even if they share the same name. For example, a status update will be distinct from a regular update using the same manager name. Note that the APIVersion field is not related to the Subresource field and it always corresponds to the version of the main resource.'),
    time: ref(META + 'Time', 'Time is the timestamp of when the ManagedFields entry was added. The timestamp will also be updated if a field is added, the manager changes any of the owned fields value or removes a field. The timestamp does not update when a field is removed from the entry because another manager took it over.'),
  }),
  'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime': str('MicroTime is version of Time with microsecond level precision.', { format: 'date-time' }),
  'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': obj('ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.', {
    annotations: map(str(), 'Annotations is an unstructured key value map stored with a resource that may be set by external tools to store and retrieve arbitrary metadata. They are not queryable and should be preserved when modifying objects. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/annotations'),
    creationTimestamp: ref(META + 'Time', 'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata'),
    deletionGracePeriodSeconds: int64('Number of seconds allowed for this object to gracefully terminate before it will be removed from the system. Only set when deletionTimestamp is also set. May only be shortened. Read-only.'),
    deletionTimestamp: ref(META + 'Time', 'DeletionTimestamp is RFC 3339 date and time at which this resource will be deleted. This field is set by the server when a graceful deletion is requested by the user, and is not directly settable by a client. The resource is expected to be deleted (no longer visible from resource lists, and not reachable by name) after the time in this field, once the finalizers list is empty. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata'),
    finalizers: arr(str(), 'Must be empty before the object is deleted from the registry. Each entry is an identifier for the responsible component that will remove the entry from the list. If the deletionTimestamp of the object is non-nil, entries in this list can only be removed. Finalizers may be processed and removed in any order.', { listType: 'set', strategy: 'merge' }),
    generateName: str('GenerateName is an optional prefix, used by the server, to generate a unique name ONLY IF the Name field has not been provided. If this field is used, the name returned to the client will be different than the name passed. This value will also be combined with a unique suffix. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#idempotency'),
    generation: int64('A sequence number representing a specific generation of the desired state. Populated by the system. Read-only.'),
    labels: map(str(), 'Map of string keys and values that can be used to organize and categorize (scope and select) objects. May match selectors of replication controllers and services. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels'),
    managedFields: arr(ref(META + 'ManagedFieldsEntry'), 'ManagedFields maps workflow-id and version to the set of fields that are managed by that workflow. This is mostly for internal housekeeping, and users typically shouldn\'t need to set or understand this field. A workflow can be the user\'s name, a controller\'s name, or the name of a specific apply path like "ci-cd". The set of fields is always in the version that the workflow used when modifying the object.', { listType: 'atomic' }),
    name: str('Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names'),
    namespace: str('Namespace defines the space within which each name must be unique. An empty namespace is equivalent to the "default" namespace, but "default" is the canonical representation. Not all objects are required to be scoped to a namespace - the value of this field for those objects will be empty.\n\nMust be a DNS_LABEL. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces'),
    ownerReferences: arr(ref(META + 'OwnerReference'), 'List of objects depended by this object. If ALL objects in the list have been deleted, this object will be garbage collected. If this object is managed by a controller, then an entry in this list will point to this controller, with the controller field set to true. There cannot be more than one managing controller.', { listType: 'map', mapKeys: ['uid'], mergeKey: 'uid', strategy: 'merge' }),
    resourceVersion: str('An opaque value that represents the internal version of this object that can be used by clients to determine when objects have changed. May be used for optimistic concurrency, change detection, and the watch operation on a resource or set of resources. Clients must treat these values as opaque and passed unmodified back to the server. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#concurrency-control-and-consistency'),
    selfLink: str('Deprecated: selfLink is a legacy read-only field that is no longer populated by the system.'),
    uid: str('UID is the unique in time and space value for this object. It is typically generated by the server on successful creation of a resource and is not allowed to change on PUT operations.\n\nPopulated by the system. Read-only. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#uids'),
  }),
  'io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference': obj('OwnerReference contains enough information to let you identify an owning object. An owning object must be in the same namespace as the dependent, or be cluster-scoped, so there is no namespace field.', {
    apiVersion: str('API version of the referent.'),
    blockOwnerDeletion: bool('If true, AND if the owner has the "foregroundDeletion" finalizer, then the owner cannot be deleted from the key-value store until this reference is removed. See https://kubernetes.io/docs/concepts/architecture/garbage-collection/#foreground-deletion for how the garbage collector interacts with this field and enforces the foreground deletion. Defaults to false.'),
    controller: bool('If true, this reference points to the managing controller.'),
    kind: str('Kind of the referent. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds'),
    name: str('Name of the referent. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names'),
    uid: str('UID of the referent. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#uids'),
  }, { required: ['apiVersion', 'kind', 'name', 'uid'], mapType: 'atomic' }),
  'io.k8s.apimachinery.pkg.apis.meta.v1.Patch': obj('Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.', {}),
  'io.k8s.apimachinery.pkg.apis.meta.v1.Preconditions': obj('Preconditions must be fulfilled before an operation (update, delete, etc.) is carried out.', {
    resourceVersion: str('Specifies the target ResourceVersion'),
    uid: str('Specifies the target UID.'),
  }),
  'io.k8s.apimachinery.pkg.apis.meta.v1.ServerAddressByClientCIDR': obj('ServerAddressByClientCIDR helps the client to determine the server address that they should use, depending on the clientCIDR that they match.', {
    clientCIDR: str('The CIDR with which clients can match their IP to figure out the server address that they should use.'),
    serverAddress: str('Address of this server, suitable for a client that matches the above CIDR. This can be a hostname, hostname:port, IP or IP:port.'),
  }, { required: ['clientCIDR', 'serverAddress'] }),
  'io.k8s.apimachinery.pkg.apis.meta.v1.Status': obj('Status is a return value for calls that don\'t return other objects.', {
    ...typeMeta(),
    code: int32('Suggested HTTP return code for this status, 0 if not set.'),
    details: ref(META + 'StatusDetails', 'Extended data associated with the reason.  Each reason may define its own extended details. This field is optional and the data returned is not guaranteed to conform to any schema except that defined by the reason type.', { listType: 'atomic' }),
    message: str('A human-readable description of the status of this operation.'),
    metadata: ref(META + 'ListMeta', 'Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds'),
    reason: str('A machine-readable description of why this operation is in the "Failure" status. If this value is empty there is no information available. A Reason clarifies an HTTP status code but does not override it.'),
    status: str('Status of the operation. One of: "Success" or "Failure". More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status'),
  }, { gvk: gvk('', 'v1', 'Status') }),
  'io.k8s.apimachinery.pkg.apis.meta.v1.StatusCause': obj('StatusCause provides more information about an api.Status failure, including cases when multiple errors are encountered.', {
    field: str('The field of the resource that has caused this error, as named by its JSON serialization. May include dot and postfix notation for nested attributes. Arrays are zero-indexed.  Fields may appear more than once in an array of causes due to fields having multiple errors. Optional.\n\nExamples:\n  "name" - the field "name" on the current resource\n  "items[0].name" - the field "name" on the first array entry in "items"'),
    message: str('A human-readable description of the cause of the error.  This field may be presented as-is to a reader.'),
    reason: str('A machine-readable description of the cause of the error. If this value is empty there is no information available.'),
  }),
  'io.k8s.apimachinery.pkg.apis.meta.v1.StatusDetails': obj('StatusDetails is a set of additional properties that MAY be set by the server to provide additional information about a response. The Reason field of a Status object defines what attributes will be set. Clients must ignore fields that do not match the defined type of each attribute, and should assume that any attribute may be empty, invalid, or under defined.', {
    causes: arr(ref(META + 'StatusCause'), 'The Causes array includes more details associated with the StatusReason failure. Not all StatusReasons may provide detailed causes.', { listType: 'atomic' }),
    group: str('The group attribute of the resource associated with the status StatusReason.'),
    kind: str('The kind attribute of the resource associated with the status StatusReason. On some operations may differ from the requested resource Kind. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds'),
    name: str('The name attribute of the resource associated with the status StatusReason (when there is a single name which can be described).'),
    retryAfterSeconds: int32('If specified, the time in seconds before the operation should be retried. Some errors may indicate the client must take an alternate action - for those errors this field may indicate how long to wait before taking the alternate action.'),
    uid: str('UID of the resource. (when there is a single resource which can be described). More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#uids'),
  }),
  'io.k8s.apimachinery.pkg.apis.meta.v1.Time': str('Time is a wrapper around time.Time which supports correct marshaling to YAML and JSON.  Wrappers are provided for many of the factory methods that the time package offers.', { format: 'date-time' }),
  'io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent': obj('Event represents a single event to a watched resource.', {
    object: ref(RAW_EXTENSION, 'Object is:\n * If Type is Added or Modified: the new state of the object.\n * If Type is Deleted: the state of the object immediately before deletion.\n * If Type is Error: *Status is recommended; other types may make sense\n   depending on context.'),
    type: str(),
  }, { required: ['type', 'object'], gvk: everyGroupVersion('WatchEvent') }),
  'io.k8s.apimachinery.pkg.runtime.RawExtension': obj('RawExtension is used to hold extensions in external versions. To use this, make a field which has RawExtension as its type in your external, versioned struct, and Object in your internal struct.', {}),
  // kube-openapi: OpenAPISchemaType string, OpenAPISchemaFormat int-or-string, OpenAPIV3OneOfTypes integer, string.
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': oneOfScalar('IntOrString is a type that can hold an int32 or a string.  When used in JSON or YAML marshalling and unmarshalling, it produces or consumes the inner type.  This allows you to have, for example, a JSON field that can accept a name or number.', { type: 'string', format: 'int-or-string', v3OneOf: ['integer', 'string'] }),
  'io.k8s.apimachinery.pkg.version.Info': obj('Info contains versioning information. how we\'ll want to distribute that information.', {
    buildDate: str(),
    compiler: str(),
    emulationMajor: str('EmulationMajor is the major version of the emulation version'),
    emulationMinor: str('EmulationMinor is the minor version of the emulation version'),
    gitCommit: str(),
    gitTreeState: str(),
    gitVersion: str(),
    goVersion: str(),
    major: str('Major is the major version of the binary version'),
    minCompatibilityMajor: str('MinCompatibilityMajor is the major version of the minimum compatibility version'),
    minCompatibilityMinor: str('MinCompatibilityMinor is the minor version of the minimum compatibility version'),
    minor: str('Minor is the minor version of the binary version'),
    platform: str(),
  }, { required: ['major', 'minor', 'gitVersion', 'gitCommit', 'gitTreeState', 'buildDate', 'goVersion', 'compiler', 'platform'] }),
};
