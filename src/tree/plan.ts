// The change a generator run wants to make, computed in memory (mem-fs) before anything touches
// disk. A plan is applied all at once, or not at all: if one write fails, every file written so far
// is put back as it was.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { isFilePending, isFileStateDeleted } from 'mem-fs-editor/state';
import type { Store } from 'mem-fs';
import type { MemFsEditorFile } from 'mem-fs-editor';
import { writeFileAtomic } from './atomic.ts';

export type ChangeKind = 'create' | 'modify';

export interface FileChange {
  /** Relative to the plan's root, POSIX separators. */
  path: string;
  kind: ChangeKind;
  content: string;
  /** The file's content before the plan (null: there was no file), to put it back on failure. */
  before: string | null;
}

export interface ChangePlan {
  root: string;
  changes: FileChange[];
}

/** The pending files of a mem-fs store, as create/modify changes below `root`. Unchanged files are left out. */
export function planFromMemFs(store: Store<MemFsEditorFile>, root: string): ChangePlan {
  const changes: FileChange[] = [];
  store.each((file) => {
    if (!isFilePending(file)) return;
    if (isFileStateDeleted(file)) throw new Error(`generators never delete files, but ${file.path} was deleted`);
    const path = relative(root, file.path).split(sep).join('/');
    if (path.startsWith('..')) throw new Error(`a generator wrote outside ${root}: ${file.path}`);
    const content = file.contents?.toString('utf8') ?? '';
    const onDisk = existsSync(file.path) ? readFileSync(file.path, 'utf8') : undefined;
    if (onDisk === content) return;
    changes.push({ path, kind: onDisk === undefined ? 'create' : 'modify', content, before: onDisk ?? null });
  });
  changes.sort((a, b) => a.path.localeCompare(b.path));
  return { root, changes };
}

/** Writes every change, or none: on any failure the files already written are restored and it rethrows. */
export function applyPlan(plan: ChangePlan): void {
  const done: FileChange[] = [];
  try {
    for (const change of plan.changes) {
      const full = join(plan.root, change.path);
      if (change.before === null) mkdirSync(dirname(full), { recursive: true });
      // Recorded before writing: a write that fails half-way is restored with the others.
      done.push(change);
      writeFileAtomic(full, change.content);
    }
  } catch (error) {
    revertPlan({ root: plan.root, changes: done });
    throw error;
  }
}

/**
 * Puts back what applyPlan wrote (also when a later step fails): modified files get their old
 * content, created files go, and so do the folders that only they filled.
 */
export function revertPlan(plan: ChangePlan): void {
  for (const change of [...plan.changes].reverse()) {
    const full = join(plan.root, change.path);
    if (change.before !== null) {
      writeFileAtomic(full, change.before);
      continue;
    }
    rmSync(full, { force: true });
    for (let dir = dirname(full); dir.startsWith(plan.root) && dir !== plan.root; dir = dirname(dir)) {
      if (!existsSync(dir) || readdirSync(dir).length > 0) break;
      rmdirSync(dir);
    }
  }
}
