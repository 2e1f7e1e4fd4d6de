import fs from 'node:fs';

// statfs f_type magic numbers of file systems whose changes can come from another machine, where inotify
// sees only local writes: NFS, SMB, CIFS, SMB2, FUSE (sshfs and friends), AFS, Ceph, 9p, Lustre.
const NETWORK_TYPES = new Set([0x6969, 0x517b, 0xff534d42, 0xfe534d42, 0x65735546, 0x5346414f, 0x00c36400, 0x01021997, 0x0bd00bd0]);

/** True when `folder` is on a network file system (the Linux counterpart of iisnode's UNC paths). */
export function isNetworkFileSystem(folder: string): boolean {
  try {
    // f_type is unsigned in the kernel; Node may hand it over as a negative 32-bit value.
    return NETWORK_TYPES.has(fs.statfsSync(folder).type >>> 0);
  } catch {
    return false;
  }
}
