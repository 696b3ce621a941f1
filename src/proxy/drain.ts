/**
 * @module Whether the proxy's rules still send new connections to a pod's addresses as a ready
 * endpoint: the node agent waits for this to turn false before it signals a deleted pod's
 * containers to stop (src/node/README.md, "Termination and the data plane"). Pure.
 */
import type { DesiredState } from './types.js';

/**
 * True when some service port of `state` lists one of `ips` as a ready endpoint (the rules
 * then send it new connections). A serving-and-terminating endpoint (ready false) is not
 * counted: it is used only while the port has no ready one (upstream's fallback), and then
 * waiting would not move anything away from it.
 */
export function routesNewConnectionsTo(state: DesiredState, ips: readonly string[]): boolean {
  if (ips.length === 0) return false;
  return state.servicePorts.some((sp) => sp.endpoints.some((e) => e.ready && ips.includes(e.ip)));
}
