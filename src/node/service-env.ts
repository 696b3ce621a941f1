/**
 * @module The Service environment variables the kubelet gives containers
 * (pkg/kubelet/envvars): `<NAME>_SERVICE_HOST`, `<NAME>_SERVICE_PORT`,
 * `<NAME>_SERVICE_PORT_<PORT NAME>`, and Docker link variables `<NAME>_PORT`,
 * `<NAME>_PORT_<port>_<PROTO>{,_PROTO,_PORT,_ADDR}`; for the Services of the pod's namespace
 * (enableServiceLinks) and always for `default/kubernetes`. Services without a cluster IP
 * (headless, ExternalName) give none. Pure.
 */
import type { ServiceView } from './pod-view.js';

const COLLATOR = new Intl.Collator();

function envName(name: string): string {
  return name.toUpperCase().replace(/-/g, '_');
}

function hasClusterIP(svc: ServiceView): boolean {
  const ip = svc.spec?.clusterIP;
  return !!ip && ip !== 'None';
}

/** The variables of one Service, in the kubelet's order. */
export function serviceEnv(svc: ServiceView): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const ip = svc.spec?.clusterIP ?? '';
  const ports = svc.spec?.ports ?? [];
  const prefix = envName(svc.metadata.name ?? '');
  out.push([`${prefix}_SERVICE_HOST`, ip]);
  if (ports.length) out.push([`${prefix}_SERVICE_PORT`, String(ports[0].port)]);
  for (const p of ports) if (p.name) out.push([`${prefix}_SERVICE_PORT_${envName(p.name)}`, String(p.port)]);
  const host = ip.includes(':') ? `[${ip}]` : ip;
  ports.forEach((p, i) => {
    const proto = (p.protocol || 'TCP').toLowerCase();
    const url = `${proto}://${host}:${p.port}`;
    if (i === 0) out.push([`${prefix}_PORT`, url]);
    const portPrefix = `${prefix}_PORT_${p.port}_${proto.toUpperCase()}`;
    out.push([portPrefix, url], [`${portPrefix}_PROTO`, proto], [`${portPrefix}_PORT`, String(p.port)], [`${portPrefix}_ADDR`, ip]);
  });
  return out;
}

/**
 * The service variables for a pod in `namespace`: its namespace's Services when
 * `enableServiceLinks`, and the master Service `default/kubernetes` in any case; when a
 * name repeats, the pod's namespace wins, as in the kubelet's map.
 */
export function serviceEnvMap(services: ServiceView[], options: { namespace: string; enableServiceLinks: boolean }): Map<string, string> {
  const chosen = new Map<string, ServiceView>();
  // Only the candidates are sorted (by name, as localeCompare orders them: one collator, made
  // once, instead of a locale look-up per comparison); a burst of pods calls this per container.
  const candidates = services.filter((svc) => hasClusterIP(svc) && ((svc.metadata.namespace === options.namespace && options.enableServiceLinks) || (svc.metadata.namespace === 'default' && svc.metadata.name === 'kubernetes')));
  const sorted = candidates.sort((a, b) => COLLATOR.compare(a.metadata.name ?? '', b.metadata.name ?? ''));
  for (const svc of sorted) {
    const name = svc.metadata.name ?? '';
    if (svc.metadata.namespace === options.namespace && options.enableServiceLinks) chosen.set(name, svc);
    else if (svc.metadata.namespace === 'default' && name === 'kubernetes' && !chosen.has(name)) chosen.set(name, svc);
  }
  const out = new Map<string, string>();
  for (const svc of chosen.values()) for (const [k, v] of serviceEnv(svc)) out.set(k, v);
  return out;
}
