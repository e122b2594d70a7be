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
    if (kind === 'keyword_argument') return [{ name: child.field('name')!.text(), value: child.field('value')!, node: child }];
    if (kind === '(' || kind === ')' || kind === ',' || kind === 'comment') return [];
    return [{ name: null, value: child, node: child }];
  });
}

export const argNamed = (args: Arg[], name: string): Arg | undefined => args.find((a) => a.name === name);
export const positional = (args: Arg[], i: number): Arg | undefined => args.filter((a) => a.name === null)[i];

/** The value of a string literal node ("x" or 'x'), or undefined. */
export function stringValue(node: SgNode | undefined): string | undefined {
  if (!node || node.kind() !== 'string') return undefined;
  const text = node.text();
  const m = /^[rbuRBU]*("""|'''|"|')([\s\S]*)\1$/.exec(text);
  return m ? m[2] : undefined;
}

/** The callee's last name: `dagster.solid(...)` and `solid(...)` both give solid. */
export function calleeName(node: SgNode): string | undefined {
  const target = node.kind() === 'call' ? node.field('function') : node;
  if (!target) return undefined;
  if (target.kind() === 'identifier') return target.text();
  if (target.kind() === 'attribute') return target.field('attribute')?.text();
  return undefined;
}

/** The elements of a list literal. */
export const listItems = (node: SgNode | undefined): SgNode[] => (node && node.kind() === 'list' ? node.children().filter((c) => c.isNamed() && c.kind() !== 'comment') : []);

export const callText = (callee: string, args: string[]) => `${callee}(${args.join(', ')})`;
