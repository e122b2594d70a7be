// Repositories become one `defs = Definitions(...)` per module: @repository returning a list, or
// the {"pipelines": {...}, "schedules": {...}, "sensors": {...}} dict form. Items are resolved across
// the package (a pipeline imported from a sibling module counts, as the jobs it became); several
// repositories in one module are merged into one Definitions.
//
// Before:                                          After:
//   from .etl import etl_pipeline                    from .etl import etl_pipeline_local, etl_pipeline_prod
//   @repository                                      # Formerly the repository prod_repo.
//   def prod_repo():                                 defs = Definitions(
//       return {"pipelines": {"etl": lambda: etl_pipeline}, ...}   jobs=[etl_pipeline_local, etl_pipeline_prod], ...
import type { Edit, SgNode } from '@ast-grep/napi';
import { type Facts, lookup, type Pipeline } from './facts.ts';
import { layoutCall, listPiece } from './format.ts';
import type { ModuleRewrite } from './module.ts';
import { calleeName, listItems, stringValue } from './python-text.ts';

const SECTIONS: Record<string, 'jobs' | 'schedules' | 'sensors'> = {
  pipelines: 'jobs',
  jobs: 'jobs',
  schedules: 'schedules',
  sensors: 'sensors',
};

const NOT_A_LITERAL = 'it does not return a list or a {"pipelines": ...} dict literal';

/** The items a repository returns, by section, or why it cannot tell them. */
function returned(fn: SgNode): { item: SgNode; section: 'jobs' | 'schedules' | 'sensors' | null }[] | string {
  const body = fn.field('body');
  const statements = body?.children().filter((c) => c.isNamed() && c.kind() !== 'comment') ?? [];
  const last = statements.at(-1);
  const doc =
    statements.length >= 2 &&
    statements[0]!.kind() === 'expression_statement' &&
    statements[0]!.children()[0]?.kind() === 'string';
  if (last?.kind() !== 'return_statement') return NOT_A_LITERAL;
  // Lists held in local or module variables and joined with +: `return pipelines + schedules`.
  const locals = new Map<string, SgNode>();
  for (const s of [...statements.slice(0, -1), ...fn.parent()!.parent()!.children()]) {
    const a = s.kind() === 'expression_statement' ? s.children()[0] : undefined;
    if (a?.kind() === 'assignment' && a.field('left')?.kind() === 'identifier' && !locals.has(a.field('left')!.text()))
      locals.set(a.field('left')!.text(), a.field('right')!);
  }
  const others = statements
    .slice(0, -1)
    .filter(
      (s) =>
        !(doc && s === statements[0]) &&
        !(
          s.kind() === 'expression_statement' &&
          s.children()[0]?.kind() === 'assignment' &&
          s.children()[0]!.field('right')?.kind() === 'list'
        ),
    );
  if (others.length) return NOT_A_LITERAL;
  type Item = { item: SgNode; section: 'jobs' | 'schedules' | 'sensors' | null };
  const flatten = (n: SgNode | undefined): Item[] | null => {
    if (!n) return null;
    if (n.kind() === 'list') return listItems(n).map((item) => ({ item, section: null }));
    // `pipelines = [...]`, `schedules = [...]`, `sensors = [...]` (the 0.x project template) say what they hold.
    if (n.kind() === 'identifier' && locals.get(n.text())?.kind() === 'list')
      return listItems(locals.get(n.text())).map((item) => ({ item, section: SECTIONS[n.text()] ?? null }));
    if (n.kind() === 'binary_operator' && n.children().some((c) => c.text() === '+')) {
      const [l, rr] = [flatten(n.field('left')!), flatten(n.field('right')!)];
      return l && rr ? [...l, ...rr] : null;
    }
    if (n.kind() === 'parenthesized_expression') return flatten(n.children().find((c) => c.isNamed()));
    return null;
  };
  const value = last.children().find((c) => c.isNamed());
  if (value?.kind() !== 'dictionary') return flatten(value) ?? NOT_A_LITERAL;
  const out: { item: SgNode; section: 'jobs' | 'schedules' | 'sensors' | null }[] = [];
  for (const pair of value.children().filter((c) => c.kind() === 'pair')) {
    const key = pair.field('key')!;
    const section = SECTIONS[stringValue(key) ?? ''];
    const inner = pair.field('value')!;
    if (!section)
      return `its dict's ${key.text()} entry has no place in Definitions (it holds jobs=, schedules= and sensors=${stringValue(key) === 'partition_sets' ? '; a partition set is a partitioned job now' : ''})`;
    if (inner.kind() !== 'dictionary') return `its dict's ${key.text()} entry is not a dict literal`;
    for (const p of inner.children().filter((c) => c.kind() === 'pair')) {
      let v = p.field('value')!;
      if (v.kind() === 'lambda') v = v.field('body')!;
      out.push({ item: v, section });
    }
  }
  return out;
}

export function repositoryEdits(r: ModuleRewrite, facts: Facts, needed: Map<string, Set<string>>): Edit[] {
  if (!/@(\w+\.)?repository\b/.test(r.source)) return [];
  const repos = r.root
    .children()
    .filter(
      (c) =>
        c.kind() === 'decorated_definition' &&
        c
          .children()
          .some((d) => d.kind() === 'decorator' && calleeName(d.children().find((x) => x.isNamed())!) === 'repository'),
    );
  const sections = { jobs: [] as string[], schedules: [] as string[], sensors: [] as string[] };
  const names: string[] = [];
  const merged: SgNode[] = [];
  for (const repo of repos) {
    const fn = repo.field('definition')!;
    const name = fn.field('name')!.text();
    const items = returned(fn);
    if (typeof items === 'string') {
      r.todos.add(
        repo,
        `@repository ${name}`,
        `${items}; build defs = Definitions(jobs=..., schedules=..., sensors=...) by hand`,
      );
      continue;
    }
    const unknown: string[] = [];
    for (const { item, section } of items) {
      // A plain function of this module in the dict form is a loader: call it (lazy loading is gone).
      // (One the schedules pass cached with @functools.cache still is.)
      const plain = (c: SgNode) =>
        c.kind() === 'decorated_definition' &&
        c.children().every((d) => d.kind() !== 'decorator' || d.text() === '@functools.cache')
          ? c.field('definition')!
          : c;
      const loader =
        item.kind() === 'identifier' &&
        r.root
          .children()
          .some((c) => plain(c).kind() === 'function_definition' && plain(c).field('name')?.text() === item.text());
      const text = loader ? `${item.text()}()` : item.text();
      const pipeline =
        item.kind() === 'identifier'
          ? (lookup(facts, r.path, text, (m) => m.pipelines)?.value as Pipeline | undefined)
          : undefined;
      if (pipeline && section !== 'schedules' && section !== 'sensors') {
        if (pipeline.split && pipeline.module !== r.path) {
          if (!needed.has(text)) needed.set(text, new Set());
          for (const j of pipeline.jobs) needed.get(text)!.add(j.variable);
        }
        sections.jobs.push(...(pipeline.split ? pipeline.jobs.map((j) => j.variable) : [text]));
      } else if (
        item.kind() === 'identifier' &&
        (section === 'schedules' || lookup(facts, r.path, text, (m) => m.schedules))
      )
        sections.schedules.push(text);
      else if (item.kind() === 'identifier' && (section === 'sensors' || lookup(facts, r.path, text, (m) => m.sensors)))
        sections.sensors.push(text);
      else if (section === 'jobs' || (item.kind() === 'identifier' && lookup(facts, r.path, text, (m) => m.jobs)))
        sections.jobs.push(text);
      else unknown.push(text);
    }
    if (unknown.length) {
      r.todos.add(
        repo,
        `@repository ${name}`,
        `could not classify ${unknown.join(', ')}; add them to defs (jobs, schedules, sensors or assets)`,
      );
      continue;
    }
    names.push(name);
    merged.push(repo);
  }
  if (!merged.length) return [];
  const dedupe = (xs: string[]) => [...new Set(xs)];
  const args = (['jobs', 'schedules', 'sensors'] as const)
    .filter((k) => k === 'jobs' || sections[k].length)
    .map((k) => listPiece(`${k}=`, dedupe(sections[k]), r.style));
  const formerly = `# Formerly the ${names.length > 1 ? `repositories ${names.join(', ')}, now one` : `${names[0]} repository`}.`;
  const defs = `${formerly}\n${layoutCall(`defs = ${r.ns}Definitions`, args, 0, r.style)}`;
  // Right below the imports, one blank line, as isort leaves before a statement that is not a def.
  const prev = merged[0]!.prev();
  const edits: Edit[] = [
    prev && /^import_(from_)?statement$/.test(String(prev.kind()))
      ? ({
          startPos: prev.range().end.index,
          endPos: merged[0]!.range().end.index,
          insertedText: `\n\n${defs}`,
        } as Edit)
      : merged[0]!.replace(defs),
  ];
  for (const repo of merged.slice(1)) {
    const start = repo.prev()?.range().end.index ?? repo.range().start.index;
    edits.push({ startPos: start, endPos: repo.range().end.index, insertedText: '' } as Edit);
  }
  return edits;
}
