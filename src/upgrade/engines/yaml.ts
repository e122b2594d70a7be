// YAML edits for codemods: src/yaml/edit.ts applied to a file of the virtual tree.
import type { Document } from 'yaml';
import type { FileTree } from '../../tree/file-tree.ts';
import { editYamlText, type TextEdit } from '../../yaml/edit.ts';

export { insertLineAfter, replaceScalar, type TextEdit, topLevelPair } from '../../yaml/edit.ts';

/** Applies the edits `edit` returns for one YAML file of the tree; returns how many there were. */
export function editYamlSource(
  tree: FileTree,
  path: string,
  edit: (doc: Document, source: string) => TextEdit[],
): number {
  const source = tree.read(path);
  if (source === undefined) return 0;
  let count = 0;
  const out = editYamlText(source, path, (doc, text) => {
    const edits = edit(doc, text);
    count = edits.length;
    return edits;
  });
  if (count > 0) tree.write(path, out);
  return count;
}
