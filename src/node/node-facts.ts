/**
 * @module Facts about this machine for the Node status: CPUs, memory, the data dir's disk, the
 * kernel, /etc/os-release's PRETTY_NAME, machine-id and boot id.
 */
import { readFileSync, statfsSync } from 'node:fs';
import os from 'node:os';
import type { NodeFacts } from './node-object.js';

function read(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}

export function osImage(osRelease: string): string {
  const m = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(osRelease);
  return m ? m[1] : 'Linux';
}

export function nodeFacts(dataDir: string): NodeFacts {
  let disk = 0;
  try {
    const s = statfsSync(dataDir);
    disk = s.blocks * s.bsize;
  } catch {
    // unknown
  }
  const arch = process.arch === 'x64' ? 'amd64' : process.arch;
  const machineID = read('/etc/machine-id');
  return {
    cpus: os.cpus().length,
    memoryBytes: os.totalmem(),
    ephemeralStorageBytes: disk,
    kernelVersion: os.release(),
    osImage: osImage(read('/etc/os-release')),
    architecture: arch,
    machineID,
    bootID: read('/proc/sys/kernel/random/boot_id'),
    systemUUID: read('/sys/class/dmi/id/product_uuid') || machineID,
  };
}
