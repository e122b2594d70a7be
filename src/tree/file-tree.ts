// A virtual tree over one folder: codemods read and write only through it; nothing reaches disk
// until the runner decides the whole pipeline succeeded (see runner.ts).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, normalize, relative, sep } from 'node:path';
import type { ChangePlan } from './plan.ts';

/** Folders of tools, never of the code: a tree's listing skips them, and a folder holding only them is no pipeline. */
export const TOOL_FOLDERS: ReadonlySet<string> = new Set([
  '.git',
  '.venv',
  'node_modules',
  '__pycache__',
  '.pytest_cache',
  '.ruff_cache',
  '.mypy_cache',
  '.pipeline-data',
]);

/**
 * Whether `dir` holds nothing but tools' folders (at any depth), such as what git leaves of a
 * deleted pipeline whose tests ran: `src/<name>/__pycache__/`, `.pytest_cache/`. A file anywhere is
 * something of someone's.
 */
export function holdsOnlyTools(dir: string): boolean {
  return readdirSync(dir, { withFileTypes: true }).every(
    (entry) => entry.isDirectory() && (TOOL_FOLDERS.has(entry.name) || holdsOnlyTools(join(dir, entry.name))),
  );
}

/**
 * `path` as a tree keys it (normalised, POSIX separators), or undefined when it leads out of the
 * tree's folder: empty, absolute, or up past it with `..`.
 */
export function pathInside(path: string): string | undefined {
  const clean = normalize(path).split(sep).join('/').replace(/\/$/, '');
  if (!path || isAbsolute(path) || clean === '..' || clean.startsWith('../') || clean === '.') return undefined;
  return clean;
}

export class FileTree {
  private readonly overlay = new Map<string, string>();
  /** What each file held on disk when first read (undefined: it did not exist). */
  private readonly originals = new Map<string, string | undefined>();
  /**
   * The files on disk below each folder listed so far. Like the originals, read once: the tree is
   * a view of the folder as it was when first looked at (nothing writes it until the tree is
   * written), and its forks share the listing, so a codemod that lists the package per module
   * walks the disk once.
   */
  private listed = new Map<string, string[]>();

  constructor(readonly root: string) {}

  private original(path: string): string | undefined {
    if (!this.originals.has(path)) {
      let content: string | undefined;
      try {
        content = readFileSync(join(this.root, path), 'utf8');
      } catch {
        content = undefined; // missing, or a folder
      }
      this.originals.set(path, content);
    }
    return this.originals.get(path);
  }

  /** A codemod reads and writes its own folder only: a path out of it is an error, not a file elsewhere. */
  private inside(path: string): string {
    const clean = pathInside(path);
    if (clean === undefined)
      throw new Error(
        `${JSON.stringify(path)} leads out of the folder this tree works on (${this.root}); give a path relative to it, inside it`,
      );
    return clean;
  }

  read(path: string): string | undefined {
    const key = this.inside(path);
    return this.overlay.has(key) ? this.overlay.get(key) : this.original(key);
  }

  exists(path: string): boolean {
    return this.read(path) !== undefined;
  }

  write(path: string, content: string): void {
    this.overlay.set(this.inside(path), content);
  }

  /** Every file below `dir` (relative to the root, POSIX separators), on disk or written here. */
  list(dir = ''): string[] {
    dir = dir === '' || dir === '.' ? '' : this.inside(dir);
    let onDisk = this.listed.get(dir);
    if (!onDisk) {
      const found: string[] = [];
      const walk = (abs: string) => {
        if (!existsSync(abs)) return;
        for (const entry of readdirSync(abs, { withFileTypes: true })) {
          if (TOOL_FOLDERS.has(entry.name)) continue;
          const full = join(abs, entry.name);
          if (entry.isDirectory()) walk(full);
          else found.push(relative(this.root, full).split(sep).join('/'));
        }
      };
      walk(join(this.root, dir));
      this.listed.set(dir, (onDisk = found));
    }
    const out = new Set(onDisk);
    for (const path of this.overlay.keys()) if (dir === '' || path.startsWith(`${dir}/`)) out.add(path);
    return [...out].sort();
  }

  /** Files whose content differs from disk. */
  changes(): { path: string; before: string | undefined; after: string }[] {
    const out: { path: string; before: string | undefined; after: string }[] = [];
    for (const [path, after] of [...this.overlay].sort(([a], [b]) => a.localeCompare(b))) {
      const before = this.original(path);
      if (before !== after) out.push({ path, before, after });
    }
    return out;
  }

  /**
   * The files read through this tree whose bytes on disk are no longer what was read: another
   * command wrote them since. Asked under the repository's lock, just before writing, so that an
   * edit planned on what another command then replaced is not written over it.
   */
  staleReads(): string[] {
    const stale: string[] = [];
    for (const [path, read] of this.originals) {
      let now: string | undefined;
      try {
        now = readFileSync(join(this.root, path), 'utf8');
      } catch {
        now = undefined;
      }
      if (now !== read) stale.push(path);
    }
    return stale.sort();
  }

  /** A copy whose later writes do not touch this one (a codemod runs on a copy until it succeeds). */
  fork(): FileTree {
    const copy = new FileTree(this.root);
    for (const [k, v] of this.overlay) copy.overlay.set(k, v);
    for (const [k, v] of this.originals) copy.originals.set(k, v);
    copy.listed = this.listed;
    return copy;
  }

  /** What was written, as plain data (to pass between threads). */
  snapshot(): [string, string][] {
    return [...this.overlay];
  }

  static fromSnapshot(root: string, entries: [string, string][]): FileTree {
    const tree = new FileTree(root);
    for (const [path, content] of entries) tree.overlay.set(path, content);
    return tree;
  }

  toPlan(): ChangePlan {
    return {
      root: this.root,
      changes: this.changes().map((c) => ({
        path: c.path,
        kind: c.before === undefined ? 'create' : 'modify',
        content: c.after,
        before: c.before ?? (null as string | null),
      })),
    };
  }
}
