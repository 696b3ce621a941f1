/**
 * @module Pod IP addresses from the node's /24 (host-local IPAM): the gateway is .1, pods get
 * .2 ... .254, lowest free first. The allocation table is a JSON file under `<data-dir>/run/`
 * (written atomically), so a restarted agent knows which addresses its pods hold.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface Cidr {
  /** Network address as a 32-bit number. */
  base: number;
  prefix: number;
}

export function parseIPv4(text: string): number {
  const parts = text.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) throw new Error(`invalid IPv4 address ${JSON.stringify(text)}`);
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

export function formatIPv4(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

export function parseCidr(text: string): Cidr {
  const [ip, bits] = text.split('/');
  const prefix = Number(bits);
  if (!Number.isInteger(prefix) || prefix < 8 || prefix > 30) throw new Error(`invalid pod CIDR ${JSON.stringify(text)}: want a.b.c.d/8..30`);
  const size = 2 ** (32 - prefix);
  const addr = parseIPv4(ip);
  return { base: addr - (addr % size), prefix };
}

/** The gateway (first host address) of a CIDR: the node's bridge address. */
export function gatewayOf(cidr: Cidr): string {
  return formatIPv4(cidr.base + 1);
}

export function formatCidr(cidr: Cidr): string {
  return `${formatIPv4(cidr.base)}/${cidr.prefix}`;
}

/** Allocations of one CIDR, keyed by address, valued by owner (a pod uid). */
export class Ipam {
  readonly cidr: Cidr;
  readonly #file: string | undefined;
  readonly #writeBehind: boolean;
  readonly #quiet: { readonly busy: number; idle(): Promise<void> } | undefined;
  #saving: Promise<void> | undefined;
  #dirty = false;
  #owners = new Map<string, string>();

  /**
   * `file` undefined: in memory only (tests). `writeBehind`: changes are written asynchronously,
   * the changes made while a write runs by one more write (a burst of pods writes it a few
   * times, not once per pod), rather than at once; the agent's table is only a record (a new
   * agent starts from an empty one). `quiet`: write-behind waits while pods are being started
   * (starts-in-flight.ts): each write makes a new inode on the data disk (the temporary file),
   * ≈ 0.4 ms of kernel CPU there, and a burst wrote it dozens of times.
   */
  constructor(cidr: Cidr, options: { file?: string; writeBehind?: boolean; quiet?: { readonly busy: number; idle(): Promise<void> } } = {}) {
    this.cidr = cidr;
    this.#file = options.file;
    this.#writeBehind = !!options.writeBehind;
    this.#quiet = options.quiet;
    if (this.#file) {
      let text = '';
      try {
        text = readFileSync(this.#file, 'utf8');
      } catch {
        // No table yet: nothing allocated.
      }
      if (text) {
        const table = JSON.parse(text) as Record<string, string>;
        for (const [ip, owner] of Object.entries(table)) this.#owners.set(ip, owner);
      }
    }
  }

  /** The owner's address: the one it holds, else the lowest free one. Throws when full. */
  allocate(owner: string): string {
    for (const [ip, o] of this.#owners) if (o === owner) return ip;
    const size = 2 ** (32 - this.cidr.prefix);
    for (let i = 2; i < size - 1; i++) {
      const ip = formatIPv4(this.cidr.base + i);
      if (!this.#owners.has(ip)) {
        this.#owners.set(ip, owner);
        this.#save();
        return ip;
      }
    }
    throw new Error(`no free address left in ${formatCidr(this.cidr)}`);
  }

  /** Frees the owner's address, if it holds one. */
  release(owner: string): void {
    let changed = false;
    for (const [ip, o] of this.#owners) {
      if (o === owner) {
        this.#owners.delete(ip);
        changed = true;
      }
    }
    if (changed) this.#save();
  }

  /** Gives `from`'s address to `to` (a pool sandbox's to the pod that took it); false if none. */
  transfer(from: string, to: string): boolean {
    for (const [ip, o] of this.#owners) {
      if (o !== from) continue;
      this.#owners.set(ip, to);
      this.#save();
      return true;
    }
    return false;
  }

  /** Frees every address whose owner is not in `keep` (after a restart). */
  retain(keep: Set<string>): void {
    let changed = false;
    for (const [ip, o] of this.#owners) {
      if (!keep.has(o)) {
        this.#owners.delete(ip);
        changed = true;
      }
    }
    if (changed) this.#save();
  }

  allocations(): Record<string, string> {
    return Object.fromEntries([...this.#owners].sort(([a], [b]) => parseIPv4(a) - parseIPv4(b)));
  }

  #save(): void {
    if (!this.#file) return;
    if (!this.#writeBehind) return this.#write(this.#file);
    this.#dirty = true;
    if (!this.#saving) this.#saving = this.#writeBehindLoop(this.#file);
  }

  /**
   * Writes the table off the event loop until no change is left unwritten; one write at a time
   * (a rename over the old table makes ext4 flush the new one: milliseconds on a busy disk).
   */
  async #writeBehindLoop(file: string): Promise<void> {
    try {
      while (this.#dirty) {
        if (this.#quiet && this.#quiet.busy > 0) await this.#quiet.idle();
        this.#dirty = false;
        await mkdir(dirname(file), { recursive: true });
        const tmp = `${file}.tmp`;
        await writeFile(tmp, `${JSON.stringify(this.allocations(), null, 1)}\n`);
        await rename(tmp, file);
      }
    } catch {
      // A record only: the next change writes it again.
    } finally {
      this.#saving = undefined;
    }
  }

  /** Resolves once the table on disk has every change so far (write-behind). */
  async flushed(): Promise<void> {
    while (this.#saving) await this.#saving;
  }

  #write(file: string): void {
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(this.allocations(), null, 1)}\n`);
    renameSync(tmp, file);
  }
}
