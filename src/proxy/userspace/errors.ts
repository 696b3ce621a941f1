/**
 * @module Socket error codes without duck typing: Node's system errors carry a string `code`
 * (`EADDRINUSE`, `ECONNREFUSED`); this reads it through a type guard.
 */

/** The errno-style code of a Node system error (`EADDRINUSE`), or undefined. */
export function errnoCode(err: unknown): string | undefined {
  if (err instanceof Error && 'code' in err && typeof err.code === 'string') return err.code;
  return undefined;
}

/** A listener the proxy could not bind (the next sync retries it). */
export class ListenError extends Error {
  readonly key: string;
  readonly code: string | undefined;

  constructor(key: string, cause: unknown) {
    super(`listen ${key}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'ListenError';
    this.key = key;
    this.code = errnoCode(cause);
  }
}

/** A sync that did everything it could but left some listeners or addresses undone. */
export class UserspaceSyncError extends Error {
  readonly failures: Error[];

  constructor(failures: Error[]) {
    super(`userspace proxy sync: ${failures.length} failure(s): ${failures.map((f) => f.message).join('; ')}`);
    this.name = 'UserspaceSyncError';
    this.failures = failures;
  }
}
