// Small helpers to read Python call expressions from ast-grep nodes: arguments by name or
// position, and argument lists written back with some arguments rewritten.
import type { SgNode } from '@ast-grep/napi';

export interface Arg {
  name: string | null;
  value: SgNode;
  node: SgNode;
}

/** The arguments of a call node (positional ones have name null). */
export function callArgs(call: SgNode): Arg[] {
  const list = call.field('arguments');
  if (!list) return [];
  return list.children().flatMap((child): Arg[] => {
    const kind = child.kind();
    if (kind === 'keyword_argument')
      return [{ name: child.field('name')!.text(), value: child.field('value')!, node: child }];
    if (kind === '(' || kind === ')' || kind === ',' || kind === 'comment') return [];
    return [{ name: null, value: child, node: child }];
  });
}

export const argNamed = (args: Arg[], name: string): Arg | undefined => args.find((a) => a.name === name);
export const positional = (args: Arg[], i: number): Arg | undefined => args.filter((a) => a.name === null)[i];

/** The value of a string literal node ("x" or 'x'), or undefined. */
export function stringValue(node: SgNode | undefined): string | undefined {
  if (node?.kind() !== 'string') return undefined;
  const text = node.text();
  const m = /^[rbuRBU]*("""|'''|"|')([\s\S]*)\1$/.exec(text);
  return m ? m[2] : undefined;
}

/** The keyword arguments named by `name` (a regex) of the calls whose callee matches `callee` (a regex). */
export const keywordArgs = (root: SgNode, name: string, callee: string): SgNode[] =>
  root.findAll({
    rule: {
      kind: 'keyword_argument',
      has: { field: 'name', regex: name },
      inside: { kind: 'argument_list', inside: { kind: 'call', has: { field: 'function', regex: callee } } },
    },
  });

/** The callee's last name: `dagster.solid(...)` and `solid(...)` both give solid. */
export function calleeName(node: SgNode): string | undefined {
  const target = node.kind() === 'call' ? node.field('function') : node;
  if (!target) return undefined;
  if (target.kind() === 'identifier') return target.text();
  if (target.kind() === 'attribute') return target.field('attribute')?.text();
  return undefined;
}

/** The elements of a list literal. */
export const listItems = (node: SgNode | undefined): SgNode[] =>
  node && node.kind() === 'list' ? node.children().filter((c) => c.isNamed() && c.kind() !== 'comment') : [];

/** The statement a node belongs to (the child of the module or of a block that holds it). */
export function enclosingStatement(node: SgNode): SgNode {
  let current = node;
  for (let parent = current.parent(); parent; parent = current.parent()) {
    if (parent.kind() === 'module' || parent.kind() === 'block') return current;
    current = parent;
  }
  return current;
}

/** The indentation (in columns) of the line a node starts on, in `source`. */
export function lineIndent(source: string, node: SgNode): number {
  const start = node.range().start;
  const line = source.slice(start.index - start.column, start.index);
  return /^\s*/.exec(line)![0].length;
}

/** A node's text with its continuation lines moved from the node's own indentation to `to`. */
export function reindented(source: string, node: SgNode, to: number): string {
  const from = lineIndent(source, node);
  const text = node.text();
  if (!text.includes('\n') || from === to) return text;
  return text
    .split('\n')
    .map((line, i) => {
      if (i === 0 || line.trim() === '') return line;
      const lead = /^ */.exec(line)![0].length;
      return ' '.repeat(Math.max(0, lead - from + to)) + line.slice(lead);
    })
    .join('\n');
}

/** The module-level assignments `name = <call>` whose callee is one of `callees`. */
export function topLevelAssignments(root: SgNode): { name: string; left: SgNode; right: SgNode; statement: SgNode }[] {
  const out: { name: string; left: SgNode; right: SgNode; statement: SgNode }[] = [];
  for (const stmt of root.children()) {
    if (stmt.kind() !== 'expression_statement') continue;
    const assignment = stmt.children()[0];
    if (assignment?.kind() !== 'assignment') continue;
    const left = assignment.field('left');
    const right = assignment.field('right');
    if (left?.kind() === 'identifier' && right) out.push({ name: left.text(), left, right, statement: stmt });
  }
  return out;
}

/** The names a module defines at its top level: its functions and classes (decorated or not) and the variables it assigns. */
/** The top-level statement that binds `name` (a def, a class, an assignment), or undefined. */
export function topLevelBinding(root: SgNode, name: string): SgNode | undefined {
  return root.children().find((c) => topLevelNames({ children: () => [c] } as unknown as SgNode).includes(name));
}

export function topLevelNames(root: SgNode): string[] {
  return root.children().flatMap((c) => {
    const def = c.kind() === 'decorated_definition' ? c.field('definition') : c;
    if (def?.kind() === 'function_definition' || def?.kind() === 'class_definition') return [def.field('name')!.text()];
    const left =
      c.kind() === 'expression_statement' && c.children()[0]?.kind() === 'assignment'
        ? c.children()[0]!.field('left')
        : null;
    return left?.kind() === 'identifier' ? [left.text()] : [];
  });
}

/**
 * `text`, the new form of a decorator, with the comments the old one held between its arguments or
 * after it (those a rewrite from its arguments would drop): a comment at the end of a decorator
 * that stays one line stays there; the others go above it, at its indentation.
 */
export function withDecoratorComments(decorator: SgNode, text: string): string {
  const args = decorator.find({
    rule: { kind: 'argument_list', inside: { kind: 'call', inside: { kind: 'decorator' } } },
  });
  const comments = [...decorator.children(), ...(args?.children() ?? [])].filter((c) => c.kind() === 'comment');
  if (comments.length === 0) return text;
  const { start, end } = decorator.range();
  if (comments.length === 1 && start.line === end.line && !text.includes('\n'))
    return `${text}  ${comments[0]!.text()}`;
  return `${comments.map((c) => `${c.text()}\n${' '.repeat(start.column)}`).join('')}${text}`;
}
