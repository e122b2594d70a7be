// Appends one item to a Python list (or dict) literal with an ast-grep edit: the list's other items, the
// user's comments and the rest of the file stay byte for byte as they were.
import type { Edit, SgNode } from '@ast-grep/napi';
import { InputError } from '../../errors.ts';
import type { FileTree } from '../../tree/file-tree.ts';
import { editPython } from './python.ts';

/**
 * Adds `item` (rendered at column 0, one or more lines) as the last element of the list that
 * `findList` picks in `path`; it is indented like the list's first element.
 */
export async function appendToList(
  tree: FileTree,
  path: string,
  what: string,
  findList: (root: SgNode) => SgNode | undefined,
  item: string,
): Promise<void> {
  let found = false;
  await editPython(tree, path, (root) => {
    const list = findList(root);
    if (!list) return [];
    found = true;
    return appendEdits(list, item);
  });
  if (!found) throw new InputError(`${path} has no ${what} to append to; add it by hand, or restore that list`);
}

function appendEdits(list: SgNode, item: string): Edit[] {
  const children = list.children();
  const close = children[children.length - 1]!;
  const elements = children.filter((c) => c.isNamed() && c.kind() !== 'comment');
  const last = elements[elements.length - 1];
  const source = list.getRoot().root().text();
  const lineStart = (node: SgNode) => node.range().start.index - node.range().start.column;
  // Like the first element; in an empty list, one level in from the line the list starts on.
  const open = list.range().start;
  const openLine = source.slice(open.index - open.column, open.index);
  const indent = elements[0] ? ' '.repeat(elements[0].range().start.column) : `${/^\s*/.exec(openLine)![0]}    `;
  // An item may carry its own separator (the template's list items do): the edit adds one.
  const body = item
    .replace(/\n$/, '')
    .replace(/,$/, '')
    .split('\n')
    .map((line) => (line ? indent + line : line))
    .join('\n');
  const edits: Edit[] = [];
  // The last element gets its comma, if it has none.
  if (last) {
    const next = children[children.indexOf(last) + 1];
    if (next?.text() !== ',')
      edits.push({ startPos: last.range().end.index, endPos: last.range().end.index, insertedText: ',' });
  }
  const beforeClose = source.slice(lineStart(close), close.range().start.index);
  if (/^\s*$/.test(beforeClose)) {
    // `]` on its own line: the item goes on the lines just above it.
    const at = lineStart(close);
    edits.push({ startPos: at, endPos: at, insertedText: `${body},\n` });
  } else {
    const at = close.range().start.index;
    edits.push({ startPos: at, endPos: at, insertedText: `\n${body},\n${/^\s*/.exec(openLine)![0]}` });
  }
  return edits;
}

/** The list literal assigned to `name` at the top level (`SCHEDULES: list[X] = [...]`). */
export function assignedList(root: SgNode, name: string): SgNode | undefined {
  for (const assignment of root.findAll({ rule: { kind: 'assignment' } })) {
    if (assignment.field('left')?.text() !== name) continue;
    const right = assignment.field('right');
    if (right?.kind() === 'list') return right;
  }
  return undefined;
}

/** The list literal whose elements include a call of `callee` (the list a dict comprehension iterates). */
export function listOfCalls(root: SgNode, callee: string): SgNode | undefined {
  return root
    .findAll({ rule: { kind: 'list' } })
    .find((list) =>
      list
        .children()
        .some((c) => c.kind() === 'call' && new RegExp(`(^|\\.)${callee}$`).test(c.field('function')?.text() ?? '')),
    );
}

/** The dict literal assigned to `name` at the top level (`EVALUATIONS: dict[...] = {...}`). */
export function assignedDict(root: SgNode, name: string): SgNode | undefined {
  for (const assignment of root.findAll({ rule: { kind: 'assignment' } })) {
    if (assignment.field('left')?.text() !== name) continue;
    const right = assignment.field('right');
    if (right?.kind() === 'dictionary') return right;
  }
  return undefined;
}

/** Adds `entry` (`"key": value`, one line) as the last pair of a dict literal, in its layout. */
export function appendToDict(dict: SgNode, entry: string): Edit[] {
  const children = dict.children();
  const close = children[children.length - 1]!;
  const pairs = children.filter((c) => c.isNamed() && c.kind() !== 'comment');
  const last = pairs[pairs.length - 1];
  const source = dict.getRoot().root().text();
  const lineStart = (node: SgNode) => node.range().start.index - node.range().start.column;
  if (!last) return [{ startPos: close.range().start.index, endPos: close.range().start.index, insertedText: entry }];
  const edits: Edit[] = [];
  const next = children[children.indexOf(last) + 1];
  const hasComma = next?.text() === ',';
  if (/^\s*$/.test(source.slice(lineStart(close), close.range().start.index))) {
    // One pair per line: the new one goes on its own line, indented like the first.
    if (!hasComma) edits.push({ startPos: last.range().end.index, endPos: last.range().end.index, insertedText: ',' });
    edits.push({
      startPos: lineStart(close),
      endPos: lineStart(close),
      insertedText: `${' '.repeat(pairs[0]!.range().start.column)}${entry},\n`,
    });
  } else {
    const at = hasComma ? next!.range().end.index : last.range().end.index;
    edits.push({ startPos: at, endPos: at, insertedText: hasComma ? ` ${entry}` : `, ${entry}` });
  }
  return edits;
}

/** The top-level statement that holds `node`. */
export function statementOf(node: SgNode): SgNode {
  let current = node;
  while (current.parent() && current.parent()!.kind() !== 'module') current = current.parent()!;
  return current;
}
