// Python string literals read from ast-grep nodes, for the codemods, the add generators and check.
import type { SgNode } from '@ast-grep/napi';

/** The value of a plain string literal: quotes and prefixes removed; undefined for f-strings or byte strings. */
export function stringValue(node: SgNode): string | undefined {
  if (node.kind() !== 'string') return undefined;
  const match = /^([rRuU]*)("""|'''|"|')([\s\S]*)\2$/.exec(node.text());
  if (!match) return undefined;
  return match[1]!.toLowerCase().includes('r') ? match[3] : match[3]!.replace(/\\(["'\\])/g, '$1');
}
