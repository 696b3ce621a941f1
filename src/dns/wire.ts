/**
 * @module DNS messages (RFC 1035 §4, EDNS0 RFC 6891): a strict parser and a serializer with
 * name compression and truncation to a size limit. Parsing throws only WireFormatError, for
 * anything malformed: short header, counts that do not match the records present, names or
 * records running past the end, forward or looping compression pointers, rdata whose length
 * disagrees with its type, more than one OPT or an OPT outside the additional section, bytes
 * left over at the end.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { readName, WireFormatError, WireWriter } from './names.js';

export { WireFormatError } from './names.js';

export const TYPE = {
  A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, HINFO: 13, MX: 15, TXT: 16, AAAA: 28, SRV: 33, OPT: 41,
  IXFR: 251, AXFR: 252, ANY: 255,
} as const;
export const CLASS_IN = 1;
export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5, BADVERS: 16 } as const;
export const OPCODE_QUERY = 0;

export interface Header {
  id: number;
  qr: boolean;
  opcode: number;
  aa: boolean;
  tc: boolean;
  rd: boolean;
  ra: boolean;
  ad: boolean;
  cd: boolean;
  /** The full rcode: the header's 4 bits plus the OPT's extended 8 bits shifted left 4. */
  rcode: number;
}

export interface Question {
  name: string;
  type: number;
  class: number;
}

export type RData =
  | { address: string } // A, AAAA
  | { target: string } // NS, CNAME, PTR
  | { mname: string; rname: string; serial: number; refresh: number; retry: number; expire: number; minimum: number } // SOA
  | { priority: number; weight: number; port: number; target: string } // SRV
  | { preference: number; exchange: string } // MX
  | { texts: string[] } // TXT (latin1 strings)
  | { raw: Buffer }; // any other type, kept as it came

export interface RR {
  name: string;
  type: number;
  class: number;
  ttl: number;
  data: RData;
}

export interface Edns {
  udpSize: number;
  version: number;
  dnssecOk: boolean;
  options: Array<{ code: number; data: Buffer }>;
}

export interface Message {
  header: Header;
  question: Question[];
  answer: RR[];
  authority: RR[];
  additional: RR[];
  edns?: Edns;
}

function need(buf: Buffer, pos: number, n: number): void {
  if (pos + n > buf.length) throw new WireFormatError('record runs past the end of the message');
}

function parseRData(buf: Buffer, type: number, start: number, len: number): RData {
  const end = start + len;
  const nameAt = (pos: number): { name: string; next: number } => {
    const r = readName(buf, pos);
    if (r.next > end) throw new WireFormatError('name runs past its rdata');
    return r;
  };
  switch (type) {
    case TYPE.A:
      if (len !== 4) throw new WireFormatError('A rdata is not 4 octets');
      return { address: `${buf[start]}.${buf[start + 1]}.${buf[start + 2]}.${buf[start + 3]}` };
    case TYPE.AAAA: {
      if (len !== 16) throw new WireFormatError('AAAA rdata is not 16 octets');
      const parts: string[] = [];
      for (let i = 0; i < 16; i += 2) parts.push(buf.readUInt16BE(start + i).toString(16));
      return { address: compressIPv6(parts) };
    }
    case TYPE.NS:
    case TYPE.CNAME:
    case TYPE.PTR: {
      const r = nameAt(start);
      if (r.next !== end) throw new WireFormatError('rdata longer than its name');
      return { target: r.name };
    }
    case TYPE.MX: {
      if (len < 3) throw new WireFormatError('short MX rdata');
      const r = nameAt(start + 2);
      if (r.next !== end) throw new WireFormatError('rdata longer than its name');
      return { preference: buf.readUInt16BE(start), exchange: r.name };
    }
    case TYPE.SRV: {
      if (len < 7) throw new WireFormatError('short SRV rdata');
      const r = nameAt(start + 6);
      if (r.next !== end) throw new WireFormatError('rdata longer than its name');
      return { priority: buf.readUInt16BE(start), weight: buf.readUInt16BE(start + 2), port: buf.readUInt16BE(start + 4), target: r.name };
    }
    case TYPE.SOA: {
      const m = nameAt(start);
      const r = nameAt(m.next);
      if (r.next + 20 !== end) throw new WireFormatError('SOA rdata has the wrong length');
      const p = r.next;
      return { mname: m.name, rname: r.name, serial: buf.readUInt32BE(p), refresh: buf.readUInt32BE(p + 4), retry: buf.readUInt32BE(p + 8), expire: buf.readUInt32BE(p + 12), minimum: buf.readUInt32BE(p + 16) };
    }
    case TYPE.TXT: {
      const texts: string[] = [];
      let p = start;
      while (p < end) {
        const l = buf[p];
        if (p + 1 + l > end) throw new WireFormatError('TXT string runs past its rdata');
        texts.push(buf.toString('latin1', p + 1, p + 1 + l));
        p += 1 + l;
      }
      return { texts };
    }
    default:
      return { raw: Buffer.from(buf.subarray(start, end)) };
  }
}

function compressIPv6(parts: string[]): string {
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (parts[i] !== '0') { i++; continue; }
    let j = i;
    while (j < 8 && parts[j] === '0') j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  if (best < 0) return parts.join(':');
  return `${parts.slice(0, best).join(':')}::${parts.slice(best + bestLen).join(':')}`;
}

/** Parses a whole message. Throws WireFormatError for anything malformed (see the module doc). */
export function parseMessage(buf: Buffer): Message {
  if (buf.length < 12) throw new WireFormatError('message shorter than its header');
  const flags = buf.readUInt16BE(2);
  const header: Header = {
    id: buf.readUInt16BE(0),
    qr: (flags & 0x8000) !== 0,
    opcode: (flags >> 11) & 0xf,
    aa: (flags & 0x0400) !== 0,
    tc: (flags & 0x0200) !== 0,
    rd: (flags & 0x0100) !== 0,
    ra: (flags & 0x0080) !== 0,
    ad: (flags & 0x0020) !== 0,
    cd: (flags & 0x0010) !== 0,
    rcode: flags & 0xf,
  };
  const counts = [buf.readUInt16BE(4), buf.readUInt16BE(6), buf.readUInt16BE(8), buf.readUInt16BE(10)];
  let pos = 12;
  const question: Question[] = [];
  for (let i = 0; i < counts[0]; i++) {
    const r = readName(buf, pos);
    need(buf, r.next, 4);
    question.push({ name: r.name, type: buf.readUInt16BE(r.next), class: buf.readUInt16BE(r.next + 2) });
    pos = r.next + 4;
  }
  const sections: RR[][] = [[], [], []];
  let edns: Edns | undefined;
  for (let s = 0; s < 3; s++) {
    for (let i = 0; i < counts[s + 1]; i++) {
      const r = readName(buf, pos);
      need(buf, r.next, 10);
      const type = buf.readUInt16BE(r.next);
      const klass = buf.readUInt16BE(r.next + 2);
      const ttl = buf.readUInt32BE(r.next + 4);
      const len = buf.readUInt16BE(r.next + 8);
      const start = r.next + 10;
      need(buf, start, len);
      if (type === TYPE.OPT) {
        if (s !== 2 || edns || r.name !== '.') throw new WireFormatError('misplaced or repeated OPT record');
        const options: Edns['options'] = [];
        for (let p = start; p < start + len; ) {
          if (p + 4 > start + len) throw new WireFormatError('truncated EDNS option');
          const code = buf.readUInt16BE(p);
          const olen = buf.readUInt16BE(p + 2);
          if (p + 4 + olen > start + len) throw new WireFormatError('EDNS option runs past the OPT record');
          options.push({ code, data: Buffer.from(buf.subarray(p + 4, p + 4 + olen)) });
          p += 4 + olen;
        }
        header.rcode |= ((ttl >>> 24) & 0xff) << 4;
        edns = { udpSize: klass, version: (ttl >>> 16) & 0xff, dnssecOk: (ttl & 0x8000) !== 0, options };
      } else {
        sections[s].push({ name: r.name, type, class: klass, ttl, data: parseRData(buf, type, start, len) });
      }
      pos = start + len;
    }
  }
  if (pos !== buf.length) throw new WireFormatError('bytes left over after the last record');
  return { header, question, answer: sections[0], authority: sections[1], additional: sections[2], edns };
}

function writeAddress(w: WireWriter, address: string, v6: boolean): void {
  if (!v6) {
    if (!isIPv4(address)) throw new WireFormatError(`not an IPv4 address: ${address}`);
    for (const part of address.split('.')) w.u8(Number(part));
    return;
  }
  if (!isIPv6(address)) throw new WireFormatError(`not an IPv6 address: ${address}`);
  let groups: string[];
  const [head, tail] = address.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const expand = (parts: string[]): string[] => parts.flatMap((p) => {
    if (!p.includes('.')) return [p];
    const o = p.split('.').map(Number);
    return [((o[0] << 8) | o[1]).toString(16), ((o[2] << 8) | o[3]).toString(16)];
  });
  const he = expand(h);
  const te = expand(t);
  if (tail === undefined) groups = he;
  else groups = [...he, ...new Array<string>(8 - he.length - te.length).fill('0'), ...te];
  for (const g of groups) w.u16(parseInt(g, 16));
}

function writeRR(w: WireWriter, rr: RR): void {
  w.name(rr.name);
  w.u16(rr.type);
  w.u16(rr.class);
  w.u32(rr.ttl);
  const lenAt = w.pos;
  w.u16(0);
  const d = rr.data;
  if ('raw' in d) w.bytes(d.raw);
  else if ('address' in d) writeAddress(w, d.address, rr.type === TYPE.AAAA);
  else if ('mname' in d) {
    w.name(d.mname);
    w.name(d.rname);
    for (const v of [d.serial, d.refresh, d.retry, d.expire, d.minimum]) w.u32(v);
  } else if ('priority' in d) {
    w.u16(d.priority);
    w.u16(d.weight);
    w.u16(d.port);
    w.name(d.target, false); // RFC 2782: SRV targets are not compressed
  } else if ('exchange' in d) {
    w.u16(d.preference);
    w.name(d.exchange);
  } else if ('texts' in d) {
    for (const t of d.texts) {
      const b = Buffer.from(t, 'latin1');
      if (b.length > 255) throw new WireFormatError('TXT string longer than 255 octets');
      w.u8(b.length);
      w.bytes(b);
    }
  } else w.name(d.target, rr.type !== TYPE.SRV);
  w.buf.writeUInt16BE(w.pos - lenAt - 2, lenAt);
}

function writeOpt(w: WireWriter, edns: Edns, rcode: number): void {
  w.u8(0);
  w.u16(TYPE.OPT);
  w.u16(edns.udpSize);
  w.u8((rcode >> 4) & 0xff);
  w.u8(edns.version);
  w.u16(edns.dnssecOk ? 0x8000 : 0);
  let len = 0;
  for (const o of edns.options) len += 4 + o.data.length;
  w.u16(len);
  for (const o of edns.options) {
    w.u16(o.code);
    w.u16(o.data.length);
    w.bytes(o.data);
  }
}

function optSize(edns: Edns | undefined): number {
  if (!edns) return 0;
  return 11 + edns.options.reduce((n, o) => n + 4 + o.data.length, 0);
}

/**
 * Serializes a message. With `maxSize`, a message that does not fit is cut as miekg/dns's
 * Truncate (what CoreDNS's Scrub uses) cuts it: records are written in order (answer,
 * authority, additional) until one does not fit, that one and every later one are left out,
 * and TC is set (whichever section lost records). The OPT record always stays.
 */
export function serializeMessage(msg: Message, options: { maxSize?: number } = {}): Buffer {
  const max = options.maxSize ?? 65535;
  const w = new WireWriter({ initial: 512 });
  const h = msg.header;
  w.u16(h.id);
  const countsAt = 4;
  let tc = h.tc;
  const flagsOf = (): number =>
    (h.qr ? 0x8000 : 0) | ((h.opcode & 0xf) << 11) | (h.aa ? 0x0400 : 0) | (tc ? 0x0200 : 0) | (h.rd ? 0x0100 : 0) |
    (h.ra ? 0x0080 : 0) | (h.ad ? 0x0020 : 0) | (h.cd ? 0x0010 : 0) | (h.rcode & 0xf);
  w.u16(0);
  w.u16(msg.question.length);
  w.u16(0);
  w.u16(0);
  w.u16(0);
  for (const q of msg.question) {
    w.name(q.name);
    w.u16(q.type);
    w.u16(q.class);
  }
  const budget = max - optSize(msg.edns);
  const written = [0, 0, 0];
  const sections = [msg.answer, msg.authority, msg.additional];
  let full = false;
  for (let s = 0; s < 3 && !full; s++) {
    for (const rr of sections[s]) {
      const before = w.pos;
      writeRR(w, rr);
      if (w.pos > budget) {
        w.rewind(before);
        full = true;
        // miekg/dns Truncate (CoreDNS's Scrub): TC whenever anything is left out, glue too.
        tc = true;
        break;
      }
      written[s]++;
    }
  }
  if (msg.edns) writeOpt(w, msg.edns, h.rcode);
  w.buf.writeUInt16BE(flagsOf(), 2);
  w.buf.writeUInt16BE(written[0], countsAt + 2);
  w.buf.writeUInt16BE(written[1], countsAt + 4);
  w.buf.writeUInt16BE(written[2] + (msg.edns ? 1 : 0), countsAt + 6);
  return Buffer.from(w.result());
}

/** A reply skeleton for a query: same id, opcode, RD, CD and question; QR set. */
export function replyTo(query: Message, rcode: number = RCODE.NOERROR): Message {
  return {
    header: { id: query.header.id, qr: true, opcode: query.header.opcode, aa: false, tc: false, rd: query.header.rd, ra: false, ad: false, cd: query.header.cd, rcode },
    question: query.question.map((q) => ({ ...q })),
    answer: [],
    authority: [],
    additional: [],
  };
}

/** The name of a record type for logs and metrics (`TYPE65280` for unknown ones, as RFC 3597). */
export function typeName(type: number): string {
  for (const [k, v] of Object.entries(TYPE)) if (v === type) return k;
  if (type === 65) return 'HTTPS';
  return `TYPE${type}`;
}

/**
 * Where each record's TTL sits in a well-formed message (OPT excluded), where the question
 * ends, and where the OPT's TYPE field is (-1: none): lets a cache age a stored reply, and the
 * server rewrite an upstream's OPT, in place. Throws WireFormatError.
 */
export function ttlOffsets(buf: Buffer): { questionEnd: number; offsets: number[]; opt: number } {
  if (buf.length < 12) throw new WireFormatError('message shorter than its header');
  const qd = buf.readUInt16BE(4);
  const rrs = buf.readUInt16BE(6) + buf.readUInt16BE(8) + buf.readUInt16BE(10);
  let pos = 12;
  for (let i = 0; i < qd; i++) pos = readName(buf, pos).next + 4;
  const questionEnd = pos;
  const offsets: number[] = [];
  let opt = -1;
  for (let i = 0; i < rrs; i++) {
    const next = readName(buf, pos).next;
    need(buf, next, 10);
    if (buf.readUInt16BE(next) !== TYPE.OPT) offsets.push(next + 4);
    else opt = next;
    pos = next + 10 + buf.readUInt16BE(next + 8);
  }
  if (pos > buf.length) throw new WireFormatError('record runs past the end of the message');
  return { questionEnd, offsets, opt };
}
