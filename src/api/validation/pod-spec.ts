/**
 * @module Pod spec validation with kube-apiserver 1.33's field paths, error types and texts, in
 * upstream's order (pkg/apis/core/validation/validation.go: ValidatePodCreate,
 * validatePodMetadataAndSpec, ValidatePodSpec, ValidateVolumes, validateContainers,
 * validateInitContainers, validateContainerCommon, validateContainerPorts, ValidateEnv,
 * ValidateEnvFrom, the probe and lifecycle handlers, ValidateTolerations,
 * ValidatePodTemplateSpec; volumes in pod-volumes.ts, mounts and devices in
 * pod-volume-mounts.ts). Objects are the v1 JSON after defaulting; the feature gates are
 * 1.33's defaults (relaxed environment variable names, zero-second sleep actions).
 *
 * What is not checked (see README.md): securityContext,
 * topologySpreadConstraints, resizePolicy, sysctls, hostAliases, overhead, os,
 * resourceClaims, the seccomp/AppArmor annotations.
 */
import type { FieldError } from '../errors.js';
import { isObj, isSet, listOf, numOf, type Obj, objOf, strOf } from './json-view.js';
import { child, duplicate, forbidden, index, invalid, key, notFound, notSupported, required } from './field-errors.js';
import { inclusiveRangeError, isValidLabelValue, isValidPortName, isValidPortNum, nameIsDNSSubdomain, regexError } from './names.js';
import { validateDNS1123Label, validateQualifiedName } from './name-fields.js';
import { IS_NEGATIVE, validateAnnotations, validateLabelName, validateLabels } from './object-meta.js';
import { validateAffinity } from './pod-affinity.js';
import { validatePodDNSConfig } from './pod-dns.js';
import { validateContainerResourceRequirements } from './pod-resources.js';
import { ENV_FIELD_PATHS, validateObjectFieldSelector, validateResourceFieldSelector } from './pod-field-selectors.js';
import { validateVolumes } from './pod-volumes.js';
import { validateVolumeDevices, validateVolumeMounts } from './pod-volume-mounts.js';

const MAX_INT32 = 2147483647;

export interface PodValidationOptions {
  /** The spec is a Pod's, not a template's (upstream's opts.ResourceIsPod). */
  resourceIsPod: boolean;
  /** The pod's name (a template has none): the claims of its ephemeral volumes are named after it. */
  podName?: string;
}

/** ValidateNonnegativeField. */
export function validateNonnegative(value: number, path: string): FieldError[] {
  return value < 0 ? [invalid(path, value, IS_NEGATIVE)] : [];
}

// ---- containers ----------------------------------------------------------------------------

/** sets.List order. */
const PORT_PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const TERMINATION_MESSAGE_POLICIES = ['File', 'FallbackToLogsOnError'];
const HTTP_SCHEMES = ['HTTP', 'HTTPS'];

/** validateContainerPorts. */
function validateContainerPorts(ports: unknown[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  ports.forEach((p, i) => {
    const port = objOf(p);
    const idxPath = index(path, i);
    const name = strOf(port.name);
    if (name.length > 0) {
      const msgs = isValidPortName(name);
      if (msgs.length) errs.push(...msgs.map((m) => invalid(child(idxPath, 'name'), name, m)));
      else if (names.has(name)) errs.push(duplicate(child(idxPath, 'name'), name));
      else names.add(name);
    }
    const containerPort = numOf(port.containerPort);
    if (containerPort === 0) errs.push(required(child(idxPath, 'containerPort')));
    else errs.push(...isValidPortNum(containerPort).map((m) => invalid(child(idxPath, 'containerPort'), containerPort, m)));
    const hostPort = numOf(port.hostPort);
    if (hostPort !== 0) errs.push(...isValidPortNum(hostPort).map((m) => invalid(child(idxPath, 'hostPort'), hostPort, m)));
    const protocol = strOf(port.protocol);
    if (protocol.length === 0) errs.push(required(child(idxPath, 'protocol')));
    else if (!PORT_PROTOCOLS.includes(protocol)) errs.push(notSupported(child(idxPath, 'protocol'), protocol, PORT_PROTOCOLS));
  });
  return errs;
}

const RELAXED_ENV_NAME_MSG = "a valid environment variable name must consist only of printable ASCII characters other than '='";

/** validation.IsRelaxedEnvVarName (RelaxedEnvironmentVariableValidation is on by default in 1.33). */
export function isRelaxedEnvVarName(value: string): string[] {
  const errs: string[] = [];
  if (value.length === 0) errs.push('environment variable name must be non-empty');
  for (const ch of value) {
    const cp = ch.codePointAt(0)!;
    if (cp > 0x7f || cp < 0x20 || cp === 0x7f || ch === '=') {
      errs.push(RELAXED_ENV_NAME_MSG);
      break;
    }
  }
  return errs;
}

const CONFIG_MAP_KEY_FMT = '[-._a-zA-Z0-9]+';

/** validation.IsConfigMapKey. */
export function isConfigMapKey(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 253) errs.push('must be no more than 253 characters');
  if (!/^[-._a-zA-Z0-9]+$/.test(value)) {
    errs.push(regexError("a valid config key must consist of alphanumeric characters, '-', '_' or '.'", CONFIG_MAP_KEY_FMT, 'key.name', 'KEY_NAME', 'key-name'));
  }
  if (value === '.') errs.push("must not be '.'");
  else if (value === '..') errs.push("must not be '..'");
  else if (value.startsWith('..')) errs.push("must not start with '..'");
  return errs;
}

/** validateConfigMapKeySelector / validateSecretKeySelector. */
function validateKeySelector(sel: Obj, path: string): FieldError[] {
  const name = strOf(sel.name);
  const errs = nameIsDNSSubdomain(name, false).map((m) => invalid(child(path, 'name'), name, m));
  const k = strOf(sel.key);
  if (k.length === 0) errs.push(required(child(path, 'key')));
  else errs.push(...isConfigMapKey(k).map((m) => invalid(child(path, 'key'), k, m)));
  return errs;
}

/** validateEnvVarValueFrom. */
function validateEnvVarValueFrom(ev: Obj, path: string): FieldError[] {
  if (!isSet(ev.valueFrom)) return [];
  const from = objOf(ev.valueFrom);
  const errs: FieldError[] = [];
  let sources = 0;
  if (isSet(from.fieldRef)) {
    sources++;
    errs.push(...validateObjectFieldSelector(objOf(from.fieldRef), ENV_FIELD_PATHS, child(path, 'fieldRef')));
  }
  if (isSet(from.resourceFieldRef)) {
    sources++;
    errs.push(...validateResourceFieldSelector(objOf(from.resourceFieldRef), child(path, 'resourceFieldRef'), false));
  }
  if (isSet(from.configMapKeyRef)) {
    sources++;
    errs.push(...validateKeySelector(objOf(from.configMapKeyRef), child(path, 'configMapKeyRef')));
  }
  if (isSet(from.secretKeyRef)) {
    sources++;
    errs.push(...validateKeySelector(objOf(from.secretKeyRef), child(path, 'secretKeyRef')));
  }
  if (sources === 0) errs.push(invalid(path, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
  else if (strOf(ev.value).length !== 0) errs.push(invalid(path, '', 'may not be specified when `value` is not empty'));
  else if (sources > 1) errs.push(invalid(path, '', 'may not have more than one field specified at a time'));
  return errs;
}

/** ValidateEnv. */
function validateEnv(vars: unknown[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  vars.forEach((v, i) => {
    const ev = objOf(v);
    const idxPath = index(path, i);
    const name = strOf(ev.name);
    if (name.length === 0) errs.push(required(child(idxPath, 'name')));
    else errs.push(...isRelaxedEnvVarName(name).map((m) => invalid(child(idxPath, 'name'), name, m)));
    errs.push(...validateEnvVarValueFrom(ev, child(idxPath, 'valueFrom')));
  });
  return errs;
}

/** ValidateEnvFrom. */
function validateEnvFrom(sources: unknown[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  sources.forEach((s, i) => {
    const ev = objOf(s);
    const idxPath = index(path, i);
    const prefix = strOf(ev.prefix);
    if (prefix.length > 0) errs.push(...isRelaxedEnvVarName(prefix).map((m) => invalid(child(idxPath, 'prefix'), prefix, m)));
    let count = 0;
    for (const kind of ['configMapRef', 'secretRef'] as const) {
      if (!isSet(ev[kind])) continue;
      count++;
      const name = strOf(objOf(ev[kind]).name);
      const namePath = child(idxPath, kind, 'name');
      if (name.length === 0) errs.push(required(namePath));
      else errs.push(...nameIsDNSSubdomain(name, true).map((m) => invalid(namePath, name, m)));
    }
    if (count === 0) errs.push(invalid(path, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (count > 1) errs.push(invalid(path, '', 'may not have more than one field specified at a time'));
  });
  return errs;
}

/** validatePullPolicy. */
function validatePullPolicy(policy: string, path: string): FieldError[] {
  if (PULL_POLICIES.includes(policy)) return [];
  if (policy === '') return [required(path)];
  return [notSupported(path, policy, PULL_POLICIES)];
}

/** validateContainerCommon: name, image, terminationMessagePolicy, ports, env, mounts, pull policy, resource names. */
function validateContainerCommon(ctr: Obj, volumes: Map<string, Obj>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = strOf(ctr.name);
  if (name.length === 0) errs.push(required(child(path, 'name')));
  else errs.push(...validateDNS1123Label(name, child(path, 'name')));
  if (strOf(ctr.image).length === 0) errs.push(required(child(path, 'image')));
  const tmp = strOf(ctr.terminationMessagePolicy);
  if (tmp === '') errs.push(required(child(path, 'terminationMessagePolicy')));
  else if (!TERMINATION_MESSAGE_POLICIES.includes(tmp)) errs.push(notSupported(child(path, 'terminationMessagePolicy'), tmp, TERMINATION_MESSAGE_POLICIES));
  errs.push(...validateContainerPorts(listOf(ctr.ports), child(path, 'ports')));
  errs.push(...validateEnv(listOf(ctr.env), child(path, 'env')));
  errs.push(...validateEnvFrom(listOf(ctr.envFrom), child(path, 'envFrom')));
  errs.push(...validateVolumeMounts(ctr, volumes, child(path, 'volumeMounts')));
  errs.push(...validateVolumeDevices(ctr, volumes, child(path, 'volumeDevices')));
  errs.push(...validatePullPolicy(strOf(ctr.imagePullPolicy), child(path, 'imagePullPolicy')));
  errs.push(...validateContainerResourceRequirements(objOf(ctr.resources), child(path, 'resources')));
  return errs;
}

/** ValidatePortNumOrName for a handler's IntOrString port. */
function validatePortNumOrName(port: unknown, path: string): FieldError[] {
  if (typeof port === 'string') return isValidPortName(port).map((m) => invalid(path, port, m));
  const n = numOf(port);
  return isValidPortNum(n).map((m) => invalid(path, n, m));
}

type HandlerKind = 'exec' | 'httpGet' | 'tcpSocket' | 'grpc' | 'sleep';

/** validateHandler: exactly one action, each checked. */
function validateHandler(handler: Obj, kinds: readonly HandlerKind[], gracePeriod: number | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  for (const kind of kinds) {
    if (!isSet(handler[kind])) continue;
    if (count > 0) {
      errs.push(forbidden(child(path, kind), 'may not specify more than 1 handler type'));
      continue;
    }
    count++;
    const action = objOf(handler[kind]);
    const p = child(path, kind);
    switch (kind) {
      case 'exec':
        if (listOf(action.command).length === 0) errs.push(required(child(p, 'command')));
        break;
      case 'httpGet': {
        if (strOf(action.path).length === 0) errs.push(required(child(p, 'path')));
        errs.push(...validatePortNumOrName(action.port, child(p, 'port')));
        const scheme = strOf(action.scheme);
        if (!HTTP_SCHEMES.includes(scheme)) errs.push(notSupported(child(p, 'scheme'), scheme, HTTP_SCHEMES));
        for (const h of listOf(action.httpHeaders)) {
          const headerName = strOf(objOf(h).name);
          if (!/^[-A-Za-z0-9]+$/.test(headerName)) {
            errs.push(invalid(child(p, 'httpHeaders'), headerName, regexError("a valid HTTP header must consist of alphanumeric characters or '-'", '[-A-Za-z0-9]+', 'X-Header-Name')));
          }
        }
        break;
      }
      case 'tcpSocket':
        errs.push(...validatePortNumOrName(action.port, child(p, 'port')));
        break;
      case 'grpc':
        errs.push(...validatePortNumOrName(numOf(action.port), child(p, 'port')));
        break;
      case 'sleep': {
        const seconds = numOf(action.seconds);
        if (gracePeriod !== undefined && (seconds < 0 || seconds > gracePeriod)) {
          errs.push(invalid(p, seconds, `must be non-negative and less than terminationGracePeriodSeconds (${gracePeriod})`));
        }
        break;
      }
    }
  }
  if (count === 0) errs.push(required(path, 'must specify a handler type'));
  return errs;
}

const PROBE_HANDLERS: readonly HandlerKind[] = ['exec', 'httpGet', 'tcpSocket', 'grpc'];
const LIFECYCLE_HANDLERS: readonly HandlerKind[] = ['exec', 'httpGet', 'tcpSocket', 'sleep'];

/** validateProbe. */
function validateProbe(probe: Obj, gracePeriod: number | undefined, path: string): FieldError[] {
  const errs = validateHandler(probe, PROBE_HANDLERS, gracePeriod, path);
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) {
    errs.push(...validateNonnegative(numOf(probe[f]), child(path, f)));
  }
  if (isSet(probe.terminationGracePeriodSeconds) && numOf(probe.terminationGracePeriodSeconds) <= 0) {
    errs.push(invalid(child(path, 'terminationGracePeriodSeconds'), numOf(probe.terminationGracePeriodSeconds), 'must be greater than 0'));
  }
  return errs;
}

/** validateLivenessProbe / validateReadinessProbe / validateStartupProbe. */
function validateProbes(ctr: Obj, gracePeriod: number | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const kind of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
    if (!isSet(ctr[kind])) continue;
    const probe = objOf(ctr[kind]);
    const p = child(path, kind);
    errs.push(...validateProbe(probe, gracePeriod, p));
    if (kind === 'readinessProbe') {
      if (isSet(probe.terminationGracePeriodSeconds)) errs.push(invalid(child(p, 'terminationGracePeriodSeconds'), numOf(probe.terminationGracePeriodSeconds), 'must not be set for readinessProbes'));
    } else if (numOf(probe.successThreshold) !== 1) {
      errs.push(invalid(child(p, 'successThreshold'), numOf(probe.successThreshold), 'must be 1'));
    }
  }
  return errs;
}

/** validateLifecycle. */
function validateLifecycle(lifecycle: Obj, gracePeriod: number | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const hook of ['postStart', 'preStop'] as const) {
    if (isSet(lifecycle[hook])) errs.push(...validateHandler(objOf(lifecycle[hook]), LIFECYCLE_HANDLERS, gracePeriod, child(path, hook)));
  }
  return errs;
}

/** AccumulateUniqueHostPorts over the given containers. */
function checkHostPortConflicts(containers: ReadonlyArray<readonly [Obj, number]>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  for (const [ctr, ci] of containers) {
    listOf(ctr.ports).forEach((p, pi) => {
      const port = objOf(p);
      const hostPort = numOf(port.hostPort);
      if (hostPort === 0) return;
      const text = `${strOf(port.protocol)}/${strOf(port.hostIP)}/${hostPort}`;
      if (seen.has(text)) errs.push(duplicate(child(index(child(index(path, ci), 'ports'), pi), 'hostPort'), text));
      else seen.add(text);
    });
  }
  return errs;
}

/** validateContainers. */
function validateContainers(containers: unknown[], volumes: Map<string, Obj>, gracePeriod: number | undefined, path: string): FieldError[] {
  if (containers.length === 0) return [required(path)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  containers.forEach((c, i) => {
    const ctr = objOf(c);
    const p = index(path, i);
    errs.push(...validateContainerCommon(ctr, volumes, p));
    const name = strOf(ctr.name);
    if (names.has(name)) errs.push(duplicate(child(p, 'name'), name));
    else names.add(name);
    if (isSet(ctr.lifecycle)) errs.push(...validateLifecycle(objOf(ctr.lifecycle), gracePeriod, child(p, 'lifecycle')));
    errs.push(...validateProbes(ctr, gracePeriod, p));
    if (isSet(ctr.restartPolicy)) errs.push(forbidden(child(p, 'restartPolicy'), 'may not be set for non-init containers'));
  });
  errs.push(...checkHostPortConflicts(containers.map((c, i) => [objOf(c), i] as const), path));
  return errs;
}

const INIT_ONLY = 'may not be set for init containers without restartPolicy=Always';

/** validateInitContainers: names unique across init and regular containers. */
function validateInitContainers(containers: unknown[], regular: unknown[], volumes: Map<string, Obj>, gracePeriod: number | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set(regular.map((c) => strOf(objOf(c).name)));
  containers.forEach((c, i) => {
    const ctr = objOf(c);
    const p = index(path, i);
    errs.push(...validateContainerCommon(ctr, volumes, p));
    let restartAlways = false;
    if (isSet(ctr.restartPolicy)) {
      const policy = strOf(ctr.restartPolicy);
      if (policy !== 'Always') errs.push(notSupported(child(p, 'restartPolicy'), policy, ['Always']));
      restartAlways = policy === 'Always';
    }
    const name = strOf(ctr.name);
    if (names.has(name)) errs.push(duplicate(child(p, 'name'), name));
    else if (name.length > 0) names.add(name);
    errs.push(...checkHostPortConflicts([[ctr, i]], path));
    if (restartAlways) {
      if (isSet(ctr.lifecycle)) errs.push(...validateLifecycle(objOf(ctr.lifecycle), gracePeriod, child(p, 'lifecycle')));
      errs.push(...validateProbes(ctr, gracePeriod, p));
    } else {
      for (const f of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe']) {
        if (isSet(ctr[f])) errs.push(forbidden(child(p, f), INIT_ONLY));
      }
    }
  });
  return errs;
}

/**
 * The fields of EphemeralContainerCommon in Go's order, and whether an ephemeral container may
 * set them (upstream's allowedEphemeralContainerFields); `struct` marks a struct-typed field
 * (resources), set when one of its members is.
 */
const EPHEMERAL_FIELDS: ReadonlyArray<readonly [string, boolean, 'struct'?]> = [
  ['name', true], ['image', true], ['command', true], ['args', true], ['workingDir', true],
  ['ports', false], ['envFrom', true], ['env', true], ['resources', false, 'struct'], ['resizePolicy', false],
  ['restartPolicy', false], ['volumeMounts', true], ['volumeDevices', true], ['livenessProbe', false],
  ['readinessProbe', false], ['startupProbe', false], ['lifecycle', false], ['terminationMessagePath', true],
  ['terminationMessagePolicy', true], ['imagePullPolicy', true], ['securityContext', true], ['stdin', true],
  ['stdinOnce', true], ['tty', true],
];

const NOT_FOR_EPHEMERAL = 'cannot be set for an Ephemeral Container';

/**
 * Whether a JSON value decodes to something other than the Go field's zero value: the
 * forbidden fields are pointers and slices (set unless null), and resources, a struct of maps
 * and a slice (set when one of them is).
 */
function goSet(value: unknown, struct: boolean): boolean {
  if (!isSet(value)) return false;
  return !struct || Object.values(objOf(value)).some((v) => isSet(v));
}

/**
 * validateEphemeralContainers: the common container checks, names unique across containers,
 * init containers and ephemeral containers, targetContainerName naming a container or init
 * container, only the allowed fields set (validateFieldAllowList), no subPath(Expr) mounts.
 */
export function validateEphemeralContainers(ephemeral: unknown[], containers: unknown[], initContainers: unknown[], volumes: Map<string, Obj>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (ephemeral.length === 0) return errs;
  const others = new Set([...containers, ...initContainers].map((c) => strOf(objOf(c).name)));
  const all = new Set(others);
  ephemeral.forEach((c, i) => {
    const ec = objOf(c);
    const p = index(path, i);
    errs.push(...validateContainerCommon(ec, volumes, p));
    errs.push(...validateContainersOnlyForPod([ec], path, i));
    const name = strOf(ec.name);
    if (all.has(name)) errs.push(duplicate(child(p, 'name'), name));
    else all.add(name);
    const target = strOf(ec.targetContainerName);
    if (target !== '' && !others.has(target)) errs.push(notFound(child(p, 'targetContainerName'), target));
    for (const [field, allowed, struct] of EPHEMERAL_FIELDS) {
      if (!allowed && goSet(ec[field], struct === 'struct')) errs.push(forbidden(child(p, field), NOT_FOR_EPHEMERAL));
    }
    listOf(ec.volumeMounts).forEach((m, j) => {
      const mount = objOf(m);
      for (const f of ['subPath', 'subPathExpr']) {
        if (strOf(mount[f]) !== '') errs.push(forbidden(child(index(child(p, 'volumeMounts'), j), f), NOT_FOR_EPHEMERAL));
      }
    });
  });
  return errs;
}

// ---- the pod spec --------------------------------------------------------------------------

const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const PREEMPTION_POLICIES = ['PreemptLowerPriority', 'Never'];
const TOLERATION_OPERATORS = ['Equal', 'Exists'];
const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

function validateEnum(value: string, valid: readonly string[], path: string): FieldError[] {
  if (valid.includes(value)) return [];
  if (value === '') return [required(path)];
  return [notSupported(path, value, valid)];
}

/** validatePodHostNetworkDeps. */
function validateHostNetworkDeps(spec: Obj, path: string, opts: PodValidationOptions): FieldError[] {
  if (spec.hostNetwork !== true) return [];
  const errs: FieldError[] = [];
  listOf(spec.containers).forEach((c, i) => {
    listOf(objOf(c).ports).forEach((p, j) => {
      const port = objOf(p);
      const hp = numOf(port.hostPort);
      const cp = numOf(port.containerPort);
      if ((opts.resourceIsPod || hp !== 0) && hp !== cp) {
        errs.push(invalid(child(index(child(index(child(path, 'containers'), i), 'ports'), j), 'hostPort'), hp, 'must match `containerPort` when `hostNetwork` is true'));
      }
    });
  });
  return errs;
}

/** ValidateTolerations. */
export function validateTolerations(tolerations: unknown[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  tolerations.forEach((t, i) => {
    const tol = objOf(t);
    const p = index(path, i);
    const k = strOf(tol.key);
    const operator = strOf(tol.operator);
    const effect = strOf(tol.effect);
    const value = strOf(tol.value);
    if (k.length > 0) errs.push(...validateLabelName(k, child(p, 'key')));
    if (k.length === 0 && operator !== 'Exists') {
      errs.push(invalid(child(p, 'operator'), operator, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (isSet(tol.tolerationSeconds) && effect !== 'NoExecute') {
      errs.push(invalid(child(p, 'effect'), effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    if (operator === 'Equal' || operator === '') {
      const msgs = isValidLabelValue(value);
      if (msgs.length) errs.push(invalid(child(p, 'operator'), value, msgs.join(';')));
    } else if (operator === 'Exists') {
      if (value.length > 0) errs.push(invalid(child(p, 'operator'), value, "value must be empty when `operator` is 'Exists'"));
    } else {
      errs.push(notSupported(child(p, 'operator'), operator, TOLERATION_OPERATORS));
    }
    if (effect.length > 0 && !TAINT_EFFECTS.includes(effect)) errs.push(notSupported(child(p, 'effect'), effect, TAINT_EFFECTS));
  });
  return errs;
}

/**
 * ValidatePodSpec (the parts listed in the module comment; resources in pod-resources.ts,
 * dnsConfig in pod-dns.ts), at `path` (`spec` for a Pod,
 * `spec.template.spec` for a workload's template).
 */
export function validatePodSpec(spec: Obj, path: string, opts: PodValidationOptions): FieldError[] {
  const errs: FieldError[] = [];
  if (!isSet(spec.terminationGracePeriodSeconds)) errs.push(required(child(path, 'terminationGracePeriodSeconds')));
  const gracePeriod = typeof spec.terminationGracePeriodSeconds === 'number' ? spec.terminationGracePeriodSeconds : undefined;
  const { names: volumes, errs: volumeErrs } = validateVolumes(listOf(spec.volumes), child(path, 'volumes'), opts);
  errs.push(...volumeErrs);
  errs.push(...validateContainers(listOf(spec.containers), volumes, gracePeriod, child(path, 'containers')));
  errs.push(...validateInitContainers(listOf(spec.initContainers), listOf(spec.containers), volumes, gracePeriod, child(path, 'initContainers')));
  errs.push(...validateEphemeralContainers(listOf(spec.ephemeralContainers), listOf(spec.containers), listOf(spec.initContainers), volumes, child(path, 'ephemeralContainers')));
  errs.push(...validateHostNetworkDeps(spec, path, opts));
  errs.push(...validateEnum(strOf(spec.restartPolicy), RESTART_POLICIES, child(path, 'restartPolicy')));
  errs.push(...validateEnum(strOf(spec.dnsPolicy), DNS_POLICIES, child(path, 'dnsPolicy')));
  errs.push(...validateLabels(isObj(spec.nodeSelector) ? (spec.nodeSelector as Record<string, string>) : undefined, child(path, 'nodeSelector')));
  errs.push(...validateAffinity(spec.affinity, child(path, 'affinity')));
  errs.push(...validatePodDNSConfig(spec.dnsConfig, strOf(spec.dnsPolicy), child(path, 'dnsConfig')));
  listOf(spec.readinessGates).forEach((g, i) => {
    errs.push(...validateQualifiedName(strOf(objOf(g).conditionType), child(index(child(path, 'readinessGates'), i), 'conditionType')));
  });
  const gates = new Set<string>();
  listOf(spec.schedulingGates).forEach((g, i) => {
    const name = strOf(objOf(g).name);
    const p = index(child(path, 'schedulingGates'), i);
    errs.push(...validateQualifiedName(name, p));
    if (gates.has(name)) errs.push(duplicate(p, name));
    gates.add(name);
  });
  const serviceAccountName = strOf(spec.serviceAccountName);
  if (serviceAccountName.length > 0) {
    errs.push(...nameIsDNSSubdomain(serviceAccountName, false).map((m) => invalid(child(path, 'serviceAccountName'), serviceAccountName, m)));
  }
  const nodeName = strOf(spec.nodeName);
  if (nodeName.length > 0) errs.push(...nameIsDNSSubdomain(nodeName, false).map((m) => invalid(child(path, 'nodeName'), nodeName, m)));
  if (isSet(spec.activeDeadlineSeconds)) {
    const value = numOf(spec.activeDeadlineSeconds);
    if (value < 1 || value > MAX_INT32) errs.push(invalid(child(path, 'activeDeadlineSeconds'), value, inclusiveRangeError(1, MAX_INT32)));
  }
  const hostname = strOf(spec.hostname);
  if (hostname.length > 0) errs.push(...validateDNS1123Label(hostname, child(path, 'hostname')));
  const subdomain = strOf(spec.subdomain);
  if (subdomain.length > 0) errs.push(...validateDNS1123Label(subdomain, child(path, 'subdomain')));
  const tolerations = listOf(spec.tolerations);
  if (tolerations.length > 0) errs.push(...validateTolerations(tolerations, child(path, 'tolerations')));
  const priorityClassName = strOf(spec.priorityClassName);
  if (priorityClassName.length > 0) {
    errs.push(...nameIsDNSSubdomain(priorityClassName, false).map((m) => invalid(child(path, 'priorityClassName'), priorityClassName, m)));
  }
  if (isSet(spec.runtimeClassName)) {
    const runtimeClassName = strOf(spec.runtimeClassName);
    errs.push(...nameIsDNSSubdomain(runtimeClassName, false).map((m) => invalid(child(path, 'runtimeClassName'), runtimeClassName, m)));
  }
  if (isSet(spec.preemptionPolicy)) errs.push(...validateEnum(strOf(spec.preemptionPolicy), PREEMPTION_POLICIES, child(path, 'preemptionPolicy')));
  return errs;
}

/** validateContainerOnlyForPod over a list (its first at index `first`): no surrounding whitespace in images. */
function validateContainersOnlyForPod(containers: unknown[], path: string, first = 0): FieldError[] {
  const errs: FieldError[] = [];
  containers.forEach((c, i) => {
    const image = strOf(objOf(c).image);
    if (image.trim().length !== image.length) errs.push(invalid(child(index(path, first + i), 'image'), image, 'must not have leading or trailing whitespace'));
  });
  return errs;
}

/**
 * validatePodMetadataAndSpec without ValidateObjectMeta (the registry's): the pod-deletion-cost
 * annotation (not on an update of a pod that already had an invalid one), ValidatePodSpec, then
 * the pod-only checks.
 */
export function validatePodMetadataAndSpec(spec: Obj, meta: Obj = {}, opts: { allowInvalidDeletionCost?: boolean } = {}): FieldError[] {
  const errs = opts.allowInvalidDeletionCost ? [] : podSpecificAnnotations(meta, 'metadata.annotations');
  errs.push(...validatePodSpec(spec, 'spec', { resourceIsPod: true, podName: strOf(meta.name) }));
  if (strOf(spec.serviceAccountName) === '') {
    listOf(spec.volumes).forEach((v, vi) => {
      const projected = objOf(v).projected;
      if (!isSet(projected)) return;
      listOf(objOf(projected).sources).forEach((s, si) => {
        if (isSet(objOf(s).serviceAccountToken)) {
          errs.push(forbidden(`spec.volumes[${vi}].projected.sources[${si}].serviceAccountToken`, 'must not be specified when serviceAccountName is not set'));
        }
      });
    });
  }
  errs.push(...validateContainersOnlyForPod(listOf(spec.containers), 'spec.containers'));
  errs.push(...validateContainersOnlyForPod(listOf(spec.initContainers), 'spec.initContainers'));
  return errs;
}

/** ValidatePodCreate without ValidateObjectMeta. */
export function validatePodCreate(spec: Obj, meta: Obj = {}): FieldError[] {
  const errs = validatePodMetadataAndSpec(spec, meta);
  if (listOf(spec.ephemeralContainers).length > 0) errs.push(forbidden('spec.ephemeralContainers', 'cannot be set on create'));
  if (strOf(spec.nodeName) !== '' && listOf(spec.schedulingGates).length !== 0) {
    errs.push(forbidden('spec.nodeName', 'cannot be set until all schedulingGates have been cleared'));
  }
  return errs;
}

/**
 * ValidatePodTemplateSpec: the template's labels (at `<path>.labels`, as upstream names them),
 * annotations, and its spec at `<path>.spec`.
 */
export function validatePodTemplateSpec(template: Obj, path: string): FieldError[] {
  const meta = objOf(template.metadata);
  const errs = validateLabels(isObj(meta.labels) ? (meta.labels as Record<string, string>) : undefined, child(path, 'labels'));
  errs.push(...validateAnnotations(isObj(meta.annotations) ? (meta.annotations as Record<string, string>) : undefined, child(path, 'annotations')));
  errs.push(...podSpecificAnnotations(meta, child(path, 'annotations')));
  const spec = objOf(template.spec);
  errs.push(...validatePodSpec(spec, child(path, 'spec'), { resourceIsPod: false }));
  if (listOf(spec.ephemeralContainers).length > 0) errs.push(forbidden(child(path, 'spec', 'ephemeralContainers'), 'ephemeral containers not allowed in pod template'));
  return errs;
}

/** Whether the object carries a pod-deletion-cost annotation upstream cannot read (PodValidationOptions.AllowInvalidPodDeletionCost on update). */
export function hasInvalidDeletionCost(meta: Obj): boolean {
  return podSpecificAnnotations(meta, 'metadata.annotations').length > 0;
}

/** ValidatePodSpecificAnnotations, the deletion-cost part. */
export function podSpecificAnnotations(meta: Obj, path: string): FieldError[] {
  const annotations = objOf(meta.annotations);
  const cost = annotations['controller.kubernetes.io/pod-deletion-cost'];
  if (typeof cost === 'string' && !isInt32Text(cost)) {
    return [invalid(key(path, 'controller.kubernetes.io/pod-deletion-cost'), cost, 'must be a 32bit integer')];
  }
  return [];
}

/** helper.GetDeletionCostFromPodAnnotations succeeds: validFirstDigit (no "+", no leading zeros), then ParseInt(s, 10, 32). */
function isInt32Text(s: string): boolean {
  if (!/^(-[0-9]+|0|[1-9][0-9]*)$/.test(s)) return false;
  const n = Number(s);
  return n >= -2147483648 && n <= MAX_INT32;
}
