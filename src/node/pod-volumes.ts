/**
 * @module A pod's volumes on the node: emptyDir directories, hostPath paths, and the contents of
 * configMap, secret, downwardAPI and projected volumes (volume-payload.ts) written as the
 * kubelet's atomic writer does (atomic-writer.ts), under `<pod dir or its tmpfs scratch dir>/volumes/kubernetes.io~<kind>/<name>`.
 * A volume that holds a service account token is written again when the token is due for
 * renewal (the kubelet's token manager rule), with its other sources read again.
 */
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TimerHandle } from '../client/index.js';
import { writeAtomically } from './atomic-writer.js';
import type { Pod, Volume } from './pod-view.js';
import type { RuntimeContext } from './runtime-context.js';
import { fsUserOf } from './security-context.js';
import { setVolumeOwnership } from './volume-ownership.js';
import { tokenRefreshAtMs, volumePayload, VolumeSetupError, type IssuedToken, type PayloadVolume, type VolumeSources } from './volume-payload.js';

const KIND_DIRS: Array<[keyof Volume, string]> = [
  ['configMap', 'kubernetes.io~configmap'],
  ['secret', 'kubernetes.io~secret'],
  ['downwardAPI', 'kubernetes.io~downward-api'],
  ['projected', 'kubernetes.io~projected'],
];

export interface PodVolumes {
  /** Volume name -> host path. */
  paths: Map<string, string>;
  /** Stops the token renewals (the pod's sandbox goes). */
  stop(): void;
}

/** The sources a payload reads, through the agent's API client (or, without one, the env sources: no tokens). */
export function podVolumeSources(ctx: Pick<RuntimeContext, 'api'>, namespace: string): VolumeSources {
  if (ctx.api.volumeSources) return ctx.api.volumeSources(namespace);
  const env = ctx.api.envSources;
  return {
    configMap: async (name) => {
      const data = await env.configMap(namespace, name);
      return data && { data };
    },
    secret: async (name) => {
      const data = await env.secret(namespace, name);
      return data && { data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])) };
    },
    token: async () => {
      throw new Error('the node agent has no TokenRequest client');
    },
  };
}

/**
 * Sets up the pod's volumes under `dir` (configMap, secret, downwardAPI and projected ones under
 * `scratch`, the pod's tmpfs directory, when given); throws VolumeSetupError (the kubelet's FailedMount
 * message) when one cannot be, having written what it could. `current()` is the pod as it is now
 * (for the downward API on renewals).
 */
export async function setUpPodVolumes(ctx: RuntimeContext, pod: Pod, dir: string, options: { current?: () => Pod; now?: () => number; scratch?: string } = {}): Promise<PodVolumes> {
  const current = options.current ?? (() => pod);
  // Wall-clock time: tokens expire at absolute times.
  const wall = options.now ?? Date.now;
  const paths = new Map<string, string>();
  const sources = podVolumeSources(ctx, pod.metadata.namespace);
  const withTokens: Array<{ volume: PayloadVolume; path: string; tokens: IssuedToken[] }> = [];
  // fsGroup (volume-ownership.ts) and a token's owner, as the kubelet's MounterArgs FsGroup and FsUser.
  const fsGroup = pod.spec.securityContext?.fsGroup;
  const fsUser = fsUserOf(pod);
  const owned = { fsUser, fsGroup };
  const setPerms = fsGroup === undefined ? undefined : (path: string) => setVolumeOwnership(path, fsGroup, { readOnly: true });
  for (const v of pod.spec.volumes ?? []) {
    if (v.hostPath) {
      paths.set(v.name, v.hostPath.path);
      continue;
    }
    if (v.emptyDir) {
      // The kubelet's emptyDir is 0777 (setupDir: made, then chmod past the umask); with fsGroup
      // group-owned and setgid (drwxrwsrwx).
      const path = join(dir, 'volumes', 'kubernetes.io~empty-dir', v.name);
      mkdirSync(path, { recursive: true });
      chmodSync(path, 0o777);
      try {
        if (fsGroup !== undefined) setVolumeOwnership(path, fsGroup, { readOnly: false });
      } catch (err) {
        // A group the agent cannot give (rootless: ids outside its user namespace): FailedMount.
        throw new VolumeSetupError(v.name, (err as Error).message);
      }
      paths.set(v.name, path);
      continue;
    }
    const kind = KIND_DIRS.find(([k]) => v[k]);
    if (!kind) continue;
    // On the tmpfs scratch dir where there is one (as the kubelet keeps these volumes on tmpfs):
    // no disk inodes per pod, no secret on disk.
    const path = join(options.scratch ?? dir, 'volumes', kind[1], v.name);
    const { payload, tokens } = await volumePayload(v as PayloadVolume, { pod, allocatable: ctx.allocatable, sources, ...owned });
    try {
      writeAtomically(path, payload, { setPerms });
    } catch (err) {
      throw new VolumeSetupError(v.name, (err as Error).message);
    }
    paths.set(v.name, path);
    if (tokens.length) withTokens.push({ volume: v as PayloadVolume, path, tokens });
  }
  let timer: TimerHandle | undefined;
  let stopped = false;
  const schedule = (): void => {
    if (stopped || !withTokens.length) return;
    const at = Math.min(...withTokens.flatMap((w) => w.tokens.map((t) => tokenRefreshAtMs(t, Math.random()))));
    timer = ctx.clock.setTimeout(() => void renew(), Math.min(Math.max(at - wall(), 1000), 2 ** 31 - 1));
  };
  const renew = async (): Promise<void> => {
    const now = wall();
    for (const w of withTokens) {
      if (stopped) return;
      if (!w.tokens.some((t) => tokenRefreshAtMs(t, 0) <= now + 10_000)) continue;
      try {
        const { payload, tokens } = await volumePayload(w.volume, { pod: current(), allocatable: ctx.allocatable, sources, ...owned });
        if (stopped) return;
        writeAtomically(w.path, payload, { setPerms });
        w.tokens = tokens;
      } catch (err) {
        if (stopped) return;
        // As the kubelet's token manager: a token not yet expired stays (the failure is only
        // logged); an expired one is a FailedMount. Tried again in a minute (its next pod sync).
        const message = (err as Error).message;
        if (w.tokens.some((t) => t.expiresAtMs <= now)) ctx.events.event(current(), 'Warning', 'FailedMount', `MountVolume.SetUp failed for volume "${w.volume.name}" : ${message.replace(/^failed to fetch token: /, 'token expired and refresh failed: ')}`);
        else ctx.log(`pod ${current().metadata.namespace}/${current().metadata.name}: volume ${w.volume.name}: couldn't update token: ${message}`);
        timer = ctx.clock.setTimeout(() => void renew(), 60_000);
        return;
      }
    }
    schedule();
  };
  schedule();
  return {
    paths,
    stop: () => {
      stopped = true;
      if (timer !== undefined) ctx.clock.clearTimeout(timer);
    },
  };
}
