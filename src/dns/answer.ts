/**
 * @module The answer function: one query + the record source → the reply, as CoreDNS's
 * kubernetes plugin (handler.go, kubernetes.go findServices/findPods, backend_lookup.go A/SRV/
 * PTR/CNAME/TXT/NS/SOA) would write it, for the zones `<cluster zone>`, `in-addr.arpa.` and
 * `ip6.arpa.` (`pods insecure`, `fallthrough in-addr.arpa ip6.arpa`, as kubeadm's Corefile).
 * Pure: the only outside world is the RecordSource. Names outside those zones, and NXDOMAIN
 * inside the reverse zones, are `forward` (the server hands them to the upstream relay); an
 * ExternalName whose target is outside the cluster zone is a `chase` (the server looks the
 * target up and finishes the answer with completeChase).
 */
import { isIPv4, isIPv6 } from 'node:net';
import { lowerName } from './names.js';
import type { EndpointSubset, PortRecord, RecordSource } from './records.js';
import { CLASS_IN, RCODE, replyTo, TYPE, type Message, type RR } from './wire.js';

export interface AnswerConfig {
  /** The cluster domain, lower-case, with the trailing dot: `cluster.local.`. */
  zone: string;
  /** TTL of every record (CoreDNS `ttl`, default 5); also the SOA minimum. */
  ttl: number;
  /**
   * This server's own addresses: NS names the Services whose endpoints hold them on port 53
   * (kubito: the node address also fronts the API for `default/kubernetes`, which is no NS).
   */
  selfIPs: string[];
  /** `insecure` (kubeadm's default) answers any dashed IP in an existing namespace. */
  pods: 'insecure' | 'disabled';
}

export type Outcome =
  | { kind: 'reply'; message: Message }
  | { kind: 'forward' }
  | { kind: 'chase'; message: Message; target: string; qtype: number };

/** The schema version TXT (KS §2.2), TTL 28800 as CoreDNS hard-codes it. */
export const DNS_SCHEMA_VERSION = '1.1.0';
const REVERSE_ZONES = ['in-addr.arpa.', 'ip6.arpa.'];
const MAX_CNAME_CHAIN = 7;

/** CoreDNS's msg.Service: an address (A/AAAA), a domain (CNAME) or a text, under a name. */
interface Item {
  host: string;
  port: number;
  /** The record's own name (SRV target, NS name), lower-case FQDN. */
  key: string;
  ttl: number;
  text?: string;
}

/** `null`: a name error (NXDOMAIN); `[]`: the name exists, nothing of that type (NODATA). */
type Lookup = Item[] | null;

function hostType(host: string): number {
  if (isIPv4(host)) return TYPE.A;
  if (isIPv6(host)) return TYPE.AAAA;
  return TYPE.CNAME;
}

function fqdn(name: string): string {
  return name.endsWith('.') ? name : `${name}.`;
}

function isSubdomain(parent: string, child: string): boolean {
  return child === parent || child.endsWith(`.${parent}`);
}

function strip(label: string): string {
  return label.startsWith('_') ? label.slice(1) : label;
}

function portMatches(port: string, protocol: string, p: PortRecord): boolean {
  return (port === '' || port === p.name.toLowerCase()) && (protocol === '' || protocol === p.protocol.toLowerCase());
}

/** The IP a full reverse name stands for, or ''. */
export function addressFromReverse(name: string): string {
  if (name.endsWith('.in-addr.arpa.')) {
    const labels = name.slice(0, -'.in-addr.arpa.'.length).split('.');
    if (labels.length !== 4 || !labels.every((l) => /^(0|[1-9]\d{0,2})$/.test(l) && Number(l) <= 255)) return '';
    return labels.reverse().join('.');
  }
  if (name.endsWith('.ip6.arpa.')) {
    const labels = name.slice(0, -'.ip6.arpa.'.length).split('.');
    if (labels.length !== 32 || !labels.every((l) => /^[0-9a-f]$/.test(l))) return '';
    const hex = labels.reverse().join('');
    const groups = hex.match(/.{4}/g)!.join(':');
    return new URL(`http://[${groups}]/`).hostname.slice(1, -1);
  }
  return '';
}

/** Answers one query (exactly one IN question, opcode QUERY: the server checks that first). */
export function answer(query: Message, src: RecordSource, cfg: AnswerConfig): Outcome {
  const q = query.question[0];
  const qname = q.name;
  const name = lowerName(qname);
  const zones = [cfg.zone, ...REVERSE_ZONES];
  const zone = zones.filter((z) => isSubdomain(z, name)).sort((a, b) => b.length - a.length)[0];
  if (!zone) return { kind: 'forward' };
  const zoneQ = qname.slice(qname.length - zone.length);
  const reverseZone = zone !== cfg.zone;
  const ttl = cfg.ttl;

  const soa = (): RR => ({
    name: zoneQ, type: TYPE.SOA, class: CLASS_IN, ttl: Math.min(ttl, 300),
    data: { mname: `ns.dns.${zoneQ}`, rname: `hostmaster.${zoneQ}`, serial: src.serial() >>> 0, refresh: 7200, retry: 1800, expire: 86400, minimum: ttl },
  });
  const negative = (rcode: number): Message => {
    const m = replyTo(query, rcode);
    m.header.aa = true;
    m.authority.push(soa());
    return m;
  };

  // -- CoreDNS Kubernetes.Records / findServices / findPods --------------------------------
  const records = (lname: string): Lookup => {
    const base = lname === zone ? '' : lname.slice(0, lname.length - zone.length - 1);
    if (base === '' || base === 'svc' || base === 'pod') return [];
    const segs = base.split('.');
    let last = segs.length - 1;
    const kind = segs[last];
    if (kind !== 'svc' && kind !== 'pod') return null;
    if (reverseZone) return null;
    const namespace = segs[--last];
    if (!src.namespaceExists(namespace)) return null;
    const service = last > 0 ? segs[--last] : '';
    let endpoint = '';
    let port = '';
    let protocol = '';
    if (last === 1) endpoint = segs[0];
    else if (last === 2) {
      protocol = strip(segs[1]);
      port = strip(segs[0]);
    } else if (last > 2) return null;
    if (service === '') return [];
    // CoreDNS keys records under state.Zone, the zone as the query spelled it: SRV targets
    // and their glue keep that case (the Service's own labels are the object's).
    const zonePath = zoneQ;
    if (kind === 'pod') {
      if (cfg.pods === 'disabled') return null;
      const ip = (service.split('-').length === 4 && !service.includes('--')) ? service.replaceAll('-', '.') : service.replaceAll('-', ':');
      if (!isIPv4(ip) && !isIPv6(ip)) return null;
      return [{ host: ip, port: 0, key: `${service}.${namespace}.pod.${zonePath}`, ttl }];
    }
    const svc = src.service(namespace, service);
    if (!svc) return null;
    const svcName = `${svc.name}.${svc.namespace}.svc.${zonePath}`;
    if (svc.type === 'ExternalName') {
      if (endpoint || port || protocol) return null;
      const host = svc.externalName ?? '';
      if (!host || hostType(host) !== TYPE.CNAME) return null;
      return [{ host, port: 0, key: svcName, ttl }];
    }
    const out: Item[] = [];
    let found = false;
    if (svc.headless || endpoint) {
      for (const subset of src.endpoints(namespace, service) as EndpointSubset[]) {
        for (const addr of subset.addresses) {
          if (endpoint && endpoint !== addr.hostname.toLowerCase()) continue;
          for (const p of subset.ports) {
            if (!portMatches(port, protocol, p)) continue;
            found = true;
            out.push({ host: addr.ip, port: p.port, key: `${addr.hostname}.${svcName}`, ttl });
          }
        }
      }
      return found ? out : null;
    }
    for (const p of svc.ports) {
      if (!portMatches(port, protocol, p)) continue;
      found = true;
      for (const ip of svc.clusterIPs) out.push({ host: ip, port: p.port, key: svcName, ttl });
    }
    return found ? out : null;
  };

  const nsAddrs = (): Array<{ name: string; ip: string }> => {
    const out: Array<{ name: string; ip: string }> = [];
    for (const self of cfg.selfIPs) {
      for (const owner of src.endpointsByIP(self)) {
        if (!owner.ports.some((p) => p.port === 53)) continue;
        const svc = owner.service;
        const svcName = `${svc.name}.${svc.namespace}.svc.${cfg.zone}`;
        if (svc.headless) out.push({ name: `${owner.hostname}.${svcName}`, ip: self });
        else for (const ip of svc.clusterIPs) out.push({ name: svcName, ip });
      }
    }
    if (out.length === 0) for (const ip of cfg.selfIPs) out.push({ name: `ns.dns.${cfg.zone}`, ip });
    return out;
  };

  /** CoreDNS Kubernetes.Services for the given name and qtype. */
  const services = (lname: string, qtype: number): Lookup => {
    if (qtype === TYPE.TXT) {
      const base = lname === zone ? '' : lname.slice(0, lname.length - zone.length - 1);
      if (base === 'dns-version') return [{ host: '', port: 0, key: lname, ttl: 28800, text: DNS_SCHEMA_VERSION }];
      const r = records(lname);
      return r && r.length > 0 ? [] : null;
    }
    if (qtype === TYPE.NS) return nsAddrs().filter((n) => isIPv4(n.ip)).map((n) => ({ host: n.ip, port: 0, key: n.name, ttl }));
    if (lname === `ns.dns.${zone}`) {
      return nsAddrs().filter((n) => (qtype === TYPE.A && isIPv4(n.ip)) || (qtype === TYPE.AAAA && isIPv6(n.ip))).map((n) => ({ host: n.ip, port: 0, key: n.name, ttl }));
    }
    const r = records(lname);
    if (r && qtype === TYPE.SRV) return r.filter((i) => hostType(i.host) !== TYPE.CNAME);
    return r;
  };

  type AResult = { rrs: RR[]; chase?: { target: string } } | null;
  /** backend_lookup.go A()/AAAA(): addresses, CNAMEs chased inside the zone (at most 7 deep). */
  const addresses = (owner: string, want: number, chain: RR[]): AResult => {
    const lname = lowerName(owner);
    const items = lname === zone ? [] : services(lname, want);
    if (items === null) return null;
    const rrs: RR[] = [];
    const seen = new Set<string>();
    let chase: { target: string } | undefined;
    for (const it of items) {
      const t = hostType(it.host);
      if (t === TYPE.CNAME) {
        const target = fqdn(it.host);
        if (lowerName(target) === lname || chain.length > MAX_CNAME_CHAIN) continue;
        const cname: RR = { name: owner, type: TYPE.CNAME, class: CLASS_IN, ttl: it.ttl, data: { target } };
        if (chain.some((c) => 'target' in c.data && lowerName(c.data.target) === lowerName(target))) continue;
        if (isSubdomain(cfg.zone, lowerName(target))) {
          const next = addresses(target, want, [...chain, cname]);
          if (next && (next.rrs.length > 0 || next.chase)) {
            rrs.push(cname, ...next.rrs);
            chase ??= next.chase;
          }
          continue;
        }
        rrs.push(cname);
        chase ??= { target };
        continue;
      }
      if (t !== want || seen.has(it.host)) continue;
      seen.add(it.host);
      rrs.push({ name: owner, type: want, class: CLASS_IN, ttl: it.ttl, data: { address: it.host } });
    }
    return { rrs, chase };
  };

  const srv = (): { rrs: RR[]; extra: RR[] } | null => {
    const items = services(name, TYPE.SRV);
    if (items === null) return null;
    const total = items.length * 100;
    const rrs: RR[] = [];
    const extra: RR[] = [];
    const seen = new Set<string>();
    for (const it of items) {
      if (it.port === -1) continue;
      const weight = Math.max(1, Math.floor((100 / total) * 100));
      const t = hostType(it.host);
      if (t !== TYPE.A && t !== TYPE.AAAA) continue;
      const target = it.key;
      if (!seen.has(`${target}|${it.port}`)) {
        seen.add(`${target}|${it.port}`);
        rrs.push({ name: qname, type: TYPE.SRV, class: CLASS_IN, ttl: it.ttl, data: { priority: 0, weight, port: it.port, target } });
      }
      if (!seen.has(`${target}|${it.host}`)) {
        seen.add(`${target}|${it.host}`);
        extra.push({ name: target, type: t, class: CLASS_IN, ttl: it.ttl, data: { address: it.host } });
      }
    }
    return { rrs, extra };
  };

  const ptr = (): Lookup | RR[] => {
    const ip = addressFromReverse(name);
    if (!ip) return records(name) === null ? null : [];
    const out: RR[] = [];
    const byIP = src.servicesByClusterIP(ip);
    const targets: string[] = [];
    if (byIP.length > 0) targets.push(`${byIP[0].name}.${byIP[0].namespace}.svc.${cfg.zone}`);
    else for (const o of src.endpointsByIP(ip)) targets.push(`${o.hostname}.${o.service.name}.${o.service.namespace}.svc.${cfg.zone}`);
    if (targets.length === 0) return null;
    for (const t of [...new Set(targets)]) out.push({ name: qname, type: TYPE.PTR, class: CLASS_IN, ttl, data: { target: t } });
    return out;
  };

  // -- CoreDNS handler.go ServeDNS ------------------------------------------------------------
  let rrs: RR[] = [];
  let extra: RR[] = [];
  let nameError = false;
  let chase: { target: string } | undefined;
  switch (q.type) {
    case TYPE.A:
    case TYPE.AAAA: {
      const r = addresses(qname, q.type, []);
      if (r === null) nameError = true;
      else ({ rrs, chase } = r);
      break;
    }
    case TYPE.TXT: {
      const items = services(name, TYPE.TXT);
      if (items === null) nameError = true;
      else rrs = items.filter((i) => i.text !== undefined).map((i) => ({ name: qname, type: TYPE.TXT, class: CLASS_IN, ttl: i.ttl, data: { texts: [i.text!] } }));
      break;
    }
    case TYPE.CNAME: {
      const items = services(name, TYPE.CNAME);
      if (items === null) nameError = true;
      else if (items.length > 0 && hostType(items[0].host) === TYPE.CNAME) {
        rrs = [{ name: qname, type: TYPE.CNAME, class: CLASS_IN, ttl: items[0].ttl, data: { target: fqdn(items[0].host) } }];
      }
      break;
    }
    case TYPE.PTR: {
      const r = ptr();
      if (r === null) nameError = true;
      else rrs = r as RR[];
      break;
    }
    case TYPE.SRV: {
      const r = srv();
      if (r === null) nameError = true;
      else ({ rrs, extra } = r);
      break;
    }
    case TYPE.SOA:
      if (name === zone) rrs = [soa()];
      break;
    case TYPE.AXFR:
    case TYPE.IXFR:
      return { kind: 'reply', message: replyTo(query, RCODE.REFUSED) };
    case TYPE.NS:
      if (name !== zone) {
        if (addresses(qname, TYPE.A, []) === null) nameError = true;
      } else {
        const items = services(name, TYPE.NS) ?? [];
        const seen = new Set<string>();
        for (const it of items) {
          extra.push({ name: it.key, type: TYPE.A, class: CLASS_IN, ttl: it.ttl, data: { address: it.host } });
          if (seen.has(it.key)) continue;
          seen.add(it.key);
          rrs.push({ name: qname, type: TYPE.NS, class: CLASS_IN, ttl: it.ttl, data: { target: it.key } });
        }
      }
      break;
    default: {
      // Any other type: a fake A lookup tells NODATA from NXDOMAIN.
      if (addresses(qname, TYPE.A, []) === null) nameError = true;
    }
  }

  if (nameError) {
    if (reverseZone) return { kind: 'forward' };
    return { kind: 'reply', message: negative(src.synced() ? RCODE.NXDOMAIN : RCODE.SERVFAIL) };
  }
  if (chase) {
    const message = replyTo(query);
    message.header.aa = true;
    message.answer = rrs;
    return { kind: 'chase', message, target: chase.target, qtype: q.type };
  }
  if (rrs.length === 0) return { kind: 'reply', message: negative(RCODE.NOERROR) };
  const message = replyTo(query);
  message.header.aa = true;
  message.answer = rrs;
  message.additional = extra;
  return { kind: 'reply', message };
}

/**
 * Finishes a chase: the CNAME chain plus the answers the upstream gave for the target (even
 * none). A failed lookup (`undefined`) leaves the CNAME chain alone: CoreDNS's upstream Lookup
 * runs the query through its own plugin chain and hands back whatever was written, the
 * SERVFAIL reply included, so A() appends its (empty) answer section and no error.
 */
export function completeChase(outcome: Extract<Outcome, { kind: 'chase' }>, upstream: RR[] | undefined): Message {
  const m = outcome.message;
  return { ...m, answer: [...m.answer, ...(upstream ?? [])] };
}

