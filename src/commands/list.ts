import { listReport, renderList } from '../check/list.ts';
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
  { flag: 'json', type: 'boolean', help: 'Print the list as JSON' },
  CWD_FLAG,
  HELP_FLAG,
];

export const listHelp = () =>
  renderHelp(
    'pipeline list [options]      (anywhere in the platform repo)',
    [
      'Lists every pipeline with its owner, template and conventions version, and per deployment the',
      'jobs, schedules and sensors it exposes there (from the recorded answers and platform.yaml; no',
      'Python runs).',
      '',
      'Examples:',
      '  npx pipeline list',
      '  npx pipeline list --pipeline orders --json',
    ].join('\n'),
    [{ title: 'Options', flags: FLAGS }],
  );

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, [], FLAGS, 'pipeline list');
  if (values.help) {
    print(`${listHelp()}\n`);
    return EXIT.ok;
  }
  if (positionals.length > 0)
    throw new InputError(
      `pipeline list takes no arguments (got ${positionals.join(' ')}); pass pipelines with --pipeline NAME`,
    );
  const root = commandRoot(values.cwd as string | undefined, 'pipeline list');
  recoverBeforeReading(root);
  const report = await listReport(root, (values.pipeline as string[] | undefined) ?? []);
  print(`${values.json ? JSON.stringify(report, null, 2) : renderList(report)}\n`);
  return EXIT.ok;
}
