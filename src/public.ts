// Types for a platform's own codemods (codemods/*.ts in the platform repo):
//   import type { Codemod } from '@create-pipeline/cli';
// The CLI hands each codemod its virtual tree and the editing engines; nothing of this package
// is imported at run time. (The @create-pipeline/cli package ships this file; a platform repo pins it.)
//
// This module is the public surface: scripts/public-types.ts prints types/index.d.ts from it (npm run
// build), copying each declaration exported here, and each one those name, from the source.
import type { FileTree as Tree } from './tree/file-tree.ts';

/** The virtual tree a codemod reads and writes through: the members of the CLI's FileTree it may use. */
export type FileTree = Pick<Tree, 'root' | 'read' | 'exists' | 'write' | 'list'>;
/** An ast-grep node (@ast-grep/napi's SgNode). */
export type { Edit, SgNode } from '@ast-grep/napi';
export type { Codemod, CodemodContext } from './upgrade/codemod.ts';
export type { Engines } from './upgrade/engines/index.ts';
export type { TextEdit } from './yaml/edit.ts';
