/**
 * @module Applying the port mappings in the node namespace through the proxy's CommandRunner:
 * `nft -f -` with the table script (nftables.ts), or `iptables-restore --noflush` with the nat
 * chains (iptables.ts) plus the entry rules from the built-in chains, checked with `-C` and
 * added when missing (on the first apply and after any failure). The same mappings as the last
 * successful apply send nothing. After each apply, UDP conntrack entries to a host port whose
 * mapping changed are deleted (portmap's deletePortmapStaleConnections): without it a UDP
 * client keeps its old DNAT as long as it keeps sending.
 */
import { iptablesBinaries, probeIptablesVariant } from '../proxy/iptables/applier.js';
import { ApplyError } from '../proxy/runner.js';
import type { CommandRunner } from '../proxy/types.js';
import { IPTABLES_JUMPS, renderIptables, TOP_LEVEL_DNAT } from './iptables.js';
import type { PortMapping } from './mappings.js';
import { renderNftables } from './nftables.js';

export type PortMapFamily = 'nftables' | 'iptables';

/** Makes the node's port-mapping rules exactly `mappings`. */
export interface PortMapApplier {
  readonly family: PortMapFamily;
  /** Throws ApplyError when the kernel refused; the next call starts over (checks jumps again). */
  apply(mappings: readonly PortMapping[]): Promise<void>;
  /** The text last applied. */
  lastApplied(): string | undefined;
}

export interface ApplierOptions {
  runner: CommandRunner;
  /** argv prefix putting commands in the node namespace (tests: `ip netns exec <ns>`); default none. */
  wrap?: string[];
  /** iptables: the pod network's prefix length (default 24). */
  podPrefix?: number;
  /** nftables: the node's addresses besides loopback that the node's own connections map (default 10.244.0.1). */
  nodeIPs?: readonly string[];
  /** iptables: which binaries (`iptables`, `iptables-legacy`, `iptables-nft`); default: probed as the proxy does. */
  iptables?: string;
}

/** `udp <port>` of each UDP mapping whose target is not the same in both lists. */
function changedUdpPorts(before: readonly PortMapping[], after: readonly PortMapping[]): number[] {
  const text = (list: readonly PortMapping[]) => new Set(list.filter((m) => m.protocol === 'udp').map((m) => `${m.hostIP}|${m.hostPort}|${m.podIP}|${m.containerPort}`));
  const a = text(before);
  const b = text(after);
  const ports = new Set<number>();
  for (const t of a) if (!b.has(t)) ports.add(Number(t.split('|')[1]));
  for (const t of b) if (!a.has(t)) ports.add(Number(t.split('|')[1]));
  return [...ports].sort((x, y) => x - y);
}

abstract class BaseApplier implements PortMapApplier {
  abstract readonly family: PortMapFamily;
  protected readonly runner: CommandRunner;
  protected readonly wrap: string[];
  #last: string | undefined;
  /** The mappings last applied (JSON); undefined: none yet, or the last apply failed. */
  #key: string | undefined;
  #applied: readonly PortMapping[] = [];

  constructor(options: ApplierOptions) {
    this.runner = options.runner;
    this.wrap = options.wrap ?? [];
  }

  protected async run(argv: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
    return this.runner.run([...this.wrap, ...argv], input === undefined ? undefined : { input });
  }

  protected async must(argv: string[], input?: string): Promise<string> {
    const r = await this.run(argv, input);
    if (r.code !== 0) throw new ApplyError([...this.wrap, ...argv], r);
    return r.stdout;
  }

  protected abstract render(mappings: readonly PortMapping[]): Promise<string>;
  protected abstract send(text: string): Promise<void>;

  async apply(mappings: readonly PortMapping[]): Promise<void> {
    const key = JSON.stringify(mappings);
    if (key === this.#key) return;
    this.#key = undefined;
    let text: string;
    try {
      text = await this.render(mappings);
      await this.send(text);
    } catch (err) {
      this.failed();
      throw err;
    }
    this.#key = key;
    this.#last = text;
    const ports = changedUdpPorts(this.#applied, mappings);
    this.#applied = [...mappings];
    // Exit 1 when there was nothing to delete: not a failure.
    for (const port of ports) await this.run(['conntrack', '-D', '-p', 'udp', '--dport', String(port)]);
  }

  protected failed(): void {}

  lastApplied(): string | undefined {
    return this.#last;
  }
}

export class NftablesPortMapApplier extends BaseApplier {
  readonly family = 'nftables' as const;
  readonly #nodeIPs: readonly string[] | undefined;

  constructor(options: ApplierOptions) {
    super(options);
    this.#nodeIPs = options.nodeIPs;
  }

  protected async render(mappings: readonly PortMapping[]): Promise<string> {
    return renderNftables(mappings, { nodeIPs: this.#nodeIPs });
  }

  protected async send(text: string): Promise<void> {
    await this.must(['nft', '-f', '-'], text);
  }
}

export class IptablesPortMapApplier extends BaseApplier {
  readonly family = 'iptables' as const;
  readonly #podPrefix: number;
  #bin: string | undefined;
  /** CNI-DN chains in the kernel; undefined: not read yet (the first apply reads iptables-save). */
  #chains: string[] | undefined;
  #jumpsChecked = false;
  /** The first apply found no portmap chain and had no mapping to write. */
  #untouched = false;

  constructor(options: ApplierOptions) {
    super(options);
    this.#podPrefix = options.podPrefix ?? 24;
    this.#bin = options.iptables;
  }

  async #iptables(): Promise<string> {
    if (this.#bin) return this.#bin;
    const variant = await probeIptablesVariant((argv) => this.run(argv));
    if (variant) return (this.#bin = iptablesBinaries(variant).iptables);
    throw new ApplyError([...this.wrap, 'iptables', '-w', '-t', 'nat', '-S', 'POSTROUTING'], { code: 1, stderr: 'no working iptables in the node namespace' });
  }

  protected async render(mappings: readonly PortMapping[]): Promise<string> {
    const bin = await this.#iptables();
    if (this.#chains === undefined) {
      const save = await this.must([`${bin}-save`, '-t', 'nat']);
      this.#chains = [...save.matchAll(/^:(CNI-DN-[0-9a-f]+) /gm)].map((m) => m[1]);
      // Nothing mapped, now or before: the nat table is left as it is (no chains made for nothing).
      this.#untouched = mappings.length === 0 && !save.includes(`:${TOP_LEVEL_DNAT} `);
    }
    if (mappings.length) this.#untouched = false;
    return renderIptables(mappings, { podPrefix: this.#podPrefix, stale: this.#chains }).text;
  }

  protected async send(text: string): Promise<void> {
    if (this.#untouched) return;
    const bin = await this.#iptables();
    await this.must([`${bin}-restore`, '-w', '--noflush'], text);
    this.#chains = [...text.matchAll(/^-A (CNI-DN-[0-9a-f]+) /gm)].map((m) => m[1]).filter((c, i, all) => all.indexOf(c) === i);
    if (this.#jumpsChecked) return;
    for (const j of IPTABLES_JUMPS) {
      if ((await this.run([bin, '-w', '-t', 'nat', '-C', j.chain, ...j.args])).code === 0) continue;
      await this.must(j.first ? [bin, '-w', '-t', 'nat', '-I', j.chain, '1', ...j.args] : [bin, '-w', '-t', 'nat', '-A', j.chain, ...j.args]);
    }
    this.#jumpsChecked = true;
  }

  protected override failed(): void {
    this.#chains = undefined;
    this.#jumpsChecked = false;
  }
}

export function createPortMapApplier(family: PortMapFamily, options: ApplierOptions): PortMapApplier {
  return family === 'iptables' ? new IptablesPortMapApplier(options) : new NftablesPortMapApplier(options);
}
