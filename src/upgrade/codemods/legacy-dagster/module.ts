// What every construct family gets to rewrite one module: the parsed source, the file's style,
// the TODO collector, and how the module spells dagster's names (`op`, or `dagster.op` / `dg.op`
// when it imports the package rather than its names).
import type { SgNode } from '@ast-grep/napi';
import type { Style } from './format.ts';
import type { Todos } from './todo.ts';

export interface ModuleRewrite {
  path: string;
  source: string;
  root: SgNode;
  style: Style;
  todos: Todos;
  /** '' when the module imports names from dagster, else the package alias and a dot. */
  ns: string;
}

/** '' for `from dagster import ...` modules, `dagster.` or `dg.` for `import dagster [as dg]`. */
export function namespaceOf(source: string): string {
  if (/^from dagster import /m.test(source)) return '';
  const m = /^import dagster(?: as (\w+))?\s*$/m.exec(source);
  return m ? `${m[1] ?? 'dagster'}.` : '';
}

/** A callee's text with its last name replaced: `dagster.solid` -> `dagster.op`. */
export function renamedCallee(callee: SgNode, to: string): string {
  return callee.kind() === 'attribute' ? `${callee.field('object')!.text()}.${to}` : to;
}
