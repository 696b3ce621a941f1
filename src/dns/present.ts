/**
 * @module Messages in zone-file notation (`name ttl IN TYPE rdata`, as dig prints them), for
 * golden tests and logs.
 */
import { typeName, RCODE, type Message, type RR } from './wire.js';

export function rcodeName(rcode: number): string {
  for (const [k, v] of Object.entries(RCODE)) if (v === rcode) return k;
  return `RCODE${rcode}`;
}

export function formatRR(rr: RR): string {
  const d = rr.data;
  let rdata: string;
  if ('address' in d) rdata = d.address;
  else if ('mname' in d) rdata = `${d.mname} ${d.rname} ${d.serial} ${d.refresh} ${d.retry} ${d.expire} ${d.minimum}`;
  else if ('priority' in d) rdata = `${d.priority} ${d.weight} ${d.port} ${d.target}`;
  else if ('exchange' in d) rdata = `${d.preference} ${d.exchange}`;
  else if ('texts' in d) rdata = d.texts.map((t) => JSON.stringify(t)).join(' ');
  else if ('target' in d) rdata = d.target;
  else rdata = `\\# ${d.raw.length} ${d.raw.toString('hex')}`;
  return `${rr.name} ${rr.ttl} ${rr.class === 1 ? 'IN' : `CLASS${rr.class}`} ${typeName(rr.type)} ${rdata}`;
}

/** Header line, then the non-empty sections. */
export function formatMessage(m: Message): string {
  const h = m.header;
  const flags = (['qr', 'aa', 'tc', 'rd', 'ra', 'ad', 'cd'] as const).filter((f) => h[f]);
  const lines = [`;; ${rcodeName(h.rcode)} ${flags.join(' ')}`.trimEnd()];
  const sections: Array<[string, RR[]]> = [['ANSWER', m.answer], ['AUTHORITY', m.authority], ['ADDITIONAL', m.additional]];
  for (const [title, rrs] of sections) {
    if (rrs.length === 0) continue;
    lines.push(`;; ${title}`);
    for (const rr of rrs) lines.push(formatRR(rr));
  }
  return lines.join('\n');
}
