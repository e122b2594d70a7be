// The YAML run-config files that from_files / from_pkg_resources presets read: their `solids:`
// key is `ops:` since Dagster 1.0 (at the top, and inside a composite's config). Edited with the
// yaml Document API, so comments and layout stay as they are.
//
// Before:                     After:
//   solids:                     ops:
//     extract:                    extract:
//       config: {path: x}           config: {path: x}
import { type Document, isMap, isPair, isScalar, type Node } from 'yaml';
import type { FileTree } from '../../../tree/file-tree.ts';
import { editYamlSource } from '../../engines/yaml.ts';

/** Renames the `solids` keys of a run config (top level, and each composite's nested config). */
function solidsKeys(doc: Document): { start: number; end: number; text: string }[] {
  const edits: { start: number; end: number; text: string }[] = [];
  const visit = (node: Node | null | undefined, depth: number) => {
    if (!isMap(node)) return;
    for (const pair of node.items) {
      if (!isPair(pair) || !isScalar(pair.key)) continue;
      const key = pair.key;
      if (key.value === 'solids' && key.range) {
        edits.push({ start: key.range[0], end: key.range[1], text: 'ops' });
        // ops -> <op> -> solids (a composite's inner ops)
        if (isMap(pair.value)) for (const op of pair.value.items) if (isPair(op)) visit(op.value as Node, depth + 1);
      }
    }
  };
  visit(doc.contents as Node, 0);
  return edits;
}

export function migrateRunConfigFiles(tree: FileTree, files: string[]): number {
  let changes = 0;
  for (const path of files) changes += editYamlSource(tree, path, (doc) => solidsKeys(doc));
  return changes;
}
