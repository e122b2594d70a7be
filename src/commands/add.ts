// CLI glue of `pipeline add`: flags and help (from the questions), then runAdd, then the report
// as text, a diff (--dry-run) or JSON.
import { join, relative, resolve, sep } from 'node:path';
import { loadAddContext } from '../add/context.ts';
import { findPlopfile, loadPlopfile, type PlopApi, plopQuestions } from '../add/plopfile.ts';
import { type AddKind, type AddReport, KINDS, QUESTIONS, runAdd, runCustom } from '../add/run.ts';
import { findPlatformRoot } from '../conventions/platform-config.ts';
import { EXIT, InputError } from '../errors.ts';
import { CWD_FLAG, type GlobalFlag, HELP_FLAG, parseCommandArgs, renderHelp } from '../options/flags.ts';
import { canPrompt } from '../options/terminal.ts';
import { print, printError } from '../output.ts';
import { recoverBeforeReading } from '../tree/transaction.ts';

const FLAGS: GlobalFlag[] = [
  {
    flag: 'pipeline',
    type: 'string',
    valueName: 'name',
    help: 'The pipeline to add to (default: the one whose folder you are in)',
  },
  { flag: 'dry-run', type: 'boolean', help: 'Print the diff; write nothing' },
  { flag: 'json', type: 'boolean', help: 'Print the report as JSON' },
  CWD_FLAG,
  HELP_FLAG,
];

const INTRO: Record<AddKind | 'all', string[]> = {
  all: [
    'Adds a schedule, preset, sensor, job, resource, mode or deployment to an existing pipeline, as the generator would',
    'have written it (ast-grep edits: your code and comments stay as they are), checked against',
    'platform.yaml first. Flags answer the questions; with a terminal it asks the rest, without one',
    'it takes the defaults. A bad answer changes nothing (exit 2).',
    '',
    'Kinds:',
    '  schedule   a ScheduleSpec in a module of its own (added_schedules/): launches one preset, where you name',
    '  preset     a Preset in a module of its own (added_presets/), gathered by presets.py: one job per graph',
    '  sensor     a SensorSpec and its evaluation function (yours to write) in a module of its own (added_sensors/)',
    '  job        a graph calling a new op (yours to write) in a module of its own (added_jobs/): one job per preset',
    '  resource   a typed resource read from the environment, bound to the modes you name (added_resources/)',
    "  mode       one of the platform's own modes (from platform.yaml) in modes.py, like local, dev or prod",
    '  deployment releases the pipeline to another deployment of platform.yaml (recorded, conventions.py rendered)',
    "  <yours>    a generator of the platform's own plopfile.mjs; `pipeline add --list` lists them all",
    '',
    'Examples:',
    '  npx pipeline add preset --name dev_sample --mode dev          # inside pipelines/orders/',
    "  npx pipeline add schedule --pipeline orders --preset dev_sample --cron '0 * * * *' --dry-run",
    "  npx pipeline add --list --json                                      # the built-in kinds and the platform's own",
  ],
  schedule: [
    'Writes a ScheduleSpec to a module of its own, added_schedules/<name>.py, which definitions.py loads',
    "next to schedules.py's SCHEDULES (two branches that each add one merge without a conflict; before",
    "conventions v5, appended to SCHEDULES). It launches one preset's job and loads only in the",
    "deployments you name, each of which must run a daemon and allow the preset's mode (a schedule for",
    'a dev preset never appears in prod).',
    '',
    'Examples:',
    "  npx pipeline add schedule --preset dev_full --cron '0 * * * *'        # inside pipelines/orders/",
    "  npx pipeline add schedule --pipeline orders --preset prod_full --cron '30 2 * * 1' --timezone Europe/Paris",
    "  npx pipeline add schedule --pipeline orders --preset dev_full --cron '0 7 * * *' --deployments dev --dry-run",
  ],
  sensor: [
    'Writes a SensorSpec and an evaluation function for you to write (until then it skips, with a TODO)',
    "to a module of their own, added_sensors/<name>.py, which definitions.py loads next to sensors.py's",
    '(two branches that each add one merge without a conflict; before conventions v5, three edits to',
    "sensors.py). It launches one preset's job, only in deployments that run a daemon and allow the",
    "preset's mode; it starts stopped outside prod.",
    '',
    'Examples:',
    '  npx pipeline add sensor --preset dev_full                             # inside pipelines/orders/',
    '  npx pipeline add sensor --pipeline orders --preset prod_full --name orders_new_files --interval 300',
    '  npx pipeline add sensor --pipeline orders --preset dev_full --evaluation new_files --dry-run',
  ],
  job: [
    'Adds a graph and the one new op it calls, <name>_step (yours to write: it logs until then), in a',
    'module of its own, added_jobs/<name>.py, and one job per preset of it (<name>_<preset>, each',
    'loaded where the deployment filter allows its mode). The first one has jobs.py build the jobs of',
    'added_jobs/ (the same edit on every branch, so two branches that each add one merge). Before',
    'conventions v5, or where jobs.py is not as the generator wrote it, the graph goes above JOBS in',
    'jobs.py, the op at the end of ops.py, and the README jobs table gets the rows.',
    '',
    'Examples:',
    '  npx pipeline add job --name cleanup                                  # inside pipelines/orders/',
    '  npx pipeline add job --pipeline orders --name refunds --description "Daily refunds per country."',
    '  npx pipeline add job --pipeline orders --name audit --dry-run',
  ],
  mode: [
    "Gives the pipeline one of the platform's own modes, beyond the built-in local, sandbox, dev and",
    'prod: declared under modes: in platform.yaml and listed in the modes of a deployment the pipeline',
    'is released to. Its resources are like those of a built-in mode: local files, or a bucket read from',
    "$PIPELINE_<MODE>_BUCKET. modes.py is platform-owned: the mode is recorded in the pipeline's answers",
    'and modes.py rendered again from them (a hand-edited modes.py is refused). Then add a preset for it.',
    '',
    'Examples:',
    '  npx pipeline add mode --pipeline orders --name staging --like prod',
    '  npx pipeline add preset --pipeline orders --name staging_full --mode staging',
    '  npx pipeline add mode --pipeline orders --name qa --like local --dry-run',
  ],
  deployment: [
    'Releases the pipeline to a deployment of platform.yaml it is not released to yet: one added to',
    'platform.yaml after the pipeline was made, or one it was made without (--deployments local,dev, then',
    "prod). The deployment is recorded in the pipeline's answers and its platform-owned files (conventions.py",
    'lists the deployments) rendered again from them; a hand-edited one is refused. Its jobs load there',
    "when a preset's mode is one the deployment allows; schedules and sensors run where they name.",
    '',
    'Examples:',
    '  npx pipeline add deployment --pipeline orders --name prod',
    '  npx pipeline add deployment --name uat --dry-run                      # inside pipelines/orders/',
    '  npx pipeline add deployment --pipeline billing --name uat --json',
  ],
  resource: [
    'Adds a typed resource (a dg.ConfigurableResource whose every field is read from the environment',
    'with dg.EnvVar: secrets never reach git) and binds it under its key in the jobs of the modes you',
    'name. Its class and binding are a module of their own, added_resources/<key>.py, which the',
    "pipeline's resources.py gathers (both made on first use; jobs.py then takes MODES from there), so",
    'two branches that each add one merge. An op uses it by taking a parameter named like the key,',
    'typed with its class (the note says where to import it from).',
    '',
    'Examples:',
    '  npx pipeline add resource --name warehouse --env url=WAREHOUSE_URL,password=WAREHOUSE_PASSWORD',
    '  npx pipeline add resource --pipeline orders --name slack --env token=SLACK_TOKEN --modes prod',
    '  npx pipeline add resource --pipeline orders --name search --class SearchClient --dry-run',
  ],
  preset: [
    'Writes a Preset to a module of its own, added_presets/<name>.py, which presets.py gathers (the first',
    'one makes that edit, the same on every branch, so two branches that each add one merge). Before',
    'conventions v5, or where presets.py imports more of its package, the Preset is appended to presets.py.',
    'Every graph gets a job <graph>_<name> in that mode, loaded where the deployment filter allows the',
    'mode. The run config is copied from a preset of the same mode (else from the local one, with a',
    'TODO) unless --run-config gives it.',
    '',
    'Examples:',
    '  npx pipeline add preset --name dev_sample --mode dev                   # inside pipelines/orders/',
    '  npx pipeline add preset --pipeline orders --name prod_backfill --mode prod --description "Backfills."',
    '  npx pipeline add preset --pipeline orders --name dev_small --mode dev --run-config \'{"orders": {}}\' --dry-run',
  ],
};

export const addHelp = (kind?: AddKind) =>
  renderHelp(
    kind
      ? `pipeline add ${kind} [options]      (inside pipelines/<name>/, or with --pipeline)`
      : `pipeline add <${KINDS.join('|')}> [options]`,
    INTRO[kind ?? 'all'].join('\n'),
    [
      ...(kind
        ? [{ title: 'Questions', flags: QUESTIONS[kind] }]
        : KINDS.map((k) => ({ title: `Questions of ${k}`, flags: QUESTIONS[k] }))),
      { title: 'Options', flags: FLAGS },
    ],
  );

/**
 * The report as text. `root`: the platform repo, so that the next step's `cd` is from where the
 * shell is (none inside the pipeline's folder).
 */
export function renderAddReport(report: AddReport, root?: string): string {
  const lines: string[] = [];
  if (report.dryRun) for (const file of report.files) lines.push(file.diff.replace(/\n$/, ''));
  const verb = report.dryRun ? 'would add' : 'added';
  for (const item of report.added) lines.push(`${verb} ${item}`);
  for (const file of report.files)
    lines.push(
      `  ${(report.dryRun ? `would ${file.change}` : file.change === 'create' ? 'created' : 'modified').padEnd(14)}${file.path}`,
    );
  for (const note of report.notes) lines.push(`note: ${note}`);
  if (!report.dryRun && report.pipeline) {
    const dir = root
      ? relative(process.cwd(), join(root, 'pipelines', report.pipeline))
      : `pipelines/${report.pipeline}`;
    lines.push(`Next: ${dir ? `cd ${dir.split(sep).join('/')} && ` : ''}uv run pytest && uv run dg check defs`);
  }
  return lines.join('\n');
}

/** One line per built-in kind, for --list. */
const KIND_SUMMARY: Record<AddKind, string> = {
  schedule: 'a ScheduleSpec in a module of its own (added_schedules/) that launches one preset, where you name',
  preset: 'a Preset in a module of its own (added_presets/), gathered by presets.py: one job per graph',
  sensor: 'a SensorSpec and its evaluation function in a module of its own (added_sensors/)',
  job: 'a graph calling a new op in a module of its own (added_jobs/): one job per preset',
  resource: 'a typed resource read from the environment, bound per mode (added_resources/)',
  mode: "one of the platform's own modes (platform.yaml), with resources like local, dev or prod",
  deployment: 'the pipeline released to another deployment of platform.yaml (answers and conventions.py)',
};

/** --cwd, read before the rest: the platform (and its plopfile) decide which flags exist. */
function cwdOf(argv: string[]): string {
  const at = argv.findIndex((a) => a === '--cwd' || a.startsWith('--cwd='));
  const value = at < 0 ? undefined : argv[at]!.startsWith('--cwd=') ? argv[at]!.slice(6) : argv[at + 1];
  return resolve(value ?? process.cwd());
}

async function customGenerators(
  cwd: string,
): Promise<{ root?: string; plop?: PlopApi; list: { name: string; description: string }[] }> {
  const root = findPlatformRoot(cwd);
  if (root) recoverBeforeReading(root);
  const plop = root ? await loadPlopfile(root) : undefined;
  return {
    root,
    plop,
    list: (plop?.getGeneratorList() ?? []).map((g) => ({ name: g.name, description: g.description ?? '' })),
  };
}

async function list(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    [],
    [{ flag: 'list', type: 'boolean', help: '' }, ...FLAGS],
    'pipeline add --list',
  );
  const { root, plop, list: custom } = await customGenerators(cwdOf(argv));
  const builtIn = KINDS.map((name) => ({ name, description: KIND_SUMMARY[name], source: 'built-in' }));
  const platform = custom.map((g) => ({ ...g, source: relative(root!, findPlopfile(root!)!) }));
  if (values.json) print(`${JSON.stringify([...builtIn, ...platform], null, 2)}\n`);
  else {
    const width = Math.max(...[...builtIn, ...platform].map((g) => g.name.length)) + 2;
    const lines = ['Built in:', ...builtIn.map((g) => `  ${g.name.padEnd(width)}${g.description}`)];
    if (plop)
      lines.push(
        '',
        `From the platform's ${platform[0]?.source ?? relative(root!, findPlopfile(root!)!)}:`,
        ...(platform.length ? platform.map((g) => `  ${g.name.padEnd(width)}${g.description}`) : ['  (no generators)']),
      );
    else
      lines.push(
        '',
        'No plopfile.mjs (or .js, .cjs) in the platform repo: a platform team adds its own generators there (see docs/add.md).',
      );
    print(`${lines.join('\n')}\n`);
  }
  return EXIT.ok;
}

async function runCustomGenerator(name: string, rest: string[], root: string, plop: PlopApi): Promise<number> {
  const generator = plop.getGenerator(name);
  const questions = plopQuestions(generator);
  const {
    values,
    questionFlags: flags,
    positionals,
  } = parseCommandArgs(rest, questions, FLAGS, `pipeline add ${name}`);
  if (values.help) {
    const intro = `${generator.description ?? name}\n\nA generator of the platform's ${relative(root, findPlopfile(root)!)}: its prompts are the questions below,\nits files are written in one transaction like the built-in kinds'.`;
    print(
      `${renderHelp(`pipeline add ${name} [options]`, intro, [
        { title: 'Questions', flags: questions },
        { title: 'Options', flags: FLAGS },
      ])}\n`,
    );
    return EXIT.ok;
  }
  if (positionals.length > 0)
    throw new InputError(
      `pipeline add ${name} takes no arguments (got ${positionals.join(' ')}); pass answers as flags, see pipeline add ${name} --help`,
    );
  const cwd = cwdOf(rest);
  const inPipeline =
    values.pipeline !== undefined ||
    relative(join(root, 'pipelines'), cwd)
      .split(sep)[0]!
      .match(/^(?!\.\.)\w/);
  const ctx = inPipeline ? await loadAddContext(cwd, values.pipeline as string | undefined) : undefined;
  const report = await runCustom(name, plop, root, ctx, {
    flags,
    interactive: canPrompt() && !values.json,
    dryRun: values['dry-run'] === true,
  });
  print(`${values.json ? JSON.stringify(report, null, 2) : renderAddReport(report, root)}\n`);
  return EXIT.ok;
}

export async function run(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  // Without a kind, the help is the usage error's message: stderr, exit 2.
  if (first === undefined) {
    printError(`${addHelp()}\n`);
    return EXIT.usage;
  }
  if (first === '--help' || first === '-h') {
    print(`${addHelp()}\n`);
    return EXIT.ok;
  }
  if (first === '--list' || first.startsWith('--')) return list(argv);
  if (!(KINDS as readonly string[]).includes(first)) {
    const { root, plop, list: custom } = await customGenerators(cwdOf(rest));
    if (plop && root && custom.some((g) => g.name === first)) return runCustomGenerator(first, rest, root, plop);
    const known = [...KINDS, ...custom.map((g) => g.name)];
    throw new InputError(
      `pipeline add ${first}: not something pipeline add makes (it makes: ${known.join(', ')}); see pipeline add --list`,
    );
  }
  const kind = first as AddKind;
  const {
    values,
    questionFlags: flags,
    positionals,
  } = parseCommandArgs(rest, QUESTIONS[kind], FLAGS, `pipeline add ${kind}`);
  if (values.help) {
    print(`${addHelp(kind)}\n`);
    return EXIT.ok;
  }
  if (positionals.length > 0)
    throw new InputError(
      `pipeline add ${kind} takes no arguments (got ${positionals.join(' ')}); pass answers as flags, see pipeline add ${kind} --help`,
    );
  const cwd = resolve((values.cwd as string | undefined) ?? process.cwd());
  const report = await runAdd(kind, () => loadAddContext(cwd, values.pipeline as string | undefined), {
    flags,
    interactive: canPrompt() && !values.json,
    dryRun: values['dry-run'] === true,
  });
  print(`${values.json ? JSON.stringify(report, null, 2) : renderAddReport(report, findPlatformRoot(cwd))}\n`);
  return EXIT.ok;
}
