// File writes that are all or nothing: the bytes go to a temporary file in the same folder, are
// made durable, then renamed over the target, so a crash leaves the old bytes or the new ones,
// never a mix. One file: fsync, then rename. Many files (a transaction's plan): every temporary
// file first, then one syncfs(2) per file system (`sync -f`) instead of one fsync per file, then
// the renames.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  existsSync,
  fchmodSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** The temporary file a write of `path` by this process goes through (a rollback removes it). */
export const tempPathOf = (path: string, pid = process.pid): string =>
  join(dirname(path), `.${basename(path)}.${pid}.tmp`);

/** The permission bits a new file gets here (0666 less the umask), read once. */
let created: number | undefined;
/**
 * Whether a file written in place of one with the permission bits `mode` needs them set: not for a
 * new file (undefined), nor for the bits a new file gets anyway, the common case (so a large
 * upgrade makes no call more per file).
 */
export function needsMode(mode: number | undefined): mode is number {
  created ??= 0o666 & ~process.umask();
  return mode !== undefined && mode !== created;
}

/** The permission bits of `path`, or undefined when it does not exist. */
export function modeOf(path: string): number | undefined {
  const stat = statSync(path, { throwIfNoEntry: false });
  return stat && stat.mode & 0o7777;
}

/**
 * Replaces `path` with `content`, all or nothing. The file keeps its permission bits (`mode`, else
 * those it has now): a new file made and renamed over it would otherwise get the default ones, and
 * an executable script or a read-only file would lose its mode.
 */
export function writeFileAtomic(path: string, content: string | Uint8Array, mode = modeOf(path)): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const temp = tempPathOf(path);
  try {
    const fd = openSync(temp, 'w');
    try {
      writeSync(fd, typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
      if (needsMode(mode)) fchmodSync(fd, mode);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/**
 * Writes `content` to `path`'s temporary file, not yet durable (see syncDurably) nor in place,
 * with the permission bits `mode` when given (those of the file it will replace).
 */
export function writeTemp(path: string, content: string | Uint8Array, mode?: number): string {
  const temp = tempPathOf(path);
  try {
    writeFileSync(temp, content);
    if (needsMode(mode)) chmodSync(temp, mode);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  return temp;
}

/**
 * Whether `sync -f` worked (it is tried until it fails once); up to FEW paths, fsyncs are cheaper.
 * Measured here: 30 small files took 2.8 ms of fsyncs against 9-12 ms for starting `sync -f` (most
 * of it the CPU of spawning a process), 100 files 17 ms against 8 ms; a new pipeline is about 30.
 */
let syncfs = true;
const FEW = 48;

/**
 * Makes every file written so far below `dirs` durable (data and metadata): one syncfs(2) per
 * file system they are on, through coreutils' `sync -f` (Node has no syncfs), which costs about
 * what a handful of fsyncs do where one fsync per file of a 10,000-file upgrade took 15 s. Where
 * `sync -f` is missing or fails (macOS, busybox), and for a few files (where starting `sync` costs
 * more than their fsyncs), each of `files` is fsynced, then each folder.
 */
export function syncDurably(dirs: Iterable<string>, files: Iterable<string>): void {
  const folders = [...dirs];
  const paths = [...files];
  if (syncfs && folders.length + paths.length > FEW) {
    const byDevice = new Map<number, string>();
    for (const dir of folders) {
      const device = statSync(dir).dev;
      if (!byDevice.has(device)) byDevice.set(device, dir);
    }
    if (byDevice.size === 0) return;
    const result = spawnSync('sync', ['-f', ...byDevice.values()], { stdio: 'ignore' });
    if (result.status === 0) return;
    syncfs = false;
  }
  for (const file of paths) fsyncPath(file, 'r');
  for (const dir of folders) {
    try {
      fsyncPath(dir, 'r');
    } catch {
      /* a folder cannot be opened for fsync on some systems: its entries are then as durable as it gets */
    }
  }
}

function fsyncPath(path: string, flags: string): void {
  const fd = openSync(path, flags);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Removes the temporary files that killed writes of `path` left behind (any process's). */
export function removeStaleTemps(path: string): void {
  const dir = dirname(path);
  if (!existsSync(dir)) return;
  const prefix = `.${basename(path)}.`;
  for (const name of readdirSync(dir))
    if (name.startsWith(prefix) && name.endsWith('.tmp')) rmSync(join(dir, name), { force: true });
}
