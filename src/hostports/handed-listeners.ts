/**
 * @module The node agent's end of the listener hand-off (agent-link.ts): host TCP listeners
 * the control plane bound and sent over the IPC channel. The agent accepts on them (the
 * sockets stay in the host namespace) and dials each connection's target from its own
 * namespace, as the relay (src/proxy/relay/server.ts) does for proxy.sock — same semantics: a
 * client outside loadBalancerSourceRanges, or whose dial fails, is reset; FIN passes both ways;
 * an error on one side resets the other. In userspace mode `dialTcp` takes an endpoint
 * connection straight from the proxy's own listener (its picking, affinity and retries).
 *
 * TCP in the kernel proxy modes (no `dialTcp`): the native forwarder (native-forwarder.ts) takes
 * the listening socket over when its module is built, same semantics, in C on its own thread;
 * KUBITO_HOSTPORTS_FORWARDER=js|native forces one, the log says which serves.
 *
 * UDP sockets: one connected socket of the agent's per client address and port (a flow), ended
 * after `udpIdleMs` without traffic or when the target changes; replies go to the client from
 * the host socket; datagrams from outside loadBalancerSourceRanges are dropped.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, type Server, type Socket } from 'node:net';
import { errnoCode } from '../proxy/userspace/errors.js';
import { resetSocket, splice } from '../proxy/userspace/tcp-listener.js';
import { HANDOFF_TAG, isHandoffMessage, type HandoffMessage } from './agent-link.js';
import { sourceAllowed, type HostListenerSpec } from './desired.js';
import { forwardNatively, forwarderChoiceFromEnv, loadNativeForwarder, type ForwarderChoice, type NativeForwarderModule, type NativeListener } from './native-forwarder.js';

/** The agent's IPC channel: `process` in a child spawned with an 'ipc' stdio entry. */
export type ParentChannel = Pick<NodeJS.Process, 'send' | 'on' | 'removeListener'>;

export interface HandedListenersOptions {
  /** Userspace mode's shortcut (see RelayServerOptions.dialTcp); undefined otherwise. */
  dialTcp?: (ip: string, port: number, clientIP: string) => Promise<Socket | undefined> | undefined;
  /** How long a dial may take. Default 5 s. */
  connectTimeoutMs?: number;
  log?: (line: string) => void;
  /** TCP forwarder: default KUBITO_HOSTPORTS_FORWARDER, else auto (native when built). */
  forwarder?: ForwarderChoice;
  /** The native module's path (tests); default build/hostports-fwd.node. */
  nativeModulePath?: string;
}

interface Held {
  server: Server;
  spec: HostListenerSpec;
  conns: Set<Socket>;
  /** Set when the native forwarder serves the socket (server is closed then). */
  native?: NativeListener;
}

/** The native module to serve TCP hand-offs with, or undefined (the JS path); logs the choice. */
function pickForwarder(o: HandedListenersOptions, io: 'splice' | 'copy', log: (line: string) => void): NativeForwarderModule | undefined {
  const choice = o.forwarder ?? forwarderChoiceFromEnv();
  if (o.dialTcp) {
    log('TCP hand-offs forwarded by Node (userspace proxy mode: endpoint connections from the proxy)');
    return undefined;
  }
  if (choice === 'js') {
    log('TCP hand-offs forwarded by Node (KUBITO_HOSTPORTS_FORWARDER=js)');
    return undefined;
  }
  const mod = loadNativeForwarder(o.nativeModulePath);
  if (mod instanceof Error) {
    log(`TCP hand-offs forwarded by Node: native forwarder unavailable (${mod.message})${choice === 'native' ? ' although KUBITO_HOSTPORTS_FORWARDER=native' : ''}`);
    return undefined;
  }
  log(`TCP hand-offs forwarded by the native forwarder (${io === 'splice' ? 'splice' : 'recv/send'}, own thread)`);
  return mod;
}

interface UdpFlow {
  socket: UdpSocket;
  lastActiveMs: number;
  /** Datagrams waiting for the connect. */
  pending: Buffer[] | undefined;
}

interface HeldUdp {
  udp: UdpSocket;
  spec: HostListenerSpec;
  flows: Map<string, UdpFlow>;
  sweeper: NodeJS.Timeout;
}

function closeQuietly(s: UdpSocket): void {
  try {
    s.close();
  } catch {
    // already closed
  }
}

function serveUdp(udp: UdpSocket, spec: HostListenerSpec, idleMs: number): HeldUdp {
  const h: HeldUdp = { udp, spec, flows: new Map(), sweeper: setInterval(() => sweep(h, idleMs), Math.max(10, Math.floor(idleMs / 2))) };
  h.sweeper.unref();
  udp.on('error', () => undefined);
  udp.on('message', (msg, rinfo) => {
    if (!sourceAllowed(h.spec, rinfo.address)) return;
    const client = `${rinfo.address}:${rinfo.port}`;
    let flow = h.flows.get(client);
    if (!flow) {
      const created: UdpFlow = { socket: createSocket('udp4'), lastActiveMs: Date.now(), pending: [] };
      flow = created;
      h.flows.set(client, created);
      created.socket.on('message', (reply) => {
        created.lastActiveMs = Date.now();
        udp.send(reply, rinfo.port, rinfo.address);
      });
      // ECONNREFUSED (the endpoint's ICMP) only says this datagram found no one; the flow stays.
      created.socket.on('error', (err) => {
        if (errnoCode(err) === 'ECONNREFUSED') return;
        if (h.flows.get(client) === created) h.flows.delete(client);
        closeQuietly(created.socket);
      });
      created.socket.connect(h.spec.target.port, h.spec.target.ip, () => {
        for (const d of created.pending ?? []) created.socket.send(d);
        created.pending = undefined;
      });
    }
    flow.lastActiveMs = Date.now();
    if (flow.pending) flow.pending.push(msg);
    else flow.socket.send(msg);
  });
  return h;
}

function sweep(h: HeldUdp, idleMs: number): void {
  const now = Date.now();
  for (const [client, f] of h.flows) {
    if (now - f.lastActiveMs < idleMs) continue;
    h.flows.delete(client);
    closeQuietly(f.socket);
  }
}

function endFlows(h: HeldUdp): void {
  for (const f of h.flows.values()) closeQuietly(f.socket);
  h.flows.clear();
}

function stopUdp(h: HeldUdp): void {
  clearInterval(h.sweeper);
  endFlows(h);
  closeQuietly(h.udp);
}

export interface HandedListeners {
  /** Hand-offs served now. */
  count(): number;
  /** Closes every handed listener and connection; stops listening to the channel. */
  close(): void;
}

function dial(spec: HostListenerSpec, client: Socket, o: HandedListenersOptions): Promise<Socket | undefined> {
  const clientIP = (client.remoteAddress ?? '').replace(/^::ffff:/i, '');
  const shortcut = o.dialTcp?.(spec.target.ip, spec.target.port, clientIP);
  if (shortcut) return shortcut.catch(() => undefined);
  return new Promise((resolve) => {
    const upstream = connect({ host: spec.target.ip, port: spec.target.port, allowHalfOpen: true, noDelay: true });
    const timer = setTimeout(() => upstream.destroy(), o.connectTimeoutMs ?? 5000);
    upstream.once('error', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
    upstream.once('close', () => resolve(undefined));
    upstream.once('connect', () => {
      clearTimeout(timer);
      upstream.removeAllListeners('error');
      resolve(upstream);
    });
  });
}

function accept(held: Held, client: Socket, o: HandedListenersOptions): void {
  if (!sourceAllowed(held.spec, client.remoteAddress)) {
    resetSocket(client);
    return;
  }
  client.setNoDelay(true);
  held.conns.add(client);
  client.once('close', () => held.conns.delete(client));
  client.on('error', () => undefined);
  void dial(held.spec, client, o).then((upstream) => {
    if (!upstream) return resetSocket(client);
    if (client.destroyed) return void upstream.destroy();
    held.conns.add(upstream);
    upstream.once('close', () => held.conns.delete(upstream));
    splice(client, upstream);
    client.resume();
  });
}

/** Serves hand-offs on `channel` and says hello; undefined when there is no channel. */
export function serveHandedListeners(channel: ParentChannel, o: HandedListenersOptions = {}): HandedListeners | undefined {
  if (!channel.send) return undefined;
  const log = o.log ?? ((line: string) => process.stderr.write(`hostports: ${line}\n`));
  const held = new Map<number, Held>();
  const heldUdp = new Map<number, HeldUdp>();
  const nativeIO = process.env.KUBITO_HOSTPORTS_IO === 'splice' ? 'splice' : 'copy';
  const native = pickForwarder(o, nativeIO, log);
  const reply = (m: HandoffMessage): void => {
    try {
      channel.send?.(m);
    } catch {
      // the control plane is gone
    }
  };
  const stop = (id: number, reset: boolean): void => {
    const u = heldUdp.get(id);
    if (u) {
      heldUdp.delete(id);
      stopUdp(u);
      return void reply({ kubito: HANDOFF_TAG, op: 'closed', id });
    }
    const h = held.get(id);
    held.delete(id);
    if (!h) return void reply({ kubito: HANDOFF_TAG, op: 'closed', id });
    if (h.native) {
      // The engine closes its socket before returning: the port is free for the answer.
      if (reset) h.native.destroy();
      else h.native.close();
      return void reply({ kubito: HANDOFF_TAG, op: 'closed', id });
    }
    if (reset) for (const c of h.conns) resetSocket(c);
    // close() closes the socket at once (its callback would wait for the open connections):
    // the control plane may bind the port again when it reads the answer.
    h.server.close();
    reply({ kubito: HANDOFF_TAG, op: 'closed', id });
  };
  const onMessage = (m: unknown, handle: unknown): void => {
    if (!isHandoffMessage(m)) return;
    if (m.op === 'hello') reply({ kubito: HANDOFF_TAG, op: 'hello' });
    else if (m.op === 'listen' && m.spec.protocol === 'UDP') {
      const udp = handle as UdpSocket | undefined;
      if (!udp || typeof udp.send !== 'function') return log(`hand-off ${m.id} (${m.spec.key}) came without its socket`);
      heldUdp.set(m.id, serveUdp(udp, m.spec, m.udpIdleMs ?? 30_000));
      reply({ kubito: HANDOFF_TAG, op: 'listening', id: m.id });
    } else if (m.op === 'listen') {
      const server = handle as Server | undefined;
      if (!server || typeof server.on !== 'function') return log(`hand-off ${m.id} (${m.spec.key}) came without its socket`);
      const h: Held = { server, spec: m.spec, conns: new Set() };
      held.set(m.id, h);
      server.on('connection', (client: Socket) => accept(h, client, o));
      server.on('error', (err) => log(`${h.spec.key}: ${err.message}`));
      if (native) {
        try {
          h.native = forwardNatively(native, server, { ...m.spec, io: nativeIO });
        } catch (err) {
          log(`${m.spec.key}: native forwarder refused the socket (${err instanceof Error ? err.message : String(err)}); Node forwards it`);
        }
      }
      reply({ kubito: HANDOFF_TAG, op: 'listening', id: m.id });
    } else if (m.op === 'update') {
      const h = held.get(m.id);
      if (h) {
        h.spec = m.spec;
        try {
          h.native?.update(m.spec);
        } catch (err) {
          log(`${m.spec.key}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
      const u = heldUdp.get(m.id);
      if (u) {
        // A new target: flows to the old one end (the next datagram opens a new flow).
        const moved = m.spec.target.ip !== u.spec.target.ip || m.spec.target.port !== u.spec.target.port;
        u.spec = m.spec;
        if (moved) endFlows(u);
      }
    } else if (m.op === 'close' || m.op === 'destroy') stop(m.id, m.op === 'destroy');
  };
  const closeAll = (): void => {
    for (const [id, u] of heldUdp) {
      heldUdp.delete(id);
      stopUdp(u);
    }
    for (const [id, h] of held) {
      held.delete(id);
      h.native?.destroy();
      for (const c of h.conns) resetSocket(c);
      h.server.close();
    }
  };
  channel.on('message', onMessage);
  channel.on('disconnect', closeAll);
  reply({ kubito: HANDOFF_TAG, op: 'hello' });
  return {
    count: () => held.size + heldUdp.size,
    close() {
      channel.removeListener('message', onMessage);
      channel.removeListener('disconnect', closeAll);
      closeAll();
    },
  };
}
