import { commandRoot, loadPlatformConfig } from '../conventions/platform-config.ts';
import { EXIT, InputError } from '../errors.ts';
import { CWD_FLAG, type GlobalFlag, HELP_FLAG, parseCommandArgs, renderHelp } from '../options/flags.ts';
import { print, printError } from '../output.ts';
import { type SyncReport, syncChanges, syncPlatform } from '../sync/sync.ts';
import { counted } from '../text.ts';
import { recoverBeforeReading, Transaction } from '../tree/transaction.ts';

const FLAGS: GlobalFlag[] = [
  {
    flag: 'check',
    type: 'boolean',
    help: 'Write nothing; exit 1 if a derived file is missing or stale (for CI and scripts)',
  },
  { flag: 'dry-run', type: 'boolean', help: 'Print what would change; write nothing' },
  { flag: 'json', type: 'boolean', help: 'Print the report as JSON' },
  CWD_FLAG,
  HELP_FLAG,
];

export const syncHelp = () =>
  renderHelp(
    'pipeline sync [options]      (anywhere in the platform repo)',
    [
      'Writes the files derived from pipelines/*/: dg.toml (the dg workspace), docker-compose.yaml',
      '(docker-compose.platform.yaml plus one code server per pipeline) and deployments/compose/workspace.yaml.',
      'They are never committed, so pull requests that add pipelines never conflict. Run it after a',
      'merge or a pull; npm install, create-pipeline and CI run it for you.',
      '',
      'Examples:',
      '  npx pipeline sync                 # after git pull',
      '  npx pipeline sync --check         # exit 1 if a derived file is stale, or one sync does not manage',
      '  npx pipeline sync --dry-run --json',
    ].join('\n'),
    [{ title: 'Options', flags: FLAGS }],
  );

export function renderSyncReport(report: SyncReport, check: boolean): string {
  const verb: Record<string, string> = {
    create: report.dryRun ? 'would create' : 'created',
    update: report.dryRun ? 'would update' : 'updated',
    unchanged: 'up to date',
    skipped: 'skipped',
  };
  const lines = [`${counted(report.pipelines.length, 'pipeline')}: ${report.pipelines.join(', ') || '-'}`];
  for (const file of report.files)
    lines.push(
      `  ${(check && file.change !== 'unchanged' && file.change !== 'skipped' ? 'stale' : verb[file.change]!).padEnd(13)}${file.path}${file.note ? `  (${file.note})` : ''}`,
    );
  return lines.join('\n');
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, [], FLAGS, 'pipeline sync');
  if (values.help) {
    print(`${syncHelp()}\n`);
    return EXIT.ok;
  }
  if (positionals.length > 0)
    throw new InputError(`pipeline sync takes no arguments (got ${positionals.join(' ')}); see pipeline sync --help`);
  const root = commandRoot(values.cwd as string | undefined, 'pipeline sync');
  const check = values.check === true;
  const dryRun = check || values['dry-run'] === true;
  // Under the repo's lock, after rolling back what a killed command left half-done.
  if (dryRun) recoverBeforeReading(root);
  const tx = dryRun ? undefined : Transaction.begin(root, 'pipeline sync');
  let report: SyncReport;
  try {
    report = syncPlatform(root, loadPlatformConfig(root), { dryRun });
  } finally {
    tx?.commit();
  }
  print(`${values.json ? JSON.stringify(report, null, 2) : renderSyncReport(report, check)}\n`);
  if (check && syncChanges(report).length > 0) {
    printError(`pipeline: ${syncChanges(report).length} derived file(s) stale; run npx pipeline sync\n`);
    return EXIT.failure;
  }
  // A file sync does not manage cannot be vouched for: the check fails, naming it.
  const skipped = report.files.filter((f) => f.change === 'skipped');
  if (check && skipped.length > 0) {
    printError(
      `pipeline: ${skipped.map((f) => f.path).join(', ')} not managed by pipeline sync, so not checked; ${skipped[0]!.note}\n`,
    );
    return EXIT.failure;
  }
  return EXIT.ok;
}
