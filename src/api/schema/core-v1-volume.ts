/**
 * @module Definitions: core/v1 Volume and the volume sources kubito can reasonably meet (config, secrets, projected, PVC, CSI...).
 * Fields, types, list/patch extensions and descriptions follow upstream's OpenAPI (long
 * descriptions keep their first sentences).
 */
import type { Definitions } from './types.js';
import { arr, bool, int32, int64, map, obj, ref, str } from './builders.js';
import { CORE, META, QUANTITY } from './names.js';

export const CORE_V1_VOLUME_DEFINITIONS: Definitions = {
  'io.k8s.api.core.v1.CSIVolumeSource': obj('Represents a source location of a volume to mount, managed by an external CSI driver', {
    driver: str('driver is the name of the CSI driver that handles this volume. Consult with your admin for the correct name as registered in the cluster.'),
    fsType: str('fsType to mount. Ex. "ext4", "xfs", "ntfs". If not provided, the empty value is passed to the associated CSI driver which will determine the default filesystem to apply.'),
    nodePublishSecretRef: ref(CORE + 'LocalObjectReference', 'nodePublishSecretRef is a reference to the secret object containing sensitive information to pass to the CSI driver to complete the CSI NodePublishVolume and NodeUnpublishVolume calls. This field is optional, and  may be empty if no secret is required. If the secret object contains more than one secret, all secret references are passed.'),
    readOnly: bool('readOnly specifies a read-only configuration for the volume. Defaults to false (read/write).'),
    volumeAttributes: map(str(), 'volumeAttributes stores driver-specific properties that are passed to the CSI driver. Consult your driver\'s documentation for supported values.'),
  }, { required: ['driver'] }),
  'io.k8s.api.core.v1.ClusterTrustBundleProjection': obj('ClusterTrustBundleProjection describes how to select a set of ClusterTrustBundle objects and project their contents into the pod filesystem.', {
    labelSelector: ref(META + 'LabelSelector', 'Select all ClusterTrustBundles that match this label selector.  Only has effect if signerName is set.  Mutually-exclusive with name.  If unset, interpreted as "match nothing".  If set but empty, interpreted as "match everything".'),
    name: str('Select a single ClusterTrustBundle by object name.  Mutually-exclusive with signerName and labelSelector.'),
    optional: bool('If true, don\'t block pod startup if the referenced ClusterTrustBundle(s) aren\'t available.  If using name, then the named ClusterTrustBundle is allowed not to exist.  If using signerName, then the combination of signerName and labelSelector is allowed to match zero ClusterTrustBundles.'),
    path: str('Relative path from the volume root to write the bundle.'),
    signerName: str('Select all ClusterTrustBundles that match this signer name. Mutually-exclusive with name.  The contents of all selected ClusterTrustBundles will be unified and deduplicated.'),
  }, { required: ['path'] }),
  'io.k8s.api.core.v1.ConfigMapProjection': obj('Adapts a ConfigMap into a projected volume.\n\nThe contents of the target ConfigMap\'s Data field will be presented in a projected volume as files using the keys in the Data field as the file names, unless the items element is populated with specific mappings of keys to paths. Note that this is identical to a configmap volume source without the default mode.', {
    items: arr(ref(CORE + 'KeyToPath'), 'items if unspecified, each key-value pair in the Data field of the referenced ConfigMap will be projected into the volume as a file whose name is the key and content is the value. If specified, the listed keys will be projected into the specified paths, and unlisted keys will not be present.', { listType: 'atomic' }),
    name: str('Name of the referent. This field is effectively required, but due to backwards compatibility is allowed to be empty. Instances of this type with an empty value here are almost certainly wrong. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#names'),
    optional: bool('optional specify whether the ConfigMap or its keys must be defined'),
  }),
  'io.k8s.api.core.v1.ConfigMapVolumeSource': obj('Adapts a ConfigMap into a volume.\n\nThe contents of the target ConfigMap\'s Data field will be presented in a volume as files using the keys in the Data field as the file names, unless the items element is populated with specific mappings of keys to paths. ConfigMap volumes support ownership management and SELinux relabeling.', {
    defaultMode: int32('defaultMode is optional: mode bits used to set permissions on created files by default. Must be an octal value between 0000 and 0777 or a decimal value between 0 and 511. YAML accepts both octal and decimal values, JSON requires decimal values for mode bits. Defaults to 0644. Directories within the path are not affected by this setting. This might be in conflict with other options that affect the file mode, like fsGroup, and the result can be other mode bits set.'),
    items: arr(ref(CORE + 'KeyToPath'), 'items if unspecified, each key-value pair in the Data field of the referenced ConfigMap will be projected into the volume as a file whose name is the key and content is the value. If specified, the listed keys will be projected into the specified paths, and unlisted keys will not be present.', { listType: 'atomic' }),
    name: str('Name of the referent. This field is effectively required, but due to backwards compatibility is allowed to be empty. Instances of this type with an empty value here are almost certainly wrong. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#names'),
    optional: bool('optional specify whether the ConfigMap or its keys must be defined'),
  }),
  'io.k8s.api.core.v1.DownwardAPIProjection': obj('Represents downward API info for projecting into a projected volume. Note that this is identical to a downwardAPI volume source without the default mode.', {
    items: arr(ref(CORE + 'DownwardAPIVolumeFile'), 'Items is a list of DownwardAPIVolume file', { listType: 'atomic' }),
  }),
  'io.k8s.api.core.v1.DownwardAPIVolumeFile': obj('DownwardAPIVolumeFile represents information to create the file containing the pod field', {
    fieldRef: ref(CORE + 'ObjectFieldSelector', 'Required: Selects a field of the pod: only annotations, labels, name, namespace and uid are supported.'),
    mode: int32('Optional: mode bits used to set permissions on this file, must be an octal value between 0000 and 0777 or a decimal value between 0 and 511. YAML accepts both octal and decimal values, JSON requires decimal values for mode bits. If not specified, the volume defaultMode will be used. This might be in conflict with other options that affect the file mode, like fsGroup, and the result can be other mode bits set.'),
    path: str('Required: Path is  the relative path name of the file to be created. Must not be absolute or contain the \'..\' path. Must be utf-8 encoded. The first item of the relative path must not start with \'..\''),
    resourceFieldRef: ref(CORE + 'ResourceFieldSelector', 'Selects a resource of the container: only resources limits and requests (limits.cpu, limits.memory, requests.cpu and requests.memory) are currently supported.'),
  }, { required: ['path'] }),
  'io.k8s.api.core.v1.DownwardAPIVolumeSource': obj('DownwardAPIVolumeSource represents a volume containing downward API info. Downward API volumes support ownership management and SELinux relabeling.', {
    defaultMode: int32('Optional: mode bits to use on created files by default. Must be a Optional: mode bits used to set permissions on created files by default. Must be an octal value between 0000 and 0777 or a decimal value between 0 and 511. YAML accepts both octal and decimal values, JSON requires decimal values for mode bits. Defaults to 0644. Directories within the path are not affected by this setting.'),
    items: arr(ref(CORE + 'DownwardAPIVolumeFile'), 'Items is a list of downward API volume file', { listType: 'atomic' }),
  }),
  'io.k8s.api.core.v1.EmptyDirVolumeSource': obj('Represents an empty directory for a pod. Empty directory volumes support ownership management and SELinux relabeling.', {
    medium: str('medium represents what type of storage medium should back this directory. The default is "" which means to use the node\'s default medium. Must be an empty string (default) or Memory. More info: https://kubernetes.io/docs/concepts/storage/volumes#emptydir'),
    sizeLimit: ref(QUANTITY, 'sizeLimit is the total amount of local storage required for this EmptyDir volume. The size limit is also applicable for memory medium. The maximum usage on memory medium EmptyDir would be the minimum value between the SizeLimit specified here and the sum of memory limits of all containers in a pod. The default is nil which means that the limit is undefined. More info: https://kubernetes.io/docs/concepts/storage/volumes#emptydir'),
  }),
  'io.k8s.api.core.v1.EphemeralVolumeSource': obj('Represents an ephemeral volume that is handled by a normal storage driver.', {
    volumeClaimTemplate: ref(CORE + 'PersistentVolumeClaimTemplate', 'Will be used to create a stand-alone PVC to provision the volume. The pod in which this EphemeralVolumeSource is embedded will be the owner of the PVC, i.e. the PVC will be deleted together with the pod. The name of the PVC will be `<pod name>-<volume name>` where `<volume name>` is the name from the `PodSpec.Volumes` array entry.'),
  }),
  'io.k8s.api.core.v1.HostPathVolumeSource': obj('Represents a host path mapped into a pod. Host path volumes do not support ownership management or SELinux relabeling.', {
    path: str('path of the directory on the host. If the path is a symlink, it will follow the link to the real path. More info: https://kubernetes.io/docs/concepts/storage/volumes#hostpath'),
    type: str('type for HostPath Volume Defaults to "" More info: https://kubernetes.io/docs/concepts/storage/volumes#hostpath'),
  }, { required: ['path'] }),
  'io.k8s.api.core.v1.ImageVolumeSource': obj('ImageVolumeSource represents a image volume resource.', {
    pullPolicy: str('Policy for pulling OCI objects. Possible values are: Always: the kubelet always attempts to pull the reference. Container creation will fail If the pull fails. Never: the kubelet never pulls the reference and only uses a local image or artifact. Container creation will fail if the reference isn\'t present. IfNotPresent: the kubelet pulls if the reference isn\'t already present on disk.'),
    reference: str('Required: Image or artifact reference to be used. Behaves in the same way as pod.spec.containers[*].image. Pull secrets will be assembled in the same way as for the container image by looking up node credentials, SA image pull secrets, and pod spec image pull secrets. More info: https://kubernetes.io/docs/concepts/containers/images This field is optional to allow higher level config management to default or override container images in workload controllers like Deployments and StatefulSets.'),
  }),
  'io.k8s.api.core.v1.KeyToPath': obj('Maps a string key to a path within a volume.', {
    key: str('key is the key to project.'),
    mode: int32('mode is Optional: mode bits used to set permissions on this file. Must be an octal value between 0000 and 0777 or a decimal value between 0 and 511. YAML accepts both octal and decimal values, JSON requires decimal values for mode bits. If not specified, the volume defaultMode will be used. This might be in conflict with other options that affect the file mode, like fsGroup, and the result can be other mode bits set.'),
    path: str('path is the relative path of the file to map the key to. May not be an absolute path. May not contain the path element \'..\'. May not start with the string \'..\'.'),
  }, { required: ['key', 'path'] }),
  'io.k8s.api.core.v1.PersistentVolumeClaimSpec': obj('PersistentVolumeClaimSpec describes the common attributes of storage devices and allows a Source for provider-specific attributes', {
    accessModes: arr(str(), 'accessModes contains the desired access modes the volume should have. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes-1', { listType: 'atomic' }),
    dataSource: ref(CORE + 'TypedLocalObjectReference', 'dataSource field can be used to specify either: * An existing VolumeSnapshot object (snapshot.storage.k8s.io/VolumeSnapshot) * An existing PVC (PersistentVolumeClaim) If the provisioner or an external controller can support the specified data source, it will create a new volume based on the contents of the specified data source.'),
    dataSourceRef: ref(CORE + 'TypedObjectReference', 'dataSourceRef specifies the object from which to populate the volume with data, if a non-empty volume is desired. This may be any object from a non-empty API group (non core object) or a PersistentVolumeClaim object. When this field is specified, volume binding will only succeed if the type of the specified object matches some installed volume populator or dynamic provisioner.'),
    resources: ref(CORE + 'VolumeResourceRequirements', 'resources represents the minimum resources the volume should have. Users are allowed to specify resource requirements that are lower than previous value but must still be higher than capacity recorded in the status field of the claim. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#resources'),
    selector: ref(META + 'LabelSelector', 'selector is a label query over volumes to consider for binding.'),
    storageClassName: str('storageClassName is the name of the StorageClass required by the claim. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#class-1'),
    volumeAttributesClassName: str('volumeAttributesClassName may be used to set the VolumeAttributesClass used by this claim. If specified, the CSI driver will create or update the volume with the attributes defined in the corresponding VolumeAttributesClass. This has a different purpose than storageClassName, it can be changed after the claim is created. More info: https://kubernetes.io/docs/concepts/storage/volume-attributes-classes/'),
    volumeMode: str('volumeMode defines what type of volume is required by the claim. Value of Filesystem is implied when not included in claim spec.'),
    volumeName: str('volumeName is the binding reference to the PersistentVolume backing this claim.'),
  }),
  'io.k8s.api.core.v1.PersistentVolumeClaimTemplate': obj('PersistentVolumeClaimTemplate is used to produce PersistentVolumeClaim objects as part of an EphemeralVolumeSource.', {
    metadata: ref(META + 'ObjectMeta', 'May contain labels and annotations that will be copied into the PVC when creating it. No other fields are allowed and will be rejected during validation.'),
    spec: ref(CORE + 'PersistentVolumeClaimSpec', 'The specification for the PersistentVolumeClaim. The entire content is copied unchanged into the PVC that gets created from this template. The same fields as in a PersistentVolumeClaim are also valid here.'),
  }, { required: ['spec'] }),
  'io.k8s.api.core.v1.PersistentVolumeClaimVolumeSource': obj('PersistentVolumeClaimVolumeSource references the user\'s PVC in the same namespace. This volume finds the bound PV and mounts that volume for the pod. A PersistentVolumeClaimVolumeSource is, essentially, a wrapper around another type of volume that is owned by someone else (the system).', {
    claimName: str('claimName is the name of a PersistentVolumeClaim in the same namespace as the pod using this volume. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#persistentvolumeclaims'),
    readOnly: bool('readOnly Will force the ReadOnly setting in VolumeMounts. Default false.'),
  }, { required: ['claimName'] }),
  'io.k8s.api.core.v1.PodCertificateProjection': obj('PodCertificateProjection provides a private key and X.509 certificate in the pod filesystem.', {
    certificateChainPath: str('Write the certificate chain at this path in the projected volume.\n\nMost applications should use credentialBundlePath.  When using keyPath and certificateChainPath, your application needs to check that the key and leaf certificate are consistent, because it is possible to read the files mid-rotation.'),
    credentialBundlePath: str('Write the credential bundle at this path in the projected volume. The credential bundle is a single file that contains multiple PEM blocks. The first PEM block is a PRIVATE KEY block, containing a PKCS#8 private key. The remaining blocks are CERTIFICATE blocks, containing the issued certificate chain from the signer (leaf and any intermediates).'),
    keyPath: str('Write the key at this path in the projected volume.\n\nMost applications should use credentialBundlePath.  When using keyPath and certificateChainPath, your application needs to check that the key and leaf certificate are consistent, because it is possible to read the files mid-rotation.'),
    keyType: str('The type of keypair Kubelet will generate for the pod.\n\nValid values are "RSA3072", "RSA4096", "ECDSAP256", "ECDSAP384", "ECDSAP521", and "ED25519".'),
    maxExpirationSeconds: int32('maxExpirationSeconds is the maximum lifetime permitted for the certificate. Kubelet copies this value verbatim into the PodCertificateRequests it generates for this projection. If omitted, kube-apiserver will set it to 86400(24 hours). kube-apiserver will reject values shorter than 3600 (1 hour). The maximum allowable value is 7862400 (91 days).'),
    signerName: str('Kubelet\'s generated CSRs will be addressed to this signer.'),
    userAnnotations: map(str(), 'userAnnotations allow pod authors to pass additional information to the signer implementation. Kubernetes does not restrict or validate this metadata in any way. These values are copied verbatim into the `spec.unverifiedUserAnnotations` field of the PodCertificateRequest objects that Kubelet creates.'),
  }, { required: ['signerName', 'keyType'] }),
  'io.k8s.api.core.v1.ProjectedVolumeSource': obj('Represents a projected volume source', {
    defaultMode: int32('defaultMode are the mode bits used to set permissions on created files by default. Must be an octal value between 0000 and 0777 or a decimal value between 0 and 511. YAML accepts both octal and decimal values, JSON requires decimal values for mode bits. Directories within the path are not affected by this setting. This might be in conflict with other options that affect the file mode, like fsGroup, and the result can be other mode bits set.'),
    sources: arr(ref(CORE + 'VolumeProjection'), 'sources is the list of volume projections. Each entry in this list handles one source.', { listType: 'atomic' }),
  }),
  'io.k8s.api.core.v1.SecretProjection': obj('Adapts a secret into a projected volume.\n\nThe contents of the target Secret\'s Data field will be presented in a projected volume as files using the keys in the Data field as the file names. Note that this is identical to a secret volume source without the default mode.', {
    items: arr(ref(CORE + 'KeyToPath'), 'items if unspecified, each key-value pair in the Data field of the referenced Secret will be projected into the volume as a file whose name is the key and content is the value. If specified, the listed keys will be projected into the specified paths, and unlisted keys will not be present.', { listType: 'atomic' }),
    name: str('Name of the referent. This field is effectively required, but due to backwards compatibility is allowed to be empty. Instances of this type with an empty value here are almost certainly wrong. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#names'),
    optional: bool('optional field specify whether the Secret or its key must be defined'),
  }),
  'io.k8s.api.core.v1.SecretVolumeSource': obj('Adapts a Secret into a volume.\n\nThe contents of the target Secret\'s Data field will be presented in a volume as files using the keys in the Data field as the file names. Secret volumes support ownership management and SELinux relabeling.', {
    defaultMode: int32('defaultMode is Optional: mode bits used to set permissions on created files by default. Must be an octal value between 0000 and 0777 or a decimal value between 0 and 511. YAML accepts both octal and decimal values, JSON requires decimal values for mode bits. Defaults to 0644. Directories within the path are not affected by this setting. This might be in conflict with other options that affect the file mode, like fsGroup, and the result can be other mode bits set.'),
    items: arr(ref(CORE + 'KeyToPath'), 'items If unspecified, each key-value pair in the Data field of the referenced Secret will be projected into the volume as a file whose name is the key and content is the value. If specified, the listed keys will be projected into the specified paths, and unlisted keys will not be present.', { listType: 'atomic' }),
    optional: bool('optional field specify whether the Secret or its keys must be defined'),
    secretName: str('secretName is the name of the secret in the pod\'s namespace to use. More info: https://kubernetes.io/docs/concepts/storage/volumes#secret'),
  }),
  'io.k8s.api.core.v1.ServiceAccountTokenProjection': obj('ServiceAccountTokenProjection represents a projected service account token volume. This projection can be used to insert a service account token into the pods runtime filesystem for use against APIs (Kubernetes API Server or otherwise).', {
    audience: str('audience is the intended audience of the token. A recipient of a token must identify itself with an identifier specified in the audience of the token, and otherwise should reject the token. The audience defaults to the identifier of the apiserver.'),
    expirationSeconds: int64('expirationSeconds is the requested duration of validity of the service account token. As the token approaches expiration, the kubelet volume plugin will proactively rotate the service account token. The kubelet will start trying to rotate the token if the token is older than 80 percent of its time to live or if the token is older than 24 hours.Defaults to 1 hour and must be at least 10 minutes.'),
    path: str('path is the path relative to the mount point of the file to project the token into.'),
  }, { required: ['path'] }),
  'io.k8s.api.core.v1.TypedLocalObjectReference': obj('TypedLocalObjectReference contains enough information to let you locate the typed referenced object inside the same namespace.', {
    apiGroup: str('APIGroup is the group for the resource being referenced. If APIGroup is not specified, the specified Kind must be in the core API group. For any other third-party types, APIGroup is required.'),
    kind: str('Kind is the type of resource being referenced'),
    name: str('Name is the name of resource being referenced'),
  }, { required: ['kind', 'name'], mapType: 'atomic' }),
  'io.k8s.api.core.v1.TypedObjectReference': obj('TypedObjectReference contains enough information to let you locate the typed referenced object', {
    apiGroup: str('APIGroup is the group for the resource being referenced. If APIGroup is not specified, the specified Kind must be in the core API group. For any other third-party types, APIGroup is required.'),
    kind: str('Kind is the type of resource being referenced'),
    name: str('Name is the name of resource being referenced'),
    namespace: str('Namespace is the namespace of resource being referenced Note that when a namespace is specified, a gateway.networking.k8s.io/ReferenceGrant object is required in the referent namespace to allow that namespace\'s owner to accept the reference. See the ReferenceGrant documentation for details. (Alpha) This field requires the CrossNamespaceVolumeDataSource feature gate to be enabled.'),
  }, { required: ['kind', 'name'] }),
  'io.k8s.api.core.v1.Volume': obj('Volume represents a named volume in a pod that may be accessed by any container in the pod.', {
    awsElasticBlockStore: ref(CORE + 'AWSElasticBlockStoreVolumeSource', 'awsElasticBlockStore represents an AWS Disk resource that is attached to a kubelet\'s host machine and then exposed to the pod. Deprecated: AWSElasticBlockStore is deprecated. All operations for the in-tree awsElasticBlockStore type are redirected to the ebs.csi.aws.com CSI driver. More info: https://kubernetes.io/docs/concepts/storage/volumes#awselasticblockstore'),
    azureDisk: ref(CORE + 'AzureDiskVolumeSource', 'azureDisk represents an Azure Data Disk mount on the host and bind mount to the pod. Deprecated: AzureDisk is deprecated. All operations for the in-tree azureDisk type are redirected to the disk.csi.azure.com CSI driver.'),
    azureFile: ref(CORE + 'AzureFileVolumeSource', 'azureFile represents an Azure File Service mount on the host and bind mount to the pod. Deprecated: AzureFile is deprecated. All operations for the in-tree azureFile type are redirected to the file.csi.azure.com CSI driver.'),
    cephfs: ref(CORE + 'CephFSVolumeSource', 'cephFS represents a Ceph FS mount on the host that shares a pod\'s lifetime. Deprecated: CephFS is deprecated and the in-tree cephfs type is no longer supported.'),
    cinder: ref(CORE + 'CinderVolumeSource', 'cinder represents a cinder volume attached and mounted on kubelets host machine. Deprecated: Cinder is deprecated. All operations for the in-tree cinder type are redirected to the cinder.csi.openstack.org CSI driver. More info: https://examples.k8s.io/mysql-cinder-pd/README.md'),
    configMap: ref(CORE + 'ConfigMapVolumeSource', 'configMap represents a configMap that should populate this volume'),
    csi: ref(CORE + 'CSIVolumeSource', 'csi (Container Storage Interface) represents ephemeral storage that is handled by certain external CSI drivers.'),
    downwardAPI: ref(CORE + 'DownwardAPIVolumeSource', 'downwardAPI represents downward API about the pod that should populate this volume'),
    emptyDir: ref(CORE + 'EmptyDirVolumeSource', 'emptyDir represents a temporary directory that shares a pod\'s lifetime. More info: https://kubernetes.io/docs/concepts/storage/volumes#emptydir'),
    ephemeral: ref(CORE + 'EphemeralVolumeSource', 'ephemeral represents a volume that is handled by a cluster storage driver. The volume\'s lifecycle is tied to the pod that defines it - it will be created before the pod starts, and deleted when the pod is removed.'),
    fc: ref(CORE + 'FCVolumeSource', 'fc represents a Fibre Channel resource that is attached to a kubelet\'s host machine and then exposed to the pod.'),
    flexVolume: ref(CORE + 'FlexVolumeSource', 'flexVolume represents a generic volume resource that is provisioned/attached using an exec based plugin. Deprecated: FlexVolume is deprecated. Consider using a CSIDriver instead.'),
    flocker: ref(CORE + 'FlockerVolumeSource', 'flocker represents a Flocker volume attached to a kubelet\'s host machine. This depends on the Flocker control service being running. Deprecated: Flocker is deprecated and the in-tree flocker type is no longer supported.'),
    gcePersistentDisk: ref(CORE + 'GCEPersistentDiskVolumeSource', 'gcePersistentDisk represents a GCE Disk resource that is attached to a kubelet\'s host machine and then exposed to the pod. Deprecated: GCEPersistentDisk is deprecated. All operations for the in-tree gcePersistentDisk type are redirected to the pd.csi.storage.gke.io CSI driver. More info: https://kubernetes.io/docs/concepts/storage/volumes#gcepersistentdisk'),
    gitRepo: ref(CORE + 'GitRepoVolumeSource', 'gitRepo represents a git repository at a particular revision. Deprecated: GitRepo is deprecated. To provision a container with a git repo, mount an EmptyDir into an InitContainer that clones the repo using git, then mount the EmptyDir into the Pod\'s container.'),
    glusterfs: ref(CORE + 'GlusterfsVolumeSource', 'glusterfs represents a Glusterfs mount on the host that shares a pod\'s lifetime. Deprecated: Glusterfs is deprecated and the in-tree glusterfs type is no longer supported.'),
    hostPath: ref(CORE + 'HostPathVolumeSource', 'hostPath represents a pre-existing file or directory on the host machine that is directly exposed to the container. This is generally used for system agents or other privileged things that are allowed to see the host machine. Most containers will NOT need this. More info: https://kubernetes.io/docs/concepts/storage/volumes#hostpath'),
    image: ref(CORE + 'ImageVolumeSource', 'image represents an OCI object (a container image or artifact) pulled and mounted on the kubelet\'s host machine. The volume is resolved at pod startup depending on which PullPolicy value is provided:\n\n- Always: the kubelet always attempts to pull the reference. Container creation will fail If the pull fails. - Never: the kubelet never pulls the reference and only uses a local image or artifact.'),
    iscsi: ref(CORE + 'ISCSIVolumeSource', 'iscsi represents an ISCSI Disk resource that is attached to a kubelet\'s host machine and then exposed to the pod. More info: https://kubernetes.io/docs/concepts/storage/volumes/#iscsi'),
    name: str('name of the volume. Must be a DNS_LABEL and unique within the pod. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#names'),
    nfs: ref(CORE + 'NFSVolumeSource', 'nfs represents an NFS mount on the host that shares a pod\'s lifetime More info: https://kubernetes.io/docs/concepts/storage/volumes#nfs'),
    persistentVolumeClaim: ref(CORE + 'PersistentVolumeClaimVolumeSource', 'persistentVolumeClaimVolumeSource represents a reference to a PersistentVolumeClaim in the same namespace. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#persistentvolumeclaims'),
    photonPersistentDisk: ref(CORE + 'PhotonPersistentDiskVolumeSource', 'photonPersistentDisk represents a PhotonController persistent disk attached and mounted on kubelets host machine. Deprecated: PhotonPersistentDisk is deprecated and the in-tree photonPersistentDisk type is no longer supported.'),
    portworxVolume: ref(CORE + 'PortworxVolumeSource', 'portworxVolume represents a portworx volume attached and mounted on kubelets host machine. Deprecated: PortworxVolume is deprecated. All operations for the in-tree portworxVolume type are redirected to the pxd.portworx.com CSI driver.'),
    projected: ref(CORE + 'ProjectedVolumeSource', 'projected items for all in one resources secrets, configmaps, and downward API'),
    quobyte: ref(CORE + 'QuobyteVolumeSource', 'quobyte represents a Quobyte mount on the host that shares a pod\'s lifetime. Deprecated: Quobyte is deprecated and the in-tree quobyte type is no longer supported.'),
    rbd: ref(CORE + 'RBDVolumeSource', 'rbd represents a Rados Block Device mount on the host that shares a pod\'s lifetime. Deprecated: RBD is deprecated and the in-tree rbd type is no longer supported.'),
    scaleIO: ref(CORE + 'ScaleIOVolumeSource', 'scaleIO represents a ScaleIO persistent volume attached and mounted on Kubernetes nodes. Deprecated: ScaleIO is deprecated and the in-tree scaleIO type is no longer supported.'),
    secret: ref(CORE + 'SecretVolumeSource', 'secret represents a secret that should populate this volume. More info: https://kubernetes.io/docs/concepts/storage/volumes#secret'),
    storageos: ref(CORE + 'StorageOSVolumeSource', 'storageOS represents a StorageOS volume attached and mounted on Kubernetes nodes. Deprecated: StorageOS is deprecated and the in-tree storageos type is no longer supported.'),
    vsphereVolume: ref(CORE + 'VsphereVirtualDiskVolumeSource', 'vsphereVolume represents a vSphere volume attached and mounted on kubelets host machine. Deprecated: VsphereVolume is deprecated. All operations for the in-tree vsphereVolume type are redirected to the csi.vsphere.vmware.com CSI driver.'),
  }, { required: ['name'] }),
  'io.k8s.api.core.v1.VolumeProjection': obj('Projection that may be projected along with other supported volume types. Exactly one of these fields must be set.', {
    clusterTrustBundle: ref(CORE + 'ClusterTrustBundleProjection', 'ClusterTrustBundle allows a pod to access the `.spec.trustBundle` field of ClusterTrustBundle objects in an auto-updating file. Alpha, gated by the ClusterTrustBundleProjection feature gate. ClusterTrustBundle objects can either be selected by name, or by the combination of signer name and a label selector.'),
    configMap: ref(CORE + 'ConfigMapProjection', 'configMap information about the configMap data to project'),
    downwardAPI: ref(CORE + 'DownwardAPIProjection', 'downwardAPI information about the downwardAPI data to project'),
    podCertificate: ref(CORE + 'PodCertificateProjection', 'Projects an auto-rotating credential bundle (private key and certificate chain) that the pod can use either as a TLS client or server. Kubelet generates a private key and uses it to send a PodCertificateRequest to the named signer. Once the signer approves the request and issues a certificate chain, Kubelet writes the key and certificate chain to the pod filesystem.'),
    secret: ref(CORE + 'SecretProjection', 'secret information about the secret data to project'),
    serviceAccountToken: ref(CORE + 'ServiceAccountTokenProjection', 'serviceAccountToken is information about the serviceAccountToken data to project'),
  }),
  'io.k8s.api.core.v1.VolumeResourceRequirements': obj('VolumeResourceRequirements describes the storage resource requirements for a volume.', {
    limits: map(ref(QUANTITY), 'Limits describes the maximum amount of compute resources allowed. More info: https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/'),
    requests: map(ref(QUANTITY), 'Requests describes the minimum amount of compute resources required. If Requests is omitted for a container, it defaults to Limits if that is explicitly specified, otherwise to an implementation-defined value. Requests cannot exceed Limits. More info: https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/'),
  }),
};
