/**
 * @module The ports kubito's cluster DNS serves on the node's address (the node agent's
 * `startClusterDns`), and that its mirror pod declares (src/node/mirror-pods.ts).
 */

/**
 * Where the node agent's DNS listens: 53 UDP+TCP, and one HTTP port for /metrics, /health and
 * /ready. CoreDNS serves health on 8080 and ready on 8181, in its own pod's network namespace;
 * kubito's DNS shares the node's address with every hostPort of the node (src/portmap), so it
 * holds there only the ports its hostNetwork mirror pod declares — host ports the scheduler
 * counts (53/UDP, 53/TCP, 9153/TCP) — and a user's hostPort 8080 or 8181 is the user's.
 */
export const CLUSTER_DNS_PORTS = { dns: 53, metrics: 9153, health: 9153, ready: 9153 } as const;
