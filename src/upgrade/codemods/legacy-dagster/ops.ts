// Solids become ops: @solid and @lambda_solid -> @op, @composite_solid -> @graph, their
// InputDefinition / OutputDefinition / DynamicOutputDefinition lists -> ins={...: In(...)} and
// out=Out(...) / DynamicOut(...) / {...: Out(...)}, in positional and keyword forms, types kept.
//
// Before:
//   @solid(input_defs=[InputDefinition("rows", List[int], description="raw")],
//          output_defs=[DynamicOutputDefinition(int)], config={"n": int})
// After:
//   @op(ins={"rows": In(List[int], description="raw")}, out=DynamicOut(int), config_schema={"n": int})
import type { Edit, SgNode } from '@ast-grep/napi';
import { callPiece, dictPiece, layoutCall, nodePiece, type Piece, prefixed } from './format.ts';
import { type ModuleRewrite, renamedCallee } from './module.ts';
import { type Arg, callArgs, calleeName, listItems, withDecoratorComments } from './python-text.ts';

const IN_POSITIONS = ['name', 'dagster_type', 'description', 'default_value', 'root_manager_key', 'metadata'];
const OUT_POSITIONS = ['dagster_type', 'name', 'description', 'is_required', 'io_manager_key', 'metadata'];
const IN_RENAMES: Record<string, string> = { root_manager_key: 'input_manager_key' };
const OUT_DROPPED = ['asset_key', 'asset_partitions'];

/** Keyword form of a legacy definition call: positional arguments named by their position. */
function named(args: Arg[], positions: string[], r: ModuleRewrite): Map<string, Piece> {
  const out = new Map<string, Piece>();
  let i = 0;
  for (const a of args) {
    if (a.name === null && a.value.kind() !== 'list_splat')
      out.set(positions[i++] ?? `arg${i}`, nodePiece(a.value, r.source, r.style));
    else if (a.name) out.set(a.name, nodePiece(a.value, r.source, r.style));
  }
  return out;
}

const flatText = (p: Piece | undefined) => (p === undefined ? undefined : typeof p === 'string' ? p : p.flat);

/** `T, description=...`: the type first (positionally), then the other keywords in order. */
function definitionArgs(kw: Map<string, Piece>, renames: Record<string, string> = {}): Piece[] {
  const type = kw.get('dagster_type');
  return [
    ...(type ? [type] : []),
    ...[...kw]
      .filter(([k]) => k !== 'dagster_type' && k !== 'name')
      .map(([k, v]) => prefixed(`${renames[k] ?? k}=`, v)),
  ];
}

/** `{"a": In(...), ...}` for a list of InputDefinition, or null (with a TODO) when it cannot. */
export function insText(list: SgNode, r: ModuleRewrite, prefix = ''): Piece | null {
  if (list.kind() !== 'list') return null;
  const entries: Piece[] = [];
  for (const item of listItems(list)) {
    if (item.kind() !== 'call' || calleeName(item) !== 'InputDefinition') return null;
    const kw = named(callArgs(item), IN_POSITIONS, r);
    const name = flatText(kw.get('name'));
    if (!name || !/^["']/.test(name)) return null;
    entries.push(callPiece(`${name}: ${r.ns}In`, definitionArgs(kw, IN_RENAMES), r.style));
  }
  return dictPiece(prefix, entries, r.style);
}

/**
 * `ins={"a": GraphIn(description=...)}` for a composite's InputDefinitions that have a description
 * ('' when none has), or null when the list cannot be read. A graph input has no type of its own
 * (the ops it feeds check theirs): a type given gets a TODO.
 */
function graphInsText(list: SgNode, r: ModuleRewrite, at: SgNode): Piece | null {
  if (list.kind() !== 'list') return null;
  const entries: Piece[] = [];
  const typed: string[] = [];
  for (const item of listItems(list)) {
    if (item.kind() !== 'call' || calleeName(item) !== 'InputDefinition') return null;
    const kw = named(callArgs(item), IN_POSITIONS, r);
    const name = flatText(kw.get('name'));
    if (
      !name ||
      !/^["']/.test(name) ||
      [...kw.keys()].some((k) => !['name', 'dagster_type', 'description'].includes(k))
    )
      return null;
    const type = flatText(kw.get('dagster_type'));
    if (type && type !== 'Any') typed.push(`${name.slice(1, -1)}: ${type}`);
    const description = kw.get('description');
    if (description)
      entries.push(callPiece(`${name}: ${r.ns}GraphIn`, [prefixed('description=', description)], r.style));
  }
  if (typed.length)
    r.todos.add(
      at,
      '@composite_solid(input_defs=...)',
      `a graph input has no type of its own (${typed.join(', ')}): the ops it feeds check theirs; give those a type where they have none`,
    );
  return entries.length ? dictPiece('ins=', entries, r.style) : '';
}

/** `Out(...)`, `DynamicOut(...)` or `{"a": Out(...), ...}`, or null when it cannot. */
export function outText(node: SgNode, r: ModuleRewrite, graph = false, prefix = ''): Piece | null {
  const items = node.kind() === 'list' ? listItems(node) : [node];
  const outs: { name: string | undefined; head: string; args: Piece[] }[] = [];
  for (const item of items) {
    const callee = item.kind() === 'call' ? calleeName(item) : undefined;
    if (callee !== 'OutputDefinition' && callee !== 'DynamicOutputDefinition') return null;
    const kw = named(callArgs(item), OUT_POSITIONS, r);
    if (OUT_DROPPED.some((k) => kw.has(k))) return null;
    // 0.x's is_optional= (before is_required=) is its opposite.
    const optional = flatText(kw.get('is_optional'));
    if (optional !== undefined) {
      if (kw.has('is_required')) return null;
      kw.delete('is_optional');
      kw.set('is_required', optional === 'True' ? 'False' : optional === 'False' ? 'True' : `not (${optional})`);
    }
    const name = flatText(kw.get('name'));
    if (name && !/^["']/.test(name)) return null;
    const cls = graph ? 'GraphOut' : callee === 'DynamicOutputDefinition' ? 'DynamicOut' : 'Out';
    const type = flatText(kw.get('dagster_type'));
    if (graph && type && type !== 'Any')
      r.todos.add(
        node,
        '@composite_solid(output_defs=...)',
        `a graph output has no type of its own (${name ? `${name.slice(1, -1)}: ` : ''}${type}): the op it comes from checks its own; give that one a type where it has none`,
      );
    const args = graph
      ? [...(kw.has('description') ? [prefixed('description=', kw.get('description')!)] : [])]
      : definitionArgs(kw);
    outs.push({ name, head: `${r.ns}${cls}`, args });
  }
  if (outs.length === 1 && (!outs[0]!.name || /^["']result["']$/.test(outs[0]!.name)))
    return callPiece(`${prefix}${outs[0]!.head}`, outs[0]!.args, r.style);
  return dictPiece(
    prefix,
    outs.map((o) => callPiece(`${o.name ?? '"result"'}: ${o.head}`, o.args, r.style)),
    r.style,
  );
}

/** The new decorator of one @solid / @lambda_solid / @composite_solid, or null to leave it. */
function newDecorator(
  kind: string,
  callee: SgNode,
  call: SgNode | null,
  r: ModuleRewrite,
  indent: number,
  at: SgNode,
): string | null {
  const to = kind === 'composite_solid' ? 'graph' : 'op';
  const head = `@${renamedCallee(callee, to)}`;
  if (!call) return head;
  const args: Piece[] = [];
  for (const a of callArgs(call)) {
    if (a.name === null) {
      args.push(a.node.text()); // @solid("name") / @lambda_solid(fn): the same positional
    } else if (a.name === 'input_defs' && to === 'graph') {
      // A graph takes its inputs from its signature: only their descriptions are written (GraphIn).
      const ins = graphInsText(a.value, r, at);
      if (ins === null) return fail(r, at, kind, 'input_defs', 'write ins={"name": GraphIn(description=...)} by hand');
      if (ins) args.push(ins);
    } else if (a.name === 'input_defs') {
      const ins = insText(a.value, r, 'ins=');
      if (!ins) return fail(r, at, kind, 'input_defs', 'write ins={"name": In(type)} by hand');
      args.push(ins);
    } else if (a.name === 'output_defs' || a.name === 'output_def') {
      const out = outText(a.value, r, to === 'graph', 'out=');
      if (!out)
        return fail(
          r,
          at,
          kind,
          a.name,
          to === 'graph'
            ? 'write out=GraphOut() or out={"name": GraphOut()} by hand'
            : 'write out=Out(type) or out={"name": Out(type)} by hand',
        );
      args.push(out);
    } else if (a.name === 'config' && to === 'op') {
      args.push(prefixed('config_schema=', nodePiece(a.value, r.source, r.style)));
    } else if (to === 'graph' && (a.name === 'config_schema' || a.name === 'config_fn' || a.name === 'config')) {
      return fail(
        r,
        at,
        kind,
        a.name,
        'a graph maps its config with config=ConfigMapping(config_fn=..., config_schema=...)',
      );
    } else {
      args.push(prefixed(`${a.name}=`, nodePiece(a.value, r.source, r.style)));
    }
  }
  return layoutCall(head, args, indent, r.style);
}

function fail(r: ModuleRewrite, at: SgNode, kind: string, arg: string, what: string): null {
  r.todos.add(
    at,
    `@${kind}(${arg}=...)`,
    `could not be read; ${what}, then use @${kind === 'composite_solid' ? 'graph' : 'op'}`,
  );
  return null;
}

/** The decorator edits of every solid of the module; `names` gets the decorator names replaced. */
export function opEdits(r: ModuleRewrite, replaced: string[] = []): Edit[] {
  const edits: Edit[] = [];
  for (const decorator of r.root.findAll({ rule: { kind: 'decorator' } })) {
    const expr = decorator.children().find((c) => c.isNamed() && c.kind() !== 'comment');
    if (!expr) continue;
    const call = expr.kind() === 'call' ? expr : null;
    const callee = call ? call.field('function')! : expr;
    const kind = calleeName(expr);
    if (kind !== 'solid' && kind !== 'lambda_solid' && kind !== 'composite_solid') continue;
    if (callee.kind() !== 'identifier' && callee.kind() !== 'attribute') continue;
    const text = newDecorator(kind, callee, call, r, decorator.range().start.column, decorator);
    if (text === null) continue;
    replaced.push(kind);
    edits.push(decorator.replace(withDecoratorComments(decorator, text)));
  }
  return edits;
}
