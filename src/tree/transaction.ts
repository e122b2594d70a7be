// All or nothing for every command that writes, even through a SIGKILL.
//
// - A lock per platform repo: a second command waits a few seconds, then exits 2 naming the first.
// - A journal, kept with the lock (under .git/ when the repo has one): before any file changes,
//   the original bytes of every file the command will touch, git's HEAD, the current branch's
//   commit and the index are saved there.
// - Every file is written to a temporary file in its own folder and renamed into place.
// - Branch creation, staging and commits happen inside the transaction: the journal records the
//   branch before it exists, so a rollback can delete it.
// - A killed run leaves its journal behind; the next command of this package rolls it back
//   (one line on stderr says so) before doing anything else.

import {
  accessSync,
  closeSync,
  constants,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  realpathSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { childProcess } from '../child-process.ts';
import { CliError, EXIT, StateError } from '../errors.ts';
import { refCommit, tryGit } from '../git.ts';
import { printError } from '../output.ts';
import { counted } from '../text.ts';
import {
  fsp,
  needsMode,
  Spares,
  sparePathOf,
  syncDurably,
  syncDurablyAsync,
  tempPathOf,
  writeFileAtomic,
  writeTemp,
} from './atomic.ts';
import { guard, type Interruptible, throwIfInterrupted, unguard, writeSettled } from './interrupt.ts';
import type { ChangePlan } from './plan.ts';

/**
 * Milliseconds, for the timing lines (PIPELINE_UPGRADE_TIMINGS). Not `performance.now()`: on Node 20
 * its first call loads perf_hooks, about 1 ms of a new pipeline's CPU (bench/generate.mjs).
 */
const clock = (): number => Number(process.hrtime.bigint()) / 1e6;

const TXN_DIR = 'pipeline-txn';
/** File-system calls in flight at once in applyConcurrently (libuv runs four at a time). */
const CONCURRENT = 8;
/** Files per turn of applyConcurrently (PIPELINE_TEST_WRITE_BATCH: a test's smaller turns). */
export const WRITE_BATCH = (): number => Math.max(1, Number(process.env.PIPELINE_TEST_WRITE_BATCH ?? 1024));
const WAIT_MS = () => Number(process.env.PIPELINE_LOCK_WAIT_MS ?? 10_000);

interface LockInfo {
  pid: number;
  command: string;
  since: string;
}

interface JournalFile {
  /** Absolute path. */
  path: string;
  /** Name of the backup of its original bytes under the journal folder, or null: it did not exist. */
  backup: string | null;
  /** Where in that backup its bytes are, when the backup is a pack of many files' (one per apply). */
  at?: [offset: number, length: number];
  /** Its permission bits, put back with its bytes. */
  mode?: number;
}

/** One file of a plan being written: absolute path, as the plan names it, new content. */
interface PlannedFile {
  path: string;
  relative: string;
  content: string;
  /** The permission bits of the file it replaces (undefined: a new file). */
  mode?: number;
  /** The device of the file it replaces, when that file may be kept as a spare (see Spares). */
  device?: number;
}

interface PlannedWrite {
  files: PlannedFile[];
  /** Every folder written to (the journal's included). */
  dirs: Set<string>;
  /** The backup pack written for this plan, if any. */
  backups: string[];
  /**
   * Milliseconds spent per phase (PIPELINE_UPGRADE_TIMINGS): the renames' turns add up; `synced`
   * is when the last sync began.
   */
  times: { journal: number; temps: number; sync: number; renames: number; synced: number };
  report: () => void;
}

interface Journal {
  command: string;
  pid: number;
  root: string;
  phase: 'writing' | 'done';
  files: JournalFile[];
  /** Folders the transaction created (deepest last), removed again if empty. */
  dirs: string[];
  git: {
    /** The .git folder the journal describes (null: no repository when the transaction began). */
    dir: string | null;
    /** `git init` ran inside the transaction: a rollback removes the repository. */
    initialized: boolean;
    /** The raw bytes of .git/HEAD (a symbolic ref, or a commit when detached). */
    head: string | null;
    /** The branch HEAD named and its commit, to put back when a commit moved it. */
    branch: { ref: string; commit: string } | null;
    /** Backup name of .git/index, or null: there was none. */
    index: string | null;
    /** Branches this transaction created. */
    created: string[];
    /**
     * Git's locks that were there when it began (another git command's, or a killed one's): a
     * rollback leaves them. Absent in a journal of an earlier version.
     */
    locked?: string[];
  };
}

/**
 * The files in turns, one from each folder per turn, so that the calls in flight at once are in
 * different folders: a file created or renamed locks its folder, and on ext4 the inode allocator
 * can hold that lock a long time (it skips every free inode it counts as recently deleted). In
 * plan order, eight calls in one pipeline's folder waited on each other: 9,000 temporary files
 * took 4.8-6.5 s of wall time where in turns they took 2.3-4.2 s (five alternating pairs on an
 * ext4 without a journal; docs/development.md).
 */
function oneFolderAtATime(files: PlannedFile[]): PlannedFile[] {
  const folders = new Map<string, PlannedFile[]>();
  for (const file of files) {
    const folder = dirname(file.path);
    const list = folders.get(folder);
    if (list) list.push(file);
    else folders.set(folder, [file]);
  }
  const turns: PlannedFile[] = [];
  let left = [...folders.values()];
  for (let turn = 0; left.length; turn++) {
    for (const list of left) turns.push(list[turn]!);
    left = left.filter((list) => list.length > turn + 1);
  }
  return turns;
}

const pidAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !zombie(pid);
};

/**
 * A killed process its parent has not reaped yet (on Linux, where /proc says so): it answers
 * signals but runs no more. Where nothing reaps (a container whose PID 1 is a shell), it stays one.
 */
function zombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

/**
 * The repository's .git folder for `root`, when root is inside one: root/.git itself when it is a
 * folder (what git answers there, without starting git), else git's answer.
 */
function gitDirOf(root: string): string | undefined {
  const own = join(root, '.git');
  if (process.env.GIT_DIR === undefined && existsSync(own) && statSync(own).isDirectory()) return realpathSync(own);
  return existsSync(root) ? tryGit(root, ['rev-parse', '--absolute-git-dir']) : undefined;
}

/** Where a root's lock and journal live: beside git's own state, or in the root when there is no repository. */
export function txnDirFor(root: string): string {
  const own = join(root, '.git');
  if (existsSync(own) && statSync(own).isDirectory()) return join(own, TXN_DIR);
  const gitDir = gitDirOf(root);
  return gitDir ? join(gitDir, TXN_DIR) : join(root, `.${TXN_DIR}`);
}

/** The journal folder of a transaction that makes root a new repository (none exists yet to hold it). */
export const ownTxnDir = (root: string): string => join(root, `.${TXN_DIR}`);

/** Every place an interrupted transaction of `root` may have left its journal. */
const candidateDirs = (root: string): string[] => [...new Set([txnDirFor(root), ownTxnDir(root)])];

/**
 * Turns a file-system error into one line naming the path: a permission problem is the user's to
 * fix (exit 2); a failing disk (EIO, ENOSPC, ...) is exit 1. Anything else is a bug and is rethrown.
 */
export function permissionError(error: unknown, path: string, what = 'write'): never {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    const why = code === 'EROFS' ? 'the file system is read-only' : 'permission denied';
    const it = what === 'write in the folder' ? 'the folder' : 'it';
    throw new StateError(`cannot ${what} ${path} (${why}); make ${it} writable, then run again`);
  }
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
    throw new CliError(
      `could not ${what} ${path} (${code}); every file this command wrote was put back: free the disk or fix the file system, then run again`,
      EXIT.failure,
    );
  }
  throw error;
}

/** Test-only: a write to a path ending in PIPELINE_TEST_FAIL_WRITE fails, as a full disk would. */
const failForTest = (path: string) => {
  const suffix = process.env.PIPELINE_TEST_FAIL_WRITE;
  if (suffix && path.endsWith(suffix))
    throw Object.assign(new Error(`EIO: i/o error, write '${path}' (PIPELINE_TEST_FAIL_WRITE)`), { code: 'EIO' });
};

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Test-only: slows every write down (by a share of the wait per step), so a fault-injection test can kill a run in the middle. */
const slowWrites = (steps = 1) => {
  const ms = Number(process.env.PIPELINE_TEST_SLOW_WRITES_MS ?? 0);
  if (ms > 0) sleep(ms / steps);
};

/** PIPELINE_UPGRADE_TIMINGS=1: one line on stderr per phase of a large write (for profiling). */
const timing = (line: string) => {
  if (process.env.PIPELINE_UPGRADE_TIMINGS === '1') printError(`timing: ${line}\n`);
};
const ms = (n: number) => `${Math.round(n)} ms`;

export class Transaction implements Interruptible {
  private journal: Journal;
  /** Asynchronous writes in flight (applyConcurrently): a signal waits for them to stop. */
  private inFlight = 0;
  private readonly dir: string;
  private done = false;
  /** The paths of journal.files, and how many backups the folder holds: kept here, because a
   * large upgrade (10,000 files) would otherwise search the list and list the folder per file. */
  private readonly journaled = new Set<string>();
  private backups = -1;
  /** Folders this transaction renamed files into since it last made them durable. */
  private readonly renamedIn = new Set<string>();
  /** Backups (git's index) written since the last sync: made durable with the next plan's files. */
  private unsynced: string[] = [];
  /** Old files replaced by applyConcurrently, to take the next files' bytes (released by markDone). */
  private readonly spares = new Spares();

  private constructor(dir: string, journal: Journal) {
    this.dir = dir;
    this.journal = journal;
  }

  /**
   * Takes the repo's lock (waiting up to PIPELINE_LOCK_WAIT_MS for another command), after rolling
   * back whatever a killed command left behind. `onRecover` hears the one line that says so.
   */
  static begin(
    root: string,
    command: string,
    options: { dir?: string; onRecover?: (line: string) => void; git?: boolean } = {},
  ): Transaction {
    const onRecover = options.onRecover ?? ((line: string) => printError(`${line}\n`));
    recoverInterrupted(root, onRecover);
    const dir = options.dir ?? txnDirFor(root);
    // A command that runs no git (`git: false`) leaves HEAD, the branches and the index alone: none
    // is kept, and a rollback puts none back.
    const gitDir = options.git === false ? null : (gitDirOf(root) ?? null);
    const tx = new Transaction(dir, {
      command,
      pid: process.pid,
      root,
      phase: 'writing',
      files: [],
      dirs: [],
      git: { dir: gitDir, initialized: false, head: null, branch: null, index: null, created: [] },
    });
    // Guarded before the lock is taken: a signal from here on rolls back (lock and journal too)
    // once begin returns, never ends the process between two of its writes.
    guard(tx);
    try {
      acquireLock(dir, command, root, onRecover);
      if (gitDir) tx.snapshotGit(gitDir);
      tx.save();
    } catch (error) {
      unguard(tx);
      throw error;
    }
    return tx;
  }

  get writing(): boolean {
    return this.inFlight > 0;
  }

  get command(): string {
    return this.journal.command;
  }

  private snapshotGit(gitDir: string): void {
    const head = join(gitDir, 'HEAD');
    this.journal.git.dir = gitDir;
    this.journal.git.head = existsSync(head) ? readFileSync(head, 'utf8') : null;
    const ref = this.journal.git.head?.startsWith('ref: ') ? this.journal.git.head.slice(5).trim() : null;
    const commit = ref ? refCommit(gitDir, ref) : undefined;
    this.journal.git.branch = ref && commit ? { ref, commit } : null;
    // An unborn branch (a repository without commits): its first commit creates it.
    if (ref && !commit && !this.journal.git.created.includes(ref)) this.journal.git.created.push(ref);
    this.journal.git.index = this.backup(join(gitDir, 'index'));
    this.journal.git.locked = ['index.lock', 'HEAD.lock', ...(ref ? [`${ref}.lock`] : [])].filter((lock) =>
      existsSync(join(gitDir, lock)),
    );
  }

  private backup(path: string): string | null {
    if (!existsSync(path)) return null;
    const name = this.backupName();
    copyFileSync(path, join(this.dir, name));
    this.unsynced.push(join(this.dir, name));
    return name;
  }

  /** A name no backup in the journal folder has yet. */
  private backupName(): string {
    if (this.backups < 0) this.backups = readdirSync(this.dir).length;
    return `backup-${this.journal.files.length}-${this.backups++}`;
  }

  private save(): void {
    writeFileAtomic(join(this.dir, 'journal.json'), JSON.stringify(this.journal));
  }

  /** `git init` is about to run in root: a rollback removes the new repository. */
  willInitRepository(root: string): void {
    this.journal.git.initialized = true;
    this.journal.git.dir = join(root, '.git');
    this.save();
  }

  /** After `git init`: HEAD and the index as the new repository has them. */
  repositoryReady(): void {
    if (this.journal.git.dir) this.snapshotGit(this.journal.git.dir);
    this.save();
  }

  /** A branch is about to be created (or a commit to move the current one). */
  willCreateBranch(branch: string): void {
    const ref = `refs/heads/${branch}`;
    this.journal.git.created.push(ref);
    // Another git command's lock on that branch (it creates it too): a rollback leaves it.
    if (this.journal.git.dir && existsSync(join(this.journal.git.dir, `${ref}.lock`)))
      this.journal.git.locked = [...(this.journal.git.locked ?? []), `${ref}.lock`];
    this.save();
  }

  /**
   * Saves the original bytes of every file the plan touches, then writes them all: every file to
   * its temporary file, then one sync of the file system (the journal, the backups and the new
   * bytes are durable before anything is renamed), then every rename. A kill at any point leaves
   * the journal naming every file and temporary file, for the next command to roll back.
   */
  apply(plan: ChangePlan): void {
    const write = this.journalAndCheck(plan);
    let at = clock();
    for (const file of write.files) this.writeOne(file, () => writeTemp(file.path, file.content, file.mode));
    at = this.makeDurable(
      write,
      at,
      write.files.map((f) => tempPathOf(f.path)),
    );
    for (const file of write.files) this.writeOne(file, () => renameSync(tempPathOf(file.path), file.path));
    write.times.renames += clock() - at;
    write.report();
  }

  /**
   * Removes files (paths relative to `root`): each is journaled first with its bytes, so a rollback,
   * or the next command after a kill, puts it back. Returns the paths that existed (and are gone).
   */
  remove(root: string, paths: string[]): string[] {
    const existing = paths.filter((path) => existsSync(join(root, path)));
    if (existing.length === 0) return [];
    this.apply({
      root,
      changes: existing.map((path) => {
        const text = readFileSync(join(root, path), 'utf8');
        return { path, kind: 'modify', content: text, before: text };
      }),
    });
    // Its folder stays, even when empty, until the transaction commits: a rollback writes the file
    // back into it.
    for (const path of existing) {
      slowWrites();
      rmSync(join(root, path));
    }
    return existing;
  }

  /**
   * apply(), with the file-system calls made several at a time: replacing a file frees its old
   * blocks, which on some file systems (ext4 mounted with `discard`, as here) waits on the disk
   * about 2 ms per file, waits that overlap when the calls are concurrent (a 10,000-file upgrade).
   * In turns of WRITE_BATCH files: each turn's files are written, made durable, then renamed into
   * place, and the old files they replace (kept under a second name: Spares) take the next turn's
   * bytes instead of new temporary files. Before a turn writes into them, the renames that freed
   * them are made durable, so that after a power loss no name can still point to a file that
   * already holds other bytes. A kill at any point leaves every file old or new, and the journal
   * names every temporary file and spare (both are named after a journaled file).
   */
  async applyConcurrently(plan: ChangePlan): Promise<void> {
    this.inFlight++;
    try {
      await this.writeConcurrently(plan);
    } finally {
      this.inFlight--;
      writeSettled();
    }
  }

  private async writeConcurrently(plan: ChangePlan): Promise<void> {
    const write = this.journalAndCheck(plan);
    const files = oneFolderAtATime(write.files);
    const spares = this.spares;
    const batch = WRITE_BATCH();
    let at = clock();
    for (let start = 0; start < files.length; start += batch) {
      const turn = files.slice(start, start + batch);
      if (spares.size) {
        await syncDurablyAsync(this.renamedIn, []);
        write.times.sync += clock() - at;
        at = clock();
      }
      const temps = new Map<PlannedFile, string>();
      await this.concurrently(turn, async (file) => {
        const spare = spares.take(file.device);
        const temp = spare ?? tempPathOf(file.path);
        temps.set(file, temp);
        await (spare ? Spares.write(spare, file.content) : fsp().writeFile(temp, file.content));
        if (needsMode(file.mode)) await fsp().chmod(temp, file.mode);
      });
      at = await this.makeDurableAsync(write, at, [...temps.values()]);
      await this.concurrently(turn, async (file) => {
        const spare = file.device !== undefined ? await spares.secondName(file.path) : undefined;
        await fsp().rename(temps.get(file)!, file.path);
        if (spare) spares.add(spare, file.device!);
      });
      write.times.renames += clock() - at;
      at = clock();
    }
    write.times.renames += clock() - at;
    write.report();
  }

  private writeOne(file: PlannedFile, action: () => unknown): void {
    slowWrites(2);
    try {
      failForTest(file.path);
      action();
    } catch (error) {
      permissionError(error, file.relative);
    }
  }

  /** `action` on every file, CONCURRENT at a time; the first failure is thrown once none is in flight. */
  private async concurrently(files: PlannedFile[], action: (file: PlannedFile) => Promise<unknown>): Promise<void> {
    let next = 0;
    let failed: { error: unknown; file: PlannedFile } | undefined;
    await Promise.all(
      Array.from({ length: Math.min(CONCURRENT, files.length) }, async () => {
        while (!failed && next < files.length) {
          const file = files[next++]!;
          slowWrites(2);
          try {
            throwIfInterrupted();
            failForTest(file.path);
            await action(file);
          } catch (error) {
            failed ??= { error, file };
          }
        }
      }),
    );
    if (failed) permissionError(failed.error, failed.file.relative);
  }

  /**
   * Journals every file of the plan (the original bytes of those that exist, in one pack: one file
   * written, not thousands), creates the folders they need and refuses read-only ones.
   */
  private journalAndCheck(plan: ChangePlan): PlannedWrite {
    const started = clock();
    // The last content of each path (a plan may name a file twice), in the plan's order.
    const contents = new Map<string, PlannedFile>();
    for (const change of plan.changes) {
      const path = resolve(plan.root, change.path);
      contents.delete(path);
      contents.set(path, { path, relative: relative(this.journal.root, path), content: change.content });
    }
    // Folders known to exist: a large plan has ten files per folder, each asked about once.
    const present = new Set<string>();
    const exists = (dir: string) => present.has(dir) || (existsSync(dir) && present.add(dir) !== undefined);
    const newDirs = new Set(this.journal.dirs);
    const pack = { name: this.backupName(), parts: [] as Buffer[], size: 0 };
    const entries: JournalFile[] = [];
    for (const [path, file] of contents) {
      if (this.journaled.has(path)) {
        // Journaled by an earlier plan of this transaction: it keeps the mode it has now.
        const stat = lstatSync(path, { throwIfNoEntry: false });
        if (stat?.isFile()) file.mode = stat.mode & 0o7777;
        continue;
      }
      let dir = dirname(path);
      const missing: string[] = [];
      while (!exists(dir)) {
        missing.unshift(dir);
        dir = dirname(dir);
      }
      for (const m of missing) {
        if (newDirs.has(m)) continue;
        newDirs.add(m);
        this.journal.dirs.push(m);
      }
      try {
        const stat = lstatSync(path, { throwIfNoEntry: false });
        if (stat?.isFile()) {
          const bytes = readFileSync(path);
          const mode = stat.mode & 0o7777;
          file.mode = mode;
          if (stat.nlink === 1 && stat.uid === process.getuid?.() && !needsMode(mode)) file.device = stat.dev;
          entries.push({ path, backup: pack.name, at: [pack.size, bytes.length], mode });
          pack.parts.push(bytes);
          pack.size += bytes.length;
        } else entries.push({ path, backup: null });
      } catch (error) {
        permissionError(error, relative(this.journal.root, path), 'read');
      }
    }
    // Journaled once the pack holds their bytes (a rollback never looks for a backup not written).
    const backups = pack.parts.length ? [join(this.dir, pack.name)] : [];
    try {
      if (pack.parts.length) writeFileSync(backups[0]!, Buffer.concat(pack.parts, pack.size));
    } catch (error) {
      permissionError(error, relative(this.journal.root, this.dir) || this.dir);
    }
    for (const entry of entries) {
      this.journal.files.push(entry);
      this.journaled.add(entry.path);
    }
    this.save();
    // Guard: a file or folder the user made read-only is refused before anything is written.
    const writable = new Set<string>();
    const dirs = new Set<string>([this.dir]);
    for (const file of contents.values()) {
      let dir = dirname(file.path);
      while (!exists(dir)) dir = dirname(dir);
      // A folder that is not writable is named as the folder: the file in it may well be writable.
      if (!writable.has(dir)) {
        try {
          accessSync(dir, constants.W_OK);
        } catch (error) {
          permissionError(error, `${relative(this.journal.root, dir) || '.'}/`, 'write in the folder');
        }
        writable.add(dir);
      }
      try {
        if (lstatSync(file.path, { throwIfNoEntry: false })) accessSync(file.path, constants.W_OK);
      } catch (error) {
        permissionError(error, relative(this.journal.root, file.path));
      }
    }
    // The folders the files go to (those a file needs are journaled above).
    for (const file of contents.values()) {
      const dir = dirname(file.path);
      if (!dirs.has(dir)) {
        try {
          if (!exists(dir)) mkdirSync(dir, { recursive: true });
        } catch (error) {
          permissionError(error, file.relative);
        }
        dirs.add(dir);
      }
    }
    const times = { journal: clock() - started, temps: 0, sync: 0, renames: 0, synced: 0 };
    return {
      files: [...contents.values()],
      dirs,
      backups,
      times,
      report: () => {
        if (contents.size)
          timing(
            `write ${contents.size} files: journal ${ms(times.journal)}, temporary files ${ms(times.temps)}, sync ${ms(times.sync)}, renames ${ms(times.renames)}`,
          );
      },
    };
  }

  /**
   * Durable: the journal and its backups, and the temporary files just written (before any of them
   * is renamed). `since` is when their writing began; returns when this ended.
   */
  private makeDurable(write: PlannedWrite, since: number, temps: string[]): number {
    const files = this.beforeSync(write, since, temps);
    try {
      if (write.files.length) syncDurably(write.dirs, files);
    } catch (error) {
      permissionError(error, write.files[0]!.relative, 'sync');
    }
    return this.afterSync(write);
  }

  /** makeDurable, without blocking the thread while the disk syncs (applyConcurrently). */
  private async makeDurableAsync(write: PlannedWrite, since: number, temps: string[]): Promise<number> {
    const files = this.beforeSync(write, since, temps);
    try {
      if (write.files.length) await syncDurablyAsync(write.dirs, files);
    } catch (error) {
      permissionError(error, write.files[0]!.relative, 'sync');
    }
    return this.afterSync(write);
  }

  /** The files makeDurable syncs: backups not synced yet, then the temporary files. */
  private beforeSync(write: PlannedWrite, since: number, temps: string[]): string[] {
    write.times.synced = clock();
    write.times.temps += write.times.synced - since;
    // From here on the renames may have begun: markDone makes them durable.
    for (const dir of write.dirs) this.renamedIn.add(dir);
    return [...this.unsynced, ...write.backups, ...temps];
  }

  /** After a sync: the backups are durable; returns when it ended. */
  private afterSync(write: PlannedWrite): number {
    this.unsynced = [];
    write.backups = [];
    const now = clock();
    write.times.sync += now - write.times.synced;
    return now;
  }

  /**
   * Removes the old files no turn of applyConcurrently took, CONCURRENT at a time, once no more
   * turns will come (markDone removes any left, one by one). A kill meanwhile leaves the rest to
   * the rollback, which removes spares anyway.
   */
  async releaseSpares(): Promise<void> {
    this.inFlight++;
    try {
      await this.spares.releaseConcurrently(CONCURRENT);
    } finally {
      this.inFlight--;
      writeSettled();
    }
  }

  /** Everything that must be all or nothing is written: from here on a kill keeps it, not rolls it back. */
  markDone(): void {
    // The renames are durable before the journal stops saying "roll me back".
    this.spares.release();
    if (this.renamedIn.size) syncDurably(this.renamedIn, []);
    this.renamedIn.clear();
    this.journal.phase = 'done';
    this.save();
  }

  /** Done: the journal goes, the lock is released. */
  commit(): void {
    if (this.done) return;
    this.markDone();
    this.release();
  }

  /** Puts every file, HEAD, the branch, the index back; returns the paths it could not restore. */
  rollback(): string[] {
    if (this.done) return [];
    const failed = rollBack(this.journal, this.dir);
    this.release();
    return failed;
  }

  private release(): void {
    this.done = true;
    removeFolderOfFiles(this.dir);
    unguard(this);
  }
}

/**
 * Removes a journal's folder (a transaction's own, or one a killed command left), which holds
 * files only: file by file, then the folder. Node 20's recursive rmSync would load and compile its
 * JavaScript rimraf for it, a share of a generation's start. Anything else there (a folder) goes
 * the recursive way.
 */
function removeFolderOfFiles(dir: string): void {
  try {
    for (const name of readdirSync(dir)) unlinkSync(join(dir, name));
    rmdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The way a command writes. A dry run only rolls back what a killed command left, then looks;
 * otherwise `work` runs under the repo's lock and is committed when it returns, or rolled back
 * when it throws (the error then also names any path the rollback could not restore).
 */
export async function writing<T>(
  root: string,
  command: string,
  options: { dryRun: boolean; dir?: string; git?: boolean },
  work: (tx: Transaction | undefined) => Promise<T>,
): Promise<T> {
  if (options.dryRun) {
    recoverBeforeReading(root);
    return work(undefined);
  }
  const tx = Transaction.begin(root, command, { dir: options.dir, git: options.git });
  try {
    const result = await work(tx);
    tx.commit();
    return result;
  } catch (error) {
    const failed = tx.rollback();
    if (failed.length && error instanceof CliError)
      throw new StateError(
        `${error.message}; and the rollback could not restore ${failed.join(', ')}: restore them with git`,
      );
    throw error;
  }
}

function acquireLock(dir: string, command: string, root: string, onRecover: (line: string) => void): void {
  try {
    mkdirSync(dirname(dir), { recursive: true });
  } catch (error) {
    permissionError(error, dirname(dir));
  }
  const deadline = Date.now() + WAIT_MS();
  for (;;) {
    try {
      mkdirSync(dir);
      writeFileSync(
        join(dir, 'lock'),
        JSON.stringify({ pid: process.pid, command, since: new Date().toISOString() } satisfies LockInfo),
      );
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') permissionError(error, dir);
    }
    const holder = readLock(dir);
    if (!holder || !pidAlive(holder.pid)) {
      // Its process is gone: put back what it left half-done, then take the lock.
      recoverInterrupted(root, onRecover);
      removeFolderOfFiles(dir);
      continue;
    }
    if (Date.now() >= deadline) {
      throw new StateError(
        `another pipeline command is running in this repo (${holder.command}, pid ${holder.pid}, since ${holder.since}); wait for it to finish, or remove ${dir} if that process is gone`,
      );
    }
    sleep(100);
  }
}

function readLock(dir: string): LockInfo | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, 'lock'), 'utf8')) as LockInfo;
  } catch {
    // A lock folder without its file yet: its owner is between mkdir and write, or was killed there.
    try {
      const age = Date.now() - statSync(dir).mtimeMs;
      return age < 2000 ? { pid: process.pid, command: 'a starting command', since: '' } : undefined;
    } catch {
      return undefined;
    }
  }
}

/** Rolls back a transaction whose process is gone; says so in one line. */
export function recoverInterrupted(root: string, onRecover: (line: string) => void): void {
  for (const dir of candidateDirs(root)) {
    if (!existsSync(dir)) continue;
    const holder = readLock(dir);
    if (holder && pidAlive(holder.pid)) continue;
    let journal: Journal | undefined;
    try {
      journal = JSON.parse(readFileSync(join(dir, 'journal.json'), 'utf8')) as Journal;
    } catch {
      journal = undefined; // killed before its journal existed: nothing was changed yet
    }
    if (journal && journal.phase === 'writing') {
      const failed = rollBack(journal, dir);
      const restored = journal.files.filter((f) => f.backup !== null).length;
      const removed = journal.files.length - restored;
      const what = [
        ...(restored || !removed ? [`${counted(restored, 'file')} restored`] : []),
        ...(removed ? [`${counted(removed, 'new file')} removed`] : []),
      ].join(', ');
      onRecover(
        `pipeline: an interrupted ${journal.command} (pid ${journal.pid}) was rolled back: ${what}` +
          (failed.length ? `; could not restore ${failed.join(', ')}` : ''),
      );
    }
    removeFolderOfFiles(dir);
  }
}

/**
 * For a command that only reads the platform (`pipeline list`, `check`, `sync --dry-run`): first
 * roll back what a killed command left half-done, saying so on stderr, so that it reports on the
 * files as they were, never on a mix. Nothing is written when no command was interrupted.
 */
export function recoverBeforeReading(root: string): void {
  recoverInterrupted(root, (line) => printError(`${line}\n`));
}

/** `length` bytes of a backup pack from `offset`. */
function readSlice(path: string, [offset, length]: [number, number]): Buffer {
  const bytes = Buffer.alloc(length);
  const fd = openSync(path, 'r');
  try {
    let read = 0;
    while (read < length) {
      const n = readSync(fd, bytes, read, length - read, offset + read);
      if (n === 0) throw new Error(`${path} ends before its backup of ${length} bytes at ${offset}`);
      read += n;
    }
  } finally {
    closeSync(fd);
  }
  return bytes;
}

/** Whether `path` holds exactly `bytes`, with the permission bits `mode` (when known). */
function unchanged(path: string, bytes: Buffer, mode: number | undefined): boolean {
  const stat = lstatSync(path, { throwIfNoEntry: false });
  if (!stat?.isFile() || stat.size !== bytes.length || (mode !== undefined && (stat.mode & 0o7777) !== mode))
    return false;
  try {
    return readFileSync(path).equals(bytes);
  } catch {
    return false;
  }
}

function rollBack(journal: Journal, dir: string): string[] {
  const failed: string[] = [];
  const attempt = (path: string, action: () => void) => {
    try {
      action();
    } catch {
      failed.push(relative(journal.root, path) || path);
    }
  };
  for (const file of [...journal.files].reverse()) {
    // The temporary file of a write that was killed between writing and renaming, and the old
    // file kept to take other bytes (Spares).
    rmSync(tempPathOf(file.path, journal.pid), { force: true });
    rmSync(sparePathOf(file.path, journal.pid), { force: true });
    attempt(file.path, () => {
      if (!file.backup) return rmSync(file.path, { force: true });
      const bytes = file.at ? readSlice(join(dir, file.backup), file.at) : readFileSync(join(dir, file.backup));
      // A file the transaction never got to (a refused write, a kill before its rename) is left as
      // it is: rewriting it would change nothing but its inode and times.
      if (unchanged(file.path, bytes, file.mode)) return;
      writeFileAtomic(file.path, bytes, file.mode);
    });
  }
  for (const folder of [...journal.dirs].reverse()) {
    try {
      if (existsSync(folder) && readdirSync(folder).length === 0) rmdirSync(folder);
    } catch {
      /* a folder someone else filled meanwhile stays */
    }
  }
  const git = journal.git;
  if (git.initialized && git.dir) {
    attempt(git.dir, () => rmSync(git.dir!, { recursive: true, force: true }));
  } else if (git.dir && existsSync(git.dir)) {
    const top = dirname(git.dir);
    // Locks git itself left when it was killed with us: ours, unless they were there before we
    // began (another git command's: removing it would let two of them write the index at once).
    for (const lock of [
      'index.lock',
      'HEAD.lock',
      ...git.created.map((r) => `${r}.lock`),
      ...(git.branch ? [`${git.branch.ref}.lock`] : []),
    ].filter((lock) => !git.locked?.includes(lock)))
      try {
        rmSync(join(git.dir, lock), { force: true });
      } catch (error) {
        // A lock under a path that is a file (branch `pipeline` beside `pipeline/orders.lock`): not there.
        if ((error as NodeJS.ErrnoException).code !== 'ENOTDIR') throw error;
      }
    // HEAD and the branch are put back only when they moved: one that did not is left alone (and
    // another git command's lock on it does not make a rollback that changed nothing fail).
    const head = join(git.dir, 'HEAD');
    if (git.head !== null && (!existsSync(head) || readFileSync(head, 'utf8') !== git.head))
      attempt(head, () => writeFileAtomic(head, git.head!));
    if (git.branch && refCommit(git.dir, git.branch.ref) !== git.branch.commit)
      attempt(git.branch.ref, () =>
        childProcess().execFileSync('git', ['update-ref', git.branch!.ref, git.branch!.commit], {
          cwd: top,
          stdio: 'ignore',
        }),
      );
    for (const ref of git.created) {
      if (ref === git.branch?.ref) continue;
      attempt(ref, () => {
        if (tryGit(top, ['rev-parse', '--verify', '--quiet', ref]) !== undefined)
          childProcess().execFileSync('git', ['update-ref', '-d', ref], { cwd: top, stdio: 'ignore' });
      });
    }
    const index = join(git.dir, 'index');
    attempt(index, () => {
      if (git.index) writeFileAtomic(index, readFileSync(join(dir, git.index)));
      else rmSync(index, { force: true });
    });
  }
  return failed;
}
