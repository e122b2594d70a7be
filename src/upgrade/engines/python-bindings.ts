// Where Python binds a name: an identifier that is a target (of `=`, `for`, `with ... as`), a
// parameter, or a def's or class's name, and the function a node is in. Read by the legacy
// codemod (a local `graph` is not dagster's) and by pipeline check (a module that defines GRAPH).
import type { SgNode } from '@ast-grep/napi';

const TARGETS = new Set(['pattern_list', 'tuple_pattern', 'list_pattern', 'tuple', 'list']);
const PARAMETER = new Set(['typed_parameter', 'default_parameter', 'typed_default_parameter']);

/** Whether this identifier binds its name: a target of `=` or `for`, a parameter, a def's or `as`'s name. */
export function binds(id: SgNode): boolean {
  let node = id;
  let parent = id.parent();
  while (parent && TARGETS.has(parent.kind() as string)) {
    node = parent;
    parent = parent.parent();
  }
  if (!parent) return false;
  const at = (field: string) => parent!.field(field)?.range().start.index === node.range().start.index;
  switch (parent.kind() as string) {
    case 'assignment':
    case 'augmented_assignment':
    case 'for_statement':
    case 'for_in_clause':
      return at('left');
    case 'function_definition':
    case 'class_definition':
      return at('name');
    case 'parameters':
    case 'lambda_parameters':
    case 'as_pattern_target':
      return true;
    default:
      return (
        PARAMETER.has(parent.kind() as string) && parent.children()[0]?.range().start.index === id.range().start.index
      );
  }
}

/** The function (or lambda) `node` is in, or undefined at module level. */
export const enclosingFunction = (node: SgNode): SgNode | undefined => {
  for (let p = node.parent(); p; p = p.parent())
    if (p.kind() === 'function_definition' || p.kind() === 'lambda') return p;
  return undefined;
};
