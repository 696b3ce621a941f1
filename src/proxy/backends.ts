/**
 * @module The proxy backends, one explicit table (STYLE.md §3): mode → factory. No import side
 * effects: a backend exists here or not at all. A mode whose backend is not in this build
 * throws `BackendNotBuiltError`, which the node agent answers by falling back to iptables.
 */
import { IptablesBackend } from './iptables/applier.js';
import { createNftablesBackend } from './nftables/applier.js';
import { createUserspaceBackend } from './userspace/index.js';
import type { CommandRunner, ProxyBackend, ProxyNodeConfig } from './types.js';

export type ProxyMode = ProxyBackend['mode'];

export const PROXY_MODES: readonly ProxyMode[] = ['nftables', 'iptables', 'userspace'];

/** What a backend factory gets. */
export interface BackendContext {
  /** Runs commands in the node namespace (the agent already runs there). */
  runner: CommandRunner;
  node: ProxyNodeConfig;
  cluster: string;
  dataDir: string;
  log(line: string): void;
}

export type BackendFactory = (context: BackendContext) => ProxyBackend;

export class BackendNotBuiltError extends Error {
  override name = 'BackendNotBuiltError';
  readonly mode: ProxyMode;

  constructor(mode: ProxyMode) {
    super(`proxy mode "${mode}" is not built yet in this kubito; use --proxy-mode iptables`);
    this.mode = mode;
  }
}

export const BACKENDS: Readonly<Record<ProxyMode, BackendFactory>> = {
  nftables: (context) => createNftablesBackend(context),
  iptables: (context) => new IptablesBackend({ runner: context.runner }),
  userspace: (context) => createUserspaceBackend({ runner: context.runner, log: context.log }),
};

export function isProxyMode(text: string): text is ProxyMode {
  return (PROXY_MODES as readonly string[]).includes(text);
}

/** The backend for a mode; throws BackendNotBuiltError when this build lacks it. */
export function createBackend(mode: ProxyMode, context: BackendContext): ProxyBackend {
  return BACKENDS[mode](context);
}
