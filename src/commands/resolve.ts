// CLI glue of `pipeline resolve`: flags and help, then resolveConflicts, the write (one transaction),
// `git add` of what it resolved, and the report as text or JSON.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { commandRoot, loadPlatformConfig } from '../conventions/platform-config.ts';
import { EXIT, InputError } from '../errors.ts';
import { gitAdd } from '../git.ts';
import { CWD_FLAG, type GlobalFlag, HELP_FLAG, parseCommandArgs, renderHelp } from '../options/flags.ts';
import { print } from '../output.ts';
import { nextStep, type ResolveReport, resolveConflicts } from '../resolve/resolve.ts';
import { counted } from '../text.ts';
import { writing } from '../tree/transaction.ts';

const FLAGS: GlobalFlag[] = [
  { flag: 'dry-run', type: 'boolean', help: 'Print what would be resolved; write and stage nothing' },
  { flag: 'json', type: 'boolean', help: 'Print the report as JSON' },
  CWD_FLAG,
  HELP_FLAG,
];

export const resolveHelp = () =>
  renderHelp(
    'pipeline resolve [options]      (in the platform repo, when git merge, rebase, cherry-pick or revert stops on conflicts)',
    [
      'Two branches that each release one pipeline to a deployment, or each add a mode to it, change',
      'the same lines of its .pipeline-answers.yaml and of the platform-owned file rendered from it',
      '(conventions.py, modes.py), so merging the second stops on conflicts. This resolves them: the',
      'answers keep what each branch changed, and the platform-owned files are rendered again from',
      'them, unless a branch edited one by hand. A file you already resolved yourself (no conflict',
      'markers left) is kept as you left it. What it resolves is written and staged (git add); every',
      'other conflict is left to you, and listed. Exit 0 when no conflict is left (then git commit, or',
      'git rebase --continue), 1 when some are, 2 when it cannot run (outside a platform repo, or',
      'platform.yaml itself in conflict: resolve that first).',
      '',
      'Examples:',
      '  npx pipeline resolve              # after git merge stopped on conflicts',
      '  npx pipeline resolve --dry-run',
      '  npx pipeline resolve --json',
    ].join('\n'),
    [{ title: 'Options', flags: FLAGS }],
  );

export function renderResolveReport(report: ResolveReport): string {
  const verb = report.dryRun ? 'would resolve' : 'resolved';
  const lines = [
    ...report.resolved.map((f) => `${verb.padEnd(14)}${f.path}  (${f.how})`),
    ...report.left.map((f) => `${'left to you'.padEnd(14)}${f.path}  (${f.why})`),
  ];
  if (report.resolved.length === 0 && report.left.length === 0)
    lines.push(
      report.operation
        ? `no conflicts left to resolve in this ${report.operation}`
        : 'nothing to resolve: no merge, rebase, cherry-pick or revert is in progress',
    );
  else if (report.left.length === 0 && !report.dryRun)
    lines.push(`every conflict is resolved and staged: ${nextStep(report.operation)}`);
  else if (!report.dryRun && nextStep(report.operation))
    lines.push(
      `${counted(report.left.length, 'conflict')} left to you: resolve and git add ${report.left.length === 1 ? 'it' : 'them'}, then ${nextStep(report.operation)}`,
    );
  return lines.join('\n');
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, [], FLAGS, 'pipeline resolve');
  if (values.help) {
    print(`${resolveHelp()}\n`);
    return EXIT.ok;
  }
  if (positionals.length > 0)
    throw new InputError(
      `pipeline resolve takes no arguments (got ${positionals.join(' ')}); see pipeline resolve --help`,
    );
  const root = commandRoot(values.cwd as string | undefined, 'pipeline resolve');
  const dryRun = values['dry-run'] === true;
  const report = await writing(root, 'pipeline resolve', { dryRun }, async (tx) => {
    const { report, writes } = await resolveConflicts(root, loadPlatformConfig(root), dryRun);
    tx?.apply({
      root,
      changes: [...writes].map(([path, content]) => {
        const before = existsSync(join(root, path)) ? readFileSync(join(root, path), 'utf8') : null;
        return { path, kind: before === null ? 'create' : 'modify', content, before };
      }),
    });
    return report;
  });
  if (!dryRun)
    gitAdd(
      root,
      report.resolved.map((f) => f.path),
    );
  print(`${values.json ? JSON.stringify(report, null, 2) : renderResolveReport(report)}\n`);
  return report.left.length ? EXIT.failure : EXIT.ok;
}
