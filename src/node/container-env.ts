/**
 * @module A container's environment as the kubelet builds it (makeEnvironmentVariables): envFrom
 * sources first (with their prefix), then `env` (values with `$(VAR)` expanded against what is
 * defined so far and the Service variables; `valueFrom` from the pod's fields, resources,
 * ConfigMaps and Secrets), then the Service variables not already set. A missing ConfigMap or
 * Secret (not optional) is a CreateContainerConfigError with the kubelet's message.
 */
import { expand, mapping } from './expansion.js';
import type { ContainerSpec, EnvVarSource, Pod } from './pod-view.js';

export interface EnvSources {
  /** ConfigMap data, or undefined when there is no such ConfigMap. */
  configMap(namespace: string, name: string): Promise<Record<string, string> | undefined>;
  /** Secret data, decoded, or undefined when there is no such Secret. */
  secret(namespace: string, name: string): Promise<Record<string, string> | undefined>;
}

export interface EnvContext {
  pod: Pod;
  podIP: string;
  hostIP: string;
  serviceEnv: Map<string, string>;
  /** The node's allocatable cpu (cores) and memory (bytes): a limit's value when none is set. */
  allocatable: { cpu: number; memory: number };
  sources: EnvSources;
}

/** The container cannot be configured: status waiting `CreateContainerConfigError`. */
export class ContainerConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContainerConfigError';
  }
}

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

export async function containerEnv(container: ContainerSpec, ctx: EnvContext): Promise<Map<string, string>> {
  const env = new Map<string, string>();
  const ns = ctx.pod.metadata.namespace;
  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    let data: Record<string, string> | undefined;
    if (from.configMapRef) {
      data = await ctx.sources.configMap(ns, from.configMapRef.name);
      if (!data) {
        if (from.configMapRef.optional) continue;
        throw new ContainerConfigError(`configmap "${from.configMapRef.name}" not found`);
      }
    } else if (from.secretRef) {
      data = await ctx.sources.secret(ns, from.secretRef.name);
      if (!data) {
        if (from.secretRef.optional) continue;
        throw new ContainerConfigError(`secret "${from.secretRef.name}" not found`);
      }
    }
    for (const [k, v] of Object.entries(data ?? {})) {
      const name = prefix + k;
      if (ENV_NAME.test(name)) env.set(name, v);
    }
  }
  for (const e of container.env ?? []) {
    if (e.valueFrom) {
      const value = await valueFrom(e.valueFrom, container, ctx);
      if (value !== undefined) env.set(e.name, value);
    } else {
      env.set(e.name, expand(e.value ?? '', mapping(env, ctx.serviceEnv)));
    }
  }
  for (const [k, v] of ctx.serviceEnv) if (!env.has(k)) env.set(k, v);
  return env;
}

/** Expands a container's command and args with its environment. */
export function expandArgs(argv: string[] | undefined, env: Map<string, string>): string[] | undefined {
  return argv?.map((a) => expand(a, mapping(env)));
}

async function valueFrom(source: EnvVarSource, container: ContainerSpec, ctx: EnvContext): Promise<string | undefined> {
  const pod = ctx.pod;
  if (source.fieldRef) return fieldValue(source.fieldRef.fieldPath, ctx);
  if (source.resourceFieldRef) return resourceValue(source.resourceFieldRef, container, ctx);
  if (source.configMapKeyRef) {
    const ref = source.configMapKeyRef;
    const data = await ctx.sources.configMap(pod.metadata.namespace, ref.name);
    if (!data) {
      if (ref.optional) return undefined;
      throw new ContainerConfigError(`configmap "${ref.name}" not found`);
    }
    if (!(ref.key in data)) {
      if (ref.optional) return undefined;
      throw new ContainerConfigError(`couldn't find key ${ref.key} in ConfigMap ${pod.metadata.namespace}/${ref.name}`);
    }
    return data[ref.key];
  }
  if (source.secretKeyRef) {
    const ref = source.secretKeyRef;
    const data = await ctx.sources.secret(pod.metadata.namespace, ref.name);
    if (!data) {
      if (ref.optional) return undefined;
      throw new ContainerConfigError(`secret "${ref.name}" not found`);
    }
    if (!(ref.key in data)) {
      if (ref.optional) return undefined;
      throw new ContainerConfigError(`couldn't find key ${ref.key} in Secret ${pod.metadata.namespace}/${ref.name}`);
    }
    return data[ref.key];
  }
  return undefined;
}

/** The downward API's field paths. */
export function fieldValue(path: string, ctx: Pick<EnvContext, 'pod' | 'podIP' | 'hostIP'>): string {
  const pod = ctx.pod;
  const m = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(path);
  if (m) {
    const map = (m[1] === 'labels' ? pod.metadata.labels : pod.metadata.annotations) ?? {};
    return map[m[2]] ?? '';
  }
  switch (path) {
    case 'metadata.name':
      return pod.metadata.name;
    case 'metadata.namespace':
      return pod.metadata.namespace;
    case 'metadata.uid':
      return pod.metadata.uid;
    case 'metadata.labels':
      return formatMap(pod.metadata.labels);
    case 'metadata.annotations':
      return formatMap(pod.metadata.annotations);
    case 'spec.nodeName':
      return pod.spec.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec.serviceAccountName ?? '';
    case 'status.hostIP':
    case 'status.hostIPs':
      return ctx.hostIP;
    case 'status.podIP':
    case 'status.podIPs':
      return ctx.podIP;
    default:
      throw new ContainerConfigError(`unsupported fieldPath: ${path}`);
  }
}

function formatMap(map: Record<string, string> | undefined): string {
  return Object.keys(map ?? {})
    .sort()
    .map((k) => `${k}=${JSON.stringify(map![k])}`)
    .join('\n');
}

/** Quantity to a number: `500m` -> 0.5, `128Mi` -> 134217728. */
export function parseQuantity(q: string | number): number {
  if (typeof q === 'number') return q;
  const m = /^([0-9.]+)([a-zA-Z]*)$/.exec(q.trim());
  if (!m) return Number(q);
  const n = Number(m[1]);
  const binary: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
  const decimal: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
  return n * (binary[m[2]] ?? decimal[m[2]] ?? 1);
}

/** A container's resource (limits/requests), divided by the divisor and rounded up; limits default to the node's allocatable. */
export function resourceValue(ref: NonNullable<EnvVarSource['resourceFieldRef']>, container: ContainerSpec, ctx: Pick<EnvContext, 'allocatable'>): string {
  const [kind, resource] = ref.resource.split('.');
  const divisor = parseQuantity(ref.divisor ?? 1) || 1;
  const set = (kind === 'limits' ? container.resources?.limits : container.resources?.requests)?.[resource];
  let value: number;
  if (set !== undefined) value = parseQuantity(set);
  else if (kind === 'limits') value = resource === 'cpu' ? ctx.allocatable.cpu : resource === 'memory' ? ctx.allocatable.memory : 0;
  else value = 0;
  return String(Math.ceil(value / divisor));
}
