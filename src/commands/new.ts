// CLI glue of `create-pipeline` and `pipeline new`: flags and help from the question definitions,
// then createPipeline, then the report as text or JSON.
import { PIPELINE_QUESTIONS } from '../../generators/pipeline/options.ts';
import { PLATFORM_QUESTIONS } from '../../generators/platform/options.ts';
import { createPipeline, renderReport, reportAsJson } from '../create/create.ts';
import { InputError } from '../errors.ts';
import { CWD_FLAG, type GlobalFlag, HELP_FLAG, parseCommandArgs, renderHelp } from '../options/flags.ts';
import { canPrompt } from '../options/terminal.ts';
import { print } from '../output.ts';
import { cliVersion } from '../paths.ts';

export const CREATE_FLAGS: GlobalFlag[] = [
  {
    flag: 'yes',
    short: 'y',
    type: 'boolean',
    help: 'Accept the default for every question not given as a flag (never prompt)',
  },
  {
    flag: 'platform',
    type: 'boolean',
    help: 'Create a new platform repo in the current folder (then a pipeline too, if --name is given)',
  },
  {
    flag: 'branch',
    type: 'boolean',
    negatable: true,
    help: 'Commit on a new branch pipeline/<name> (default: when the git tree is clean; never from another pipeline/* branch); --no-branch writes files only',
  },
  {
    flag: 'dry-run',
    type: 'boolean',
    help: 'Print the plan (files, branch, what each deployment loads) and write nothing',
  },
  { flag: 'json', type: 'boolean', help: 'Print the result as JSON on stdout (errors too: {"ok": false, ...})' },
  CWD_FLAG,
  HELP_FLAG,
  { flag: 'version', short: 'v', type: 'boolean', help: 'Print the version' },
];

export function createHelp(program = 'create-pipeline'): string {
  return renderHelp(
    program === 'create-pipeline'
      ? 'create-pipeline [name] [options]    (or: npm init pipeline -- [name] [options])'
      : `${program} [name] [options]`,
    'Adds a Dagster pipeline to your platform repo, correct from its first commit: modes, presets,\nschedules, sensors, sandbox config and tests, registered in the workspace, compose and CI,\non its own git branch. Outside a platform repo, --platform creates one first (with a terminal, it asks).\nWithout a terminal it never prompts: flags, then defaults (--name is required).',
    [
      { title: 'Pipeline', flags: PIPELINE_QUESTIONS },
      { title: 'New platform repo', flags: PLATFORM_QUESTIONS },
      { title: 'Options', flags: CREATE_FLAGS },
    ],
  );
}

/** `create-pipeline ...` and `pipeline new ...`. */
export async function run(argv: string[], program = 'pipeline new'): Promise<void> {
  const {
    values,
    questionFlags: flags,
    positionals,
  } = parseCommandArgs(argv, [...PIPELINE_QUESTIONS, ...PLATFORM_QUESTIONS], CREATE_FLAGS, program);
  if (values.help) return void print(`${createHelp(program)}\n`);
  if (values.version) return void print(`${cliVersion()}\n`);
  if (positionals.length > 1)
    throw new InputError(
      `expected at most one pipeline name, got ${positionals.length} (${positionals.join(' ')}); quote a description with --description "..."`,
    );
  if (positionals[0] !== undefined) {
    if (flags.name !== undefined && flags.name !== positionals[0])
      throw new InputError(`two names given (${positionals[0]} and --name ${flags.name}); pass one`);
    flags.name = positionals[0];
  }
  const report = await createPipeline({
    cwd: (values.cwd as string | undefined) ?? process.cwd(),
    flags,
    platform: values.platform === true,
    branch: values.branch as boolean | undefined,
    dryRun: values['dry-run'] === true,
    interactive: values.yes !== true && canPrompt(),
  });
  print(`${values.json ? reportAsJson(report) : renderReport(report)}\n`);
}
