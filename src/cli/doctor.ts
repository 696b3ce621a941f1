/**
 * @module `kubito doctor [svc/NAME] [-n NAMESPACE]`: explains why a Service has no endpoints
 * or gets no traffic, and what to do (the findings come from src/doctor). Without a Service,
 * every Service of every namespace gets one line, and the broken ones their findings; then the
 * node's hostPort rules (src/portmap, read in the node namespace) are checked against its
 * running pods' hostPorts. Exit code 1 when any problem was found.
 */
import { connect } from 'node:net';
import { findResource } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import type { Client } from '../client/index.js';
import { isNotFound } from '../api/errors.js';
import { diagnoseMissingService, diagnoseService, type EventView, type Finding, type HostCheck, type PodView, type ServiceView, type SliceView } from '../doctor/diagnose.js';
import { diagnoseHostPorts } from '../doctor/hostports.js';
import { parseIptablesHostports, parseNftHostports } from '../portmap/inspect.js';
import type { PortMapPod } from '../portmap/mappings.js';
import { connectToCluster } from './cluster-client.js';
import { parseCommonFlags, UsageError, type CommonFlags } from './flags.js';
import { hostPortFamily, proxyModeOf, readHostPortRules } from './proxy.js';
import { kubitoCommand, nameFlag } from './hints.js';

const SERVICES = findResource('', 'v1', 'services')!;
const PODS = findResource('', 'v1', 'pods')!;
const SLICES = findResource('discovery.k8s.io', 'v1', 'endpointslices')!;
const EVENTS = findResource('', 'v1', 'events')!;
const NODES = findResource('', 'v1', 'nodes')!;

export interface DoctorArgs {
  /** The Service's name; undefined: every Service. */
  service?: string;
  namespace: string;
  rest: string[];
}

/** Splits `svc/NAME`, `service/NAME` or `NAME` and `-n NS` / `--namespace NS` from the common flags. */
export function parseDoctorArgs(args: string[]): DoctorArgs {
  const rest: string[] = [];
  let service: string | undefined;
  let namespace = 'default';
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '-n' || arg === '--namespace') {
      const value = args[++i];
      if (!value) throw new UsageError(`${arg} needs a namespace`);
      namespace = value;
    } else if (arg.startsWith('--namespace=')) {
      namespace = arg.slice('--namespace='.length);
    } else if (!arg.startsWith('-')) {
      if (service !== undefined) throw new UsageError(`doctor takes one Service, not "${service}" and "${arg}"`);
      const m = /^(?:(svc|service|services)\/)?([a-z0-9]([-a-z0-9]*[a-z0-9])?)$/.exec(arg);
      if (!m) throw new UsageError(`"${arg}" is not a Service: use svc/NAME`);
      service = m[2];
    } else {
      rest.push(arg);
      if (!arg.includes('=') && (arg === '--name' || arg === '--data-dir')) rest.push(args[++i] ?? '');
    }
  }
  return { service, namespace, rest };
}

/** Whether something accepts a TCP connection there within 500 ms. */
function answers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 500 });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

async function hostCheck(service: ServiceView): Promise<HostCheck> {
  const check: HostCheck = {};
  const type = service.spec.type ?? 'ClusterIP';
  if (type !== 'NodePort' && type !== 'LoadBalancer') return check;
  for (const port of service.spec.ports ?? []) {
    if (!port.nodePort || (port.protocol ?? 'TCP') !== 'TCP') continue;
    (check.nodePorts ??= {})[port.nodePort] = await answers('127.0.0.1', port.nodePort);
  }
  for (const ingress of service.status?.loadBalancer?.ingress ?? []) {
    for (const port of service.spec.ports ?? []) {
      if (!ingress.ip || (port.protocol ?? 'TCP') !== 'TCP') continue;
      (check.loadBalancer ??= {})[`${ingress.ip}:${port.port}`] = await answers(ingress.ip, port.port);
    }
  }
  return check;
}

async function diagnose(client: Client, service: ServiceView, allPods: PodView[]): Promise<Finding[]> {
  const { name, namespace } = service.metadata;
  const slices = await client.resource<KubeObject>(SLICES).list({ namespace, labelSelector: `kubernetes.io/service-name=${name}` });
  // Events only when a selected pod is not ready: they hold why an image could not be pulled.
  const pods = allPods.filter((p) => p.metadata.namespace === namespace);
  const selector = Object.entries(service.spec.selector ?? {});
  const unready = selector.length > 0 && pods.some((p) => selector.every(([k, v]) => p.metadata.labels?.[k] === v) && !p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
  const events = unready ? ((await client.resource<KubeObject>(EVENTS).list({ namespace })).items as unknown as EventView[]) : [];
  return diagnoseService({
    service,
    pods: allPods.filter((p) => p.metadata.namespace === namespace),
    otherPods: allPods.filter((p) => p.metadata.namespace !== namespace),
    slices: slices.items as unknown as SliceView[],
    events,
    host: await hostCheck(service),
  });
}

const MARK: Record<Finding['level'], string> = { ok: '✓', warning: '!', problem: '✗' };

function printFindings(findings: Finding[], out: (line: string) => void): void {
  for (const f of findings) {
    out(`  ${MARK[f.level]} ${f.message}`);
    if (f.fix) out(`    fix: ${f.fix}`);
  }
}

function headline(service: ServiceView): string {
  const type = service.spec.type ?? 'ClusterIP';
  const ip = type === 'ExternalName' ? service.spec.externalName : service.spec.clusterIP;
  return `svc/${service.metadata.name} in ${service.metadata.namespace} (${type} ${ip ?? ''})`.replace(/ \)$/, ')');
}

/** The hostPort check of the cluster's node (kubito runs one): its findings, printed; false on a problem. */
async function checkHostPorts(client: Client, flags: CommonFlags, pods: PodView[], out: (line: string) => void): Promise<boolean> {
  const node = (await client.resource<KubeObject>(NODES).list()).items[0]?.metadata.name;
  if (!node) return true;
  const family = hostPortFamily(await proxyModeOf(flags));
  const text = readHostPortRules(flags, family);
  const kernel = text instanceof Error ? { error: text.message.split('\n')[0] } : { family, read: family === 'iptables' ? parseIptablesHostports(text) : parseNftHostports(text) };
  const findings = diagnoseHostPorts({ pods: pods as unknown as PortMapPod[], nodeName: node, kernel });
  if (!findings.length) return true;
  const problems = findings.filter((f) => f.level !== 'ok');
  if (!problems.length) {
    out(`${MARK.ok} hostPorts on node ${node}: ${findings[0].message}`);
    return true;
  }
  out(`${MARK[problems[0].level]} hostPorts on node ${node}`);
  printFindings(problems, out);
  return !problems.some((f) => f.level === 'problem');
}

export async function doctor(args: string[], out: (line: string) => void): Promise<boolean> {
  const parsed = parseDoctorArgs(args);
  const flags = parseCommonFlags(parsed.rest);
  const conn = connectToCluster(flags, 'kubito-doctor');
  if (!conn) {
    out(`✗ cluster "${flags.name}" is not running (data dir ${flags.dataDir})`);
    out(`  fix: start it with: ${kubitoCommand()} up --detach${nameFlag(flags.name)}`);
    return false;
  }
  try {
    const pods = (await conn.client.resource<KubeObject>(PODS).list()).items as unknown as PodView[];
    if (parsed.service) {
      let service: ServiceView;
      try {
        service = (await conn.client.resource<KubeObject>(SERVICES).get(parsed.service, { namespace: parsed.namespace })) as unknown as ServiceView;
      } catch (err) {
        if (!isNotFound(err)) throw err;
        // The wrong namespace (a forgotten -n) is the usual cause: look for the name in the others.
        const all = (await conn.client.resource<KubeObject>(SERVICES).list()).items;
        const elsewhere = all.filter((s) => s.metadata.name === parsed.service).map((s) => s.metadata.namespace ?? '');
        out(`svc/${parsed.service} in ${parsed.namespace}`);
        printFindings([diagnoseMissingService(parsed.service, parsed.namespace, elsewhere)], out);
        return false;
      }
      const findings = await diagnose(conn.client, service, pods);
      out(headline(service));
      printFindings(findings, out);
      return !findings.some((f) => f.level === 'problem');
    }
    const services = (await conn.client.resource<KubeObject>(SERVICES).list()).items as unknown as ServiceView[];
    let healthy = true;
    for (const service of services) {
      const findings = await diagnose(conn.client, service, pods);
      const worst = findings[0];
      const problems = findings.filter((f) => f.level !== 'ok');
      if (problems.length === 0) {
        out(`${MARK.ok} ${headline(service)}: ${worst?.message ?? 'ok'}`);
        continue;
      }
      if (problems.some((f) => f.level === 'problem')) healthy = false;
      out(`${MARK[worst.level]} ${headline(service)}`);
      printFindings(problems, out);
    }
    return (await checkHostPorts(conn.client, flags, pods, out)) && healthy;
  } finally {
    conn.close();
  }
}
