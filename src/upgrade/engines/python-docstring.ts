// A Python module's docstring, for codemods and `pipeline add` that change what it says.
import type { Edit, SgNode } from '@ast-grep/napi';

/** The module docstring (the first statement, when it is a string). */
export function moduleDocstring(root: SgNode): SgNode | undefined {
  const first = root.children().find((c) => c.kind() !== 'comment');
  return first?.kind() === 'expression_statement' && first.child(0)?.kind() === 'string' ? first : undefined;
}

/** Replaces `old` by `fresh` inside the module docstring, when it still says `old`. */
export function docstringEdit(root: SgNode, old: string, fresh: string): Edit[] {
  const doc = moduleDocstring(root);
  if (!doc?.text().includes(old)) return [];
  return [doc.replace(doc.text().replace(old, fresh))];
}
