/**
 * @module What the kubelet writes in a configMap, secret, downwardAPI or projected volume (pure):
 * its MakePayload / CollectData (pkg/volume/{configmap,secret,downwardapi,projected}), file path
 * -> bytes and mode, with its error messages (the FailedMount event says `MountVolume.SetUp
 * failed for volume "<name>" : <message>`; several errors of one volume as `[a, b]`).
 */
import { posix } from 'node:path';
import { ContainerConfigError, fieldValue, resourceValue } from './container-env.js';
import type { DownwardAPIFile, KeyToPath, Pod, ProjectedSource } from './pod-view.js';

export interface FileProjection {
  data: Buffer;
  mode: number;
  /** The file's owner (a token's, when every container runs as this one runAsUser); else root. */
  fsUser?: number;
}

/** Relative path -> contents. */
export type Payload = Map<string, FileProjection>;

/** A volume that cannot be set up: the message is the kubelet's, the pod does not start. */
export class VolumeSetupError extends Error {
  constructor(
    readonly volume: string,
    message: string,
  ) {
    super(message);
    this.name = 'VolumeSetupError';
  }
}

export interface ConfigMapLike {
  data?: Record<string, string>;
  /** base64, as the API serves it. */
  binaryData?: Record<string, string>;
}

export interface SecretLike {
  /** base64, as the API serves it. */
  data?: Record<string, string>;
}

export interface TokenRequestSpec {
  audiences?: string[];
  expirationSeconds?: number;
  boundObjectRef: { apiVersion: 'v1'; kind: 'Pod'; name: string; uid: string };
}

export interface TokenRequestAnswer {
  spec: { expirationSeconds?: number };
  status: { token: string; expirationTimestamp: string };
}

/** What a payload is made from, fetched by the caller (the agent's API client, or a test). */
export interface VolumeSources {
  /** undefined: no such ConfigMap (NotFound); other failures throw. */
  configMap(name: string): Promise<ConfigMapLike | undefined>;
  secret(name: string): Promise<SecretLike | undefined>;
  /** POST serviceaccounts/{name}/token; throws with the API's message. */
  token(serviceAccount: string, spec: TokenRequestSpec): Promise<TokenRequestAnswer>;
}

/** The volume kinds this module writes. */
export interface PayloadVolume {
  name: string;
  configMap?: { name: string; items?: KeyToPath[]; optional?: boolean; defaultMode?: number };
  secret?: { secretName: string; items?: KeyToPath[]; optional?: boolean; defaultMode?: number };
  downwardAPI?: { items?: DownwardAPIFile[]; defaultMode?: number };
  projected?: { defaultMode?: number; sources?: ProjectedSource[] };
}

/** The API's defaults for defaultMode (0644) and a token's expirationSeconds (3600). */
export const DEFAULT_MODE = 0o644;
export const DEFAULT_TOKEN_SECONDS = 3600;

/** The tokens a payload holds, for their refresh (token-refresh.ts). */
export interface IssuedToken {
  path: string;
  /** The answer's spec.expirationSeconds (what the server granted), and its expiry (ms). */
  expirationSeconds: number;
  expiresAtMs: number;
}

function aggregate(errors: string[]): string {
  return errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`;
}

/** configmap.MakePayload: every key (data, then binaryData) or the items; a missing key errs unless optional. */
export function configMapPayload(cm: ConfigMapLike, items: KeyToPath[] | undefined, defaultMode: number, optional: boolean): Payload {
  const out: Payload = new Map();
  if (!items?.length) {
    for (const [k, v] of Object.entries(cm.data ?? {})) out.set(k, { data: Buffer.from(v), mode: defaultMode });
    for (const [k, v] of Object.entries(cm.binaryData ?? {})) out.set(k, { data: Buffer.from(v, 'base64'), mode: defaultMode });
    return out;
  }
  for (const item of items) {
    let data: Buffer;
    if (cm.data && Object.hasOwn(cm.data, item.key)) data = Buffer.from(cm.data[item.key]);
    else if (cm.binaryData && Object.hasOwn(cm.binaryData, item.key)) data = Buffer.from(cm.binaryData[item.key], 'base64');
    else if (optional) continue;
    else throw new Error(`configmap references non-existent config key: ${item.key}`);
    out.set(item.path, { data, mode: item.mode ?? defaultMode });
  }
  return out;
}

/** secret.MakePayload. */
export function secretPayload(secret: SecretLike, items: KeyToPath[] | undefined, defaultMode: number, optional: boolean): Payload {
  const out: Payload = new Map();
  const data = secret.data ?? {};
  if (!items?.length) {
    for (const [k, v] of Object.entries(data)) out.set(k, { data: Buffer.from(v, 'base64'), mode: defaultMode });
    return out;
  }
  for (const item of items) {
    if (!Object.hasOwn(data, item.key)) {
      if (optional) continue;
      throw new Error(`references non-existent secret key: ${item.key}`);
    }
    out.set(item.path, { data: Buffer.from(data[item.key], 'base64'), mode: item.mode ?? defaultMode });
  }
  return out;
}

/** downwardapi.CollectData: each item's field or resource value; errors are gathered. */
export function downwardAPIPayload(items: DownwardAPIFile[], ctx: { pod: Pod; allocatable: { cpu: number; memory: number } }, defaultMode: number): { payload: Payload; errors: string[] } {
  const payload: Payload = new Map();
  const errors: string[] = [];
  for (const item of items) {
    let value = '';
    try {
      if (item.fieldRef) value = fieldValue(item.fieldRef.fieldPath, { pod: ctx.pod, podIP: '', hostIP: '' });
      else if (item.resourceFieldRef) {
        const name = item.resourceFieldRef.containerName;
        const container = [...ctx.pod.spec.containers, ...(ctx.pod.spec.initContainers ?? [])].find((c) => c.name === name);
        if (!container) throw new Error(`container ${name ?? ''} not found`);
        value = resourceValue(item.resourceFieldRef, container, ctx);
      }
    } catch (err) {
      errors.push(err instanceof ContainerConfigError ? err.message : (err as Error).message);
    }
    payload.set(posix.normalize(item.path), { data: Buffer.from(value), mode: item.mode ?? defaultMode });
  }
  return { payload, errors };
}

/**
 * The whole payload of a configMap, secret, downwardAPI or projected volume (the kubelet's
 * SetUpAt / collectData), and the tokens it holds. Throws VolumeSetupError with the kubelet's
 * message when a source is missing (and not optional) or fails.
 */
export async function volumePayload(volume: PayloadVolume, ctx: { pod: Pod; allocatable: { cpu: number; memory: number }; sources: VolumeSources; fsUser?: number; fsGroup?: number }): Promise<{ payload: Payload; tokens: IssuedToken[] }> {
  const tokens: IssuedToken[] = [];
  const fail = (errors: string[]): never => {
    throw new VolumeSetupError(volume.name, aggregate(errors));
  };
  if (volume.configMap) {
    const v = volume.configMap;
    const cm = await ctx.sources.configMap(v.name);
    if (!cm && !v.optional) fail([`configmap "${v.name}" not found`]);
    try {
      return { payload: configMapPayload(cm ?? {}, v.items, v.defaultMode ?? DEFAULT_MODE, !!v.optional), tokens };
    } catch (err) {
      return fail([(err as Error).message]);
    }
  }
  if (volume.secret) {
    const v = volume.secret;
    const s = await ctx.sources.secret(v.secretName);
    if (!s && !v.optional) fail([`secret "${v.secretName}" not found`]);
    try {
      return { payload: secretPayload(s ?? {}, v.items, v.defaultMode ?? DEFAULT_MODE, !!v.optional), tokens };
    } catch (err) {
      return fail([(err as Error).message]);
    }
  }
  if (volume.downwardAPI) {
    const { payload, errors } = downwardAPIPayload(volume.downwardAPI.items ?? [], ctx, volume.downwardAPI.defaultMode ?? DEFAULT_MODE);
    if (errors.length) fail(errors);
    return { payload, tokens };
  }
  const projected = volume.projected ?? {};
  const mode = projected.defaultMode ?? DEFAULT_MODE;
  const payload: Payload = new Map();
  const errors: string[] = [];
  const add = (p: Payload): void => {
    for (const [k, v] of p) payload.set(k, v);
  };
  for (const source of projected.sources ?? []) {
    try {
      if (source.secret) {
        const s = await ctx.sources.secret(source.secret.name);
        if (!s && !source.secret.optional) throw new Error(`secret "${source.secret.name}" not found`);
        add(secretPayload(s ?? {}, source.secret.items, mode, !!source.secret.optional));
      } else if (source.configMap) {
        const cm = await ctx.sources.configMap(source.configMap.name);
        if (!cm && !source.configMap.optional) throw new Error(`configmap "${source.configMap.name}" not found`);
        add(configMapPayload(cm ?? {}, source.configMap.items, mode, !!source.configMap.optional));
      } else if (source.downwardAPI) {
        const r = downwardAPIPayload(source.downwardAPI.items ?? [], ctx, mode);
        if (r.errors.length) errors.push(...r.errors);
        else add(r.payload);
      } else if (source.serviceAccountToken) {
        const t = source.serviceAccountToken;
        const pod = ctx.pod;
        const spec: TokenRequestSpec = { boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name, uid: pod.metadata.uid } };
        if (t.audience) spec.audiences = [t.audience];
        spec.expirationSeconds = t.expirationSeconds ?? DEFAULT_TOKEN_SECONDS;
        // The kubelet's token manager, with no token cached yet: `failed to fetch token: <the API's error>`.
        const answer = await ctx.sources.token(pod.spec.serviceAccountName || 'default', spec).catch((err: unknown) => {
          throw new Error(`failed to fetch token: ${(err as Error).message}`);
        });
        const expiresAtMs = Date.parse(answer.status.expirationTimestamp);
        tokens.push({ path: t.path, expirationSeconds: answer.spec.expirationSeconds ?? spec.expirationSeconds, expiresAtMs });
        // The kubelet (projected collectData): with an FsUser or an fsGroup the token is 0600, owned
        // by the FsUser (the one runAsUser of all containers); fsGroup then makes it 0640.
        const owned = ctx.fsUser !== undefined || ctx.fsGroup !== undefined;
        payload.set(t.path, { data: Buffer.from(answer.status.token), mode: owned ? 0o600 : mode, ...(ctx.fsUser !== undefined ? { fsUser: ctx.fsUser } : {}) });
      }
    } catch (err) {
      errors.push((err as Error).message);
    }
  }
  if (errors.length) fail(errors);
  return { payload, tokens };
}

const MAX_TTL_MS = 24 * 3600 * 1000;

/**
 * When the kubelet's token manager renews a token (requiresRefresh): once it is older than 80 % of
 * its lifetime, or than 24 h, less a jitter of up to 10 s. `jitter` in [0, 1).
 */
export function tokenRefreshAtMs(token: Pick<IssuedToken, 'expirationSeconds' | 'expiresAtMs'>, jitter: number): number {
  const ttlMs = token.expirationSeconds * 1000;
  const issuedAt = token.expiresAtMs - ttlMs;
  const j = Math.floor(jitter * 10) * 1000;
  return Math.min(issuedAt + MAX_TTL_MS - j, token.expiresAtMs - Math.floor(token.expirationSeconds * 20 / 100) * 1000 - j);
}
