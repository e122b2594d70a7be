// Dagster 0.7's repositories: a function returning RepositoryDefinition(name=..., pipeline_defs=
// [...]), its schedules from a @schedules(scheduler=...) function of the same module. The function
// returns a Definitions of the same jobs and those schedules; the @schedules function becomes a
// plain function (the daemon runs schedules now, so the scheduler goes, and its dagster_cron import
// with the imports pass: imports.ts's madeUnusedEdits).
//
// Before:
//   @schedules(scheduler=SystemCronScheduler)
//   def define_schedules():
//       return [ScheduleDefinition(...)]
//   def define_repo():
//       return RepositoryDefinition(name="repo", pipeline_defs=[hello_pipeline])
// After:
//   def define_schedules():
//       return [ScheduleDefinition(...)]
//   def define_repo():
//       return Definitions(jobs=[hello_pipeline], schedules=define_schedules())
import type { Edit, SgNode } from '@ast-grep/napi';
import { layoutCall, nodePiece, type Piece, prefixed } from './format.ts';
import type { ModuleRewrite } from './module.ts';
import { argNamed, callArgs, calleeName, lineIndent } from './python-text.ts';

const RENAMED: Record<string, string> = { pipeline_defs: 'jobs', schedule_defs: 'schedules' };

export function earlyRepositoryEdits(r: ModuleRewrite): Edit[] {
  const edits: Edit[] = [];
  if (!/\bschedules\b|RepositoryDefinition/.test(r.source)) return edits;
  // @schedules(...) functions: the decorator goes (and what only it used).
  const scheduleFns: string[] = [];
  const removed: SgNode[] = [];
  for (const decorated of r.root.children().filter((c) => c.kind() === 'decorated_definition')) {
    const decorator = decorated
      .children()
      .find((c) => c.kind() === 'decorator' && calleeName(c.children().find((x) => x.isNamed())!) === 'schedules');
    const fn = decorated.field('definition');
    if (!decorator || fn?.kind() !== 'function_definition') continue;
    scheduleFns.push(fn.field('name')!.text());
    removed.push(decorator);
    edits.push({
      startPos: decorator.range().start.index,
      endPos: decorator.range().end.index + 1,
      insertedText: '',
    } as Edit);
  }
  let used = false;
  for (const call of r.root.findAll({
    rule: { kind: 'call', has: { field: 'function', regex: '^(\\w+\\.)?RepositoryDefinition$' } },
  })) {
    const args = callArgs(call);
    if (!argNamed(args, 'pipeline_defs') || args.some((a) => !a.name || (a.name !== 'name' && !RENAMED[a.name])))
      continue;
    const pieces: Piece[] = args
      .filter((a) => a.name !== 'name')
      .map((a) => prefixed(`${RENAMED[a.name!]}=`, nodePiece(a.value, r.source, r.style)));
    if (!argNamed(args, 'schedule_defs') && scheduleFns.length === 1) {
      pieces.push(`schedules=${scheduleFns[0]}()`);
      used = true;
    }
    edits.push(
      call.replace(
        layoutCall(`${r.ns}Definitions`, pieces, lineIndent(r.source, call), r.style, '', call.range().start.column),
      ),
    );
  }
  if (!used)
    for (const d of removed)
      r.todos.add(
        d.parent()!,
        'schedules',
        `the daemon runs schedules now: list the ones ${d.parent()!.field('definition')!.field('name')!.text()}() returns in Definitions(schedules=[...])`,
      );
  return edits;
}
