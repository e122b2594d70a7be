// `pipeline add sensor`: its questions and its edits to sensors.py: a SensorSpec appended to
// SENSORS, an evaluation function (yours to write: it starts by skipping, with a TODO) before
// EVALUATIONS, and its entry in EVALUATIONS.
import type { SgNode } from '@ast-grep/napi';
import type { AddContext } from './context.ts';
import { checkDagsterName } from '../../src/validate/names.ts';
import { appendToDict, appendToList, assignedDict, assignedList, statementOf } from '../../src/upgrade/engines/python-lists.ts';
import { InputError } from '../../src/errors.ts';
import type { Answers, Question } from '../../src/options/question.ts';
import { renderString } from '../../src/render/templates.ts';
import { editPython } from '../../src/upgrade/engines/python.ts';
import type { FileTree } from '../../src/tree/file-tree.ts';
import { modeOf, SCHEDULE_QUESTIONS } from './schedule.ts';

/** The item, exactly as the ingest template writes it: the same partial. */
const SENSOR_SPEC = '{{> sensor-spec}}';

const EVALUATION = `
def {{evaluation}}(context: dg.SensorEvaluationContext, preset: Preset, resources) -> dg.SensorResult:
    """What sensor {{name}} launches: a dg.RunRequest per new thing, with preset.config_for({{py graph}})."""
    # TODO: find what is new (the resources of the preset's mode, context.cursor) and request runs.
    return dg.SensorResult(skip_reason="not written yet: see {{evaluation}} in sensors.py")


`;

const question = (key: string) => SCHEDULE_QUESTIONS.find((q) => q.key === key)!;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const SENSOR_QUESTIONS: Question<AddContext>[] = [
  question('preset'),
  {
    key: 'name',
    flag: 'name',
    kind: 'text',
    valueName: 'name',
    help: 'Sensor name, unique in the pipeline (default: <pipeline>_<preset>_sensor)',
    message: 'Sensor name:',
    default: (ctx, a) => {
      let name = `${ctx.pipeline}_${a.preset as string}_sensor`;
      for (let i = 2; ctx.sensors.includes(name); i++) name = `${ctx.pipeline}_${a.preset as string}_sensor_${i}`;
      return name;
    },
    parse: (raw, ctx) => {
      const name = checkDagsterName(raw, '--name');
      if (ctx.sensors.includes(name)) throw new InputError(`--name ${name}: sensors.py already has a sensor named ${name}; pick another name`);
      return name;
    },
  },
  question('graph'),
  {
    key: 'evaluation',
    flag: 'evaluation',
    kind: 'text',
    valueName: 'function',
    help: 'Name of its evaluation function in sensors.py, which you then write (default: <name>_evaluation)',
    message: 'Evaluation function:',
    default: (ctx, a) => {
      const name = `${a.name as string}_evaluation`;
      if (ctx.sensorNames.includes(name)) throw new InputError(`sensors.py already defines ${name}; pass --evaluation with a new function name`);
      return name;
    },
    parse: (raw, ctx) => {
      const name = raw.trim();
      if (!IDENTIFIER.test(name)) throw new InputError(`--evaluation ${JSON.stringify(raw)} is not a Python function name; use letters, digits and underscores, not starting with a digit`);
      if (ctx.sensorNames.includes(name)) throw new InputError(`--evaluation ${name}: sensors.py already defines ${name}; pick another function name`);
      return name;
    },
  },
  {
    key: 'interval',
    flag: 'interval',
    kind: 'number',
    valueName: 'seconds',
    help: 'Minimum seconds between evaluations (default 60)',
    message: 'Minimum seconds between evaluations:',
    default: () => 60,
    parse: (raw) => {
      if (!/^\s*\d+\s*$/.test(raw) || Number(raw) < 1 || Number(raw) > 86_400) throw new InputError(`--interval ${JSON.stringify(raw)} is not a whole number of seconds from 1 to 86400`);
      return Number(raw);
    },
  },
  question('deployments'),
];

/** `import dagster as dg` and Preset, for the evaluation's signature, when sensors.py lacks them. */
function missingImports(root: SgNode): { dg?: string; preset?: string } {
  const text = root.findAll({ rule: { any: [{ kind: 'import_statement' }, { kind: 'import_from_statement' }] } }).map((n) => n.text());
  return {
    dg: text.some((t) => /^import dagster as dg\b/m.test(t)) ? undefined : 'import dagster as dg\n',
    preset: text.some((t) => /^from \.deployments import [\s\S]*\bPreset\b/.test(t)) ? undefined : 'from .deployments import Preset',
  };
}

function afterLine(source: string, index: number, insertedText: string): { startPos: number; endPos: number; insertedText: string } {
  const end = source.indexOf('\n', index);
  const at = end < 0 ? source.length : end + 1;
  return { startPos: at, endPos: at, insertedText: end < 0 ? `\n${insertedText}` : insertedText };
}

export async function addSensor(tree: FileTree, ctx: AddContext, answers: Answers): Promise<string[]> {
  const path = `${ctx.pkg}/sensors.py`;
  if (!tree.exists(path)) throw new InputError(`${ctx.rel}/${path} does not exist; a pipeline keeps its sensors there`);
  if (!(answers.deployments as string[]).length) throw new InputError(`no deployment of ${ctx.pipeline} runs a daemon and allows mode ${modeOf(ctx, answers.preset as string)}; pass another --preset`);
  await appendToList(tree, path, 'SENSORS list', (root) => assignedList(root, 'SENSORS'), renderString(SENSOR_SPEC, { ...answers, intervalSeconds: answers.interval }));
  let found = false;
  await editPython(tree, path, (root) => {
    const dict = assignedDict(root, 'EVALUATIONS');
    if (!dict) return [];
    found = true;
    const statement = statementOf(dict);
    const at = statement.range().start.index;
    const imports = root.findAll({ rule: { any: [{ kind: 'import_statement' }, { kind: 'import_from_statement' }] } }).filter((n) => n.parent()?.kind() === 'module');
    const lastImport = imports[imports.length - 1];
    const { dg, preset } = missingImports(root);
    // `import dagster as dg` above the package's own imports, Preset after the last import.
    const firstLocal = imports.find((n) => /^from \./.test(n.text())) ?? imports[0];
    const lineStart = (n: SgNode) => n.range().start.index - n.range().start.column;
    return [
      ...(dg && firstLocal ? [{ startPos: lineStart(firstLocal), endPos: lineStart(firstLocal), insertedText: `${dg}\n` }] : []),
      // After the last import's line (and the comment that may end it), never inside it.
      ...(preset && lastImport ? [afterLine(root.text(), lastImport.range().end.index, `${preset}\n`)] : []),
      { startPos: at, endPos: at, insertedText: `${!lastImport ? [dg, preset].filter(Boolean).map((l) => `${l}\n`).join('') : ''}${renderString(EVALUATION, answers)}` },
      ...appendToDict(dict, `${JSON.stringify(answers.evaluation)}: ${answers.evaluation as string}`),
    ];
  });
  if (!found) throw new InputError(`${path} has no EVALUATIONS dict to register the evaluation in; add it by hand, or restore that dict`);
  return [`sensor ${answers.name as string} (preset ${answers.preset as string}, every ${answers.interval as number}s) in ${(answers.deployments as string[]).join(', ')}; write ${answers.evaluation as string} in sensors.py`];
}
