import { FORMATS, type Format, renderCheckReport } from '../check/format.ts';
import { runCheck } from '../check/run.ts';
import { commandRoot } from '../conventions/platform-config.ts';
import { EXIT, InputError } from '../errors.ts';
import { CWD_FLAG, type GlobalFlag, HELP_FLAG, parseCommandArgs, renderHelp } from '../options/flags.ts';
import { print } from '../output.ts';
import { recoverBeforeReading } from '../tree/transaction.ts';

const FLAGS: GlobalFlag[] = [
  {
    flag: 'pipeline',
    type: 'string',
    multiple: true,
    valueName: 'name|glob',
    help: 'Only these pipelines (repeatable; globs such as ml_* work)',
  },
  {
    flag: 'format',
    type: 'string',
    valueName: FORMATS.join('|'),
    help: 'table (default), json, github (Actions annotations) or sarif (2.1.0, for code scanning)',
  },
  { flag: 'json', type: 'boolean', help: 'The same as --format json' },
  CWD_FLAG,
  HELP_FLAG,
];

export const checkHelp = () =>
  renderHelp(
    'pipeline check [options]      (anywhere in the platform repo)',
    [
      'Checks every pipeline against the platform conventions, reading files only (no Python runs):',
      'conventions version, folders renamed by hand, hand-edited platform-owned files, registrations,',
      'dependencies, schedules, job owners and owners platform.yaml no longer lists, presets and modes,',
      'duplicate names, literal secrets, sandbox config, the Dagster pin, the deployments CI checks, the',
      "one the compose services run as, each deployment's Dagster instance config, presets' run config",
      "against the ops' config classes, and modules that do not parse. Each finding has a rule id,",
      'file:line, what is wrong and the fix.',
      'Exit 1 on errors, 0 with warnings only.',
      "platform.yaml's check.rules turns a rule off or raises it to an error (see docs/check.md).",
      '',
      'Examples:',
      '  npx pipeline check                        # every pipeline, as a table',
      '  npx pipeline check --pipeline orders --json',
      '  npx pipeline check --format github        # in CI: annotations on the pull request',
    ].join('\n'),
    [{ title: 'Options', flags: FLAGS }],
  );

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, [], FLAGS, 'pipeline check');
  if (values.help) {
    print(`${checkHelp()}\n`);
    return EXIT.ok;
  }
  if (positionals.length > 0)
    throw new InputError(
      `pipeline check takes no arguments (got ${positionals.join(' ')}); pass pipelines with --pipeline NAME`,
    );
  const asked = values.format as string | undefined;
  if (values.json && asked !== undefined && asked !== 'json')
    throw new InputError(`--json is --format json, and --format ${asked} asks for another; pass one of them`);
  const format = (values.json ? 'json' : (asked ?? 'table')) as Format;
  if (!FORMATS.includes(format))
    throw new InputError(`--format ${format} is not a format (expected one of: ${FORMATS.join(', ')})`);
  const root = commandRoot(values.cwd as string | undefined, 'pipeline check');
  recoverBeforeReading(root);
  const report = await runCheck(root, { pipelines: (values.pipeline as string[] | undefined) ?? [] });
  print(`${renderCheckReport(report, format)}\n`);
  return report.summary.errors > 0 ? EXIT.failure : EXIT.ok;
}
