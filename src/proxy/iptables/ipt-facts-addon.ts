/**
 * @module The legacy table reader as an addon of the proxy's process (native/ipt-facts-addon.c,
 * built by scripts/build-native.js into build/ipt-facts.node): what `kubito-ipt-facts <tables>`
 * prints, read on a thread of libuv's pool, without a process. Loaded once; where it was not
 * built the backend reads with the program (src/proxy/README.md).
 */
import { builtPath, loadAddon } from '../../native/built.js';

export interface IptFactsAddon {
  /**
   * The program's answer for `tables` (names separated by spaces) in the network namespace at
   * `netns` (/run/netns/<name>; null: the process's own): code 0 read, 1 a system error, 2 a
   * table it cannot walk; stdout in iptables-save's syntax, stderr its messages.
   */
  read(tables: string, netns: string | null): Promise<{ code: number; stdout: string; stderr: string }>;
}

/** Where scripts/build-native.js puts the addon. */
export function iptFactsAddonPath(): string {
  return builtPath('ipt-facts.node');
}

/** The addon, or why not (not built, another Node's ABI, not ours). */
export function loadIptFactsAddon(path = iptFactsAddonPath()): IptFactsAddon | Error {
  return loadAddon<IptFactsAddon>(path, "kubito's iptables-legacy table reader addon", (m) => typeof m.read === 'function');
}
