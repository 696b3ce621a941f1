/**
 * @module The dummy interface that makes Service addresses local in the node namespace (as
 * IPVS mode's `kube-ipvs0`), so the proxy can listen on them: argv builders and the parser of
 * `ip -o -4 addr show` are pure; `DummyInterface` runs them through a CommandRunner.
 *
 * Kernels without the `dummy` module (common in containers, where it cannot be loaded) get a
 * bridge without ports instead: its /32 addresses are local just the same (a local route each)
 * and nothing is ever attached to it.
 */
import type { CommandRunner } from '../types.js';

export const DEFAULT_INTERFACE = 'kube-ipvs0';

export type LinkKind = 'dummy' | 'bridge';

export function createLinkArgv(name: string, kind: LinkKind = 'dummy'): string[] {
  return ['ip', 'link', 'add', 'name', name, 'type', kind];
}

export function linkUpArgv(name: string): string[] {
  return ['ip', 'link', 'set', 'dev', name, 'up'];
}

export function addAddressArgv(name: string, ip: string): string[] {
  return ['ip', 'addr', 'add', `${ip}/32`, 'dev', name];
}

export function delAddressArgv(name: string, ip: string): string[] {
  return ['ip', 'addr', 'del', `${ip}/32`, 'dev', name];
}

export function showAddressesArgv(name: string): string[] {
  return ['ip', '-o', '-4', 'addr', 'show', 'dev', name];
}

export function deleteLinkArgv(name: string): string[] {
  return ['ip', 'link', 'del', 'dev', name];
}

/** The IPv4 addresses in `ip -o -4 addr show dev X` output (`... inet 10.96.0.1/32 scope ...`). */
export function parseAddresses(output: string): string[] {
  const out: string[] = [];
  for (const m of output.matchAll(/\binet (\d{1,3}(?:\.\d{1,3}){3})\/\d+/g)) out.push(m[1]);
  return out;
}

/** A failed `ip` command. */
export class InterfaceCommandError extends Error {
  readonly argv: string[];
  readonly code: number;

  constructor(argv: string[], result: { code: number; stderr: string }) {
    super(`${argv.join(' ')}: exit ${result.code}${result.stderr.trim() ? `: ${result.stderr.trim()}` : ''}`);
    this.name = 'InterfaceCommandError';
    this.argv = argv;
    this.code = result.code;
  }
}

/** The dummy interface and the addresses it carries, as this process last saw them. */
export class DummyInterface {
  readonly name: string;
  readonly #runner: CommandRunner;
  #addresses: Set<string> | undefined;

  constructor(runner: CommandRunner, options: { name?: string } = {}) {
    this.#runner = runner;
    this.name = options.name ?? DEFAULT_INTERFACE;
  }

  async #run(argv: string[], tolerate?: RegExp): Promise<string> {
    const r = await this.#runner.run(argv);
    if (r.code !== 0 && !(tolerate && tolerate.test(r.stderr))) throw new InterfaceCommandError(argv, r);
    return r.stdout;
  }

  /** Creates the interface (an existing one is reused) and learns the addresses it has. */
  async ensure(): Promise<ReadonlySet<string>> {
    if (this.#addresses) return this.#addresses;
    const dummy = createLinkArgv(this.name, 'dummy');
    const r = await this.#runner.run(dummy);
    if (r.code !== 0 && !/File exists/.test(r.stderr)) {
      if (!/Unknown device type|not supported/i.test(r.stderr)) throw new InterfaceCommandError(dummy, r);
      await this.#run(createLinkArgv(this.name, 'bridge'), /File exists/);
    }
    await this.#run(linkUpArgv(this.name));
    this.#addresses = new Set(parseAddresses(await this.#run(showAddressesArgv(this.name))));
    return this.#addresses;
  }

  get addresses(): ReadonlySet<string> {
    return this.#addresses ?? new Set();
  }

  async add(ip: string): Promise<void> {
    await this.#run(addAddressArgv(this.name, ip), /File exists/);
    this.#addresses?.add(ip);
  }

  async remove(ip: string): Promise<void> {
    await this.#run(delAddressArgv(this.name, ip), /Cannot assign requested address/);
    this.#addresses?.delete(ip);
  }

  /** Deletes the interface (and with it every address); a missing one is fine. */
  async delete(): Promise<void> {
    await this.#run(deleteLinkArgv(this.name), /Cannot find device|does not exist/);
    this.#addresses = undefined;
  }
}
