// CLI glue of `pipeline add`: flags and help (from the questions), then runAdd, then the report
// as text, a diff (--dry-run) or JSON.
import { resolve } from 'node:path';
import { CWD_FLAG, type GlobalFlag, HELP_FLAG, parseCommandArgs, renderHelp } from '../cli/args.ts';
import { canPrompt } from '../cli/edge.ts';
import { loadAddContext } from '../add/context.ts';
import { type AddKind, type AddReport, KINDS, QUESTIONS, runAdd } from '../add/run.ts';
import { EXIT, InputError } from '../errors.ts';

const FLAGS: GlobalFlag[] = [
  { flag: 'pipeline', type: 'string', valueName: 'name', help: 'The pipeline to add to (default: the one whose folder you are in)' },
  { flag: 'dry-run', type: 'boolean', help: 'Print the diff; write nothing' },
  { flag: 'json', type: 'boolean', help: 'Print the report as JSON' },
  CWD_FLAG,
  HELP_FLAG,
];

const INTRO: Record<AddKind | 'all', string[]> = {
  all: [
    'Adds a schedule, a preset or a sensor to an existing pipeline, as the generator would have written it:',
    'items appended to schedules.py, presets.py or sensors.py (an ast-grep edit: your code and comments stay',
    'as they are), checked against platform.yaml first. Flags answer the questions; with a terminal',
    'it asks the rest, without one it takes the defaults. A bad answer changes nothing (exit 2).',
    '',
    'Kinds:',
    '  schedule   a ScheduleSpec in schedules.py: launches one preset, in the deployments you name',
    '  preset     a Preset in presets.py (one job per graph) and its rows in the README jobs table',
    '  sensor     a SensorSpec in sensors.py and its evaluation function (yours to write; it skips until then)',
    '',
    'Examples:',
    '  npx pipeline add preset --name dev_sample --mode dev          # inside pipelines/orders/',
    "  npx pipeline add schedule --pipeline orders --preset dev_sample --cron '0 * * * *' --dry-run",
    '  npx pipeline add schedule --pipeline orders --preset prod_full --cron "30 2 * * 1" --json',
  ],
  schedule: [
    "Appends a ScheduleSpec to the pipeline's schedules.py. It launches one preset's job and loads only",
    "in the deployments you name, each of which must run a daemon and allow the preset's mode (a",
    'schedule for a dev preset never appears in prod).',
    '',
    'Examples:',
    "  npx pipeline add schedule --preset dev_full --cron '0 * * * *'        # inside pipelines/orders/",
    "  npx pipeline add schedule --pipeline orders --preset prod_full --cron '30 2 * * 1' --timezone Europe/Paris",
    "  npx pipeline add schedule --pipeline orders --preset dev_full --cron '0 7 * * *' --deployments dev --dry-run",
  ],
  sensor: [
    "Appends a SensorSpec to the pipeline's sensors.py, an evaluation function for you to write (until",
    'then it skips, with a TODO) and its entry in EVALUATIONS. It launches one preset\'s job, only in',
    "deployments that run a daemon and allow the preset's mode; it starts stopped outside prod.",
    '',
    'Examples:',
    '  npx pipeline add sensor --preset dev_full                             # inside pipelines/orders/',
    '  npx pipeline add sensor --pipeline orders --preset prod_full --name orders_new_files --interval 300',
    '  npx pipeline add sensor --pipeline orders --preset dev_full --evaluation new_files --dry-run',
  ],
  preset: [
    "Appends a Preset to the pipeline's presets.py: every graph gets a job <graph>_<name> in that mode,",
    "loaded where the deployment filter allows the mode. The run config is copied from a preset of the",
    'same mode (else from the local one, with a TODO) unless --run-config gives it.',
    '',
    'Examples:',
    '  npx pipeline add preset --name dev_sample --mode dev                   # inside pipelines/orders/',
    '  npx pipeline add preset --pipeline orders --name prod_backfill --mode prod --description "Backfills."',
    '  npx pipeline add preset --pipeline orders --name dev_small --mode dev --run-config \'{"orders": {}}\' --dry-run',
  ],
};

export const addHelp = (kind?: AddKind) =>
  renderHelp(
    kind ? `pipeline add ${kind} [options]      (inside pipelines/<name>/, or with --pipeline)` : `pipeline add <${KINDS.join('|')}> [options]`,
    INTRO[kind ?? 'all'].join('\n'),
    [...(kind ? [{ title: 'Questions', flags: QUESTIONS[kind] }] : KINDS.map((k) => ({ title: `Questions of ${k}`, flags: QUESTIONS[k] }))), { title: 'Options', flags: FLAGS }],
  );

export function renderAddReport(report: AddReport): string {
  const lines: string[] = [];
  if (report.dryRun) for (const file of report.files) lines.push(file.diff.trimEnd());
  const verb = report.dryRun ? 'would add' : 'added';
  for (const item of report.added) lines.push(`${verb} ${item}`);
  for (const file of report.files) lines.push(`  ${(report.dryRun ? `would ${file.change}` : file.change === 'create' ? 'created' : 'modified').padEnd(14)}${file.path}`);
  for (const note of report.notes) lines.push(`note: ${note}`);
  if (!report.dryRun) lines.push(`Next: cd ${`pipelines/${report.pipeline}`} && uv run pytest && uv run dg check defs`);
  return lines.join('\n');
}

export async function run(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h') {
    process.stdout.write(`${addHelp()}\n`);
    return first === undefined ? EXIT.usage : EXIT.ok;
  }
  if (!(KINDS as readonly string[]).includes(first)) throw new InputError(`pipeline add ${first}: not something pipeline add makes (it makes: ${KINDS.join(', ')}); see pipeline add --help`);
  const kind = first as AddKind;
  const { values, positionals } = parseCommandArgs(rest, QUESTIONS[kind] as never[], FLAGS, `pipeline add ${kind}`);
  if (values.help) {
    process.stdout.write(`${addHelp(kind)}\n`);
    return EXIT.ok;
  }
  if (positionals.length > 0) throw new InputError(`pipeline add ${kind} takes no arguments (got ${positionals.join(' ')}); pass answers as flags, see pipeline add ${kind} --help`);
  const cwd = resolve((values.cwd as string | undefined) ?? process.cwd());
  const ctx = await loadAddContext(cwd, values.pipeline as string | undefined);
  const flags = Object.fromEntries(QUESTIONS[kind].map((q) => [q.flag, values[q.flag] as string | undefined]));
  const report = await runAdd(kind, ctx, { flags, interactive: canPrompt() && !values.json, dryRun: values['dry-run'] === true });
  process.stdout.write(`${values.json ? JSON.stringify(report, null, 2) : renderAddReport(report)}\n`);
  return EXIT.ok;
}
