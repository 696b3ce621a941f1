/**
 * @module The node side of the upstream relay: the DNS server in the node's network namespace
 * cannot reach the host's resolvers, so it sends names outside the cluster over one Unix
 * socket (`<data-dir>/run/dns-upstream.sock`) to the relay in the control plane process.
 * Messages are length-prefixed DNS messages; each in-flight query gets its own message ID on
 * the socket, mapped back to the client's. A query resolves to the reply, or to undefined
 * (no relay, socket lost, no answer within the deadline): the caller answers SERVFAIL.
 */
import { connect, type Socket } from 'node:net';
import { FrameReader, writeFrame } from './framing.js';
import type { MetricsSnapshot } from './metrics.js';
import { OPCODE_STATUS } from './relay.js';
import { parseMessage, serializeMessage, TYPE } from './wire.js';

interface Pending {
  id: number;
  resolve(reply: Buffer | undefined): void;
  timer: NodeJS.Timeout;
}

export class RelayClient {
  readonly #path: string;
  readonly #timeoutMs: number;
  readonly #retryMs: number;
  #socket: Socket | undefined;
  #connected = false;
  #failedAt = -Infinity;
  #pending = new Map<number, Pending>();
  #nextId = Math.floor(Math.random() * 65536);
  #closed = false;

  /** `timeoutMs`: the whole deadline of one query (default 2.5 s, past the relay's own 2 s). */
  constructor(path: string, options: { timeoutMs?: number; retryMs?: number } = {}) {
    this.#path = path;
    this.#timeoutMs = options.timeoutMs ?? 2500;
    this.#retryMs = options.retryMs ?? 1000;
  }

  /** In-flight queries (for tests: 0 once everything has been answered). */
  inflight(): number {
    return this.#pending.size;
  }

  #open(): Socket | undefined {
    if (this.#closed) return undefined;
    if (this.#socket) return this.#socket;
    // A relay that just failed is not retried for `retryMs`: queries fail fast meanwhile.
    if (performance.now() - this.#failedAt < this.#retryMs) return undefined;
    const socket = connect(this.#path);
    this.#socket = socket;
    const reader = new FrameReader((msg) => this.#onReply(msg));
    socket.on('connect', () => (this.#connected = true));
    socket.on('data', (c: Buffer) => reader.push(c));
    const lost = (): void => {
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      if (!this.#connected) this.#failedAt = performance.now();
      this.#connected = false;
      for (const p of this.#pending.values()) {
        clearTimeout(p.timer);
        p.resolve(undefined);
      }
      this.#pending.clear();
    };
    socket.on('error', lost);
    socket.on('close', lost);
    return socket;
  }

  #onReply(msg: Buffer): void {
    if (msg.length < 12) return;
    const p = this.#pending.get(msg.readUInt16BE(0));
    if (!p) return;
    this.#pending.delete(p.id);
    clearTimeout(p.timer);
    p.resolve(msg);
  }

  /** Sends a query (any ID); resolves to the reply with the query's own ID, or undefined. */
  query(msg: Buffer): Promise<Buffer | undefined> {
    const socket = this.#open();
    if (!socket || this.#pending.size >= 65536 || msg.length < 12) return Promise.resolve(undefined);
    let id = this.#nextId;
    while (this.#pending.has(id)) id = (id + 1) & 0xffff;
    this.#nextId = (id + 1) & 0xffff;
    const originalId = msg.readUInt16BE(0);
    const out = Buffer.from(msg);
    out.writeUInt16BE(id, 0);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        resolve(undefined);
      }, this.#timeoutMs);
      this.#pending.set(id, {
        id,
        timer,
        resolve: (reply) => {
          if (reply) reply.writeUInt16BE(originalId, 0);
          resolve(reply);
        },
      });
      if (!writeFrame(socket, out)) {
        this.#pending.delete(id);
        clearTimeout(timer);
        resolve(undefined);
      }
    });
  }

  /** The relay's metrics (a STATUS request on the socket), or undefined if it cannot say. */
  async metrics(): Promise<MetricsSnapshot | undefined> {
    const header = { id: 0, qr: false, opcode: OPCODE_STATUS, aa: false, tc: false, rd: false, ra: false, ad: false, cd: false, rcode: 0 };
    const reply = await this.query(serializeMessage({ header, question: [], answer: [], authority: [], additional: [] }));
    if (!reply) return undefined;
    try {
      const txt = parseMessage(reply).answer.find((r) => r.type === TYPE.TXT);
      if (!txt || !('texts' in txt.data)) return undefined;
      return JSON.parse(txt.data.texts.join('')) as MetricsSnapshot;
    } catch {
      return undefined;
    }
  }

  close(): void {
    this.#closed = true;
    this.#socket?.destroy();
    this.#socket = undefined;
    for (const p of this.#pending.values()) {
      clearTimeout(p.timer);
      p.resolve(undefined);
    }
    this.#pending.clear();
  }
}
