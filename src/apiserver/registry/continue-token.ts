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

export function decodeContinue(text: string, prefix: string): ContinueToken {
  try {
    const raw = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as { v?: unknown; rv?: unknown; start?: unknown };
    if (raw.v !== 'meta.k8s.io/v1' || typeof raw.rv !== 'number' || typeof raw.start !== 'string') throw new Error('bad');
    // As storage.DecodeContinue: 0 is no revision (a bad token); below 0 is the most recent one.
    if (!Number.isSafeInteger(raw.rv) || raw.rv === 0 || raw.start === '') throw new Error('bad');
    const start = raw.start.endsWith('\u0000') ? raw.start.slice(0, -1) : raw.start;
    if (start.includes('/..') || start.startsWith('/')) throw new Error('bad');
    return { revision: raw.rv < 0 ? -1 : raw.rv, afterKey: prefix + start };
  } catch {
    throw newBadRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
}
