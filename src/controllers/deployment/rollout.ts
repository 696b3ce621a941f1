/**
 * @module The two rollout strategies (rolling.go, recreate.go).
 *
 * RollingUpdate: grow the new ReplicaSet while the total stays within spec.replicas +
 * maxSurge; shrink old ones (unhealthy replicas first) while at least spec.replicas -
 * maxUnavailable pods stay available. One step per sync; every ReplicaSet change brings
 * another sync.
 *
 * Recreate: scale every old ReplicaSet to 0, wait until none of their pods runs, then create
 * (or scale up) the new one at full size.
 */
import { specReplicas, type Pod, type ReplicaSet } from '../replicaset/types.js';
import {
  actualReplicaCount,
  availableReplicaCount,
  byCreation,
  filterActive,
  maxUnavailable,
  newRSNewReplicas,
  specReplicaCount,
} from './replica-sets.js';
import { deploymentComplete } from './status.js';
import type { DeploymentSync } from './sync.js';

/** rolloutRolling. */
export async function rolloutRolling(s: DeploymentSync): Promise<void> {
  const { newRS, oldRSs } = await s.allReplicaSets(true);
  const allRSs = [...oldRSs, newRS];
  if (newRS && (await reconcileNewReplicaSet(s, { allRSs, newRS }))) return s.syncRolloutStatus(allRSs, newRS);
  if (newRS && (await reconcileOldReplicaSets(s, { allRSs, oldRSs: filterActive(oldRSs), newRS }))) return s.syncRolloutStatus(allRSs, newRS);
  if (deploymentComplete(s.d, s.d.status)) await s.cleanupDeployment(oldRSs);
  return s.syncRolloutStatus(allRSs, newRS);
}

/** reconcileNewReplicaSet: back to spec.replicas if larger, else as far up as maxSurge allows. */
async function reconcileNewReplicaSet(s: DeploymentSync, { allRSs, newRS }: { allRSs: Array<ReplicaSet | undefined>; newRS: ReplicaSet }): Promise<boolean> {
  const desired = s.d.spec.replicas;
  if (specReplicas(newRS) === desired) return false;
  if (specReplicas(newRS) > desired) return (await s.scaleAndRecord(newRS, desired)).scaled;
  return (await s.scaleAndRecord(newRS, newRSNewReplicas(s.d, { allRSs, newRS }))).scaled;
}

/**
 * reconcileOldReplicaSets: how many pods may go is allPods - minAvailable - the new
 * ReplicaSet's unavailable pods (so a crash-looping new version does not eat into
 * availability); unhealthy old replicas go first, then available ones down to minAvailable.
 * Failures end the step quietly (false), as upstream does; the next sync retries.
 */
async function reconcileOldReplicaSets(
  s: DeploymentSync,
  { allRSs, oldRSs, newRS }: { allRSs: Array<ReplicaSet | undefined>; oldRSs: ReplicaSet[]; newRS: ReplicaSet },
): Promise<boolean> {
  if (specReplicaCount(oldRSs) === 0) return false;
  const minAvailable = s.d.spec.replicas - maxUnavailable(s.d);
  const newUnavailable = specReplicas(newRS) - (newRS.status?.availableReplicas ?? 0);
  const maxScaledDown = specReplicaCount(allRSs) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;
  try {
    const cleaned = await cleanupUnhealthyReplicas(s, { oldRSs, max: maxScaledDown });
    const scaledDown = await scaleDownOldForRollingUpdate(s, { allRSs: [...cleaned.oldRSs, newRS], oldRSs: cleaned.oldRSs });
    return cleaned.count + scaledDown > 0;
  } catch {
    return false;
  }
}

/** cleanupUnhealthyReplicas: oldest first, drop replicas that are not available, up to `max`. */
async function cleanupUnhealthyReplicas(s: DeploymentSync, { oldRSs, max: maxCleanup }: { oldRSs: ReplicaSet[]; max: number }): Promise<{ oldRSs: ReplicaSet[]; count: number }> {
  const sorted = [...oldRSs].sort(byCreation);
  let total = 0;
  for (const [i, rs] of sorted.entries()) {
    if (total >= maxCleanup) break;
    const replicas = specReplicas(rs);
    const available = rs.status?.availableReplicas ?? 0;
    if (replicas === 0 || replicas === available) continue;
    const count = Math.min(maxCleanup - total, replicas - available);
    const next = replicas - count;
    if (next > replicas) throw new Error(`when cleaning up unhealthy replicas, got invalid request to scale down ${rs.metadata.namespace}/${rs.metadata.name} ${replicas} -> ${next}`);
    sorted[i] = (await s.scaleAndRecord(rs, next)).rs;
    total += count;
  }
  return { oldRSs: sorted, count: total };
}

/** scaleDownOldReplicaSetsForRollingUpdate: oldest first, down to spec.replicas - maxUnavailable available pods. */
async function scaleDownOldForRollingUpdate(s: DeploymentSync, { allRSs, oldRSs }: { allRSs: Array<ReplicaSet | undefined>; oldRSs: ReplicaSet[] }): Promise<number> {
  const minAvailable = s.d.spec.replicas - maxUnavailable(s.d);
  const available = availableReplicaCount(allRSs);
  if (available <= minAvailable) return 0;
  const wanted = available - minAvailable;
  let total = 0;
  for (const rs of [...oldRSs].sort(byCreation)) {
    if (total >= wanted) break;
    const replicas = specReplicas(rs);
    if (replicas === 0) continue;
    const count = Math.min(replicas, wanted - total);
    await s.scaleAndRecord(rs, replicas - count);
    total += count;
  }
  return total;
}

/** rolloutRecreate. */
export async function rolloutRecreate(s: DeploymentSync): Promise<void> {
  let { newRS, oldRSs } = await s.allReplicaSets(false);
  let allRSs = [...oldRSs, newRS];
  const activeOld = filterActive(oldRSs);
  let scaledDown = false;
  for (const [i, rs] of activeOld.entries()) {
    const result = await s.scaleAndRecord(rs, 0);
    if (result.scaled) {
      activeOld[i] = result.rs;
      scaledDown = true;
    }
  }
  if (scaledDown) return s.syncRolloutStatus(allRSs, newRS);
  if (oldPodsRunning(s.podMap, { newRS, oldRSs })) return s.syncRolloutStatus(allRSs, newRS);
  if (!newRS) {
    ({ newRS, oldRSs } = await s.allReplicaSets(true));
    allRSs = [...oldRSs, newRS];
  }
  if (newRS) await s.scaleAndRecord(newRS, s.d.spec.replicas);
  if (deploymentComplete(s.d, s.d.status)) await s.cleanupDeployment(oldRSs);
  return s.syncRolloutStatus(allRSs, newRS);
}

/** oldPodsRunning: an old ReplicaSet still reports pods, or one of its pods is not finished. */
export function oldPodsRunning(podMap: Map<string, Pod[]>, { newRS, oldRSs }: { newRS: ReplicaSet | undefined; oldRSs: ReplicaSet[] }): boolean {
  if (actualReplicaCount(oldRSs) > 0) return true;
  for (const [uid, pods] of podMap) {
    if (newRS && newRS.metadata.uid === uid) continue;
    if (pods.some((p) => p.status?.phase !== 'Failed' && p.status?.phase !== 'Succeeded')) return true;
  }
  return false;
}
