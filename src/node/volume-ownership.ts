/**
 * @module fsGroup on a volume the kubelet manages, as its SetVolumeOwnership
 * (pkg/volume/volume_linux.go): every entry of the volume's directory, recursively, is given the
 * group fsGroup (`lchown(path, -1, fsGroup)`, symlinks included), and, symlinks excepted, its
 * mode gains group read and write (0660; 0440 for a read-only volume: configMap, secret,
 * downwardAPI, projected), directories the setgid bit and group and owner search (0110) too. So
 * a file the container makes in an emptyDir is the fsGroup's, and a non-root user reads its
 * ConfigMap or token through the group.
 */
import { chmodSync, lchownSync, lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const RW_MASK = 0o660;
const RO_MASK = 0o440;
const EXEC_MASK = 0o110;
const SETGID = 0o2000;

/** Applies fsGroup to `dir` and everything below it (the volume's root included). */
export function setVolumeOwnership(dir: string, fsGroup: number, options: { readOnly: boolean }): void {
  const visit = (path: string): void => {
    const st = lstatSync(path);
    lchownSync(path, -1, fsGroup);
    if (st.isSymbolicLink()) return;
    let mask = options.readOnly ? RO_MASK : RW_MASK;
    if (st.isDirectory()) mask |= SETGID | EXEC_MASK;
    const mode = (st.mode & 0o7777) | mask;
    if (mode !== (st.mode & 0o7777)) chmodSync(path, mode);
    if (st.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
  };
  visit(dir);
}
