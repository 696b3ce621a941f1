/**
 * @module What a targeted run left behind, with the shell chain. A container that joined another's
 * PID namespace (targetContainerName) does not end with its program: a background job is
 * reparented to the target's PID 1 and keeps the run's output FIFOs open, so the run's end is
 * never seen. containerd's shim kills every process of such a container once its init exits
 * (runc ShouldKillAllOnExit, KillAll); the native launcher does so itself (launch.c,
 * kill_rest). The shell chain's waiter is util-linux unshare, which cannot: the agent finds the
 * processes that still hold the run's FIFOs, takes their mount namespaces (made for the run
 * alone by its unshare; never the agent's own nor the host's) and SIGKILLs every process in them. A leftover
 * that closed both FIFOs is found only through another that holds one (alone, it stays, but
 * holds nothing up). Tested with the launchers (native-launcher.test.ts, the shell chain's run).
 */
import { fstatSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';

/** `dev:ino` of a file (an fd's, a path's). */
function fileId(st: { dev: number; ino: number }): string {
  return `${st.dev}:${st.ino}`;
}

async function pids(): Promise<number[]> {
  return (await readdir('/proc')).filter((d) => /^[1-9]\d*$/.test(d)).map(Number).filter((p) => p !== process.pid);
}

/** The pids (as the agent sees them) that hold a file with one of `files` open. */
async function holdersOf(files: Set<string>): Promise<number[]> {
  const found: number[] = [];
  for (const pid of await pids()) {
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      const st = await stat(`/proc/${pid}/fd/${fd}`).catch(() => undefined);
      if (st && files.has(fileId(st))) {
        found.push(pid);
        break;
      }
    }
  }
  return found;
}

async function mountNs(pid: number | 'self'): Promise<string | undefined> {
  const st = await stat(`/proc/${pid}/ns/mnt`).catch(() => undefined);
  return st && fileId(st);
}

/**
 * SIGKILLs every process in the mount namespaces of those that hold one of `fds`' files (the run's
 * FIFOs, the agent's own ends given), passes repeated until one finds none (at most 100). Returns
 * how many signals were sent.
 */
export async function killLeftovers(fds: number[]): Promise<number> {
  const files = new Set(fds.map((fd) => fileId(fstatSync(fd))));
  // Never the agent's own mount namespace, nor the host's (PID 1's): a run's namespace is its own.
  const spared = new Set([await mountNs('self'), await mountNs(1)]);
  const namespaces = new Set<string>();
  for (const pid of await holdersOf(files)) {
    const ns = await mountNs(pid);
    if (ns && !spared.has(ns)) namespaces.add(ns);
  }
  let sent = 0;
  for (let pass = 0; pass < 100 && namespaces.size; pass++) {
    let found = 0;
    for (const pid of await pids()) {
      const ns = await mountNs(pid);
      if (!ns || !namespaces.has(ns)) continue;
      found++;
      try {
        process.kill(pid, 'SIGKILL');
        sent++;
      } catch {
        // gone meanwhile
      }
    }
    if (!found) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  return sent;
}
