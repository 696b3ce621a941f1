/**
 * @module The control plane's end of the listener hand-off: when the node agent is a child of
 * this process with an IPC channel (`kubito up` spawns it so), a bound host TCP listener (or UDP
 * socket) is sent to the agent once (SCM_RIGHTS under Node's `child.send(msg, handle)`) and the
 * agent accepts on it (receives on it) and dials into its namespace itself: bytes then flow
 * client → agent → node namespace, with no control plane and no Unix-socket hop in the path. Without a channel, or until the agent
 * says it serves hand-offs, the control plane relays over proxy.sock as before.
 *
 * Messages (Node IPC, JSON; every one carries `kubito: 'hostports'`):
 *   agent → cp   {op:'hello'}                     the agent serves hand-offs (sent at its start,
 *                                                  and in answer to the control plane's hello,
 *                                                  which it sends on attach: the first one may
 *                                                  have come before anyone listened)
 *   cp → agent   {op:'hello'}                     are you serving hand-offs?
 *   cp → agent   {op:'listen', id, spec, udpIdleMs?} + server or UDP socket: serve it from now on
 *   agent → cp   {op:'listening', id}             it does (the control plane closes its copy)
 *   cp → agent   {op:'update', id, spec}          a new target / source ranges for new connections
 *   cp → agent   {op:'close' | 'destroy', id}     stop accepting (destroy: and reset connections)
 *   agent → cp   {op:'closed', id}                done: the port is free
 * `id` names one hand-off (a counter of this process): listener keys can be reused at once by
 * another Service.
 */
import type { ChildProcess } from 'node:child_process';
import type { Socket as UdpSocket } from 'node:dgram';
import type { Server } from 'node:net';
import type { HostListenerSpec } from './desired.js';

export const HANDOFF_TAG = 'hostports';

export type HandoffMessage =
  | { kubito: typeof HANDOFF_TAG; op: 'hello' }
  | { kubito: typeof HANDOFF_TAG; op: 'listen' | 'update'; id: number; spec: HostListenerSpec; udpIdleMs?: number }
  | { kubito: typeof HANDOFF_TAG; op: 'listening' | 'close' | 'destroy' | 'closed'; id: number };

export function isHandoffMessage(m: unknown): m is HandoffMessage {
  return typeof m === 'object' && m !== null && (m as { kubito?: unknown }).kubito === HANDOFF_TAG && typeof (m as { op?: unknown }).op === 'string';
}

/** How long the control plane waits for the agent to take or free a listener. */
const ANSWER_MS = 5000;

/** The channel the link needs: a ChildProcess spawned with an 'ipc' stdio entry. */
export type AgentChannel = Pick<ChildProcess, 'send' | 'on' | 'once' | 'removeListener' | 'connected' | 'pid'>;

/**
 * One agent at a time (a restarted agent is attached again). `onReady` runs when an agent says
 * hello, `onLost` when it goes: every listener it held is closed with it.
 */
export class AgentLink {
  #agent: AgentChannel | undefined;
  #ready = false;
  #generation = 0;
  #nextId = 1;
  readonly #waiting = new Map<string, { resolve: () => void; timer: NodeJS.Timeout }>();
  readonly #onReady: () => void;
  readonly #onLost: () => void;

  constructor(handlers: { onReady?: () => void; onLost?: () => void } = {}) {
    this.#onReady = handlers.onReady ?? (() => undefined);
    this.#onLost = handlers.onLost ?? (() => undefined);
  }

  /** True while an attached agent serves hand-offs. */
  get ready(): boolean {
    return this.#ready;
  }

  /** Changes whenever the agent goes: a hand-off of an older generation is gone. */
  get generation(): number {
    return this.#generation;
  }

  /** Follows `agent` (replacing any earlier one); hand-offs start at its hello. */
  attach(agent: AgentChannel): void {
    this.#lose();
    this.#agent = agent;
    const onMessage = (m: unknown): void => {
      if (!isHandoffMessage(m) || this.#agent !== agent) return;
      if (m.op === 'hello') {
        this.#ready = true;
        this.#onReady();
      } else if (m.op === 'listening' || m.op === 'closed') this.#answer(`${m.op} ${m.id}`);
    };
    const onGone = (): void => {
      agent.removeListener('message', onMessage);
      if (this.#agent === agent) this.#lose();
    };
    agent.on('message', onMessage);
    agent.once('exit', onGone);
    agent.once('disconnect', onGone);
    this.#post({ kubito: HANDOFF_TAG, op: 'hello' });
  }

  #lose(): void {
    const had = this.#ready;
    this.#agent = undefined;
    this.#ready = false;
    this.#generation++;
    for (const key of [...this.#waiting.keys()]) this.#answer(key);
    if (had) this.#onLost();
  }

  #answer(key: string): void {
    const w = this.#waiting.get(key);
    if (!w) return;
    clearTimeout(w.timer);
    this.#waiting.delete(key);
    w.resolve();
  }

  /** Resolves when `key` is answered, the agent goes, or after ANSWER_MS. */
  #await(key: string): Promise<void> {
    return new Promise((resolve) => this.#waiting.set(key, { resolve, timer: setTimeout(() => this.#answer(key), ANSWER_MS) }));
  }

  /**
   * Sends a listening server to the agent; resolves with the hand-off's id once the agent
   * accepts on it, undefined when there is no agent or it did not take it (then the caller
   * keeps serving).
   */
  async handOff(spec: HostListenerSpec, server: Server | UdpSocket, options: { udpIdleMs?: number } = {}): Promise<{ id: number; generation: number } | undefined> {
    const agent = this.#agent;
    if (!agent || !this.#ready || !agent.connected) return undefined;
    const id = this.#nextId++;
    const generation = this.#generation;
    const taken = this.#await(`listening ${id}`).then(() => this.#generation === generation);
    const sent = await new Promise<boolean>((resolve) => {
      try {
        agent.send({ kubito: HANDOFF_TAG, op: 'listen', id, spec, ...options } satisfies HandoffMessage, server, (err) => resolve(!err));
      } catch {
        resolve(false);
      }
    });
    if (!sent) {
      this.#answer(`listening ${id}`);
      return undefined;
    }
    return (await taken) ? { id, generation } : undefined;
  }

  /** New connections of hand-off `id` go to `spec`'s target. */
  update(id: number, spec: HostListenerSpec): void {
    this.#post({ kubito: HANDOFF_TAG, op: 'update', id, spec });
  }

  /** Closes hand-off `id` in the agent (destroy: and resets its connections); resolves once the port is free. */
  async close(id: number, how: 'close' | 'destroy'): Promise<void> {
    const done = this.#await(`closed ${id}`);
    if (!this.#post({ kubito: HANDOFF_TAG, op: how, id })) this.#answer(`closed ${id}`);
    await done;
  }

  #post(m: HandoffMessage): boolean {
    const agent = this.#agent;
    if (!agent?.connected) return false;
    try {
      agent.send(m);
      return true;
    } catch {
      return false;
    }
  }
}
