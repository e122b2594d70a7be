// Running one solid in a test: execute_solid(s, run_config=...) becomes a graph of that one op run
// in process (what the 1.x docs give for an op that needs its run config), and the solid result
// it returned is read by node: output_value(name) and output_values[name] become
// output_for_node("s", name). What has no equivalent (input_values=, mode_def=, tags=, other
// attributes of the result) gets a TODO.
//
// Before:
//   result = execute_solid(double, run_config={"solids": {"double": {"config": {"n": 2}}}})
//   assert result.output_value() == 4
// After:
//   result = GraphDefinition(name="double_graph", node_defs=[double]).execute_in_process(
//       run_config={"ops": {"double": {"config": {"n": 2}}}}
//   )
//   assert result.output_for_node("double") == 4
import type { Edit, SgNode } from '@ast-grep/napi';
import { layoutCall, nodePiece, prefixed } from './format.ts';
import type { ModuleRewrite } from './module.ts';
import { argNamed, callArgs, lineIndent, positional } from './python-text.ts';

const ARGS: Record<string, string> = {
  run_config: 'run_config',
  environment_dict: 'run_config',
  raise_on_error: 'raise_on_error',
  instance: 'instance',
};
const RESULT_ATTRS = new Set(['output_value', 'output_values', 'success']);

/** The edits for one execute_solid call, or the reason for a TODO. */
export function executeSolid(r: ModuleRewrite, call: SgNode): Edit[] | string {
  const args = callArgs(call);
  const solid = positional(args, 0) ?? argNamed(args, 'solid_def');
  if (!solid || !['identifier', 'attribute'].includes(String(solid.value.kind()))) return 'its solid is not a name';
  const odd = args.find((a) => a !== solid && (!a.name || !ARGS[a.name]));
  if (odd)
    return `${odd.name ?? odd.node.text()}${odd.name ? '=' : ''} has no equivalent on a graph run; call the op directly (with build_op_context() for its context)`;
  const ident = solid.value.kind() === 'identifier' ? solid.value.text() : solid.value.field('attribute')!.text();
  // The node name: the function's name, unless the op may be named otherwise (imported, or name=).
  const maybeRenamed = !r.root
    .children()
    .some(
      (c) =>
        c.kind() === 'decorated_definition' &&
        c.field('definition')?.field('name')?.text() === ident &&
        !/\bname\s*=/.test(c.children()[0]!.text()),
    );
  const node = maybeRenamed ? `${solid.value.text()}.name` : JSON.stringify(ident);
  // Every use of the result: an assignment's variable in its scope, or the chain on the call itself.
  const uses = resultUses(r, call);
  const unknown = uses.find(
    (u) =>
      !RESULT_ATTRS.has(u.field('attribute')!.text()) ||
      (u.field('attribute')!.text() === 'output_values' && u.parent()?.kind() !== 'subscript'),
  );
  if (unknown)
    return `its result's ${unknown.field('attribute')!.text()} has no equivalent; read outputs with result.output_for_node(${node}, name) and events with result.events_for_node(${node})`;
  const rest = args
    .filter((a) => a !== solid)
    .map((a) => prefixed(`${ARGS[a.name!]}=`, nodePiece(a.value, r.source, r.style)));
  const head = `${r.ns}GraphDefinition(name=${JSON.stringify(`${ident}_graph`)}, node_defs=[${solid.value.text()}]).execute_in_process`;
  const run = layoutCall(head, rest, lineIndent(r.source, call), r.style, '', call.range().start.column);
  const edits: Edit[] = [];
  let chained = false;
  for (const use of uses) {
    const attr = use.field('attribute')!.text();
    const object = use.field('object')!;
    const onCall = object.range().start.index === call.range().start.index;
    chained ||= onCall;
    const target = onCall ? run : object.text();
    if (attr === 'success') {
      if (onCall) edits.push(object.replace(run));
    } else if (attr === 'output_values') {
      const sub = use.parent()!;
      edits.push(sub.replace(`${target}.output_for_node(${node}, ${sub.field('subscript')!.text()})`));
    } else {
      const outer = use.parent()!;
      const output = callArgs(outer)[0]?.value.text();
      edits.push(outer.replace(`${target}.output_for_node(${[node, ...(output ? [output] : [])].join(', ')})`));
    }
  }
  if (!chained) edits.push(call.replace(run));
  return edits;
}

/** Attribute nodes on the result: `x = execute_solid(...)`'s x in the same scope, or the call itself. */
function resultUses(r: ModuleRewrite, call: SgNode): SgNode[] {
  const parent = call.parent();
  if (parent?.kind() === 'attribute') return [parent];
  if (parent?.kind() !== 'assignment' || parent.field('left')?.kind() !== 'identifier') return [];
  const name = parent.field('left')!.text();
  const scope = call.ancestors().find((a) => a.kind() === 'function_definition') ?? r.root;
  return scope
    .findAll({ rule: { kind: 'attribute', has: { field: 'object', regex: `^${name}$`, kind: 'identifier' } } })
    .filter((a) => a.range().start.index > call.range().end.index);
}
