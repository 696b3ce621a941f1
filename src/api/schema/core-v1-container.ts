/**
 * @module Definitions: core/v1 Container and everything a container spec is made of (ports, env, probes, mounts).
 * Fields, types, list/patch extensions and descriptions follow upstream's OpenAPI (long
 * descriptions keep their first sentences).
 */
import type { Definitions } from './types.js';
import { arr, bool, int32, int64, map, obj, ref, str } from './builders.js';
import { CORE, INT_OR_STRING, QUANTITY } from './names.js';

export const CORE_V1_CONTAINER_DEFINITIONS: Definitions = {
  'io.k8s.api.core.v1.ConfigMapEnvSource': obj('ConfigMapEnvSource selects a ConfigMap to populate the environment variables with.\n\nThe contents of the target ConfigMap\'s Data field will represent the key-value pairs as environment variables.', {
    name: str('Name of the referent. This field is effectively required, but due to backwards compatibility is allowed to be empty. Instances of this type with an empty value here are almost certainly wrong. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#names'),
    optional: bool('Specify whether the ConfigMap must be defined'),
  }),
  'io.k8s.api.core.v1.ConfigMapKeySelector': obj('Selects a key from a ConfigMap.', {
    key: str('The key to select.'),
    name: str('Name of the referent. This field is effectively required, but due to backwards compatibility is allowed to be empty. Instances of this type with an empty value here are almost certainly wrong. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#names'),
    optional: bool('Specify whether the ConfigMap or its key must be defined'),
  }, { required: ['key'], mapType: 'atomic' }),
  'io.k8s.api.core.v1.Container': obj('A single application container that you want to run within a pod.', {
    args: arr(str(), 'Arguments to the entrypoint. The container image\'s CMD is used if this is not provided. Variable references $(VAR_NAME) are expanded using the container\'s environment. If a variable cannot be resolved, the reference in the input string will be unchanged. More info: https://kubernetes.io/docs/tasks/inject-data-application/define-command-argument-container/#running-a-command-in-a-shell', { listType: 'atomic' }),
    command: arr(str(), 'Entrypoint array. Not executed within a shell. The container image\'s ENTRYPOINT is used if this is not provided. Variable references $(VAR_NAME) are expanded using the container\'s environment. If a variable cannot be resolved, the reference in the input string will be unchanged. More info: https://kubernetes.io/docs/tasks/inject-data-application/define-command-argument-container/#running-a-command-in-a-shell', { listType: 'atomic' }),
    env: arr(ref(CORE + 'EnvVar'), 'List of environment variables to set in the container. Cannot be updated.', { listType: 'map', mapKeys: ['name'], mergeKey: 'name', strategy: 'merge' }),
    envFrom: arr(ref(CORE + 'EnvFromSource'), 'List of sources to populate environment variables in the container. The keys defined within a source must be a C_IDENTIFIER. All invalid keys will be reported as an event when the container is starting. When a key exists in multiple sources, the value associated with the last source will take precedence. Values defined by an Env with a duplicate key will take precedence. Cannot be updated.', { listType: 'atomic' }),
    image: str('Container image name. More info: https://kubernetes.io/docs/concepts/containers/images This field is optional to allow higher level config management to default or override container images in workload controllers like Deployments and StatefulSets.'),
    imagePullPolicy: str('Image pull policy. One of Always, Never, IfNotPresent. Defaults to Always if :latest tag is specified, or IfNotPresent otherwise. Cannot be updated. More info: https://kubernetes.io/docs/concepts/containers/images#updating-images\n\nPossible enum values:\n - `"Always"` means that kubelet always attempts to pull the latest image. Container will fail If the pull fails.\n - `"IfNotPresent"` means that kubelet pulls if the image isn\'t present on disk. Container will fail if the image isn\'t present and the pull fails.\n - `"Never"` means that kubelet never pulls an image, but only uses a local image. Container will fail if the image isn\'t present', { enum: ['Always', 'IfNotPresent', 'Never'] }),
    lifecycle: ref(CORE + 'Lifecycle', 'Actions that the management system should take in response to container lifecycle events. Cannot be updated.'),
    livenessProbe: ref(CORE + 'Probe', 'Periodic probe of container liveness. Container will be restarted if the probe fails. Cannot be updated. More info: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle#container-probes'),
    name: str('Name of the container specified as a DNS_LABEL. Each container in a pod must have a unique name (DNS_LABEL). Cannot be updated.'),
    ports: arr(ref(CORE + 'ContainerPort'), 'List of ports to expose from the container. Not specifying a port here DOES NOT prevent that port from being exposed. Any port which is listening on the default "0.0.0.0" address inside a container will be accessible from the network. Modifying this array with strategic merge patch may corrupt the data. For more information See https://github.com/kubernetes/kubernetes/issues/108255. Cannot be updated.', { listType: 'map', mapKeys: ['containerPort', 'protocol'], mergeKey: 'containerPort', strategy: 'merge' }),
    readinessProbe: ref(CORE + 'Probe', 'Periodic probe of container service readiness. Container will be removed from service endpoints if the probe fails. Cannot be updated. More info: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle#container-probes'),
    resizePolicy: arr(ref(CORE + 'ContainerResizePolicy'), 'Resources resize policy for the container.', { listType: 'atomic' }),
    resources: ref(CORE + 'ResourceRequirements', 'Compute Resources required by this container. Cannot be updated. More info: https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/'),
    restartPolicy: str('RestartPolicy defines the restart behavior of individual containers in a pod. This field may only be set for init containers, and the only allowed value is "Always". For non-init containers or when this field is not specified, the restart behavior is defined by the Pod\'s restart policy and the container type.'),
    securityContext: ref(CORE + 'SecurityContext', 'SecurityContext defines the security options the container should be run with. If set, the fields of SecurityContext override the equivalent fields of PodSecurityContext. More info: https://kubernetes.io/docs/tasks/configure-pod-container/security-context/'),
    startupProbe: ref(CORE + 'Probe', 'StartupProbe indicates that the Pod has successfully initialized. If specified, no other probes are executed until this completes successfully. If this probe fails, the Pod will be restarted, just as if the livenessProbe failed. More info: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle#container-probes'),
    stdin: bool('Whether this container should allocate a buffer for stdin in the container runtime. If this is not set, reads from stdin in the container will always result in EOF. Default is false.'),
    stdinOnce: bool('Whether the container runtime should close the stdin channel after it has been opened by a single attach. When stdin is true the stdin stream will remain open across multiple attach sessions.'),
    terminationMessagePath: str('Optional: Path at which the file to which the container\'s termination message will be written is mounted into the container\'s filesystem. Message written is intended to be brief final status, such as an assertion failure message. Will be truncated by the node if greater than 4096 bytes. The total message length across all containers will be limited to 12kb. Defaults to /dev/termination-log. Cannot be updated.'),
    terminationMessagePolicy: str('Indicate how the termination message should be populated. File will use the contents of terminationMessagePath to populate the container status message on both success and failure. FallbackToLogsOnError will use the last chunk of container log output if the termination message file is empty and the container exited with an error. The log output is limited to 2048 bytes or 80 lines, whichever is smaller. Defaults to File. Cannot be updated.\n\nPossible enum values:\n - `"FallbackToLogsOnError"` will read the most recent contents of the container logs for the container status message when the container exits with an error and the terminationMessagePath has no contents.\n - `"File"` is the default behavior and will set the container status message to the contents of the container\'s terminationMessagePath when the container exits.', { enum: ['FallbackToLogsOnError', 'File'] }),
    tty: bool('Whether this container should allocate a TTY for itself, also requires \'stdin\' to be true. Default is false.'),
    volumeDevices: arr(ref(CORE + 'VolumeDevice'), 'volumeDevices is the list of block devices to be used by the container.', { listType: 'map', mapKeys: ['devicePath'], mergeKey: 'devicePath', strategy: 'merge' }),
    volumeMounts: arr(ref(CORE + 'VolumeMount'), 'Pod volumes to mount into the container\'s filesystem. Cannot be updated.', { listType: 'map', mapKeys: ['mountPath'], mergeKey: 'mountPath', strategy: 'merge' }),
    workingDir: str('Container\'s working directory. If not specified, the container runtime\'s default will be used, which might be configured in the container image. Cannot be updated.'),
  }, { required: ['name'] }),
  'io.k8s.api.core.v1.ContainerPort': obj('ContainerPort represents a network port in a single container.', {
    containerPort: int32('Number of port to expose on the pod\'s IP address. This must be a valid port number, 0 < x < 65536.'),
    hostIP: str('What host IP to bind the external port to.'),
    hostPort: int32('Number of port to expose on the host. If specified, this must be a valid port number, 0 < x < 65536. If HostNetwork is specified, this must match ContainerPort. Most containers do not need this.'),
    name: str('If specified, this must be an IANA_SVC_NAME and unique within the pod. Each named port in a pod must have a unique name. Name for the port that can be referred to by services.'),
    protocol: str('Protocol for port. Must be UDP, TCP, or SCTP. Defaults to "TCP".\n\nPossible enum values:\n - `"SCTP"` is the SCTP protocol.\n - `"TCP"` is the TCP protocol.\n - `"UDP"` is the UDP protocol.', { default: 'TCP', enum: ['SCTP', 'TCP', 'UDP'] }),
  }, { required: ['containerPort'] }),
  'io.k8s.api.core.v1.ContainerResizePolicy': obj('ContainerResizePolicy represents resource resize policy for the container.', {
    resourceName: str('Name of the resource to which this resource resize policy applies. Supported values: cpu, memory.'),
    restartPolicy: str('Restart policy to apply when specified resource is resized. If not specified, it defaults to NotRequired.'),
  }, { required: ['resourceName', 'restartPolicy'] }),
  'io.k8s.api.core.v1.EnvFromSource': obj('EnvFromSource represents the source of a set of ConfigMaps or Secrets', {
    configMapRef: ref(CORE + 'ConfigMapEnvSource', 'The ConfigMap to select from'),
    prefix: str('Optional text to prepend to the name of each environment variable. Must be a C_IDENTIFIER.'),
    secretRef: ref(CORE + 'SecretEnvSource', 'The Secret to select from'),
  }),
  'io.k8s.api.core.v1.EnvVar': obj('EnvVar represents an environment variable present in a Container.', {
    name: str('Name of the environment variable. Must be a C_IDENTIFIER.'),
    value: str('Variable references $(VAR_NAME) are expanded using the previously defined environment variables in the container and any service environment variables. If a variable cannot be resolved, the reference in the input string will be unchanged. Double $$ are reduced to a single $, which allows for escaping the $(VAR_NAME) syntax: i.e. "$$(VAR_NAME)" will produce the string literal "$(VAR_NAME)".'),
    valueFrom: ref(CORE + 'EnvVarSource', 'Source for the environment variable\'s value. Cannot be used if value is not empty.'),
  }, { required: ['name'] }),
  'io.k8s.api.core.v1.EnvVarSource': obj('EnvVarSource represents a source for the value of an EnvVar.', {
    configMapKeyRef: ref(CORE + 'ConfigMapKeySelector', 'Selects a key of a ConfigMap.'),
    fieldRef: ref(CORE + 'ObjectFieldSelector', 'Selects a field of the pod: supports metadata.name, metadata.namespace, `metadata.labels[\'<KEY>\']`, `metadata.annotations[\'<KEY>\']`, spec.nodeName, spec.serviceAccountName, status.hostIP, status.podIP, status.podIPs.'),
    resourceFieldRef: ref(CORE + 'ResourceFieldSelector', 'Selects a resource of the container: only resources limits and requests (limits.cpu, limits.memory, limits.ephemeral-storage, requests.cpu, requests.memory and requests.ephemeral-storage) are currently supported.'),
    secretKeyRef: ref(CORE + 'SecretKeySelector', 'Selects a key of a secret in the pod\'s namespace'),
  }),
  'io.k8s.api.core.v1.EphemeralContainer': obj('An EphemeralContainer is a temporary container that you may add to an existing Pod for user-initiated activities such as debugging. Ephemeral containers have no resource or scheduling guarantees, and they will not be restarted when they exit or when a Pod is removed or restarted. The kubelet may evict a Pod if an ephemeral container causes the Pod to exceed its resource allocation.', {
    args: arr(str(), 'Arguments to the entrypoint. The image\'s CMD is used if this is not provided. Variable references $(VAR_NAME) are expanded using the container\'s environment. If a variable cannot be resolved, the reference in the input string will be unchanged. Double $$ are reduced to a single $, which allows for escaping the $(VAR_NAME) syntax: i.e. "$$(VAR_NAME)" will produce the string literal "$(VAR_NAME)". More info: https://kubernetes.io/docs/tasks/inject-data-application/define-command-argument-container/#running-a-command-in-a-shell', { listType: 'atomic' }),
    command: arr(str(), 'Entrypoint array. Not executed within a shell. The image\'s ENTRYPOINT is used if this is not provided. Variable references $(VAR_NAME) are expanded using the container\'s environment. If a variable cannot be resolved, the reference in the input string will be unchanged. More info: https://kubernetes.io/docs/tasks/inject-data-application/define-command-argument-container/#running-a-command-in-a-shell', { listType: 'atomic' }),
    env: arr(ref(CORE + 'EnvVar'), 'List of environment variables to set in the container. Cannot be updated.', { listType: 'map', mapKeys: ['name'], mergeKey: 'name', strategy: 'merge' }),
    envFrom: arr(ref(CORE + 'EnvFromSource'), 'List of sources to populate environment variables in the container. The keys defined within a source must be a C_IDENTIFIER. All invalid keys will be reported as an event when the container is starting. When a key exists in multiple sources, the value associated with the last source will take precedence. Values defined by an Env with a duplicate key will take precedence. Cannot be updated.', { listType: 'atomic' }),
    image: str('Container image name. More info: https://kubernetes.io/docs/concepts/containers/images'),
    imagePullPolicy: str('Image pull policy. One of Always, Never, IfNotPresent. Defaults to Always if :latest tag is specified, or IfNotPresent otherwise. Cannot be updated. More info: https://kubernetes.io/docs/concepts/containers/images#updating-images\n\nPossible enum values:\n - `"Always"` means that kubelet always attempts to pull the latest image. Container will fail If the pull fails.\n - `"IfNotPresent"` means that kubelet pulls if the image isn\'t present on disk. Container will fail if the image isn\'t present and the pull fails.\n - `"Never"` means that kubelet never pulls an image, but only uses a local image. Container will fail if the image isn\'t present', { enum: ['Always', 'IfNotPresent', 'Never'] }),
    lifecycle: ref(CORE + 'Lifecycle', 'Lifecycle is not allowed for ephemeral containers.'),
    livenessProbe: ref(CORE + 'Probe', 'Probes are not allowed for ephemeral containers.'),
    name: str('Name of the ephemeral container specified as a DNS_LABEL. This name must be unique among all containers, init containers and ephemeral containers.'),
    ports: arr(ref(CORE + 'ContainerPort'), 'Ports are not allowed for ephemeral containers.', { listType: 'map', mapKeys: ['containerPort', 'protocol'], mergeKey: 'containerPort', strategy: 'merge' }),
    readinessProbe: ref(CORE + 'Probe', 'Probes are not allowed for ephemeral containers.'),
    resizePolicy: arr(ref(CORE + 'ContainerResizePolicy'), 'Resources resize policy for the container.', { listType: 'atomic' }),
    resources: ref(CORE + 'ResourceRequirements', 'Resources are not allowed for ephemeral containers. Ephemeral containers use spare resources already allocated to the pod.'),
    restartPolicy: str('Restart policy for the container to manage the restart behavior of each container within a pod. This may only be set for init containers. You cannot set this field on ephemeral containers.'),
    securityContext: ref(CORE + 'SecurityContext', 'Optional: SecurityContext defines the security options the ephemeral container should be run with. If set, the fields of SecurityContext override the equivalent fields of PodSecurityContext.'),
    startupProbe: ref(CORE + 'Probe', 'Probes are not allowed for ephemeral containers.'),
    stdin: bool('Whether this container should allocate a buffer for stdin in the container runtime. If this is not set, reads from stdin in the container will always result in EOF. Default is false.'),
    stdinOnce: bool('Whether the container runtime should close the stdin channel after it has been opened by a single attach. When stdin is true the stdin stream will remain open across multiple attach sessions.'),
    targetContainerName: str('If set, the name of the container from PodSpec that this ephemeral container targets. The ephemeral container will be run in the namespaces (IPC, PID, etc) of this container. If not set then the ephemeral container uses the namespaces configured in the Pod spec.\n\nThe container runtime must implement support for this feature. If the runtime does not support namespace targeting then the result of setting this field is undefined.'),
    terminationMessagePath: str('Optional: Path at which the file to which the container\'s termination message will be written is mounted into the container\'s filesystem. Message written is intended to be brief final status, such as an assertion failure message. Will be truncated by the node if greater than 4096 bytes. The total message length across all containers will be limited to 12kb. Defaults to /dev/termination-log. Cannot be updated.'),
    terminationMessagePolicy: str('Indicate how the termination message should be populated. File will use the contents of terminationMessagePath to populate the container status message on both success and failure. FallbackToLogsOnError will use the last chunk of container log output if the termination message file is empty and the container exited with an error. The log output is limited to 2048 bytes or 80 lines, whichever is smaller. Defaults to File. Cannot be updated.\n\nPossible enum values:\n - `"FallbackToLogsOnError"` will read the most recent contents of the container logs for the container status message when the container exits with an error and the terminationMessagePath has no contents.\n - `"File"` is the default behavior and will set the container status message to the contents of the container\'s terminationMessagePath when the container exits.', { enum: ['FallbackToLogsOnError', 'File'] }),
    tty: bool('Whether this container should allocate a TTY for itself, also requires \'stdin\' to be true. Default is false.'),
    volumeDevices: arr(ref(CORE + 'VolumeDevice'), 'volumeDevices is the list of block devices to be used by the container.', { listType: 'map', mapKeys: ['devicePath'], mergeKey: 'devicePath', strategy: 'merge' }),
    volumeMounts: arr(ref(CORE + 'VolumeMount'), 'Pod volumes to mount into the container\'s filesystem. Subpath mounts are not allowed for ephemeral containers. Cannot be updated.', { listType: 'map', mapKeys: ['mountPath'], mergeKey: 'mountPath', strategy: 'merge' }),
    workingDir: str('Container\'s working directory. If not specified, the container runtime\'s default will be used, which might be configured in the container image. Cannot be updated.'),
  }, { required: ['name'] }),
  'io.k8s.api.core.v1.ExecAction': obj('ExecAction describes a "run in container" action.', {
    command: arr(str(), 'Command is the command line to execute inside the container, the working directory for the command  is root (\'/\') in the container\'s filesystem. The command is simply exec\'d, it is not run inside a shell, so traditional shell instructions (\'|\', etc) won\'t work. To use a shell, you need to explicitly call out to that shell. Exit status of 0 is treated as live/healthy and non-zero is unhealthy.', { listType: 'atomic' }),
  }),
  'io.k8s.api.core.v1.GRPCAction': obj('GRPCAction specifies an action involving a GRPC service.', {
    port: int32('Port number of the gRPC service. Number must be in the range 1 to 65535.'),
    service: str('Service is the name of the service to place in the gRPC HealthCheckRequest (see https://github.com/grpc/grpc/blob/master/doc/health-checking.md).\n\nIf this is not specified, the default behavior is defined by gRPC.'),
  }, { required: ['port'] }),
  'io.k8s.api.core.v1.HTTPGetAction': obj('HTTPGetAction describes an action based on HTTP Get requests.', {
    host: str('Host name to connect to, defaults to the pod IP. You probably want to set "Host" in httpHeaders instead.'),
    httpHeaders: arr(ref(CORE + 'HTTPHeader'), 'Custom headers to set in the request. HTTP allows repeated headers.', { listType: 'atomic' }),
    path: str('Path to access on the HTTP server.'),
    port: ref(INT_OR_STRING, 'Name or number of the port to access on the container. Number must be in the range 1 to 65535. Name must be an IANA_SVC_NAME.'),
    scheme: str('Scheme to use for connecting to the host. Defaults to HTTP.\n\nPossible enum values:\n - `"HTTP"` means that the scheme used will be http://\n - `"HTTPS"` means that the scheme used will be https://', { enum: ['HTTP', 'HTTPS'] }),
  }, { required: ['port'] }),
  'io.k8s.api.core.v1.HTTPHeader': obj('HTTPHeader describes a custom header to be used in HTTP probes', {
    name: str('The header field name. This will be canonicalized upon output, so case-variant names will be understood as the same header.'),
    value: str('The header field value'),
  }, { required: ['name', 'value'] }),
  'io.k8s.api.core.v1.Lifecycle': obj('Lifecycle describes actions that the management system should take in response to container lifecycle events. For the PostStart and PreStop lifecycle handlers, management of the container blocks until the action is complete, unless the container process fails, in which case the handler is aborted.', {
    postStart: ref(CORE + 'LifecycleHandler', 'PostStart is called immediately after a container is created. If the handler fails, the container is terminated and restarted according to its restart policy. Other management of the container blocks until the hook completes. More info: https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/#container-hooks'),
    preStop: ref(CORE + 'LifecycleHandler', 'PreStop is called immediately before a container is terminated due to an API request or management event such as liveness/startup probe failure, preemption, resource contention, etc. The handler is not called if the container crashes or exits. The Pod\'s termination grace period countdown begins before the PreStop hook is executed. More info: https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/#container-hooks'),
    stopSignal: str('StopSignal defines which signal will be sent to a container when it is being stopped. If not specified, the default is defined by the container runtime in use. StopSignal can only be set for Pods with a non-empty .spec.os.name\n\nPossible enum values:\n - `"SIGABRT"`\n - `"SIGALRM"`\n - `"SIGBUS"`\n - `"SIGCHLD"`\n - `"SIGCLD"`\n - `"SIGCONT"`\n - `"SIGFPE"`\n - `"SIGHUP"`\n - `"SIGILL"`\n - `"SIGINT"`\n - `"SIGIO"`\n - `"SIGIOT"`\n - `"SIGKILL"`\n - `"SIGPIPE"`\n - `"SIGPOLL"`\n - `"SIGPROF"`\n - `"SIGPWR"`\n - `"SIGQUIT"`\n - `"SIGRTMAX"`\n - `"SIGRTMAX-1"`\n - `"SIGRTMAX-10"`\n - `"SIGRTMAX-11"`\n - `"SIGRTMAX-12"`\n - `"SIGRTMAX-13"`\n - `"SIGRTMAX-14"`\n - `"SIGRTMAX-2"`\n - `"SIGRTMAX-3"`\n - `"SIGRTMAX-4"`\n - `"SIGRTMAX-5"`\n - `"SIGRTMAX-6"`\n - `"SIGRTMAX-7"`\n - `"SIGRTMAX-8"`\n - `"SIGRTMAX-9"`\n - `"SIGRTMIN"`\n - `"SIGRTMIN+1"`\n - `"SIGRTMIN+10"`\n - `"SIGRTMIN+11"`\n - `"SIGRTMIN+12"`\n - `"SIGRTMIN+13"`\n - `"SIGRTMIN+14"`\n - `"SIGRTMIN+15"`\n - `"SIGRTMIN+2"`\n - `"SIGRTMIN+3"`\n - `"SIGRTMIN+4"`\n - `"SIGRTMIN+5"`\n - `"SIGRTMIN+6"`\n - `"SIGRTMIN+7"`\n - `"SIGRTMIN+8"`\n - `"SIGRTMIN+9"`\n - `"SIGSEGV"`\n - `"SIGSTKFLT"`\n - `"SIGSTOP"`\n - `"SIGSYS"`\n - `"SIGTERM"`\n - `"SIGTRAP"`\n - `"SIGTSTP"`\n - `"SIGTTIN"`\n - `"SIGTTOU"`\n - `"SIGURG"`\n - `"SIGUSR1"`\n - `"SIGUSR2"`\n - `"SIGVTALRM"`\n - `"SIGWINCH"`\n - `"SIGXCPU"`\n - `"SIGXFSZ"`', { enum: ['SIGABRT', 'SIGALRM', 'SIGBUS', 'SIGCHLD', 'SIGCLD', 'SIGCONT', 'SIGFPE', 'SIGHUP', 'SIGILL', 'SIGINT', 'SIGIO', 'SIGIOT', 'SIGKILL', 'SIGPIPE', 'SIGPOLL', 'SIGPROF', 'SIGPWR', 'SIGQUIT', 'SIGRTMAX', 'SIGRTMAX-1', 'SIGRTMAX-10', 'SIGRTMAX-11', 'SIGRTMAX-12', 'SIGRTMAX-13', 'SIGRTMAX-14', 'SIGRTMAX-2', 'SIGRTMAX-3', 'SIGRTMAX-4', 'SIGRTMAX-5', 'SIGRTMAX-6', 'SIGRTMAX-7', 'SIGRTMAX-8', 'SIGRTMAX-9', 'SIGRTMIN', 'SIGRTMIN+1', 'SIGRTMIN+10', 'SIGRTMIN+11', 'SIGRTMIN+12', 'SIGRTMIN+13', 'SIGRTMIN+14', 'SIGRTMIN+15', 'SIGRTMIN+2', 'SIGRTMIN+3', 'SIGRTMIN+4', 'SIGRTMIN+5', 'SIGRTMIN+6', 'SIGRTMIN+7', 'SIGRTMIN+8', 'SIGRTMIN+9', 'SIGSEGV', 'SIGSTKFLT', 'SIGSTOP', 'SIGSYS', 'SIGTERM', 'SIGTRAP', 'SIGTSTP', 'SIGTTIN', 'SIGTTOU', 'SIGURG', 'SIGUSR1', 'SIGUSR2', 'SIGVTALRM', 'SIGWINCH', 'SIGXCPU', 'SIGXFSZ'] }),
  }),
  'io.k8s.api.core.v1.LifecycleHandler': obj('LifecycleHandler defines a specific action that should be taken in a lifecycle hook. One and only one of the fields, except TCPSocket must be specified.', {
    exec: ref(CORE + 'ExecAction', 'Exec specifies a command to execute in the container.'),
    httpGet: ref(CORE + 'HTTPGetAction', 'HTTPGet specifies an HTTP GET request to perform.'),
    sleep: ref(CORE + 'SleepAction', 'Sleep represents a duration that the container should sleep.'),
    tcpSocket: ref(CORE + 'TCPSocketAction', 'Deprecated. TCPSocket is NOT supported as a LifecycleHandler and kept for backward compatibility. There is no validation of this field and lifecycle hooks will fail at runtime when it is specified.'),
  }),
  'io.k8s.api.core.v1.ObjectFieldSelector': obj('ObjectFieldSelector selects an APIVersioned field of an object.', {
    apiVersion: str('Version of the schema the FieldPath is written in terms of, defaults to "v1".'),
    fieldPath: str('Path of the field to select in the specified API version.'),
  }, { required: ['fieldPath'], mapType: 'atomic' }),
  'io.k8s.api.core.v1.Probe': obj('Probe describes a health check to be performed against a container to determine whether it is alive or ready to receive traffic.', {
    exec: ref(CORE + 'ExecAction', 'Exec specifies a command to execute in the container.'),
    failureThreshold: int32('Minimum consecutive failures for the probe to be considered failed after having succeeded. Defaults to 3. Minimum value is 1.'),
    grpc: ref(CORE + 'GRPCAction', 'GRPC specifies a GRPC HealthCheckRequest.'),
    httpGet: ref(CORE + 'HTTPGetAction', 'HTTPGet specifies an HTTP GET request to perform.'),
    initialDelaySeconds: int32('Number of seconds after the container has started before liveness probes are initiated. More info: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle#container-probes'),
    periodSeconds: int32('How often (in seconds) to perform the probe. Default to 10 seconds. Minimum value is 1.'),
    successThreshold: int32('Minimum consecutive successes for the probe to be considered successful after having failed. Defaults to 1. Must be 1 for liveness and startup. Minimum value is 1.'),
    tcpSocket: ref(CORE + 'TCPSocketAction', 'TCPSocket specifies a connection to a TCP port.'),
    terminationGracePeriodSeconds: int64('Optional duration in seconds the pod needs to terminate gracefully upon probe failure. The grace period is the duration in seconds after the processes running in the pod are sent a termination signal and the time when the processes are forcibly halted with a kill signal. Set this value longer than the expected cleanup time for your process.'),
    timeoutSeconds: int32('Number of seconds after which the probe times out. Defaults to 1 second. Minimum value is 1. More info: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle#container-probes'),
  }),
  'io.k8s.api.core.v1.ResourceClaim': obj('ResourceClaim references one entry in PodSpec.ResourceClaims.', {
    name: str('Name must match the name of one entry in pod.spec.resourceClaims of the Pod where this field is used. It makes that resource available inside a container.'),
    request: str('Request is the name chosen for a request in the referenced claim. If empty, everything from the claim is made available, otherwise only the result of this request.'),
  }, { required: ['name'] }),
  'io.k8s.api.core.v1.ResourceFieldSelector': obj('ResourceFieldSelector represents container resources (cpu, memory) and their output format', {
    containerName: str('Container name: required for volumes, optional for env vars'),
    divisor: ref(QUANTITY, 'Specifies the output format of the exposed resources, defaults to "1"'),
    resource: str('Required: resource to select'),
  }, { required: ['resource'], mapType: 'atomic' }),
  'io.k8s.api.core.v1.ResourceRequirements': obj('ResourceRequirements describes the compute resource requirements.', {
    claims: arr(ref(CORE + 'ResourceClaim'), 'Claims lists the names of resources, defined in spec.resourceClaims, that are used by this container.\n\nThis is an alpha field and requires enabling the DynamicResourceAllocation feature gate.\n\nThis field is immutable. It can only be set for containers.', { listType: 'map', mapKeys: ['name'] }),
    limits: map(ref(QUANTITY), 'Limits describes the maximum amount of compute resources allowed. More info: https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/'),
    requests: map(ref(QUANTITY), 'Requests describes the minimum amount of compute resources required. If Requests is omitted for a container, it defaults to Limits if that is explicitly specified, otherwise to an implementation-defined value. Requests cannot exceed Limits. More info: https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/'),
  }),
  'io.k8s.api.core.v1.SecretEnvSource': obj('SecretEnvSource selects a Secret to populate the environment variables with.\n\nThe contents of the target Secret\'s Data field will represent the key-value pairs as environment variables.', {
    name: str('Name of the referent. This field is effectively required, but due to backwards compatibility is allowed to be empty. Instances of this type with an empty value here are almost certainly wrong. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#names'),
    optional: bool('Specify whether the Secret must be defined'),
  }),
  'io.k8s.api.core.v1.SecretKeySelector': obj('SecretKeySelector selects a key of a Secret.', {
    key: str('The key of the secret to select from.  Must be a valid secret key.'),
    name: str('Name of the referent. This field is effectively required, but due to backwards compatibility is allowed to be empty. Instances of this type with an empty value here are almost certainly wrong. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#names'),
    optional: bool('Specify whether the Secret or its key must be defined'),
  }, { required: ['key'], mapType: 'atomic' }),
  'io.k8s.api.core.v1.SleepAction': obj('SleepAction describes a "sleep" action.', {
    seconds: int64('Seconds is the number of seconds to sleep.'),
  }, { required: ['seconds'] }),
  'io.k8s.api.core.v1.TCPSocketAction': obj('TCPSocketAction describes an action based on opening a socket', {
    host: str('Optional: Host name to connect to, defaults to the pod IP.'),
    port: ref(INT_OR_STRING, 'Number or name of the port to access on the container. Number must be in the range 1 to 65535. Name must be an IANA_SVC_NAME.'),
  }, { required: ['port'] }),
  'io.k8s.api.core.v1.VolumeDevice': obj('volumeDevice describes a mapping of a raw block device within a container.', {
    devicePath: str('devicePath is the path inside of the container that the device will be mapped to.'),
    name: str('name must match the name of a persistentVolumeClaim in the pod'),
  }, { required: ['name', 'devicePath'] }),
  'io.k8s.api.core.v1.VolumeMount': obj('VolumeMount describes a mounting of a Volume within a container.', {
    mountPath: str('Path within the container at which the volume should be mounted.  Must not contain \':\'.'),
    mountPropagation: str('mountPropagation determines how mounts are propagated from the host to container and the other way around. When not set, MountPropagationNone is used. This field is beta in 1.10. When RecursiveReadOnly is set to IfPossible or to Enabled, MountPropagation must be None or unspecified (which defaults to None).\n\nPossible enum values:\n - `"Bidirectional"` means that the volume in a container will receive new mounts from the host or other containers, and its own mounts will be propagated from the container to the host or other containers. Note that this mode is recursively applied to all mounts in the volume ("rshared" in Linux terminology).\n - `"HostToContainer"` means that the volume in a container will receive new mounts from the host or other containers, but filesystems mounted inside the container won\'t be propagated to the host or other containers. Note that this mode is recursively applied to all mounts in the volume ("rslave" in Linux terminology).\n - `"None"` means that the volume in a container will not receive new mounts from the host or other containers, and filesystems mounted inside the container won\'t be propagated to the host or other containers. Note that this mode corresponds to "private" in Linux terminology.', { enum: ['Bidirectional', 'HostToContainer', 'None'] }),
    name: str('This must match the Name of a Volume.'),
    readOnly: bool('Mounted read-only if true, read-write otherwise (false or unspecified). Defaults to false.'),
    recursiveReadOnly: str('RecursiveReadOnly specifies whether read-only mounts should be handled recursively. If ReadOnly is false, this field has no meaning and must be unspecified. If ReadOnly is true, and this field is set to Disabled, the mount is not made recursively read-only. If this field is set to IfPossible, the mount is made recursively read-only, if it is supported by the container runtime.'),
    subPath: str('Path within the volume from which the container\'s volume should be mounted. Defaults to "" (volume\'s root).'),
    subPathExpr: str('Expanded path within the volume from which the container\'s volume should be mounted. Behaves similarly to SubPath but environment variable references $(VAR_NAME) are expanded using the container\'s environment. Defaults to "" (volume\'s root). SubPathExpr and SubPath are mutually exclusive.'),
  }, { required: ['name', 'mountPath'] }),
};
