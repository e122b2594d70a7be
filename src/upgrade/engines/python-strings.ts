// Python string literals read from ast-grep nodes, for the codemods, the add generators and check.
import type { SgNode } from '@ast-grep/napi';

/** The value of a plain string literal: quotes and prefixes removed; undefined for f-strings or byte strings. */
export function stringValue(node: SgNode): string | undefined {
  if (node.kind() !== 'string') return undefined;
  const match = /^([rRuU]*)("""|'''|"|')([\s\S]*)\2$/.exec(node.text());
  if (!match) return undefined;
  return match[1]!.toLowerCase().includes('r') ? match[3] : match[3]!.replace(/\\(["'\\])/g, '$1');
}

/**
 * The node a module-level string constant holds (`DEV = "dev_full"`) when `node` is its name, else
 * the node itself: a keyword given `name=DEV` reads as Dagster reads it.
 */
export function constantNode(node: SgNode): SgNode {
  if (node.kind() !== 'identifier') return node;
  const name = node.text();
  let found: SgNode | undefined;
  for (const statement of node.getRoot().root().children()) {
    const assignment = statement.kind() === 'expression_statement' ? statement.children()[0] : undefined;
    if (assignment?.kind() === 'assignment' && assignment.field('left')?.text() === name) {
      const right = assignment.field('right');
      found = right?.kind() === 'string' ? right : undefined; // the last assignment wins, as in Python
    }
  }
  return found ?? node;
}

/** stringValue, through a module-level string constant (constantNode). */
export const stringOrConstant = (node: SgNode | undefined): string | undefined =>
  node ? stringValue(constantNode(node)) : undefined;
