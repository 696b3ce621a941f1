/**
 * @module The store's typed errors. Backends translate their driver's errors into these at the
 * edge; the API server maps them to Kubernetes Status (NotFound, AlreadyExists, Conflict, 410).
 */

export type StoreErrorCode = 'KeyExists' | 'NotFound' | 'Conflict' | 'Compacted' | 'FutureRevision' | 'Closed';

const BRAND = Symbol.for('kubito.StoreError');

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  readonly key: string;
  readonly [BRAND] = true;

  constructor(code: StoreErrorCode, key: string, message?: string) {
    super(message ?? `${code}: ${key}`);
    this.name = 'StoreError';
    this.code = code;
    this.key = key;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}

export function isStoreError(err: unknown, code?: StoreErrorCode): err is StoreError {
  return err instanceof StoreError && (code === undefined || err.code === code);
}
