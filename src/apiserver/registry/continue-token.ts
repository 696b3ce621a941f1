/**
 * @module List continuation tokens in kube-apiserver's format: base64url of
 * `{"v":"meta.k8s.io/v1","rv":N,"start":"<key-suffix>\u0000"}`. Clients treat them as opaque;
 * keeping the format makes a token from kubito look like one from Kubernetes.
 */
import { newBadRequest } from '../../api/errors.js';

export interface ContinueToken {
  /**
   * The revision the first page was read at; -1: the most recent one (what the token of a 410
   * for a compacted revision carries: its pages are read at whatever revision is current).
   */
  revision: number;
  /** Continue strictly after this key (a full store key). */
  afterKey: string;
}

export function encodeContinue(token: ContinueToken, prefix: string): string {
  const start = `${token.afterKey.slice(prefix.length)}\u0000`;
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: token.revision, start })).toString('base64url');
}

/**
 * storage.DecodeContinue, with its refusals (400 "invalid continue token: ...", as
 * ValidateListOptions words them). The start key must be what path.Clean leaves as it is (no
 * empty, `.` or `..` segment, no trailing slash), so that a token cannot reach above `prefix`.
 * Upstream starts at the start key itself; kubito continues strictly after it without its
 * trailing NUL, which is the same for every token a server wrote (they end in NUL).
 */
export function decodeContinue(text: string, prefix: string): ContinueToken {
  const invalid = (detail: string) => newBadRequest(`invalid continue token: continue key is not valid${detail}`);
  let raw: { v?: unknown; rv?: unknown; start?: unknown };
  try {
    raw = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as typeof raw;
    if (typeof raw !== 'object' || raw === null) throw new Error(`cannot unmarshal ${JSON.stringify(raw)} into a continue token`);
  } catch (err) {
    throw invalid(`: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (raw.v !== 'meta.k8s.io/v1') throw invalid(`: server does not recognize this encoded version ${typeof raw.v === 'string' ? raw.v : ''}`);
  // Go's int64 and string fields: anything else fails to unmarshal; a missing rv is 0.
  const rv = raw.rv ?? 0;
  const start = raw.start ?? '';
  if (typeof rv !== 'number' || !Number.isSafeInteger(rv) || typeof start !== 'string') throw invalid(': cannot unmarshal the continue token');
  // 0 is no revision (a bad token); below 0 is the most recent one.
  if (rv === 0) throw invalid(': incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  if (start === '') throw invalid(': encoded start key empty (version meta.k8s.io/v1)');
  const key = start.startsWith('/') ? start : `/${start}`;
  if (!isClean(key)) throw invalid(`: ${start}`);
  const cleaned = key.slice(1);
  return { revision: rv < 0 ? -1 : rv, afterKey: prefix + (cleaned.endsWith('\u0000') ? cleaned.slice(0, -1) : cleaned) };
}

/** Whether Go's path.Clean leaves the rooted path `key` as it is. */
function isClean(key: string): boolean {
  if (key === '/') return true;
  return key.slice(1).split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}
