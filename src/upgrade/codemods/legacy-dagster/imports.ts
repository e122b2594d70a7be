// Imports last, once every other edit is made: the dagster import loses the legacy names no
// longer used and gains the new names the code now uses (removed when nothing is left); names
// imported from dagster.core.* / dagster.utils move to the public `dagster` import; an imported
// pipeline that became one job per mode is imported as the jobs this module uses. Then the names
// of other modules that the migration left unused go (madeUnusedEdits).
//
// Before:                                              After:
//   from dagster import pipeline, solid                  from dagster import DagsterRun, job, op
//   from dagster.core.storage.pipeline_run import PipelineRun
import type { Edit, SgNode } from '@ast-grep/napi';
import { binds, enclosingFunction } from '../../engines/python-bindings.ts';
import { DAGSTER_EXPORTS } from './dagster-exports.ts';
import type { Style } from './format.ts';
import { LEGACY, NEW, PUBLIC } from './legacy-names.ts';
import type { ModuleRewrite } from './module.ts';
import { topLevelBinding, topLevelNames } from './python-text.ts';
import { RENAMED_NAMES } from './renames.ts';

interface ImportFrom {
  statement: SgNode;
  module: string;
  /** Imported names, `a` or `a as b` as written. */
  names: { name: string; alias: string | null; text: string }[];
}

function importsOf(root: SgNode): ImportFrom[] {
  return root
    .children()
    .filter((c) => c.kind() === 'import_from_statement')
    .map((statement) => {
      const moduleNode = statement.field('module_name')!;
      const names = statement
        .children()
        .filter(
          (c) =>
            c.range().start.index !== moduleNode.range().start.index &&
            (c.kind() === 'dotted_name' || c.kind() === 'aliased_import'),
        )
        .map((c) =>
          c.kind() === 'aliased_import'
            ? { name: c.field('name')!.text(), alias: c.field('alias')!.text(), text: c.text() }
            : { name: c.text(), alias: null, text: c.text() },
        );
      return { statement, module: moduleNode.text(), names };
    });
}

/**
 * Where an identifier is a name the module uses: not a keyword argument's or an attribute's name,
 * not inside an import. One rule, so one native walk decides (no calls per node).
 */
export const USED_HERE = {
  not: {
    any: [
      { inside: { kind: 'keyword_argument', field: 'name' } },
      { inside: { kind: 'attribute', field: 'attribute' } },
      { inside: { any: [{ kind: 'import_from_statement' }, { kind: 'import_statement' }], stopBy: 'end' } },
    ],
  },
};

/** How often each of `names` is used as a name outside imports (not keyword or attribute names). */
export function nameUses(root: SgNode, names: string[]): Map<string, number> {
  const uses = new Map<string, number>();
  // Names the text does not contain are not used (a cheap test that keeps the rule's regex short:
  // compiling it is most of the cost of one call).
  const source = root.text();
  const wanted = [...new Set(names)].filter((n) => /^\w+$/.test(n) && source.includes(n));
  if (wanted.length === 0) return uses;
  for (const n of root.findAll({
    rule: { kind: 'identifier', regex: `^(${wanted.join('|')})$`, ...USED_HERE },
  } as never))
    uses.set(n.text(), (uses.get(n.text()) ?? 0) + 1);
  return uses;
}

/**
 * How often each of `names` is read as the module's (or dagster's) name: nameUses less where it is
 * bound (`graph = {}`), and less the reads in a function that binds it itself (a local `graph`).
 */
export function moduleReads(root: SgNode, names: string[]): Map<string, number> {
  const reads = new Map<string, number>();
  const source = root.text();
  const wanted = [...new Set(names)].filter((n) => /^\w+$/.test(n) && source.includes(n));
  if (wanted.length === 0) return reads;
  const ids = root.findAll({ rule: { kind: 'identifier', regex: `^(${wanted.join('|')})$`, ...USED_HERE } } as never);
  const local = new Set<string>(); // function start index + name, where the function binds the name
  for (const id of ids.filter(binds)) {
    const fn = enclosingFunction(id);
    if (fn) local.add(`${fn.range().start.index}:${id.text()}`);
  }
  for (const id of ids) {
    if (binds(id)) continue;
    let shadowed = false;
    for (let fn = enclosingFunction(id); fn && !shadowed; fn = enclosingFunction(fn))
      shadowed = local.has(`${fn.range().start.index}:${id.text()}`);
    if (!shadowed) reads.set(id.text(), (reads.get(id.text()) ?? 0) + 1);
  }
  return reads;
}

/** The words of the module's string annotations (`"Optional[DagsterRun]"`: Optional, DagsterRun). */
function annotationNames(root: SgNode): Set<string> {
  const names = new Set<string>();
  for (const str of root.findAll({ rule: { kind: 'string', inside: { kind: 'type', stopBy: 'end' } } } as never))
    for (const word of str
      .text()
      .slice(1, -1)
      .match(/[A-Za-z_]\w*/g) ?? [])
      names.add(word);
  return names;
}

/** Whether two imported modules are in one isort section: both relative, or one first-party package. */
const sameSection = (a: string, b: string): boolean =>
  a.startsWith('.') || b.startsWith('.') ? a.startsWith('.') && b.startsWith('.') : a.split('.')[0] === b.split('.')[0];

/** isort's (ruff's) order of modules within a section: the furthest relative import first. */
const sectionOrder = (module: string): string => {
  const dots = /^\.*/.exec(module)![0].length;
  return `${String(99 - dots).padStart(2, '0')}${module.slice(dots)}`;
};

/** `from module import a, b` at the file's line length (parenthesised, one per line, if too long). */
export function importLine(module: string, names: string[], style: Style): string {
  const oneLine = `from ${module} import ${names.join(', ')}`;
  return oneLine.length <= style.width
    ? oneLine
    : `from ${module} import (\n${names.map((n) => `    ${n},`).join('\n')}\n)`;
}

/** isort's (and ruff's) order: CONSTANTS, then Classes, then functions, each case-sensitively. */
const rank = (n: string) => (n.length > 1 && n === n.toUpperCase() && /[A-Z]/.test(n) ? 0 : /^[A-Z]/.test(n) ? 1 : 2);
const sorted = (names: string[]) =>
  [...new Set(names)].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));

/** Where each blank line from `at` (a line's start) on ends, past its newline. */
function blankLineEnds(source: string, at: number): number[] {
  const ends: number[] = [];
  for (
    let next = source.indexOf('\n', at);
    next >= 0 && !source.slice(at, next).trim();
    next = source.indexOf('\n', at)
  ) {
    at = next + 1;
    ends.push(at);
  }
  return ends;
}

/** How many blank lines end `text` (all that comes before a line). */
function blankLinesBefore(text: string): number {
  const lines = text.split('\n');
  let count = 0;
  for (let i = lines.length - 2; i >= 0 && !lines[i]!.trim(); i--) count++;
  return count;
}

/**
 * Replaces a whole statement, or removes it with its line when `text` is empty. A removed line
 * between two runs of blank lines leaves the longer run, as ruff's formatter and isort would (the
 * two merged made an import block ruff's I001 refuses), and none at the top of the file.
 */
function replaceStatement(r: ModuleRewrite, statement: SgNode, text: string): Edit {
  if (text) return statement.replace(text);
  const { start, end } = statement.range();
  const lineStart = start.index - start.column;
  const lineEnd = r.source.indexOf('\n', end.index);
  if (lineEnd < 0) return { startPos: lineStart, endPos: r.source.length, insertedText: '' } as Edit;
  const before = r.source.slice(0, lineStart);
  const blanks = blankLineEnds(r.source, lineEnd + 1);
  const drop = before.trim() === '' ? blanks.length : Math.min(blanks.length, blankLinesBefore(before));
  return { startPos: lineStart, endPos: drop ? blanks[drop - 1]! : lineEnd + 1, insertedText: '' } as Edit;
}

export function importEdits(r: ModuleRewrite, needed: Map<string, Set<string>>, original?: SgNode): Edit[] {
  const edits: Edit[] = [];
  const all = importsOf(r.root);
  const core = all.filter((i) => /^dagster\.(core|utils|experimental)(\.|$)/.test(i.module));
  const moved: string[] = [];
  const reexported = new Set<string>();
  const emptied: SgNode[] = [];
  // A legacy name the migration no longer uses (DynamicOutputDefinition, now DynamicOut) goes.
  const legacyUses = nameUses(
    r.root,
    core.flatMap((imp) => imp.names.filter((n) => !n.alias && LEGACY.has(n.name)).map((n) => n.name)),
  );
  // How the module as it came used the names it imported from there, read once.
  const coreUsesBefore =
    original && core.length
      ? nameUses(
          original,
          core.flatMap((imp) => imp.names.map((n) => n.name)),
        )
      : undefined;
  for (const imp of core) {
    const publicName = (n: { name: string }) => RENAMED_NAMES[n.name] ?? n.name;
    const unused = (n: { name: string; alias: string | null }) =>
      !n.alias && LEGACY.has(n.name) && !PUBLIC.has(publicName(n)) && !legacyUses.get(n.name);
    // `from dagster.utils import file_relative_path as frp`: the same alias, from dagster.
    const aliased = imp.names.filter((n) => n.alias && PUBLIC.has(publicName(n)));
    const stay = imp.names.filter((n) => !aliased.includes(n) && !unused(n) && (n.alias || !PUBLIC.has(publicName(n))));
    const moving = imp.names.filter((n) => !stay.includes(n) && !aliased.includes(n) && !unused(n));
    moved.push(...moving.map(publicName));
    // One the module did not use before (`# noqa: F401`, a package's re-export) moves all the same.
    for (const n of moving) if (coreUsesBefore && !coreUsesBefore.get(n.name)) reexported.add(publicName(n));
    const todo = () =>
      r.todos.add(
        imp.statement,
        `from ${imp.module} import`,
        `${imp.module.split('.').slice(0, 2).join('.')} is private since 1.0; import these names from dagster, or from the integration that now holds them`,
      );
    if (stay.length === imp.names.length) {
      todo();
      continue;
    }
    if (stay.length) todo();
    const lines = [
      ...(stay.length
        ? [
            importLine(
              imp.module,
              stay.map((n) => n.text),
              r.style,
            ),
          ]
        : []),
      ...(aliased.length
        ? [
            importLine(
              'dagster',
              aliased.map((n) => `${publicName(n)} as ${n.alias}`),
              r.style,
            ),
          ]
        : []),
    ];
    if (lines.length) edits.push(imp.statement.replace(lines.join('\n')));
    else emptied.push(imp.statement);
  }
  const mains = all.filter((i) => i.module === 'dagster');
  if (r.ns === '' && (mains.length || moved.length || NEW.some((n) => r.source.includes(n)))) {
    const imported = mains.flatMap((m) => m.names);
    const plain = imported.filter((n) => !n.alias).map((n) => n.name);
    const uses = nameUses(r.root, plain);
    const used = (n: string) => (uses.get(n) ?? 0) > 0;
    // Read as the module's name: not where a function binds its own (`graph = {}` in a body).
    const reads = moduleReads(r.root, [...NEW, ...moved]);
    // A string annotation that names one reads it too (@op resolves `-> "Optional[DagsterRun]"`).
    const annotated = /(:|->)\s*["']/.test(r.source) ? annotationNames(r.root) : new Set<string>();
    const read = (n: string) => (reads.get(n) ?? 0) > 0 || annotated.has(n);
    // A name the module defines itself is its own, not dagster's.
    const own = new Set(topLevelNames(r.root));
    const added = [...NEW, ...moved].filter((n) => (read(n) || reexported.has(n)) && !plain.includes(n) && !own.has(n));
    // The module binds a name the migration now reads as dagster's (`op = operator.add`, then
    // `@solid` became `@op`): importing it would not help, the module's binding wins.
    const clashes = NEW.filter((n) => own.has(n) && !plain.includes(n) && read(n));
    const before = original ? moduleReads(original, clashes) : new Map<string, number>();
    for (const n of clashes.filter((n) => reads.get(n)! > (before.get(n) ?? 0)))
      r.todos.add(
        topLevelBinding(r.root, n)!,
        `the module's own ${n}`,
        `the migrated code reads ${n} as dagster's (@${n} ...), and this binding hides it; rename this one (and its uses), then import ${n} from dagster`,
      );
    // Each `from dagster import` keeps its own names (less the legacy ones no longer used); the
    // first one with a name not aliased also gets the new names (isort keeps `a as b` on a line of
    // its own), else a line of their own goes above the first.
    // A name Dagster 1.13 lacks stays only while the module reads it as dagster's (the sweep puts a
    // TODO there): not when the module defines it itself (`@job def pipeline():`), which fails the import.
    const missing = plain.filter((n) => !DAGSTER_EXPORTS.has(n) && used(n));
    const missingReads = missing.length ? moduleReads(r.root, missing) : new Map<string, number>();
    // A name the module used before and no longer uses goes too (`Int` once a graph output's type
    // went); one it did not use before stays (the module may re-export it).
    const unusedNow = plain.filter((n) => !used(n) && !LEGACY.has(n));
    const usedBefore = original && unusedNow.length ? nameUses(original, unusedNow) : undefined;
    const kept = (n: string) =>
      DAGSTER_EXPORTS.has(n)
        ? used(n) || (!LEGACY.has(n) && !usedBefore?.get(n))
        : n !== 'check' && (missingReads.get(n) ?? 0) > 0 && !own.has(n);
    const host = mains.findIndex((m) => m.names.some((n) => !n.alias));
    if (host < 0 && mains.length && added.length)
      edits.push({
        startPos: mains[0]!.statement.range().start.index,
        endPos: mains[0]!.statement.range().start.index,
        insertedText: `${importLine('dagster', sorted(added), r.style)}\n`,
      } as Edit);
    mains.forEach((m, i) => {
      // dagster.check became the private dagster._check in 1.0: imported from there; dagster.seven is gone.
      const checks = m.names.filter((n) => n.name === 'check');
      for (const gone of m.names.filter((n) => n.name === 'check' || n.name === 'seven'))
        r.todos.add(
          m.statement,
          `dagster.${gone.name}`,
          gone.name === 'check'
            ? 'private since 1.0, now dagster._check (imported from there, it may change in any release): plain asserts are safer'
            : 'removed in Dagster 1.0 (a private module): use the standard library',
        );
      const keep = m.names.filter((n) => n.name !== 'check' && (n.alias || kept(n.name))).map((n) => n.text);
      const names = sorted([...keep.filter((t) => !t.includes(' as ')), ...(i === host ? added : [])]).concat(
        keep.filter((t) => t.includes(' as ')),
      );
      const text = [
        ...checks.map((n) => `import dagster._check as ${n.alias ?? 'check'}`),
        ...(names.length ? [importLine('dagster', names, r.style)] : []),
      ].join('\n');
      // An import whose names stay the same is left as written.
      const same = names.length === m.names.length && m.names.every((n) => names.includes(n.text));
      if (!same && m.statement.text() !== text) edits.push(replaceStatement(r, m.statement, text));
    });
    const text = added.length ? importLine('dagster', sorted(added), r.style) : '';
    if (!mains.length && text && emptied.length) edits.push(emptied.shift()!.replace(text));
    else if (!mains.length && text) {
      const first =
        all[0]?.statement ??
        r.root
          .children()
          .find(
            (c) =>
              c.kind() !== 'comment' && !(c.kind() === 'expression_statement' && c.children()[0]?.kind() === 'string'),
          );
      // Black's blank lines: none before another import, two before a def or class.
      const gap = String(first.kind()).includes('import')
        ? ''
        : /definition/.test(String(first.kind()))
          ? '\n\n'
          : '\n';
      if (first)
        edits.push({
          startPos: first.range().start.index,
          endPos: first.range().start.index,
          insertedText: `${text}\n${gap}`,
        } as Edit);
    }
  }
  // A module that reads `dagster.x` (import dagster) imports the names it took from dagster.core
  // from dagster now, under the same names (the other passes leave its dagster.x as they are).
  if (r.ns !== '' && moved.length) {
    const uses = nameUses(r.root, moved);
    const names = sorted(moved.filter((n) => (uses.get(n) ?? 0) > 0 || reexported.has(n)));
    const line = names.length ? importLine('dagster', names, r.style) : '';
    if (line && emptied.length) edits.push(emptied.shift()!.replace(line));
    else if (line) {
      const first = core[0]!.statement.range().start.index;
      edits.push({ startPos: first, endPos: first, insertedText: `${line}\n` } as Edit);
    }
  }
  for (const statement of emptied) edits.push(replaceStatement(r, statement, ''));
  // Modules this one now imports jobs from (`from:<module>` keys), each where isort puts it.
  for (const [key, names] of [...needed].filter(([k]) => k.startsWith('from:'))) {
    const module = key.slice(5);
    // An import of that module already (`from pipes import small`): the jobs join it, as isort
    // would merge two (unless the loop below rewrites it, or it holds an alias isort keeps apart).
    const same = all.find((i) => i.module === module && i.names.every((n) => !n.alias && !needed.has(n.name)));
    if (same) {
      edits.push(
        same.statement.replace(importLine(module, sorted([...same.names.map((n) => n.name), ...names]), r.style)),
      );
      continue;
    }
    const line = importLine(module, sorted([...names]), r.style);
    const peers = all.filter((i) => sameSection(i.module, module));
    const next = peers.find((i) => sectionOrder(i.module) > sectionOrder(module));
    const last = peers.at(-1)?.statement ?? all.at(-1)?.statement;
    const at = next ? next.statement.range().start.index : last ? last.range().end.index : 0;
    // The code's own (first-party, a section of its own when it has none): a module of this file's
    // package, or one beside it (the project's root, where ruff finds first-party modules).
    const top = module.split('.')[0]!;
    const own = r.path.split('/').slice(0, -1).includes(top) || !module.includes('.');
    // Before the next of its section; else after the last of it (or of all imports).
    const text = next || !last ? `${line}\n` : !peers.length && own ? `\n\n${line}` : `\n${line}`;
    edits.push({ startPos: at, endPos: at, insertedText: text } as Edit);
  }
  // Imported pipelines that became one job per mode: import the jobs used here.
  for (const imp of all) {
    const swaps = imp.names.filter((n) => needed.has(n.alias ?? n.name) && !(n.alias ?? n.name).startsWith('from:'));
    if (!swaps.length) continue;
    const uses = nameUses(
      r.root,
      swaps.map((n) => n.alias ?? n.name),
    );
    const names = imp.names.flatMap((n) =>
      needed.has(n.alias ?? n.name)
        ? [...(uses.get(n.alias ?? n.name) ? [n.text] : []), ...[...needed.get(n.alias ?? n.name)!].sort()]
        : [n.text],
    );
    edits.push(imp.statement.replace(importLine(imp.module, [...new Set(names)], r.style)));
  }
  return edits;
}

/** The name an import binds: `a` for `import a.b`, the alias for `a as b`. */
const bound = (n: { name: string; alias: string | null }) => n.alias ?? n.name.split('.')[0]!;

/** `import a` / `import a.b` / `import a as b` statements of one module each. */
function plainImportsOf(root: SgNode): ImportFrom[] {
  return root
    .children()
    .filter((c) => c.kind() === 'import_statement' && c.children().filter((x) => x.isNamed()).length === 1)
    .map((statement) => {
      const c = statement.children().find((x) => x.isNamed())!;
      const name = c.kind() === 'aliased_import' ? c.field('name')!.text() : c.text();
      return {
        statement,
        module: name,
        names: [{ name, alias: c.kind() === 'aliased_import' ? c.field('alias')!.text() : null, text: c.text() }],
      };
    });
}

/**
 * Imports of other modules that the migration left unused: a name the module used before
 * (`before`: its tree as it came) and uses no more, such as `time` from `from datetime import time`
 * once `execution_time=time(6, 30)` became `hour_of_day=6, minute_of_hour=30`. Ruff's F401 (and CI)
 * would fail the migrated file. A name unused before stays (the module may re-export it).
 */
export function madeUnusedEdits(r: ModuleRewrite, before: SgNode): Edit[] {
  const imports = [...importsOf(r.root), ...plainImportsOf(r.root)].filter(
    (i) => !/^(dagster|__future__)(\.|$)/.test(i.module),
  );
  const names = imports.flatMap((i) => i.names.map(bound));
  if (names.length === 0) return [];
  const now = nameUses(r.root, names);
  const gone = names.filter((n) => !now.get(n));
  const then = gone.length ? nameUses(before, gone) : new Map<string, number>();
  const unused = new Set(gone.filter((n) => then.get(n)));
  if (unused.size === 0) return [];
  const edits: Edit[] = [];
  for (const i of imports) {
    const keep = i.names.filter((n) => !unused.has(bound(n)));
    if (keep.length === i.names.length) continue;
    const text = keep.length
      ? importLine(
          i.module,
          keep.map((n) => n.text),
          r.style,
        )
      : '';
    edits.push(replaceStatement(r, i.statement, text));
  }
  return edits;
}
