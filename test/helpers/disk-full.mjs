// Simulates a full disk for the files of one directory, where no size-limited file system can be
// mounted: writes to files under it fail with ENOSPC, as the kernel would, once `afterBytes` have
// been written (PGlite's file system calls Node's fs, looked up at each call). Used in-process
// (simulateDiskFull) or preloaded into an aos subprocess with `node --import` and the env vars
// AOS_TEST_FULL_DIR / AOS_TEST_FULL_AFTER (bytes, default 0).
import fs from 'node:fs';
import { resolve, sep } from 'node:path';

export function simulateDiskFull(dir, { afterBytes = 0 } = {}) {
  const root = resolve(dir);
  const fds = new Set();
  let written = 0;
  const { openSync, closeSync, writeSync } = fs;
  fs.openSync = function (path, ...rest) {
    const fd = openSync.call(this, path, ...rest);
    if (typeof path === 'string' && resolve(path).startsWith(root + sep)) fds.add(fd);
    return fd;
  };
  fs.closeSync = function (fd, ...rest) {
    fds.delete(fd);
    return closeSync.call(this, fd, ...rest);
  };
  fs.writeSync = function (fd, buffer, ...rest) {
    if (fds.has(fd)) {
      const length = typeof rest[1] === 'number' ? rest[1] : (buffer?.length ?? 0);
      if (written + length > afterBytes) {
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
      }
      written += length;
    }
    return writeSync.call(this, fd, buffer, ...rest);
  };
  return () => {
    fs.openSync = openSync;
    fs.closeSync = closeSync;
    fs.writeSync = writeSync;
  };
}

if (process.env.AOS_TEST_FULL_DIR) simulateDiskFull(process.env.AOS_TEST_FULL_DIR, { afterBytes: Number(process.env.AOS_TEST_FULL_AFTER ?? 0) });
