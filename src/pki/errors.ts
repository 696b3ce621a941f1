/**
 * @module The pki package's typed errors. `InvalidHost`: a requested SAN is neither an IP address
 * nor a DNS name. `InvalidCredentials`: a file that identifies the cluster (the CA, the admin
 * token) exists but cannot be used; kubito never replaces those silently, because every
 * kubeconfig already handed out trusts them.
 */

export type PkiErrorCode = 'InvalidHost' | 'InvalidCredentials';

const BRAND = Symbol.for('kubito.PkiError');

export class PkiError extends Error {
  readonly code: PkiErrorCode;
  readonly [BRAND] = true;

  constructor(code: PkiErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PkiError';
    this.code = code;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}

export function isPkiError(err: unknown, code?: PkiErrorCode): err is PkiError {
  return err instanceof PkiError && (code === undefined || err.code === code);
}
