// `pipeline add job`: its questions and its edits. In a pipeline of conventions v5, the graph and
// the op it calls (yours to write) are a module of their own in added_jobs/, and jobs.py makes one
// job per preset of each graph there (the first graph added makes the package and that edit of
// jobs.py: the same bytes on every branch), so that two branches that each add one merge without a
// conflict. Before v5, or where jobs.py already has a `from . import` or a JOBS that build_jobs does
// not make, the op is appended to ops.py, the graph inserted before JOBS in jobs.py (importing the
// op), JOBS extended with one job per preset of the new graph, and the README jobs table given
// their rows.
import type { Edit, SgNode } from '@ast-grep/napi';
import { InputError } from '../../src/errors.ts';
import { type AnswersOf, defineQuestions } from '../../src/options/question.ts';
import { renderString } from '../../src/render/templates.ts';
import { plural } from '../../src/text.ts';
import type { FileTree } from '../../src/tree/file-tree.ts';
import { editPython, parsePython } from '../../src/upgrade/engines/python.ts';
import { checkText } from '../../src/validate/index.ts';
import {
  checkModuleName,
  checkNotBuiltin,
  checkNotReservedByDagster,
  checkPythonIdentifier,
} from '../../src/validate/names.ts';
import { ADDED_JOBS } from '../pipeline/files.ts';
import { type AddedPackage, placeInPackage, writeInPackage } from './added-package.ts';
import type { AddContext } from './context.ts';
import { appendAtEnd, appendToDictFitting } from './layout.ts';
import { withJobRows } from './readme.ts';

const OP = '\n\n{{> job-op}}';

const GRAPH = '{{> job-graph}}';

export const JOB_QUESTIONS = defineQuestions<AddContext>()
  .ask({
    key: 'name',
    flag: 'name',
    kind: 'text',
    valueName: 'name',
    help: 'Name of the new graph; it becomes one job per preset, <name>_<preset>',
    message: 'Graph name:',
    default: () => {
      throw new InputError('--name is required without a terminal; pass --name cleanup (letters, digits, underscores)');
    },
    parse: (raw, ctx) => {
      const name = checkNotBuiltin(
        checkNotReservedByDagster(
          checkModuleName(checkPythonIdentifier(raw, '--name', 'a name for a graph and its Python function'), '--name'),
          '--name',
        ),
        '--name',
        'jobs.py',
      );
      if (ctx.graphs.includes(name))
        throw new InputError(
          `--name ${name}: the pipeline already has a graph named ${name} (in jobs.py or added_jobs/); pick another name`,
        );
      // Dagster names ops and graphs in one namespace: a graph named like an op does not load.
      for (const [file, names] of [
        ['ops.py', ctx.opsNames],
        ['jobs.py', ctx.jobsNames],
      ] as const) {
        if (names.includes(name))
          throw new InputError(
            `--name ${name}: ${file} already defines ${name}, and Dagster needs each op and graph name once; pick another name`,
          );
      }
      const taken = ctx.presets
        .map((p) => `${name}_${p.name}`)
        .find((job) => ctx.graphs.some((g) => ctx.presets.some((p) => `${g}_${p.name}` === job)));
      if (taken)
        throw new InputError(
          `--name ${name}: its job ${taken} would have the name of an existing job; pick another name`,
        );
      for (const [file, names, fn] of [
        ['jobs.py', ctx.jobsNames, `${name}_graph`],
        ['ops.py', ctx.opsNames, `${name}_step`],
      ] as const) {
        if (names.includes(fn))
          throw new InputError(`--name ${name}: ${file} already defines ${fn}; pick another name`);
      }
      return name;
    },
  })
  .ask({
    key: 'description',
    flag: 'description',
    kind: 'text',
    valueName: 'text',
    help: 'One line on what the job does (default: "<name>: not written yet.")',
    message: 'Describe the job:',
    default: (_ctx, a) => `${a.name}: not written yet.`,
    parse: (raw, _ctx, a) => checkText(raw.trim() || `${a.name}: not written yet.`, '--description', 500),
  });

const topLevel = (root: SgNode) => root.children();
const importFrom = (root: SgNode, module: string) =>
  topLevel(root).find((n) => n.kind() === 'import_from_statement' && n.field('module_name')?.text() === module);

/** The edits that import `name` from `module`: into its existing import, else a new line after the last import. */
export function importName(root: SgNode, module: string, name: string): Edit[] {
  const existing = importFrom(root, module);
  const moduleAt = existing?.field('module_name')?.range().start.index;
  const names =
    existing
      ?.children()
      .filter(
        (c) => c.range().start.index !== moduleAt && (c.kind() === 'dotted_name' || c.kind() === 'aliased_import'),
      ) ?? [];
  if (names.some((n) => n.text() === name)) return [];
  // Into its place when the names are sorted (as ruff's isort keeps them), else last.
  const texts = names.map((n) => n.text());
  const sorted = texts.every((t, i) => i === 0 || texts[i - 1]! <= t);
  const before = sorted ? names.find((n) => n.text() > name) : undefined;
  if (before)
    return [{ startPos: before.range().start.index, endPos: before.range().start.index, insertedText: `${name}, ` }];
  const last = names[names.length - 1];
  if (last) return [{ startPos: last.range().end.index, endPos: last.range().end.index, insertedText: `, ${name}` }];
  const at = afterImports(root);
  return [{ startPos: at, endPos: at, insertedText: `from ${module} import ${name}\n` }];
}

/** The line after the last top-level import (the file's start when it has none). */
function afterImports(root: SgNode): number {
  const imports = topLevel(root).filter((n) => n.kind() === 'import_statement' || n.kind() === 'import_from_statement');
  const last = imports[imports.length - 1];
  if (!last) return 0;
  const source = root.text();
  const end = source.indexOf('\n', last.range().end.index);
  return end < 0 ? source.length : end + 1;
}

/**
 * The edits that add the graph's jobs to JOBS: build_jobs(...) made a dict of both graphs' jobs,
 * or one more entry in the dict; and where JOBS's statement starts (the graph goes above it).
 */
function extendJobs(root: SgNode, graphFunction: string): { edits: Edit[]; statement: SgNode } | undefined {
  const statement = topLevel(root).find(
    (s) =>
      s.kind() === 'expression_statement' &&
      s.children()[0]?.kind() === 'assignment' &&
      s.children()[0]!.field('left')?.text() === 'JOBS',
  );
  const value = statement ? statement.children()[0]!.field('right') : undefined;
  if (!statement || !value) return undefined;
  const call =
    value.kind() === 'call'
      ? value
      : value.find({ rule: { kind: 'call', has: { field: 'function', regex: '^build_jobs$' } } });
  if (call?.field('function')?.text() !== 'build_jobs') return undefined;
  const args = call
    .field('arguments')!
    .children()
    .filter((c) => c.isNamed() && c.kind() !== 'comment');
  const entry = `**build_jobs(${[graphFunction, ...args.slice(1).map((a) => a.text())].join(', ')})`;
  if (value.kind() === 'call') {
    return {
      statement,
      edits: [
        {
          startPos: value.range().start.index,
          endPos: value.range().end.index,
          insertedText: `{\n    **${value.text()},\n    ${entry},\n}`,
        },
      ],
    };
  }
  if (value.kind() === 'dictionary') return { statement, edits: appendToDictFitting(value, entry) };
  return undefined;
}

/** The args after the graph of JOBS's first build_jobs(...) (`PRESETS, MODES`), when JOBS is what extendJobs extends. */
function buildJobsArgs(root: SgNode): string[] | undefined {
  const jobs = extendJobs(root, 'GRAPH');
  const call = jobs?.statement.find({ rule: { kind: 'call', has: { field: 'function', regex: '^build_jobs$' } } });
  const args = call
    ?.field('arguments')
    ?.children()
    .filter((c) => c.isNamed() && c.kind() !== 'comment');
  return args && args.length > 1 ? args.slice(1).map((a) => a.text()) : undefined;
}

/**
 * Makes jobs.py build the jobs of the graphs in added_jobs/ (with the first graph added there):
 * `from . import added_jobs` goes above the package's own imports, and a loop at its end adds the
 * jobs of each of the package's GRAPHS (its __init__.py gathers them) to JOBS. The same edit on
 * every branch, so two branches that each make it merge; and no line next to `from .modes import
 * MODES` changes, which the first `pipeline add resource` replaces on a branch of its own. Only a
 * jobs.py whose JOBS is what build_jobs made (a call, or a dict of them) and that has no
 * `from . import` yet takes it; returns whether it did.
 */
async function gatherAddedJobs(tree: FileTree, path: string): Promise<boolean> {
  let gathered = false;
  await editPython(tree, path, (root) => {
    const statements = topLevel(root);
    const local = statements.filter(
      (n) => n.kind() === 'import_from_statement' && n.field('module_name')!.text().startsWith('.'),
    );
    const args = buildJobsArgs(root);
    if (!args || local.length === 0 || local.some((n) => n.field('module_name')!.text() === '.')) return [];
    gathered = true;
    const first = local[0]!.range().start.index;
    return [
      { startPos: first, endPos: first, insertedText: `from . import ${ADDED_JOBS}\n` },
      appendAtEnd(
        root,
        `\n# Every graph \`pipeline add job\` added: a module of its own in ${ADDED_JOBS}/, one job per preset\n# each, so that two branches that each add one merge without a conflict.\nfor added_graph in ${ADDED_JOBS}.GRAPHS:\n    JOBS |= build_jobs(added_graph, ${args.join(', ')})\n`,
      ),
    ];
  });
  return gathered;
}

/** Whether ops.py imports TableStore, the type of the mode's store: the new op then takes it. */
async function takesStore(tree: FileTree, opsPath: string): Promise<boolean> {
  const root = (await parsePython(tree.read(opsPath) ?? '')).root();
  return topLevel(root).some(
    (n) =>
      n.kind() === 'import_from_statement' &&
      n.findAll({ rule: { kind: 'dotted_name', regex: '^TableStore$' } }).length > 0,
  );
}

/** added_jobs/, whose GRAPHS jobs.py builds the jobs of. */
const JOBS_PACKAGE: AddedPackage = {
  folder: ADDED_JOBS,
  gatherer: 'jobs.py',
  gather: gatherAddedJobs,
  loads: { rule: { kind: 'attribute', regex: `^${ADDED_JOBS}\\.GRAPHS$` } },
  refusal: { does: 'build the jobs of', putBack: `loop over ${ADDED_JOBS}.GRAPHS` },
  init: 'pipeline/added-jobs-init.py.hbs',
};

export async function addJob(
  tree: FileTree,
  ctx: AddContext,
  answers: AnswersOf<typeof JOB_QUESTIONS>,
): Promise<{ added: string[]; notes: string[] }> {
  const name = answers.name;
  const jobsPath = `${ctx.pkg}/jobs.py`;
  const opsPath = `${ctx.pkg}/ops.py`;
  for (const path of [jobsPath, opsPath])
    if (!tree.exists(path))
      throw new InputError(
        `${ctx.rel}/${path} does not exist; a pipeline keeps its graphs in jobs.py and their ops in ops.py`,
      );
  const data = { ...answers, op: `${name}_step`, graphFunction: `${name}_graph`, store: false };
  const jobs = ctx.presets.map((p) => ({ job: `${name}_${p.name}`, preset: p.name, mode: p.mode }));
  const jobsLine = `${plural(jobs.length, 'job')} ${jobs.map((j) => j.job).join(', ')}, one per preset`;
  const placed = await placeInPackage(tree, ctx, JOBS_PACKAGE, name, 'graph');
  // The op takes the mode's store when ops.py already imports its type.
  data.store = await takesStore(tree, opsPath);
  if (placed)
    return {
      added: [
        `graph ${name} (${data.graphFunction} and op ${data.op}, yours to write, in ${ADDED_JOBS}/${name}.py)`,
        jobsLine,
      ],
      notes: [writeInPackage(tree, ctx, JOBS_PACKAGE, placed, 'pipeline/added-job.py.hbs', data)],
    };
  await editPython(tree, opsPath, (root) => {
    const source = root.text();
    const dg = topLevel(root).some((n) => n.kind() === 'import_statement' && n.text() === 'import dagster as dg');
    const at = afterImports(root);
    return [
      ...(dg ? [] : [{ startPos: at, endPos: at, insertedText: 'import dagster as dg\n' }]),
      {
        startPos: source.length,
        endPos: source.length,
        insertedText: `${source.endsWith('\n') ? '' : '\n'}${renderString(OP, data)}`,
      },
    ];
  });
  let extended = true;
  await editPython(tree, jobsPath, (root) => {
    const jobs = extendJobs(root, data.graphFunction);
    if (!jobs) {
      extended = false;
      return [];
    }
    // Above JOBS and the comment lines that sit right on top of it.
    let top = jobs.statement;
    for (
      let prev = top.prev();
      prev?.kind() === 'comment' && prev.range().end.line === top.range().start.line - 1;
      prev = prev.prev()
    )
      top = prev;
    const at = top.range().start.index;
    return [
      ...importName(root, '.ops', data.op),
      { startPos: at, endPos: at, insertedText: renderString(GRAPH, data) },
      ...jobs.edits,
    ];
  });
  if (!extended)
    throw new InputError(
      `${jobsPath} has no JOBS = build_jobs(...) (or a dict of them) to extend; add the graph's jobs by hand`,
    );
  const notes: string[] = [];
  const readme = tree.read('README.md');
  const updated = readme === undefined ? undefined : withJobRows(readme, jobs);
  if (updated) tree.write('README.md', updated);
  else notes.push('README.md left as it is: its jobs table is not the generated one; add the new jobs to it by hand');
  return {
    added: [
      `graph ${name} (${data.graphFunction} in jobs.py, calling op ${data.op} in ops.py: yours to write)`,
      jobsLine,
    ],
    notes,
  };
}
