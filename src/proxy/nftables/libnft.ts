/**
 * @module libnftables inside the proxy's process (native/nft-addon.c, built by
 * scripts/build-native.js into build/proxy-nft.node): a sync's script committed by the library
 * `nft` is a shell around, on a thread of libuv's pool, without starting `nft`. Loaded once;
 * where it was not built, or libnftables is missing, the backend runs the nft command
 * (src/proxy/README.md, "libnftables in the proxy").
 */
import { builtPath, loadAddon } from '../../native/built.js';

export interface NftAddon {
  /**
   * What `nft -f -` answers for `script`, in the network namespace at `netns` (/run/netns/<name>;
   * null: the process's own): code 0 applied, 1 refused (stderr nft's messages, the input named
   * `/proc/self/fd/N` where nft -f - says `/dev/stdin`), -1 the library can never be used by this
   * process, -2 not for this run (out of descriptors or memory, the namespace gone); stderr says
   * why.
   */
  run(script: string, netns: string | null): Promise<{ code: number; stdout: string; stderr: string }>;
}

/** Where scripts/build-native.js puts the addon. */
export function nftAddonPath(): string {
  return builtPath('proxy-nft.node');
}

/**
 * The addon, or why not (not built, another Node's ABI, not ours, or turned off with
 * `KUBITO_PROXY_NFT=command`, for A/B runs against the nft command).
 */
export function loadNftAddon(path = nftAddonPath(), env: NodeJS.ProcessEnv = process.env): NftAddon | Error {
  if (env.KUBITO_PROXY_NFT === 'command') return new Error('KUBITO_PROXY_NFT=command');
  const addon = loadAddon<NftAddon>(path, "kubito's libnftables addon", (m) => typeof m.run === 'function');
  return addon instanceof Error ? addon : queued(addon);
}

const queues = new WeakMap<NftAddon, NftAddon>();

/**
 * The addon with its runs one after another: the addon runs one at a time anyway (under a
 * lock), and a run queued on the pool while another holds it would keep a pool thread waiting
 * — behind a full sync of 10,000 Services, the file system work of the whole process waited
 * seconds. One queue per loaded addon, shared by every backend of the process.
 */
export function queued(addon: NftAddon): NftAddon {
  const known = queues.get(addon);
  if (known) return known;
  let tail: Promise<unknown> = Promise.resolve();
  const wrapped: NftAddon = {
    run(script, netns) {
      const result = tail.then(() => addon.run(script, netns));
      tail = result.catch(() => undefined);
      return result;
    },
  };
  queues.set(addon, wrapped);
  return wrapped;
}
