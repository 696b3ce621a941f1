/**
 * @module Definitions: core/v1 ContainerStatus and its parts.
 * Fields, types, list/patch extensions and descriptions follow upstream's OpenAPI (long
 * descriptions keep their first sentences).
 */
import type { Definitions } from './types.js';
import { arr, bool, int32, int64, map, obj, ref, str } from './builders.js';
import { CORE, META, QUANTITY } from './names.js';

export const CORE_V1_CONTAINER_STATUS_DEFINITIONS: Definitions = {
  'io.k8s.api.core.v1.ContainerState': obj('ContainerState holds a possible state of container. Only one of its members may be specified. If none of them is specified, the default one is ContainerStateWaiting.', {
    running: ref(CORE + 'ContainerStateRunning', 'Details about a running container'),
    terminated: ref(CORE + 'ContainerStateTerminated', 'Details about a terminated container'),
    waiting: ref(CORE + 'ContainerStateWaiting', 'Details about a waiting container'),
  }),
  'io.k8s.api.core.v1.ContainerStateRunning': obj('ContainerStateRunning is a running state of a container.', {
    startedAt: ref(META + 'Time', 'Time at which the container was last (re-)started'),
  }),
  'io.k8s.api.core.v1.ContainerStateTerminated': obj('ContainerStateTerminated is a terminated state of a container.', {
    containerID: str('Container\'s ID in the format \'<type>://<container_id>\''),
    exitCode: int32('Exit status from the last termination of the container'),
    finishedAt: ref(META + 'Time', 'Time at which the container last terminated'),
    message: str('Message regarding the last termination of the container'),
    reason: str('(brief) reason from the last termination of the container'),
    signal: int32('Signal from the last termination of the container'),
    startedAt: ref(META + 'Time', 'Time at which previous execution of the container started'),
  }, { required: ['exitCode'] }),
  'io.k8s.api.core.v1.ContainerStateWaiting': obj('ContainerStateWaiting is a waiting state of a container.', {
    message: str('Message regarding why the container is not yet running.'),
    reason: str('(brief) reason the container is not yet running.'),
  }),
  'io.k8s.api.core.v1.ContainerStatus': obj('ContainerStatus contains details for the current status of this container.', {
    allocatedResources: map(ref(QUANTITY), 'AllocatedResources represents the compute resources allocated for this container by the node. Kubelet sets this value to Container.Resources.Requests upon successful pod admission and after successfully admitting desired pod resize.'),
    allocatedResourcesStatus: arr(ref(CORE + 'ResourceStatus'), 'AllocatedResourcesStatus represents the status of various resources allocated for this Pod.', { listType: 'map', mapKeys: ['name'], mergeKey: 'name', strategy: 'merge' }),
    containerID: str('ContainerID is the ID of the container in the format \'<type>://<container_id>\'. Where type is a container runtime identifier, returned from Version call of CRI API (for example "containerd").'),
    image: str('Image is the name of container image that the container is running. The container image may not match the image used in the PodSpec, as it may have been resolved by the runtime. More info: https://kubernetes.io/docs/concepts/containers/images.'),
    imageID: str('ImageID is the image ID of the container\'s image. The image ID may not match the image ID of the image used in the PodSpec, as it may have been resolved by the runtime.'),
    lastState: ref(CORE + 'ContainerState', 'LastTerminationState holds the last termination state of the container to help debug container crashes and restarts. This field is not populated if the container is still running and RestartCount is 0.'),
    name: str('Name is a DNS_LABEL representing the unique name of the container. Each container in a pod must have a unique name across all container types. Cannot be updated.'),
    ready: bool('Ready specifies whether the container is currently passing its readiness check. The value will change as readiness probes keep executing. If no readiness probes are specified, this field defaults to true once the container is fully started (see Started field).\n\nThe value is typically used to determine whether a container is ready to accept traffic.'),
    resources: ref(CORE + 'ResourceRequirements', 'Resources represents the compute resource requests and limits that have been successfully enacted on the running container after it has been started or has been successfully resized.'),
    restartCount: int32('RestartCount holds the number of times the container has been restarted. Kubelet makes an effort to always increment the value, but there are cases when the state may be lost due to node restarts and then the value may be reset to 0. The value is never negative.'),
    started: bool('Started indicates whether the container has finished its postStart lifecycle hook and passed its startup probe. Initialized as false, becomes true after startupProbe is considered successful. Resets to false when the container is restarted, or if kubelet loses state temporarily. In both cases, startup probes will run again.'),
    state: ref(CORE + 'ContainerState', 'State holds details about the container\'s current condition.'),
    stopSignal: str('StopSignal reports the effective stop signal for this container\n\nPossible enum values:\n - `"SIGABRT"`\n - `"SIGALRM"`\n - `"SIGBUS"`\n - `"SIGCHLD"`\n - `"SIGCLD"`\n - `"SIGCONT"`\n - `"SIGFPE"`\n - `"SIGHUP"`\n - `"SIGILL"`\n - `"SIGINT"`\n - `"SIGIO"`\n - `"SIGIOT"`\n - `"SIGKILL"`\n - `"SIGPIPE"`\n - `"SIGPOLL"`\n - `"SIGPROF"`\n - `"SIGPWR"`\n - `"SIGQUIT"`\n - `"SIGRTMAX"`\n - `"SIGRTMAX-1"`\n - `"SIGRTMAX-10"`\n - `"SIGRTMAX-11"`\n - `"SIGRTMAX-12"`\n - `"SIGRTMAX-13"`\n - `"SIGRTMAX-14"`\n - `"SIGRTMAX-2"`\n - `"SIGRTMAX-3"`\n - `"SIGRTMAX-4"`\n - `"SIGRTMAX-5"`\n - `"SIGRTMAX-6"`\n - `"SIGRTMAX-7"`\n - `"SIGRTMAX-8"`\n - `"SIGRTMAX-9"`\n - `"SIGRTMIN"`\n - `"SIGRTMIN+1"`\n - `"SIGRTMIN+10"`\n - `"SIGRTMIN+11"`\n - `"SIGRTMIN+12"`\n - `"SIGRTMIN+13"`\n - `"SIGRTMIN+14"`\n - `"SIGRTMIN+15"`\n - `"SIGRTMIN+2"`\n - `"SIGRTMIN+3"`\n - `"SIGRTMIN+4"`\n - `"SIGRTMIN+5"`\n - `"SIGRTMIN+6"`\n - `"SIGRTMIN+7"`\n - `"SIGRTMIN+8"`\n - `"SIGRTMIN+9"`\n - `"SIGSEGV"`\n - `"SIGSTKFLT"`\n - `"SIGSTOP"`\n - `"SIGSYS"`\n - `"SIGTERM"`\n - `"SIGTRAP"`\n - `"SIGTSTP"`\n - `"SIGTTIN"`\n - `"SIGTTOU"`\n - `"SIGURG"`\n - `"SIGUSR1"`\n - `"SIGUSR2"`\n - `"SIGVTALRM"`\n - `"SIGWINCH"`\n - `"SIGXCPU"`\n - `"SIGXFSZ"`', { enum: ['SIGABRT', 'SIGALRM', 'SIGBUS', 'SIGCHLD', 'SIGCLD', 'SIGCONT', 'SIGFPE', 'SIGHUP', 'SIGILL', 'SIGINT', 'SIGIO', 'SIGIOT', 'SIGKILL', 'SIGPIPE', 'SIGPOLL', 'SIGPROF', 'SIGPWR', 'SIGQUIT', 'SIGRTMAX', 'SIGRTMAX-1', 'SIGRTMAX-10', 'SIGRTMAX-11', 'SIGRTMAX-12', 'SIGRTMAX-13', 'SIGRTMAX-14', 'SIGRTMAX-2', 'SIGRTMAX-3', 'SIGRTMAX-4', 'SIGRTMAX-5', 'SIGRTMAX-6', 'SIGRTMAX-7', 'SIGRTMAX-8', 'SIGRTMAX-9', 'SIGRTMIN', 'SIGRTMIN+1', 'SIGRTMIN+10', 'SIGRTMIN+11', 'SIGRTMIN+12', 'SIGRTMIN+13', 'SIGRTMIN+14', 'SIGRTMIN+15', 'SIGRTMIN+2', 'SIGRTMIN+3', 'SIGRTMIN+4', 'SIGRTMIN+5', 'SIGRTMIN+6', 'SIGRTMIN+7', 'SIGRTMIN+8', 'SIGRTMIN+9', 'SIGSEGV', 'SIGSTKFLT', 'SIGSTOP', 'SIGSYS', 'SIGTERM', 'SIGTRAP', 'SIGTSTP', 'SIGTTIN', 'SIGTTOU', 'SIGURG', 'SIGUSR1', 'SIGUSR2', 'SIGVTALRM', 'SIGWINCH', 'SIGXCPU', 'SIGXFSZ'] }),
    user: ref(CORE + 'ContainerUser', 'User represents user identity information initially attached to the first process of the container'),
    volumeMounts: arr(ref(CORE + 'VolumeMountStatus'), 'Status of volume mounts.', { listType: 'map', mapKeys: ['mountPath'], mergeKey: 'mountPath', strategy: 'merge' }),
  }, { required: ['name', 'ready', 'restartCount', 'image', 'imageID'] }),
  'io.k8s.api.core.v1.ContainerUser': obj('ContainerUser represents user identity information', {
    linux: ref(CORE + 'LinuxContainerUser', 'Linux holds user identity information initially attached to the first process of the containers in Linux. Note that the actual running identity can be changed if the process has enough privilege to do so.'),
  }),
  'io.k8s.api.core.v1.LinuxContainerUser': obj('LinuxContainerUser represents user identity information in Linux containers', {
    gid: int64('GID is the primary gid initially attached to the first process in the container'),
    supplementalGroups: arr(int64(), 'SupplementalGroups are the supplemental groups initially attached to the first process in the container', { listType: 'atomic' }),
    uid: int64('UID is the primary uid initially attached to the first process in the container'),
  }, { required: ['uid', 'gid'] }),
  'io.k8s.api.core.v1.ResourceHealth': obj('ResourceHealth represents the health of a resource. It has the latest device health information. This is a part of KEP https://kep.k8s.io/4680.', {
    health: str('Health of the resource. can be one of:\n - Healthy: operates as normal\n - Unhealthy: reported unhealthy. We consider this a temporary health issue\n              since we do not have a mechanism today to distinguish\n              temporary and permanent issues.\n - Unknown: The status cannot be determined.\n            For example, Device Plugin got unregistered and hasn\'t been re-registered since.\n\nIn future we may want to introduce the PermanentlyUnhealthy Status.'),
    resourceID: str('ResourceID is the unique identifier of the resource. See the ResourceID type for more information.'),
  }, { required: ['resourceID'] }),
  'io.k8s.api.core.v1.ResourceStatus': obj('ResourceStatus represents the status of a single resource allocated to a Pod.', {
    name: str('Name of the resource. Must be unique within the pod and in case of non-DRA resource, match one of the resources from the pod spec. For DRA resources, the value must be "claim:<claim_name>/<request>". When this status is reported about a container, the "claim_name" and "request" must match one of the claims of this container.'),
    resources: arr(ref(CORE + 'ResourceHealth'), 'List of unique resources health. Each element in the list contains an unique resource ID and its health. At a minimum, for the lifetime of a Pod, resource ID must uniquely identify the resource allocated to the Pod on the Node. If other Pod on the same Node reports the status with the same resource ID, it must be the same resource they share. See ResourceID type definition for a specific format it has in various use cases.', { listType: 'map', mapKeys: ['resourceID'] }),
  }, { required: ['name'] }),
  'io.k8s.api.core.v1.VolumeMountStatus': obj('VolumeMountStatus shows status of volume mounts.', {
    mountPath: str('MountPath corresponds to the original VolumeMount.'),
    name: str('Name corresponds to the name of the original VolumeMount.'),
    readOnly: bool('ReadOnly corresponds to the original VolumeMount.'),
    recursiveReadOnly: str('RecursiveReadOnly must be set to Disabled, Enabled, or unspecified (for non-readonly mounts). An IfPossible value in the original VolumeMount must be translated to Disabled or Enabled, depending on the mount result.'),
  }, { required: ['name', 'mountPath'] }),
};
