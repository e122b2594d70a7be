// The change a generator run wants to make, computed in memory (mem-fs) before anything touches
// disk. A plan is applied all at once, or not at all: if one write fails, every file written so far
// is put back as it was.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { isFilePending, isFileStateDeleted } from 'mem-fs-editor/state';
import type { Store } from 'mem-fs';
import type { MemFsEditorFile } from 'mem-fs-editor';

export type ChangeKind = 'create' | 'modify';

export interface FileChange {
  /** Relative to the plan's root, POSIX separators. */
  path: string;
  kind: ChangeKind;
  content: string;
  /** The content before, when the planner read it already (null: no file); else read on apply. */
  before?: string | null;
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
    changes.push({ path, kind: onDisk === undefined ? 'create' : 'modify', content });
  });
  changes.sort((a, b) => a.path.localeCompare(b.path));
  return { root, changes };
}

/** Writes every change, or none: on any failure the files already written are restored and it rethrows. */
export function applyPlan(plan: ChangePlan): void {
  const done: { path: string; before?: string }[] = [];
  const createdDirs: string[] = [];
  try {
    for (const change of plan.changes) {
      const full = join(plan.root, change.path);
      const before = change.before !== undefined ? (change.before ?? undefined) : existsSync(full) ? readFileSync(full, 'utf8') : undefined;
      if (before === undefined) {
        // Only a new file can need new folders (which a failure removes again).
        let dir = dirname(full);
        const missing: string[] = [];
        while (!existsSync(dir)) {
          missing.unshift(dir);
          dir = dirname(dir);
        }
        if (missing.length) mkdirSync(dirname(full), { recursive: true });
        createdDirs.push(...missing);
      }
      // Recorded before writing: a write that fails half-way is restored with the others.
      done.push({ path: full, before });
      writeFileSync(full, change.content);
    }
  } catch (error) {
    for (const { path, before } of done.reverse()) {
      if (before === undefined) rmSync(path, { force: true });
      else writeFileSync(path, before);
    }
    for (const dir of createdDirs.reverse()) rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Removes what applyPlan created and restores what it modified (used when a later step fails). */
export function revertPlan(plan: ChangePlan, before: Map<string, string>): void {
  for (const change of plan.changes) {
    const full = join(plan.root, change.path);
    const previous = before.get(change.path);
    if (previous === undefined) rmSync(full, { force: true });
    else writeFileSync(full, previous);
  }
}

/** The content each change's file had before the plan, for revertPlan. */
export function snapshotBefore(plan: ChangePlan): Map<string, string> {
  const out = new Map<string, string>();
  for (const change of plan.changes) {
    const full = join(plan.root, change.path);
    if (existsSync(full)) out.set(change.path, readFileSync(full, 'utf8'));
  }
  return out;
}
