// `pipeline add sensor`: its questions and its edits to sensors.py: a SensorSpec appended to
// SENSORS, an evaluation function (yours to write: it starts by skipping, with a TODO) before
// EVALUATIONS, and its entry in EVALUATIONS.
import type { SgNode } from '@ast-grep/napi';
import { InputError } from '../../src/errors.ts';
import { type AnswersOf, defineQuestions } from '../../src/options/question.ts';
import { pyString } from '../../src/render/literals.ts';
import { renderString } from '../../src/render/templates.ts';
import type { FileTree } from '../../src/tree/file-tree.ts';
import { editPython } from '../../src/upgrade/engines/python.ts';
import { docstringEdit } from '../../src/upgrade/engines/python-docstring.ts';
import { assignedDict, statementOf } from '../../src/upgrade/engines/python-lists.ts';
import { checkNotBuiltin, checkPythonIdentifier } from '../../src/validate/names.ts';
import { ADDED } from '../pipeline/files.ts';
import { type AddContext, hasOwnModules } from './context.ts';
import { appendToDictFitting, fitCall } from './layout.ts';
import {
  appendTrigger,
  moduleTemplate,
  newTriggerName,
  ownModule,
  TRIGGER_DEPLOYMENTS,
  TRIGGER_GRAPH,
  TRIGGER_PRESET,
  upgradeNote,
} from './schedule.ts';

/** The item, exactly as the ingest template writes it: the same partial. */
const SENSOR_SPEC = '{{> sensor-spec}}';

/**
 * The newlines that make the lines before `at` (a line's start) end in two blank lines, as ruff
 * wants above a top-level function: none after an evaluation function an earlier run added.
 */
function twoBlankLinesBefore(text: string, at: number): string {
  let newlines = 0;
  while (newlines < 3 && at - newlines > 0 && text[at - newlines - 1] === '\n') newlines++;
  return '\n'.repeat(3 - newlines);
}

/** Names a sensor's module (added_sensors/<name>.py, or sensors.py) binds itself: no function may take one. */
const MODULE_NAMES = ['dg', 'Preset', 'SensorSpec', 'SENSOR', 'SENSORS', 'EVALUATIONS'];

/** The evaluation function (yours to write), laid out as ruff formats it. */
function evaluationFunction(evaluation: string, name: string, graph: string, file = 'sensors.py'): string {
  return [
    fitCall(
      `def ${evaluation}`,
      ['context: dg.SensorEvaluationContext', 'preset: Preset', 'resources'],
      ' -> dg.SensorResult:',
    ),
    renderString(
      `    """What sensor {{name}} launches: a dg.RunRequest per new thing, with preset.config_for({{py graph}})."""`,
      { name, graph },
    ),
    "    # TODO: find what is new (the resources of the preset's mode, context.cursor) and request runs.",
    fitCall(
      'return dg.SensorResult',
      [`skip_reason=${pyString(`not written yet: see ${evaluation} in ${file}`)}`],
      '',
      4,
    ),
    '',
    '',
    '',
  ].join('\n');
}

export const SENSOR_QUESTIONS = defineQuestions<AddContext>()
  .ask(TRIGGER_PRESET)
  .ask({
    key: 'name',
    flag: 'name',
    kind: 'text',
    valueName: 'name',
    help: 'Sensor name, unique in the pipeline (default: <pipeline>_<preset>_sensor)',
    message: 'Sensor name:',
    default: (ctx, a) => {
      let name = `${ctx.pipeline}_${a.preset}_sensor`;
      for (let i = 2; ctx.sensors.includes(name) || ctx.schedules.includes(name); i++)
        name = `${ctx.pipeline}_${a.preset}_sensor_${i}`;
      return name;
    },
    parse: (raw, ctx) => newTriggerName(ctx, raw),
  })
  .ask(TRIGGER_GRAPH)
  .ask({
    key: 'evaluation',
    flag: 'evaluation',
    kind: 'text',
    valueName: 'function',
    help: 'Name of its evaluation function, in its own module (sensors.py before conventions v5), which you then write (default: <name>_evaluation)',
    message: 'Evaluation function:',
    default: (ctx, a) => {
      const name = `${a.name}_evaluation`;
      if (ctx.sensorNames.includes(name))
        throw new InputError(
          `sensors.py or ${ADDED.sensor}/ already defines ${name}; pass --evaluation with a new function name`,
        );
      return name;
    },
    parse: (raw, ctx, a) => {
      const name = checkNotBuiltin(
        checkPythonIdentifier(raw, '--evaluation', 'a Python function name'),
        '--evaluation',
        hasOwnModules(ctx) ? `${ADDED.sensor}/${a.name}.py` : 'sensors.py',
      );
      if (ctx.sensorNames.includes(name))
        throw new InputError(
          `--evaluation ${name}: sensors.py or ${ADDED.sensor}/ already defines ${name}; pick another function name`,
        );
      if (MODULE_NAMES.includes(name))
        throw new InputError(
          `--evaluation ${name}: the sensor's module binds ${name} itself (${MODULE_NAMES.join(', ')}), which the function would replace; pick another function name`,
        );
      return name;
    },
  })
  .ask({
    key: 'interval',
    flag: 'interval',
    kind: 'number',
    valueName: 'seconds',
    help: 'Minimum seconds between evaluations (default 60)',
    message: 'Minimum seconds between evaluations:',
    default: () => 60,
    parse: (raw) => {
      if (!/^\s*\d+\s*$/.test(raw) || Number(raw) < 1 || Number(raw) > 86_400)
        throw new InputError(`--interval ${JSON.stringify(raw)} is not a whole number of seconds from 1 to 86400`);
      return Number(raw);
    },
  })
  .ask(TRIGGER_DEPLOYMENTS);

/** `import dagster as dg` and Preset, for the evaluation's signature, when sensors.py lacks them. */
function missingImports(root: SgNode): { dg?: string; preset?: string } {
  const text = root
    .findAll({ rule: { any: [{ kind: 'import_statement' }, { kind: 'import_from_statement' }] } })
    .map((n) => n.text());
  return {
    dg: text.some((t) => /^import dagster as dg\b/m.test(t)) ? undefined : 'import dagster as dg\n',
    preset: text.some((t) => /^from \.deployments import [\s\S]*\bPreset\b/.test(t))
      ? undefined
      : 'from .deployments import Preset',
  };
}

/** isort's order of imported names (ruff's default): CONSTANTS, then Classes, then the rest. */
const memberKey = (name: string) =>
  `${/^[A-Z0-9_]+$/.test(name) && name.length > 1 ? 0 : /^[A-Z]/.test(name) ? 1 : 2}${name}`;
const inIsortOrder = (names: string[]) => names.every((n, i) => i === 0 || memberKey(names[i - 1]!) <= memberKey(n));

/**
 * Preset added to sensors.py's own `from .deployments import ...` when its names are in isort's
 * order (as generated), so that ruff's import sorting still holds; else undefined (a line of its own).
 */
function presetIntoImport(imports: SgNode[]): { startPos: number; endPos: number; insertedText: string }[] | undefined {
  const own = imports.find(
    (n) => n.kind() === 'import_from_statement' && n.field('module_name')?.text() === '.deployments',
  );
  if (!own || own.text().includes('(') || own.text().includes('\\')) return undefined;
  const module = own.field('module_name')!.range().start.index;
  const names = own
    .children()
    .filter((n) => n.kind() === 'dotted_name' && n.range().start.index !== module)
    .map((n) => n.text());
  if (names.length === 0 || !inIsortOrder(names) || own.findAll({ rule: { kind: 'aliased_import' } }).length)
    return undefined;
  const sorted = [...names, 'Preset'].sort((a, b) => (memberKey(a) < memberKey(b) ? -1 : 1));
  return [
    {
      startPos: own.range().start.index,
      endPos: own.range().end.index,
      insertedText: `from .deployments import ${sorted.join(', ')}`,
    },
  ];
}

/** What the generated sensors.py's docstring says until the pipeline has a sensor. */
const NONE_YET = 'This pipeline has none yet. ';

function afterLine(
  source: string,
  index: number,
  insertedText: string,
): { startPos: number; endPos: number; insertedText: string } {
  const end = source.indexOf('\n', index);
  const at = end < 0 ? source.length : end + 1;
  return { startPos: at, endPos: at, insertedText: end < 0 ? `\n${insertedText}` : insertedText };
}

/**
 * The sensor as a module of its own, added_sensors/<name>.py, with its evaluation function
 * (conventions v5); in a pipeline of earlier conventions, three edits to sensors.py (below), with a
 * note on the upgrade that changes that. Returns what it added, and the notes.
 */
export async function addSensor(
  tree: FileTree,
  ctx: AddContext,
  answers: AnswersOf<typeof SENSOR_QUESTIONS>,
): Promise<{ added: string[]; notes: string[] }> {
  const what = `sensor ${answers.name} (preset ${answers.preset}, every ${answers.interval}s) in ${answers.deployments.join(', ')}`;
  const own = await ownModule(tree, ctx, 'sensor', answers);
  if (!own) {
    await addToSensorsPy(tree, ctx, answers);
    return { added: [`${what}; write ${answers.evaluation} in sensors.py`], notes: [upgradeNote(ctx, 'sensor')] };
  }
  const file = `${ADDED.sensor}/${answers.name}.py`;
  tree.write(
    own,
    renderString(moduleTemplate('sensor'), {
      ...answers,
      intervalSeconds: answers.interval,
      evaluationFunction: evaluationFunction(answers.evaluation, answers.name, answers.graph, file).trimEnd(),
    }),
  );
  // sensors.py's docstring no longer says the pipeline has none (two branches make the same edit).
  await editPython(tree, `${ctx.pkg}/sensors.py`, (root) => docstringEdit(root, NONE_YET, ''));
  return { added: [`${what}: ${file}; write ${answers.evaluation} there`], notes: [] };
}

/** SENSORS gets the spec, EVALUATIONS the function, defined just above it (before conventions v5). */
async function addToSensorsPy(
  tree: FileTree,
  ctx: AddContext,
  answers: AnswersOf<typeof SENSOR_QUESTIONS>,
): Promise<void> {
  const path = await appendTrigger(
    tree,
    ctx,
    'sensor',
    answers,
    renderString(SENSOR_SPEC, { ...answers, intervalSeconds: answers.interval }),
  );
  let found = false;
  await editPython(tree, path, (root) => {
    const dict = assignedDict(root, 'EVALUATIONS');
    if (!dict) return [];
    found = true;
    const statement = statementOf(dict);
    const at = statement.range().start.index;
    const imports = root
      .findAll({ rule: { any: [{ kind: 'import_statement' }, { kind: 'import_from_statement' }] } })
      .filter((n) => n.parent()?.kind() === 'module');
    const lastImport = imports[imports.length - 1];
    const { dg, preset } = missingImports(root);
    // `import dagster as dg` above the package's own imports, Preset after the last import.
    const firstLocal = imports.find((n) => /^from \./.test(n.text())) ?? imports[0];
    const lineStart = (n: SgNode) => n.range().start.index - n.range().start.column;
    return [
      // The docstring no longer says the pipeline has none.
      ...docstringEdit(root, NONE_YET, ''),
      ...(dg && firstLocal
        ? [{ startPos: lineStart(firstLocal), endPos: lineStart(firstLocal), insertedText: `${dg}\n` }]
        : []),
      // After the last import's line (and the comment that may end it), never inside it.
      ...(preset && lastImport
        ? (presetIntoImport(imports) ?? [afterLine(root.text(), lastImport.range().end.index, `${preset}\n`)])
        : []),
      {
        startPos: at,
        endPos: at,
        insertedText: `${
          !lastImport
            ? [dg, preset]
                .filter(Boolean)
                .map((l) => `${l}\n`)
                .join('')
            : ''
        }${twoBlankLinesBefore(root.text(), at)}${evaluationFunction(answers.evaluation, answers.name, answers.graph)}`,
      },
      ...appendToDictFitting(dict, `${JSON.stringify(answers.evaluation)}: ${answers.evaluation}`),
    ];
  });
  if (!found)
    throw new InputError(
      `${path} has no EVALUATIONS dict to register the evaluation in; add it by hand, or restore that dict`,
    );
}
