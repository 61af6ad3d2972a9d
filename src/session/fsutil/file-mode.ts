/**
 * Go's os.FileMode bits, which fsutil puts on the wire as Stat.mode: the type
 * in high bits (a directory is 1<<31, a symlink 1<<27), not the S_IFMT of a
 * stat(2) mode, plus the permission bits and setuid/setgid/sticky.
 */
import { constants } from "node:fs";

export const MODE_DIR = 0x80000000;
export const MODE_SYMLINK = 1 << 27;
export const MODE_DEVICE = 1 << 26;
export const MODE_NAMED_PIPE = 1 << 25;
export const MODE_SOCKET = 1 << 24;
export const MODE_SETUID = 1 << 23;
export const MODE_SETGID = 1 << 22;
export const MODE_CHAR_DEVICE = 1 << 21;
export const MODE_STICKY = 1 << 20;
export const MODE_IRREGULAR = 1 << 19;
/** Every type bit: a regular file has none of them. */
export const MODE_TYPE = MODE_DIR | MODE_SYMLINK | MODE_NAMED_PIPE | MODE_SOCKET | MODE_DEVICE | MODE_CHAR_DEVICE | MODE_IRREGULAR;

// POSIX values; Node's fs.constants leaves them out of its types.
const S_ISUID = 0o4000;
const S_ISGID = 0o2000;
const S_ISVTX = 0o1000;

/** A stat(2) st_mode as Go's os.FileMode. */
export function goFileMode(stMode: number): number {
  let mode = stMode & 0o777;
  switch (stMode & constants.S_IFMT) {
    case constants.S_IFDIR:
      mode |= MODE_DIR;
      break;
    case constants.S_IFLNK:
      mode |= MODE_SYMLINK;
      break;
    case constants.S_IFBLK:
      mode |= MODE_DEVICE;
      break;
    case constants.S_IFCHR:
      mode |= MODE_DEVICE | MODE_CHAR_DEVICE;
      break;
    case constants.S_IFIFO:
      mode |= MODE_NAMED_PIPE;
      break;
    case constants.S_IFSOCK:
      mode |= MODE_SOCKET;
      break;
  }
  if (stMode & S_ISUID) mode |= MODE_SETUID;
  if (stMode & S_ISGID) mode |= MODE_SETGID;
  if (stMode & S_ISVTX) mode |= MODE_STICKY;
  return mode >>> 0;
}

/** chmod(2) bits for a Go os.FileMode. */
export function chmodBits(mode: number): number {
  let bits = mode & 0o777;
  if (mode & MODE_SETUID) bits |= S_ISUID;
  if (mode & MODE_SETGID) bits |= S_ISGID;
  if (mode & MODE_STICKY) bits |= S_ISVTX;
  return bits;
}

export const isDirMode = (mode: number): boolean => (mode & MODE_DIR) !== 0;
export const isSymlinkMode = (mode: number): boolean => (mode & MODE_SYMLINK) !== 0;
/** Only regular files carry data: fsutil numbers them for REQ. */
export const isRegularMode = (mode: number): boolean => (mode & MODE_TYPE) === 0;
