// The change a generator run wants to make, computed in memory (mem-fs) before anything touches
// disk. A plan is written by a transaction (transaction.ts): all at once, or not at all.
import { existsSync, readFileSync } from 'node:fs';
import { relative, sep } from 'node:path';
import type { Store } from 'mem-fs';
import type { MemFsEditorFile } from 'mem-fs-editor';
import { isFilePending, isFileStateDeleted } from 'mem-fs-editor/state';
import { comparePaths } from './order.ts';

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

/**
 * The pending files of a mem-fs store, as create/modify changes below `root`. Unchanged files are
 * left out; `pending`, when given, gets every pending file's content, changed or not.
 */
export function planFromMemFs(store: Store<MemFsEditorFile>, root: string, pending?: Map<string, string>): ChangePlan {
  const changes: FileChange[] = [];
  store.each((file) => {
    if (!isFilePending(file)) return;
    if (isFileStateDeleted(file)) throw new Error(`generators never delete files, but ${file.path} was deleted`);
    const path = relative(root, file.path).split(sep).join('/');
    if (path.startsWith('..')) throw new Error(`a generator wrote outside ${root}: ${file.path}`);
    const content = file.contents?.toString('utf8') ?? '';
    pending?.set(path, content);
    const onDisk = existsSync(file.path) ? readFileSync(file.path, 'utf8') : undefined;
    if (onDisk === content) return;
    changes.push({ path, kind: onDisk === undefined ? 'create' : 'modify', content, before: onDisk ?? null });
  });
  changes.sort((a, b) => comparePaths(a.path, b.path));
  return { root, changes };
}
