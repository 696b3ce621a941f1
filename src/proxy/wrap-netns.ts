/**
 * @module The network namespace a command prefix (a backend's `wrap`) runs its commands in, as
 * the proxy's addons name it, so that an addon working inside this process (the iptables
 * table reader, libnftables) can act where the prefixed commands would.
 */

/**
 * The network namespace a command prefix runs its commands in, as an addon names it: none
 * (`[]`: this process's own) is null, `nsenter --net=<path> [--]` is <path>, `ip netns exec
 * <name>` is /run/netns/<name>; any other prefix undefined (an addon cannot follow it).
 */
export function netnsOfWrap(wrap: readonly string[]): string | null | undefined {
  if (wrap.length === 0) return null;
  if (wrap[0] === 'nsenter' && (wrap.length === 2 || (wrap.length === 3 && wrap[2] === '--')) && wrap[1].startsWith('--net=') && wrap[1].length > 6) return wrap[1].slice(6);
  if (wrap.length === 4 && wrap[0] === 'ip' && wrap[1] === 'netns' && wrap[2] === 'exec' && /^[^/]+$/.test(wrap[3]) && wrap[3] !== '.' && wrap[3] !== '..') return `/run/netns/${wrap[3]}`;
  return undefined;
}
