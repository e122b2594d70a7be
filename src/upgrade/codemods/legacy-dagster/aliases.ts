// Dagster 0.x names imported under another name: the passes know `solid`, `pipeline`,
// `ModeDefinition` ..., not the alias a module gave them, so the alias is undone first, wherever
// the name itself is free in the module (used nowhere else); the passes then migrate each use as
// any other. Where the name is taken, the alias stays and the last pass (sweep.ts) flags it.
//
// Before:                                       After (then migrated as usual):
//   from dagster import solid as dagster_solid    from dagster import solid
//   @dagster_solid                                @solid
import type { SgNode } from '@ast-grep/napi';
import { parsePython } from '../../engines/python.ts';
import { nameUses, USED_HERE } from './imports.ts';
import { LEGACY } from './legacy-names.ts';

/** The module's top-level `from dagster... import` statements. */
export const dagsterImports = (root: SgNode): SgNode[] =>
  root
    .children()
    .filter((c) => c.kind() === 'import_from_statement' && /^dagster(\.|$)/.test(c.field('module_name')?.text() ?? ''));

/** The names a module imports from dagster under an alias, among `names`. */
export function aliasedImports(root: SgNode, names: Set<string>): { node: SgNode; name: string; alias: string }[] {
  return dagsterImports(root)
    .flatMap((statement) => statement.children().filter((c) => c.kind() === 'aliased_import'))
    .map((node) => ({ node, name: node.field('name')!.text(), alias: node.field('alias')!.text() }))
    .filter(({ name, alias }) => names.has(name) && name !== alias);
}

/** Whether `text` may import a name under an alias (most modules do not: no parse then). */
export const mayAlias = (text: string): boolean => /\bimport\b[^#\n]*\bas\b/.test(text);

/** `text` with every alias of a legacy Dagster name undone where that name is free. */
export async function unaliased(text: string): Promise<string> {
  if (!mayAlias(text)) return text;
  const root = (await parsePython(text)).root();
  const aliases = aliasedImports(root, LEGACY);
  if (aliases.length === 0) return text;
  // A name imported or used elsewhere in the module is taken: undoing its alias would change what
  // a use refers to.
  const imported = root
    .findAll({ rule: { kind: 'identifier', inside: { kind: 'import_from_statement', stopBy: 'end' } } })
    .map((n) => n.text());
  const used = nameUses(
    root,
    aliases.map((a) => a.name),
  );
  const free = aliases.filter(({ name }) => !used.has(name) && imported.filter((n) => n === name).length === 1);
  if (free.length === 0) return text;
  const edits = free.map(({ node, name }) => node.replace(name));
  const byAlias = new Map(free.map((a) => [a.alias, a.name]));
  for (const use of root.findAll({
    rule: { kind: 'identifier', regex: `^(${[...byAlias.keys()].join('|')})$`, ...USED_HERE },
  } as never))
    edits.push(use.replace(byAlias.get(use.text())!));
  return root.commitEdits(edits);
}
