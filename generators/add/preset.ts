// `pipeline add preset`: its questions and its edits. In a pipeline of conventions v5, the preset is
// a module of its own in added_presets/, which presets.py gathers (the first preset added makes the
// package and that edit: the same bytes on every branch), so that two branches that each add one
// merge without a conflict. Before v5, or where presets.py is no longer the generated one, one
// Preset(...) is appended to presets.py and, when the README's jobs table is the generated one, a
// row per graph for the new jobs.

import { InputError } from '../../src/errors.ts';
import { type AnswersOf, defineQuestions } from '../../src/options/question.ts';
import { type Literal, pyBlock } from '../../src/render/literals.ts';
import { renderString } from '../../src/render/templates.ts';
import { plural, possessive } from '../../src/text.ts';
import type { FileTree } from '../../src/tree/file-tree.ts';
import { editPython } from '../../src/upgrade/engines/python.ts';
import { appendToList, listOfCalls } from '../../src/upgrade/engines/python-lists.ts';
import { checkText } from '../../src/validate/index.ts';
import { checkDagsterName, checkModuleName } from '../../src/validate/names.ts';
import { ADDED_PRESETS } from '../pipeline/files.ts';
import { type AddedPackage, placeInPackage, writeInPackage } from './added-package.ts';
import { type AddContext, deploymentRunning, pipelineModes, platformModes } from './context.ts';
import { missingRequired, runConfigProblem } from './graph-ops.ts';
import { appendAtEnd } from './layout.ts';
import { withJobRows } from './readme.ts';

const PRESET = '{{> preset-call}}';

export const PRESET_QUESTIONS = defineQuestions<AddContext>()
  .ask({
    key: 'mode',
    flag: 'mode',
    kind: 'select',
    valueName: 'mode',
    help: "The mode it runs in: one a deployment of the platform allows and the pipeline's deployments load",
    message: 'Which mode?',
    choices: (ctx) => pipelineModes(ctx).map((m) => ({ value: m })),
    default: () => {
      throw new InputError('--mode is required without a terminal; pass --mode dev (or another mode of platform.yaml)');
    },
    parse: (raw, ctx) => {
      const mode = raw.trim();
      if (!platformModes(ctx).includes(mode))
        throw new InputError(
          `--mode ${mode} is not a mode any deployment of platform.yaml allows (${platformModes(ctx).join(', ')})`,
        );
      if (!pipelineModes(ctx).includes(mode))
        throw new InputError(
          `--mode ${mode}: none of ${possessive(ctx.pipeline)} deployments (${ctx.deployments.join(', ')}) loads mode ${mode}, so its jobs would never appear; use ${pipelineModes(ctx).join(', ')}, or release it to a deployment that runs ${mode} first (pipeline add deployment --pipeline ${ctx.pipeline} --name ${deploymentRunning(ctx, mode)})`,
        );
      if (ctx.modes.length && !ctx.modes.includes(mode))
        throw new InputError(
          `--mode ${mode}: modes.py of ${ctx.pipeline} has no mode ${mode} yet; run pipeline add mode --name ${mode} first`,
        );
      return mode;
    },
  })
  .ask({
    key: 'name',
    flag: 'name',
    kind: 'text',
    valueName: 'name',
    help: 'Preset name, unique in the pipeline; its jobs are named <graph>_<name>',
    message: 'Preset name:',
    default: () => {
      throw new InputError(
        '--name is required without a terminal; pass --name dev_sample (letters, digits, underscores)',
      );
    },
    parse: (raw, ctx) => {
      const name = checkModuleName(checkDagsterName(raw, '--name'), '--name');
      if (ctx.presets.some((p) => p.name === name))
        throw new InputError(`--name ${name}: ${ctx.pipeline} already has a preset named ${name}; pick another name`);
      // Graph billing_prod with preset full, and graph billing with preset prod_full: both jobs
      // would be billing_prod_full, and the later one would replace the other in JOBS unseen.
      for (const graph of ctx.graphs)
        for (const other of ctx.graphs)
          for (const preset of ctx.presets)
            if (`${graph}_${name}` === `${other}_${preset.name}`)
              throw new InputError(
                `--name ${name}: graph ${possessive(graph)} job ${graph}_${name} would have the name of graph ${possessive(other)} job with preset ${preset.name}, and one would replace the other; pick another name`,
              );
      return name;
    },
  })
  .ask({
    key: 'description',
    flag: 'description',
    kind: 'text',
    valueName: 'text',
    help: 'One line on what it runs (default: "<name>, in <mode> mode.")',
    message: 'Describe the preset:',
    default: (_ctx, a) => `${a.name}, in ${a.mode} mode.`,
    parse: (raw, _ctx, a) => checkText(raw.trim() || `${a.name}, in ${a.mode} mode.`, '--description', 500),
  })
  .ask({
    key: 'runConfig',
    flag: 'run-config',
    kind: 'text',
    valueName: 'json',
    help: 'Run config per graph, as a JSON object (default: a copy of a preset of the same mode, else of the local one, with a TODO)',
    message: 'Run config (JSON, empty for a copy of an existing preset):',
    default: () => null,
    show: () => '',
    parse: (raw, ctx) => {
      if (raw.trim() === '') return null;
      let value: Literal;
      try {
        value = JSON.parse(raw, (_key, v) => {
          // JSON's numbers are doubles: an integer past 2^53 comes back as another one.
          if (typeof v === 'number' && Number.isInteger(v) && !Number.isSafeInteger(v))
            throw new InputError(
              `--run-config has an integer past 2^53 (about ${v.toExponential(3)}), which JSON numbers do not keep exactly; pass it as a string ("...") and convert it in the op`,
            );
          return v;
        });
      } catch (error) {
        if (error instanceof InputError) throw error;
        throw new InputError(
          `--run-config is not JSON (${(error as Error).message}); pass an object such as '{"orders": {"ops": {}}}'`,
        );
      }
      if (value === null || typeof value !== 'object' || Array.isArray(value))
        throw new InputError(
          '--run-config must be a JSON object of run config per graph, such as \'{"orders": {"ops": {}}}\'',
        );
      // A job takes its graph's entry only (Preset.config_for): any other key would be dropped unseen.
      const unknown = Object.keys(value).find((graph) => !ctx.graphs.includes(graph));
      if (unknown !== undefined)
        throw new InputError(
          `--run-config names the graph ${JSON.stringify(unknown)}, which the pipeline does not have; use one of: ${ctx.graphs.join(', ')}`,
        );
      // Dagster checks each job's run config when the code location loads: a mistake here loaded nowhere.
      for (const [graph, config] of Object.entries(value)) {
        const problem = ctx.graphOps[graph] && runConfigProblem(graph, config, ctx.graphOps[graph]);
        if (problem) throw new InputError(`--run-config: ${problem}`);
      }
      // Every job of the preset is built with it: a field without a default must be given.
      for (const [graph, ops] of Object.entries(ctx.graphOps)) {
        const missing = missingRequired(graph, value[graph], ops);
        if (missing) throw new InputError(`--run-config: ${missing}`);
      }
      return value;
    },
  });

/**
 * The run_config text, relative to the Preset( line's column: the JSON given, else a copy of a
 * preset of the same mode, else of the local one (marked TODO).
 */
function runConfigOf(
  ctx: AddContext,
  answers: AnswersOf<typeof PRESET_QUESTIONS>,
  column: number,
): { runConfig: string; todo: boolean; source?: string; sourceMode?: string } {
  if (answers.runConfig)
    return { runConfig: pyBlock(answers.runConfig, 4, 100 - column, 'run_config='.length), todo: false };
  // A platform's own mode is like a built-in one (recorded by pipeline add mode): its presets are a good start.
  const like = (ctx.answers.modes as Record<string, string> | undefined)?.[answers.mode];
  const same =
    ctx.presets.find((p) => p.mode === answers.mode && p.runConfig) ??
    ctx.presets.find((p) => p.mode === like && p.runConfig);
  const source =
    same ?? ctx.presets.find((p) => p.mode === 'local' && p.runConfig) ?? ctx.presets.find((p) => p.runConfig);
  if (!source) return { runConfig: '{}', todo: true, source: '(none)', sourceMode: '-' };
  const pad = ' '.repeat(source.column);
  const text = source
    .runConfig!.split('\n')
    .map((line, i) => (i > 0 && line.startsWith(pad) ? line.slice(pad.length) : line))
    .join('\n');
  return { runConfig: text, todo: !same, source: source.name, sourceMode: source.mode };
}

/** What presets.py gets, at its end, with the first preset of added_presets/. */
const GATHER = `
# Every preset \`pipeline add preset\` added: a module of its own in ${ADDED_PRESETS}/, so that two
# branches that each add one merge without a conflict.
PRESETS |= {preset.name: preset for preset in specs_in(${ADDED_PRESETS}, Preset)}
`;

/** presets.py's use of the package: added_presets in a call of specs_in. */
const SPECS_IN_PRESETS = {
  rule: {
    kind: 'identifier',
    regex: `^${ADDED_PRESETS}$`,
    inside: { kind: 'call', has: { field: 'function', regex: '^specs_in$' }, stopBy: 'end' },
  },
};

/**
 * Makes presets.py gather the presets of added_presets/ (with the first preset added there): its
 * one import of the package's own becomes two, and GATHER goes at its end. The same edit on every
 * branch, so two branches that each make it merge. Only a presets.py that still imports as the
 * generated one does (`from .deployments import Preset`, nothing else of the package's own) and
 * assigns PRESETS takes it, so that ruff's import order holds; returns whether it did.
 */
async function gatherAddedPresets(tree: FileTree, path: string): Promise<boolean> {
  let gathered = false;
  await editPython(tree, path, (root) => {
    const statements = root.children();
    const local = statements.filter(
      (n) => n.kind() === 'import_from_statement' && n.field('module_name')!.text().startsWith('.'),
    );
    const assigns = statements.some(
      (n) => n.kind() === 'expression_statement' && n.child(0)?.field('left')?.text() === 'PRESETS',
    );
    if (local.length !== 1 || local[0]!.text().replace(/\s+/g, ' ') !== 'from .deployments import Preset' || !assigns)
      return [];
    gathered = true;
    const { start, end } = local[0]!.range();
    return [
      {
        startPos: start.index,
        endPos: end.index,
        insertedText: `from . import ${ADDED_PRESETS}\nfrom .deployments import Preset, specs_in`,
      },
      appendAtEnd(root, GATHER),
    ];
  });
  return gathered;
}

/** added_presets/, which presets.py gathers. */
const PRESETS_PACKAGE: AddedPackage = {
  folder: ADDED_PRESETS,
  gatherer: 'presets.py',
  gather: gatherAddedPresets,
  loads: SPECS_IN_PRESETS,
  refusal: {
    does: 'gather',
    putBack: `line PRESETS |= {preset.name: preset for preset in specs_in(${ADDED_PRESETS}, Preset)}`,
  },
  init: 'pipeline/added-presets-init.py.hbs',
};

export async function addPreset(
  tree: FileTree,
  ctx: AddContext,
  answers: AnswersOf<typeof PRESET_QUESTIONS>,
): Promise<{ added: string[]; notes: string[] }> {
  const path = `${ctx.pkg}/presets.py`;
  if (!tree.exists(path)) throw new InputError(`${ctx.rel}/${path} does not exist; a pipeline keeps its presets there`);
  const placed = await placeInPackage(tree, ctx, PRESETS_PACKAGE, answers.name, 'preset');
  // The run config is laid out from the start of the line its Preset( is on.
  const column = placed ? 0 : (ctx.presets[0]?.column ?? 8);
  const data = { ...answers, ...runConfigOf(ctx, answers, column) };
  const note = placed && writeInPackage(tree, ctx, PRESETS_PACKAGE, placed, 'pipeline/added-preset.py.hbs', data);
  if (!placed)
    await appendToList(
      tree,
      path,
      'list of Preset(...)',
      (root) => listOfCalls(root, 'Preset'),
      renderString(PRESET, data),
    );
  const copied = data.todo
    ? `: run config copied from ${data.source}, marked TODO`
    : data.sourceMode && data.sourceMode !== answers.mode
      ? `: run config copied from ${data.source} (mode ${answers.mode} is like ${data.sourceMode})`
      : '';
  const added = [
    `preset ${answers.name} (mode ${answers.mode}${placed ? `, in ${ADDED_PRESETS}/${answers.name}.py` : ''})${copied}`,
  ];
  const jobs = ctx.graphs.map((g) => `${g}_${answers.name}`);
  added.push(`${plural(jobs.length, 'job')} ${jobs.join(', ') || '(no graph in jobs.py)'}`);
  if (note) return { added, notes: [note] };
  const notes: string[] = [];
  const readme = tree.read('README.md');
  const updated =
    readme === undefined
      ? undefined
      : withJobRows(
          readme,
          jobs.map((job) => ({ job, preset: answers.name, mode: answers.mode })),
        );
  if (updated) tree.write('README.md', updated);
  else notes.push('README.md left as it is: its jobs table is not the generated one; add the new jobs to it by hand');
  return { added, notes };
}
