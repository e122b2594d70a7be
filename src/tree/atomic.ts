// File writes that are all or nothing: the bytes go to a temporary file in the same folder, are
// made durable, then renamed over the target, so a crash leaves the old bytes or the new ones,
// never a mix. One file: fsync, then rename. Many files (a transaction's plan): every temporary
// file first, then one syncfs(2) per file system (`sync -f`) instead of one fsync per file, then
// the renames.

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
import type { Socket } from 'node:net';
import { basename, dirname, join } from 'node:path';
import { childProcess } from '../child-process.ts';

/**
 * node:fs/promises, loaded when first used: only an upgrade's concurrent writes use it, and
 * loading it (with the readline modules it pulls in) is a share of a generation's start.
 */
export const fsp = () => process.getBuiltinModule('node:fs/promises');

/** The temporary file a write of `path` by this process goes through (a rollback removes it). */
export const tempPathOf = (path: string, pid = process.pid): string =>
  join(dirname(path), `.${basename(path)}.${pid}.tmp`);

/** A second name for `path`'s old file once it is replaced, kept by Spares (a rollback removes it). */
export const sparePathOf = (path: string, pid = process.pid): string =>
  join(dirname(path), `.${basename(path)}.${pid}.old.tmp`);

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
  const targets = syncfsTargets(folders, paths.length);
  if (targets?.length === 0) return;
  if (targets) {
    if (childProcess().spawnSync('sync', ['-f', ...targets], { stdio: 'ignore' }).status === 0) return;
    syncfs = false;
  }
  fsyncEach(folders, paths);
}

/**
 * syncDurably, without blocking the thread while `sync -f` waits on the disk: a large upgrade's
 * worker threads keep sending results (each of its 20 syncs took about 40 ms, in which a worker ran
 * out of queued pipelines).
 */
export async function syncDurablyAsync(dirs: Iterable<string>, files: Iterable<string>): Promise<void> {
  const folders = [...dirs];
  const paths = [...files];
  const targets = syncfsTargets(folders, paths.length);
  if (targets?.length === 0) return;
  if (targets) {
    const status =
      (await syncShell?.sync(targets)) ??
      (await new Promise<number | null>((done) =>
        childProcess()
          .spawn('sync', ['-f', ...targets], { stdio: 'ignore' })
          .on('error', () => done(null))
          .on('close', done),
      ));
    if (status === 0) return;
    syncfs = false;
  }
  fsyncEach(folders, paths);
}

/**
 * A shell kept running to start `sync -f` when asked (startSyncShell). Starting a process copies
 * the page tables of the one that starts it: from an upgrade's 300 MB process each `sync -f` took
 * about 17 ms of CPU, 38 times for 1,000 pipelines, while its workers wanted both cores. The shell
 * is small, and so is the `sync` it starts. Its standard input closes when this process ends,
 * however it ends, and the shell with it.
 */
class SyncShell {
  private readonly child = childProcess().spawn(
    'sh',
    ['-c', 'while IFS= read -r target; do sync -f "$target"; echo $?; done'],
    {
      stdio: ['pipe', 'pipe', 'ignore'],
    },
  );
  private readonly waiting: ((status: number | null) => void)[] = [];
  private output = '';
  private gone = false;

  constructor() {
    const gone = () => this.end();
    this.child.on('error', gone).on('close', gone);
    this.child.stdin!.on('error', gone);
    this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      this.output += chunk;
      for (let end = this.output.indexOf('\n'); end >= 0; end = this.output.indexOf('\n')) {
        this.waiting.shift()?.(Number(this.output.slice(0, end)));
        this.output = this.output.slice(end + 1);
      }
      if (this.waiting.length === 0) this.hold(false);
    });
    this.hold(false);
  }

  /** `sync -f` on each target in turn: its exit status, or null when the shell cannot run it (spawn one instead). */
  async sync(targets: string[]): Promise<number | null> {
    for (const target of targets) {
      if (this.gone || target.includes('\n')) return null;
      const status = await new Promise<number | null>((done) => {
        this.waiting.push(done);
        this.hold(true);
        this.child.stdin!.write(`${target}\n`);
      });
      if (status !== 0) return status;
    }
    return 0;
  }

  /** While an answer is awaited the shell keeps this process alive; otherwise it never does. */
  private hold(waiting: boolean): void {
    for (const handle of [this.child, this.child.stdin as unknown as Socket, this.child.stdout as unknown as Socket])
      waiting ? handle.ref() : handle.unref();
  }

  private end(): void {
    this.gone = true;
    for (const done of this.waiting.splice(0)) done(null);
  }
}

let syncShell: SyncShell | undefined;

/** Starts the shell syncDurablyAsync asks for `sync -f` from now on: call it while this process is small (before an upgrade's workers). */
export function startSyncShell(): void {
  if (syncfs && !syncShell && process.platform !== 'win32') syncShell = new SyncShell();
}

/** One folder per file system of `folders`, for `sync -f`; undefined when fsyncs do instead (few paths, or no `sync -f`). */
function syncfsTargets(folders: string[], files: number): string[] | undefined {
  if (!syncfs || folders.length + files <= FEW) return undefined;
  const byDevice = new Map<number, string>();
  for (const dir of folders) {
    const device = statSync(dir).dev;
    if (!byDevice.has(device)) byDevice.set(device, dir);
  }
  return [...byDevice.values()];
}

function fsyncEach(folders: string[], paths: string[]): void {
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

/**
 * Old files of a large write, kept to take the next files' bytes: a file renamed over another
 * frees the old one's inode, and the next temporary file needs a new one. On ext4 without a
 * journal (this machine's) a new inode costs 0.4-0.9 ms of kernel CPU once many were freed in the
 * last minute (the allocator skips each of those); writing into a kept one costs what rewriting a
 * file in place does (0.05-0.08 ms). Measured here, 10,000 files after a tree of 11,000 was
 * deleted: 7.1-8.5 s with a new temporary file each, 2.1-2.2 s with batches of 1,000 of which
 * only the first makes new ones (docs/development.md).
 *
 * Only a regular file of this user with one link and the default permission bits is kept (see
 * Transaction.applyConcurrently): its bytes are journaled, nothing else names it once replaced, and
 * a file written into it needs the same chmod a new file would. A spare goes only to a file on the
 * same device (a rename cannot cross file systems).
 */
export class Spares {
  private readonly byDevice = new Map<number, string[]>();

  /** How many are kept and not yet taken. */
  get size(): number {
    let n = 0;
    for (const list of this.byDevice.values()) n += list.length;
    return n;
  }

  /** A kept old file on `device` to write the next bytes into (then rename), or undefined. */
  take(device: number | undefined): string | undefined {
    return device === undefined ? undefined : this.byDevice.get(device)?.pop();
  }

  /** A second name for `path`'s file, made just before a rename replaces it (undefined when linking fails). */
  async secondName(path: string): Promise<string | undefined> {
    const spare = sparePathOf(path);
    try {
      await fsp().link(path, spare);
      return spare;
    } catch {
      return undefined;
    }
  }

  /**
   * `spare` may take other bytes: the rename that replaced the file it is a second name of is done
   * (until then it is that file).
   */
  add(spare: string, device: number): void {
    const list = this.byDevice.get(device);
    if (list) list.push(spare);
    else this.byDevice.set(device, [spare]);
  }

  /**
   * Writes `content` into a spare: over its old bytes, then cut to the new length, rather than
   * truncated first. A file of about the old size keeps its blocks; truncating frees them and the
   * write allocates new ones, which on ext4 mounted with `discard` (this machine) costs a discard
   * each: 10,000 spares written 0.76-0.90 s this way, 1.8 s truncated first.
   */
  static async write(spare: string, content: string): Promise<void> {
    const bytes = Buffer.from(content, 'utf8');
    const handle = await fsp().open(spare, 'r+');
    try {
      for (let at = 0; at < bytes.length; ) at += (await handle.write(bytes, at, bytes.length - at, at)).bytesWritten;
      await handle.truncate(bytes.length);
    } finally {
      await handle.close();
    }
  }

  /** Removes the spares no file took. */
  release(): void {
    for (const spare of [...this.byDevice.values()].flat()) rmSync(spare, { force: true });
    this.byDevice.clear();
  }

  /**
   * The same, `concurrency` at a time off the main thread: freeing a file's blocks is kernel work
   * (about 0.5 ms each here), and a large upgrade ends with a turn's worth of spares (1,024).
   */
  async releaseConcurrently(concurrency: number): Promise<void> {
    const spares = [...this.byDevice.values()].flat();
    this.byDevice.clear();
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(concurrency, spares.length) }, async () => {
        while (next < spares.length) await fsp().rm(spares[next++]!, { force: true });
      }),
    );
  }
}
