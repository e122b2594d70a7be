// `pipeline add schedule`: its questions (flag, prompt, default, validation, help in one place)
// and its edit: one ScheduleSpec(...) in a module of its own, added_schedules/<name>.py (before
// conventions v5: appended to SCHEDULES in schedules.py).

import { InputError } from '../../src/errors.ts';
import { type AnswersOf, defineQuestion, defineQuestions, splitList } from '../../src/options/question.ts';
import { renderString, templateText } from '../../src/render/templates.ts';
import type { FileTree } from '../../src/tree/file-tree.ts';
import { parsePython } from '../../src/upgrade/engines/python.ts';
import { appendToList, assignedList } from '../../src/upgrade/engines/python-lists.ts';
import { checkCron, checkDeployments, checkTimezone } from '../../src/validate/index.ts';
import { checkDagsterName, checkModuleName, checkNotReservedByDagster } from '../../src/validate/names.ts';
import { ADDED } from '../pipeline/files.ts';
import { type AddContext, hasOwnModules } from './context.ts';

/** The item, exactly as the pipeline template writes it: the same partial. */
const SCHEDULE_SPEC = '{{> schedule-spec}}';

export const modeOf = (ctx: AddContext, preset: string) => ctx.presets.find((p) => p.name === preset)!.mode;

/** Deployments of the pipeline that run a daemon and whose modes allow `mode`. */
export const daemonDeploymentsFor = (ctx: AddContext, mode: string) =>
  ctx.platform.deployments
    .filter((d) => d.daemon && ctx.deployments.includes(d.name) && (d.modes as string[]).includes(mode))
    .map((d) => d.name);

/**
 * `raw` as the name of a new schedule or sensor: Dagster loads schedules and sensors under one
 * namespace, so it must be new to schedules.py and to sensors.py.
 */
export function newTriggerName(ctx: AddContext, raw: string): string {
  const name = checkModuleName(checkNotReservedByDagster(checkDagsterName(raw, '--name'), '--name'), '--name');
  for (const [file, kind, names] of [
    [`schedules.py or ${ADDED.schedule}/`, 'schedule', ctx.schedules],
    [`sensors.py or ${ADDED.sensor}/`, 'sensor', ctx.sensors],
  ] as const) {
    if (names.includes(name))
      throw new InputError(`--name ${name}: ${file} already has a ${kind} named ${name}; pick another name`);
  }
  return name;
}

/** The preset a schedule or sensor launches. */
export const TRIGGER_PRESET = defineQuestion<AddContext>()({
  key: 'preset',
  flag: 'preset',
  kind: 'select',
  valueName: 'preset',
  help: "The preset it launches, one of the pipeline's (default: its prod preset, else presets.py's first)",
  message: 'Which preset does it launch?',
  choices: (ctx) => ctx.presets.map((p) => ({ value: p.name, description: `mode ${p.mode}` })),
  default: (ctx) => {
    const preset =
      ctx.presets.find((p) => p.mode === 'prod' && daemonDeploymentsFor(ctx, p.mode).length > 0) ??
      ctx.presets.find((p) => daemonDeploymentsFor(ctx, p.mode).length > 0);
    if (!preset)
      throw new InputError(
        `no preset of ${ctx.pipeline} has a mode that a deployment with a daemon allows; add one with pipeline add preset`,
      );
    return preset.name;
  },
  parse: (raw, ctx) => {
    const name = raw.trim();
    if (!ctx.presets.some((p) => p.name === name))
      throw new InputError(
        `--preset ${name} is not a preset of ${ctx.pipeline} (it has: ${ctx.presets.map((p) => p.name).join(', ') || 'none'}); add it first with pipeline add preset`,
      );
    return name;
  },
});

/** The graph whose job a schedule or sensor launches. */
export const TRIGGER_GRAPH = defineQuestion<AddContext>()({
  key: 'graph',
  flag: 'graph',
  kind: 'select',
  valueName: 'graph',
  help: "The graph whose job it launches, one of the pipeline's (default: jobs.py's first)",
  message: 'Which graph?',
  choices: (ctx) => ctx.graphs.map((g) => ({ value: g })),
  default: (ctx) => {
    if (ctx.graphs[0]) return ctx.graphs[0];
    throw new InputError(
      ctx.graphsUnread.length
        ? `the @dg.graph of ${ctx.pipeline} is named by ${ctx.graphsUnread.join(', ')}, which pipeline add does not read; pass --graph with the name it gives`
        : `${ctx.pipeline} has no @dg.graph (in jobs.py or another module of its package); add one with pipeline add job`,
    );
  },
  parse: (raw, ctx) => {
    const name = raw.trim();
    // A graph whose name= this cannot read may be the one named: Dagster checks it at load.
    if (!ctx.graphs.includes(name) && !ctx.graphsUnread.length)
      throw new InputError(
        `--graph ${name} is not a graph of ${ctx.pipeline} (it has: ${ctx.graphs.join(', ') || 'none'})`,
      );
    return name;
  },
});

/** Where a schedule or sensor runs: deployments with a daemon whose modes allow the preset's mode. */
export const TRIGGER_DEPLOYMENTS = defineQuestion<AddContext, { preset: string }>()({
  key: 'deployments',
  flag: 'deployments',
  kind: 'list',
  valueName: 'a,b,...',
  help: "Where it runs (default: the pipeline's deployments with a daemon whose modes allow the preset's mode)",
  message: 'In which deployments?',
  choices: (ctx, a) => daemonDeploymentsFor(ctx, modeOf(ctx, a.preset)).map((d) => ({ value: d })),
  default: (ctx, a) => daemonDeploymentsFor(ctx, modeOf(ctx, a.preset)),
  parse: (raw, ctx, a) => checkScheduleDeployments(splitList(raw), ctx, a),
});

export const SCHEDULE_QUESTIONS = defineQuestions<AddContext>()
  .ask(TRIGGER_PRESET)
  .ask({
    key: 'name',
    flag: 'name',
    kind: 'text',
    valueName: 'name',
    help: 'Schedule name, unique in the pipeline (default: <pipeline>_<preset>)',
    message: 'Schedule name:',
    // Not a numbered name when it is taken: running the same command twice would schedule the
    // preset twice, silently.
    default: (ctx, a) => {
      const name = `${ctx.pipeline}_${a.preset}`;
      if (ctx.schedules.includes(name)) {
        // A name no schedule or sensor has (it said `_hourly`, whatever the cron, taken or not).
        let n = 2;
        while ([...ctx.schedules, ...ctx.sensors].includes(`${name}_${n}`)) n++;
        throw new InputError(
          `the pipeline already has a schedule ${name} (schedules.py or ${ADDED.schedule}/), of preset ${a.preset}; to add another one, give it a name of its own: --name ${name}_${n}`,
        );
      }
      return newTriggerName(ctx, name);
    },
    parse: (raw, ctx) => newTriggerName(ctx, raw),
  })
  .ask(TRIGGER_GRAPH)
  .ask({
    key: 'cron',
    flag: 'cron',
    kind: 'text',
    valueName: 'cron',
    help: "When it runs, a five-field cron expression such as '0 6 * * *' (required without a terminal)",
    message: 'Cron expression (minute hour day month weekday):',
    default: () => {
      throw new InputError(
        "--cron is required without a terminal; pass --cron '0 6 * * *' (minute hour day month weekday)",
      );
    },
    parse: (raw) => checkCron(raw, '--cron'),
  })
  .ask({
    key: 'timezone',
    flag: 'timezone',
    kind: 'text',
    valueName: 'tz',
    help: "IANA timezone of the cron (default: platform.yaml's default_timezone)",
    message: 'Timezone:',
    default: (ctx) => ctx.platform.defaultTimezone,
    parse: (raw) => checkTimezone(raw.trim(), '--timezone'),
  })
  .ask(TRIGGER_DEPLOYMENTS);

/** Each deployment must exist, release the pipeline, run a daemon and allow the preset's mode. */
export function checkScheduleDeployments(values: string[], ctx: AddContext, a: { preset: string }): string[] {
  const names = checkDeployments(
    values,
    ctx.platform.deployments.map((d) => d.name),
  );
  const preset = a.preset;
  const mode = modeOf(ctx, preset);
  for (const name of names) {
    const deployment = ctx.platform.deployments.find((d) => d.name === name)!;
    if (!ctx.deployments.includes(name))
      throw new InputError(
        `--deployments ${name}: ${ctx.pipeline} is not released to ${name} (its deployments: ${ctx.deployments.join(', ')})`,
      );
    if (!(deployment.modes as string[]).includes(mode))
      throw new InputError(
        `--deployments ${name}: ${name} allows modes ${deployment.modes.join(', ')}, not ${mode} (preset ${preset}), so it would never appear there; use ${daemonDeploymentsFor(ctx, mode).join(', ') || 'a preset of another mode'}`,
      );
    if (!deployment.daemon)
      throw new InputError(
        `--deployments ${name}: ${name} runs no daemon, so a schedule or sensor never runs there; use ${daemonDeploymentsFor(ctx, mode).join(', ') || 'a deployment with a daemon'}`,
      );
  }
  return names;
}

/** A schedule or sensor that no deployment would run is refused. */
function refuseNowhere(ctx: AddContext, answers: { preset: string; deployments: string[] }): void {
  if (!answers.deployments.length)
    throw new InputError(
      `no deployment of ${ctx.pipeline} runs a daemon and allows mode ${modeOf(ctx, answers.preset)}; pass another --preset`,
    );
}

/**
 * A schedule's or sensor's spec appended to its module's list (SCHEDULES in schedules.py, SENSORS
 * in sensors.py), once the pipeline has that module and a deployment that would run it. Returns the
 * module's path.
 */
export async function appendTrigger(
  tree: FileTree,
  ctx: AddContext,
  kind: 'schedule' | 'sensor',
  answers: { preset: string; deployments: string[] },
  spec: string,
): Promise<string> {
  const path = `${ctx.pkg}/${kind}s.py`;
  const list = `${kind.toUpperCase()}S`;
  if (!tree.exists(path))
    throw new InputError(`${ctx.rel}/${path} does not exist; a pipeline keeps its ${kind}s there`);
  refuseNowhere(ctx, answers);
  await appendToList(tree, path, `${list} list`, (root) => assignedList(root, list), spec);
  return path;
}

/** The module of one schedule or sensor (templates/pipeline/added-<kind>.py.hbs). */
export const moduleTemplate = (kind: keyof typeof ADDED): string => templateText(`pipeline/added-${kind}.py.hbs`);

/**
 * Where a schedule's or sensor's own module goes, added_<kind>s/<name>.py (from conventions v5:
 * two branches that each add one merge without a conflict), once the pipeline has that package
 * and a deployment would run it; undefined for a pipeline of earlier conventions, which gets the
 * spec appended to schedules.py or sensors.py instead.
 */
export async function ownModule(
  tree: FileTree,
  ctx: AddContext,
  kind: keyof typeof ADDED,
  answers: { name: string; preset: string; deployments: string[] },
): Promise<string | undefined> {
  if (!hasOwnModules(ctx)) return undefined;
  const folder = `${ctx.pkg}/${ADDED[kind]}`;
  if (!tree.exists(`${folder}/__init__.py`))
    throw new InputError(
      `${ctx.rel}/${folder}/__init__.py does not exist; a pipeline of conventions v${ctx.answers._conventions_version} keeps the ${kind}s pipeline add ${kind} adds there: restore it from git`,
    );
  // A definitions.py the v5 upgrade could not edit (its TODO says so) would not load the module.
  const definitions = tree.read(`${ctx.pkg}/definitions.py`);
  const loads =
    definitions !== undefined &&
    (await parsePython(definitions)).root().find({
      rule: {
        kind: 'identifier',
        regex: `^${ADDED[kind]}$`,
        inside: { kind: 'call', has: { field: 'function', regex: '^specs_in$' }, stopBy: 'end' },
      },
    });
  if (!loads)
    throw new InputError(
      `${ctx.rel}/${ctx.pkg}/definitions.py does not load ${ADDED[kind]}/, so the ${kind} would never load; make it load them as a new pipeline's definitions.py does (its TODO(pipeline upgrade) says how), then run again`,
    );
  refuseNowhere(ctx, answers);
  const path = `${folder}/${answers.name}.py`;
  if (tree.exists(path))
    throw new InputError(`--name ${answers.name}: ${ctx.rel}/${path} exists already; pick another name`);
  return path;
}

/** The note for a pipeline of earlier conventions, whose new schedule or sensor went into the shared module. */
export const upgradeNote = (ctx: AddContext, kind: keyof typeof ADDED): string =>
  `${ctx.pipeline} follows conventions v${Number(ctx.answers._conventions_version) || '?'}: npx pipeline upgrade --pipeline ${ctx.pipeline} makes each ${kind} pipeline add ${kind} adds a module of its own (${ADDED[kind]}/), so that two branches that each add one merge without a conflict`;

/**
 * The schedule as a module of its own, added_schedules/<name>.py (conventions v5); in a pipeline
 * of earlier conventions, appended to schedules.py's SCHEDULES, with a note on the upgrade that
 * changes that. Returns what it added, and the notes.
 */
export async function addSchedule(
  tree: FileTree,
  ctx: AddContext,
  answers: AnswersOf<typeof SCHEDULE_QUESTIONS>,
): Promise<{ added: string[]; notes: string[] }> {
  const what = `schedule ${answers.name} (preset ${answers.preset}, ${answers.cron} ${answers.timezone}) in ${answers.deployments.join(', ')}`;
  const path = await ownModule(tree, ctx, 'schedule', answers);
  if (!path) {
    await appendTrigger(tree, ctx, 'schedule', answers, renderString(SCHEDULE_SPEC, answers));
    return { added: [what], notes: [upgradeNote(ctx, 'schedule')] };
  }
  tree.write(path, renderString(moduleTemplate('schedule'), answers));
  return { added: [`${what}: ${ADDED.schedule}/${answers.name}.py`], notes: [] };
}
