/**
 * @module The kubeconfig package's typed errors. `InvalidArgument`: a caller passed something
 * that cannot go into a kubeconfig. `Unreadable`: the file exists but cannot be read or is not
 * YAML. `Invalid`: it is YAML but not shaped like a kubeconfig. `Locked`: another writer
 * (kubectl, kind, kubito) holds `<file>.lock`. In every case the file is left exactly as it was.
 */

export type KubeconfigErrorCode = 'InvalidArgument' | 'Unreadable' | 'Invalid' | 'Locked';

const BRAND = Symbol.for('kubito.KubeconfigError');

export class KubeconfigError extends Error {
  readonly code: KubeconfigErrorCode;
  readonly [BRAND] = true;

  constructor(code: KubeconfigErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KubeconfigError';
    this.code = code;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}

export function isKubeconfigError(err: unknown, code?: KubeconfigErrorCode): err is KubeconfigError {
  return err instanceof KubeconfigError && (code === undefined || err.code === code);
}
