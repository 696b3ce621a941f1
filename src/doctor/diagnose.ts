/**
 * @module Why a Service has no endpoints or gets no traffic, as a person would check it: its
 * type and ports, which pods its selector picks (here and in other namespaces), whether their
 * containers declare the targetPort, whether they are ready, what the EndpointSlices hold, and
 * whether its NodePort / LoadBalancer address answers on the host. Pure: the facts come in,
 * the findings (each with its fix) go out, so every cause is tested in a table.
 */

export interface ServicePortView {
  name?: string;
  port: number;
  protocol?: string;
  targetPort?: number | string;
  nodePort?: number;
}

export interface ServiceView {
  metadata: { name: string; namespace: string };
  spec: {
    type?: string;
    selector?: Record<string, string>;
    clusterIP?: string;
    ports?: ServicePortView[];
    externalName?: string;
    publishNotReadyAddresses?: boolean;
  };
  status?: { loadBalancer?: { ingress?: Array<{ ip?: string }> } };
}

export interface PodView {
  metadata: { name: string; namespace: string; labels?: Record<string, string>; deletionTimestamp?: string };
  spec?: { containers?: Array<{ name: string; ports?: Array<{ name?: string; containerPort: number; protocol?: string }> }> };
  status?: {
    phase?: string;
    podIP?: string;
    conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>;
    containerStatuses?: Array<{ name: string; ready?: boolean; state?: { waiting?: { reason?: string; message?: string }; terminated?: { reason?: string; exitCode?: number } } }>;
  };
}

export interface SliceView {
  metadata: { labels?: Record<string, string> };
  endpoints?: Array<{ addresses: string[]; conditions?: { ready?: boolean } }>;
  ports?: Array<{ name?: string; port?: number }>;
}

/** An event about a pod (the kubelet's `Failed` events carry why an image cannot be pulled). */
export interface EventView {
  involvedObject: { kind?: string; name?: string; namespace?: string };
  type?: string;
  reason?: string;
  message?: string;
}

/** What the host answers, when the caller tried (undefined: not checked). */
export interface HostCheck {
  /** `127.0.0.1:<nodePort>` per nodePort: accepted a TCP connection? */
  nodePorts?: Record<number, boolean>;
  /** `<ingress IP>:<port>`: accepted a TCP connection? */
  loadBalancer?: Record<string, boolean>;
}

export interface DiagnosisInput {
  service: ServiceView;
  /** Pods of the Service's namespace. */
  pods: PodView[];
  /** Pods of every other namespace (to spot a Service in the wrong one). */
  otherPods?: PodView[];
  /** EndpointSlices labelled `kubernetes.io/service-name=<service>`. */
  slices: SliceView[];
  /** Events of the namespace (optional): the pull error behind an ImagePullBackOff. */
  events?: EventView[];
  host?: HostCheck;
}

export type FindingLevel = 'ok' | 'warning' | 'problem';

export interface Finding {
  level: FindingLevel;
  /** What is the case, in one sentence. */
  message: string;
  /** What to do about it (problems and warnings). */
  fix?: string;
}

function selects(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

function formatSelector(selector: Record<string, string>): string {
  return Object.entries(selector)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

function isReady(pod: PodView): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

const PULL_REASONS = new Set(['ErrImagePull', 'ImagePullBackOff']);

/**
 * The pull error behind ErrImagePull / ImagePullBackOff: the status keeps only "Back-off pulling
 * image" once in back-off, the pod's last `Failed to pull image ...` event keeps why.
 */
function pullError(pod: PodView, events: EventView[]): string | undefined {
  const mine = events.filter((e) => e.involvedObject.kind === 'Pod' && e.involvedObject.name === pod.metadata.name && e.involvedObject.namespace === pod.metadata.namespace);
  return mine.reverse().find((e) => e.reason === 'Failed' && e.message?.startsWith('Failed to pull image'))?.message;
}

/** Why a pod is not ready, in the words `kubectl get pods` would use. */
function notReadyReason(pod: PodView, events: EventView[]): string {
  if (pod.metadata.deletionTimestamp) return 'Terminating';
  for (const cs of pod.status?.containerStatuses ?? []) {
    const waiting = cs.state?.waiting;
    if (waiting?.reason && PULL_REASONS.has(waiting.reason)) {
      const why = pullError(pod, events) ?? waiting.message;
      return why ? `${waiting.reason}: ${why}` : waiting.reason;
    }
    if (waiting?.reason) return waiting.message ? `${waiting.reason}: ${waiting.message}` : waiting.reason;
    const terminated = cs.state?.terminated;
    if (terminated) return `${terminated.reason ?? 'Terminated'} (exit code ${terminated.exitCode ?? '?'})`;
  }
  const phase = pod.status?.phase ?? 'Pending';
  if (phase !== 'Running') return phase;
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
  return ready?.message ?? ready?.reason ?? 'Running but its readiness probe has not passed';
}

/** The container port a pod offers for a targetPort (a name is looked up as kube-proxy does). */
function podPort(pod: PodView, targetPort: number | string, protocol: string): { found: boolean; number?: number } {
  const ports = (pod.spec?.containers ?? []).flatMap((c) => c.ports ?? []);
  if (typeof targetPort === 'number') return { found: ports.some((p) => p.containerPort === targetPort), number: targetPort };
  const hit = ports.find((p) => p.name === targetPort && (p.protocol ?? 'TCP') === protocol);
  return hit ? { found: true, number: hit.containerPort } : { found: false };
}

function readyEndpoints(slices: SliceView[]): string[] {
  const out: string[] = [];
  for (const slice of slices) {
    for (const ep of slice.endpoints ?? []) {
      if (ep.conditions?.ready === false) continue;
      for (const port of slice.ports ?? []) for (const addr of ep.addresses) out.push(`${addr}:${port.port}`);
    }
  }
  return [...new Set(out)].sort();
}

/** Every finding about one Service, problems first. */
export function diagnoseService(input: DiagnosisInput): Finding[] {
  const { service } = input;
  const { name, namespace } = service.metadata;
  const spec = service.spec;
  const findings: Finding[] = [];
  const type = spec.type ?? 'ClusterIP';

  if (type === 'ExternalName') {
    return [{ level: 'ok', message: `ExternalName Service: the cluster DNS answers ${name}.${namespace}.svc with a CNAME to ${spec.externalName}; it has no endpoints by design.` }];
  }
  const ports = spec.ports ?? [];
  if (ports.length === 0) {
    findings.push({
      level: 'problem',
      message: 'The Service has no ports, so no traffic can reach it (only a headless Service may have none, for DNS).',
      fix: `Add a port, e.g. kubectl patch svc ${name} -n ${namespace} -p '{"spec":{"ports":[{"port":80,"targetPort":80}]}}'`,
    });
  }

  const selector = spec.selector ?? {};
  const endpoints = readyEndpoints(input.slices);
  if (Object.keys(selector).length === 0) {
    if (endpoints.length === 0) {
      findings.push({
        level: 'problem',
        message: 'The Service has no selector, so no controller picks its pods, and no endpoints were written by hand.',
        fix: `Add a selector that matches your pods (kubectl set selector svc ${name} app=<label> -n ${namespace}), or write an Endpoints object named ${name} (mirrored into an EndpointSlice) or an EndpointSlice labelled kubernetes.io/service-name=${name}.`,
      });
    } else {
      findings.push({ level: 'ok', message: `No selector; its hand-written endpoints: ${endpoints.join(', ')}.` });
    }
    return sortFindings([...findings, ...hostFindings(input)]);
  }

  const chosen = input.pods.filter((p) => selects(selector, p.metadata.labels));
  if (chosen.length === 0) {
    const elsewhere = (input.otherPods ?? []).filter((p) => selects(selector, p.metadata.labels));
    if (elsewhere.length > 0) {
      const where = [...new Set(elsewhere.map((p) => p.metadata.namespace))].sort();
      findings.push({
        level: 'problem',
        message: `The selector ${formatSelector(selector)} matches no pod in namespace ${namespace}, but matches ${elsewhere.length} in ${where.join(', ')}: a Service only selects pods of its own namespace.`,
        fix: `Create the Service in ${where[0]} (kubectl expose ... -n ${where[0]}), or run the pods in ${namespace}.`,
      });
    } else {
      const near = nearMisses(selector, input.pods);
      findings.push({
        level: 'problem',
        message: `The selector ${formatSelector(selector)} matches no pod in namespace ${namespace}.${near ? ` Pods here carry ${near}.` : ''}`,
        fix: `Make the selector and the pods' labels agree: kubectl get pods -n ${namespace} --show-labels; kubectl set selector svc ${name} <key>=<value> -n ${namespace}.`,
      });
    }
    return sortFindings([...findings, ...hostFindings(input)]);
  }

  for (const port of ports) {
    const target = port.targetPort ?? port.port;
    const protocol = port.protocol ?? 'TCP';
    const label = port.name ? `port ${port.name} (${port.port})` : `port ${port.port}`;
    const missing = chosen.filter((p) => !podPort(p, target, protocol).found);
    if (typeof target === 'string' && missing.length > 0) {
      const offered = [...new Set(chosen.flatMap((p) => (p.spec?.containers ?? []).flatMap((c) => (c.ports ?? []).map((cp) => (cp.name ? `${cp.name}=${cp.containerPort}` : String(cp.containerPort))))))];
      findings.push({
        level: 'problem',
        message: `${label}: targetPort "${target}" names no ${protocol} container port of ${missing.length === chosen.length ? 'any selected pod' : `pods ${missing.map((p) => p.metadata.name).join(', ')}`}${offered.length ? ` (they offer ${offered.join(', ')})` : ' (they declare no ports)'}; those pods are left out of its endpoints.`,
        fix: `Name the container port "${target}" in the pod template (ports: - name: ${target}), or set targetPort to the port number.`,
      });
    } else if (typeof target === 'number' && missing.length === chosen.length && chosen.some((p) => (p.spec?.containers ?? []).some((c) => (c.ports ?? []).length > 0))) {
      // Pods that declare ports, none of them this one: likely a wrong number. (Pods that declare
      // none say nothing either way; that is common and fine.)
      findings.push({
        level: 'warning',
        message: `${label}: the selected pods declare other container ports, not ${target}. Declaring it is optional, but if nothing listens on ${target} the connections are refused.`,
        fix: `Check the port your container listens on (kubectl logs, or kubectl exec <pod> -- netstat -ltn) and set targetPort to it.`,
      });
    }
  }

  const notReady = chosen.filter((p) => !isReady(p) || p.metadata.deletionTimestamp);
  if (notReady.length > 0 && !spec.publishNotReadyAddresses) {
    const level: FindingLevel = notReady.length === chosen.length ? 'problem' : 'warning';
    const reasons = notReady.map((p) => notReadyReason(p, input.events ?? []));
    // A host program an image needs (kubito runs nginx and busybox from the host): the apt-get line.
    const packages = [...new Set(reasons.flatMap((r) => [...r.matchAll(/apt-get install (?:-y )?([a-z0-9][a-z0-9.+-]*)/g)].map((m) => m[1])))];
    findings.push({
      level,
      message: `${notReady.length} of ${chosen.length} selected pods are not ready, so they get no traffic: ${notReady.map((p, i) => `${p.metadata.name} (${reasons[i]})`).join('; ')}.`,
      fix: packages.length
        ? `Install what the image runs on this machine: sudo apt-get install -y ${packages.join(' ')}; the pods retry on their own (kubectl get pods -n ${namespace} -w).`
        : `kubectl describe pod ${notReady[0].metadata.name} -n ${namespace} shows why (events, probe failures); kubectl logs ${notReady[0].metadata.name} -n ${namespace} shows what it printed.`,
    });
  }

  if (endpoints.length > 0) {
    findings.push({ level: 'ok', message: `${chosen.length} ${chosen.length === 1 ? 'pod' : 'pods'} selected; ready endpoints: ${endpoints.join(', ')}.` });
  } else if (!findings.some((f) => f.level === 'problem')) {
    findings.push({
      level: 'problem',
      message: 'The pods look right but the Service has no ready endpoints yet.',
      fix: 'Wait a moment and look again (kubectl get endpointslices -l kubernetes.io/service-name=' + name + '); if it stays empty, the endpointslice controller is not running: kubito status.',
    });
  }
  return sortFindings([...findings, ...hostFindings(input)]);
}

/**
 * `kubito doctor svc/NAME` for a Service that is not there: in which other namespaces a Service
 * of that name exists (`elsewhere`), and the command that looks there.
 */
export function diagnoseMissingService(name: string, namespace: string, elsewhere: string[]): Finding {
  const where = [...new Set(elsewhere)].sort();
  if (where.length > 0) {
    return {
      level: 'problem',
      message: `There is no Service ${name} in namespace ${namespace}, but there is one in ${where.join(', ')}.`,
      fix: `Name the namespace: kubito doctor svc/${name} -n ${where[0]} (and kubectl ... -n ${where[0]}).`,
    };
  }
  return {
    level: 'problem',
    message: `There is no Service ${name} in any namespace.`,
    fix: `Create it (kubectl expose deployment/<name> --port=80 --name=${name}, or kubectl apply -f <file>.yaml); kubectl get svc -A lists the Services there are.`,
  };
}

/** Label pairs on pods that share a key with the selector but not its value. */
function nearMisses(selector: Record<string, string>, pods: PodView[]): string {
  const seen = new Set<string>();
  for (const pod of pods) {
    for (const key of Object.keys(selector)) {
      const value = pod.metadata.labels?.[key];
      if (value !== undefined && value !== selector[key]) seen.add(`${key}=${value}`);
    }
  }
  return [...seen].sort().join(', ');
}

function hostFindings(input: DiagnosisInput): Finding[] {
  const out: Finding[] = [];
  const { name, namespace } = input.service.metadata;
  for (const [port, answered] of Object.entries(input.host?.nodePorts ?? {})) {
    if (answered) out.push({ level: 'ok', message: `NodePort ${port} answers on the host at 127.0.0.1:${port}.` });
    else
      out.push({
        level: 'problem',
        message: `NodePort ${port} does not answer on the host at 127.0.0.1:${port}.`,
        fix: `Look for a FailedToBindHostPort event (kubectl describe svc ${name} -n ${namespace}): another program may hold port ${port} (ss -ltnp 'sport = :${port}').`,
      });
  }
  for (const [address, answered] of Object.entries(input.host?.loadBalancer ?? {})) {
    if (answered) out.push({ level: 'ok', message: `The load balancer answers on the host at ${address}.` });
    else
      out.push({
        level: 'problem',
        message: `The load balancer address ${address} does not answer on the host.`,
        fix: `Look for a FailedToBindHostPort event (kubectl describe svc ${name} -n ${namespace}).`,
      });
  }
  return out;
}

const ORDER: Record<FindingLevel, number> = { problem: 0, warning: 1, ok: 2 };

function sortFindings(findings: Finding[]): Finding[] {
  return findings.map((f, i) => ({ f, i })).sort((a, b) => ORDER[a.f.level] - ORDER[b.f.level] || a.i - b.i).map(({ f }) => f);
}
