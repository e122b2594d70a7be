// `pipeline sandbox <command>`: an isolated copy of the platform per git branch, and its way back
// to production (commit, promote after the git merge, refresh, prune).
import { resolve } from 'node:path';
import { CliError, EXIT, InputError } from '../errors.ts';
import { CWD_FLAG, type GlobalFlag, HELP_FLAG, parseCommandArgs, renderHelp } from '../options/flags.ts';
import { print, printError } from '../output.ts';
import { diffStat } from '../sandbox/backend.ts';
import { backendFor, envFileEndpoint } from '../sandbox/connect.ts';
import { lakefsUri } from '../sandbox/lakefs.ts';
import { sandboxCommit, sandboxInit, sandboxPromote, sandboxPrune, sandboxRefresh } from '../sandbox/lifecycle.ts';
import { runJob, sandboxEnv } from '../sandbox/run.ts';
import {
  currentGitBranch,
  nameFor,
  platformRoot,
  type SandboxContext,
  sandboxDiff,
  sandboxDown,
  sandboxList,
  sandboxStatus,
  sandboxUp,
  sandboxUpPlan,
} from '../sandbox/sandbox.ts';
import { counted } from '../text.ts';

interface SubDoc {
  summary: string;
  usage: string;
  examples: string[];
}

const SUBCOMMANDS: Record<string, SubDoc> = {
  init: {
    summary: 'Protect the production branch in lakeFS itself: direct writes and commits refused, merges only',
    usage: 'init [--dry-run]',
    examples: ['npx pipeline sandbox init', 'npx pipeline sandbox init --dry-run --json'],
  },
  up: {
    summary: 'Create (or reuse) the sandbox of the current git branch: data branch, Dagster instance, env file',
    usage: 'up [--git-branch NAME] [--dry-run]',
    examples: [
      'npx pipeline sandbox up',
      'npx pipeline sandbox up --git-branch "$CI_BRANCH" --json',
      'npx pipeline sandbox up --dry-run',
    ],
  },
  status: {
    summary: "Show the current branch's sandbox (exit 1 when it or its data branch is missing)",
    usage: 'status',
    examples: ['npx pipeline sandbox status', 'npx pipeline sandbox status --json'],
  },
  list: {
    summary: 'List every sandbox: age, git branch still there, unpromoted changes, how far production moved',
    usage: 'list',
    examples: ['npx pipeline sandbox list', 'npx pipeline sandbox list --json'],
  },
  diff: {
    summary: "The sandbox's own data changes since its base (three-dot: production's later changes are not shown)",
    usage: 'diff [--stat]',
    examples: ['npx pipeline sandbox diff', 'npx pipeline sandbox diff --stat'],
  },
  run: {
    summary: "Run a pipeline's sandbox job in the sandbox, with the CLI's lakeFS credentials",
    usage: 'run <job> --pipeline NAME [--python PATH]',
    examples: [
      'npx pipeline sandbox run orders_sandbox --pipeline orders',
      'npx pipeline sandbox run orders_sandbox --pipeline orders --git-branch feature/new-metric --python .venv/bin/python',
    ],
  },
  commit: {
    summary: "Commit the sandbox's data writes; the commit records the git commit, branch and user",
    usage: 'commit -m MESSAGE',
    examples: [
      'npx pipeline sandbox commit -m "orders mart with the new metric"',
      'npx pipeline sandbox commit -m "rerun after fix" --json',
    ],
  },
  promote: {
    summary: "Merge the sandbox's committed data into production, once its git branch is merged into main",
    usage: 'promote [--yes] [--strategy source-wins|dest-wins] [--dry-run]',
    examples: [
      'npx pipeline sandbox promote --git-branch feature/new-metric --dry-run',
      'npx pipeline sandbox promote --git-branch feature/new-metric --yes',
    ],
  },
  refresh: {
    summary: "Merge production's newer data into the sandbox (refuses paths both changed)",
    usage: 'refresh [--dry-run]',
    examples: ['npx pipeline sandbox refresh', 'npx pipeline sandbox refresh --dry-run --json'],
  },
  down: {
    summary: 'Delete the data branch and the instance folder (refuses uncommitted or unpromoted data without --force)',
    usage: 'down [--force]',
    examples: ['npx pipeline sandbox down', 'npx pipeline sandbox down --force'],
  },
  prune: {
    summary: 'Remove sandboxes whose git branch is gone or older than sandbox.ttl_days (keeps unpromoted data)',
    usage: 'prune [--dry-run] [--force]',
    examples: ['npx pipeline sandbox prune --dry-run', 'npx pipeline sandbox prune'],
  },
  ui: {
    summary: "Serve the Dagster UI on the sandbox's own instance, on a loopback port (Ctrl-C stops it)",
    usage: 'ui [--port N] [--pipeline NAME] [--python PATH]',
    examples: ['npx pipeline sandbox ui', 'npx pipeline sandbox ui --port 3001 --pipeline orders'],
  },
};
export const SANDBOX_SUBCOMMANDS = Object.keys(SUBCOMMANDS);
/** The commands that write and can say instead what they would write (the others that write refuse --dry-run). */
const DRY_RUN = ['init', 'up', 'promote', 'refresh', 'prune'];
const READ_ONLY = ['status', 'list', 'diff'];

const FLAGS: GlobalFlag[] = [
  {
    flag: 'git-branch',
    type: 'string',
    valueName: 'name',
    help: 'Use this git branch instead of the checked-out one (detached HEAD in CI; a merged branch on promote)',
  },
  { flag: 'message', short: 'm', type: 'string', valueName: 'text', help: 'commit (-m), promote: the commit message' },
  { flag: 'force', type: 'boolean', help: 'down, prune: discard uncommitted or unpromoted data' },
  { flag: 'yes', type: 'boolean', help: 'promote: do not ask (needed without a terminal)' },
  {
    flag: 'strategy',
    type: 'string',
    valueName: 'source-wins|dest-wins',
    help: 'promote: who wins where production changed the same paths since the base',
  },
  { flag: 'dry-run', type: 'boolean', help: `${DRY_RUN.join(', ')}: say what would happen, write nothing` },
  { flag: 'stat', type: 'boolean', help: 'diff: a summary (counts and bytes per top folder) instead of every path' },
  {
    flag: 'pipeline',
    type: 'string',
    valueName: 'name',
    help: 'run: the pipeline whose job to run; ui: show only this pipeline',
  },
  {
    flag: 'python',
    type: 'string',
    valueName: 'path',
    help: 'run, ui: the Python with the pipeline installed (default: pipelines/<name>/.venv)',
  },
  { flag: 'port', type: 'string', valueName: 'n', help: 'ui: the loopback port (default: a free one)' },
  { flag: 'json', type: 'boolean', help: 'Print the result as JSON' },
  CWD_FLAG,
  HELP_FLAG,
];

export function sandboxHelp(sub?: string): string {
  if (sub && SUBCOMMANDS[sub]) {
    const doc = SUBCOMMANDS[sub];
    return renderHelp(
      `pipeline sandbox ${doc.usage} [options]`,
      `${doc.summary}.\n\nExamples:\n${doc.examples.map((e) => `  ${e}`).join('\n')}`,
      [{ title: 'Options', flags: FLAGS }],
    );
  }
  const width = Math.max(...SANDBOX_SUBCOMMANDS.map((s) => s.length)) + 2;
  return renderHelp(
    'pipeline sandbox <command> [options]',
    [
      'A sandbox is an isolated copy of the platform for one git branch: a copy-on-write data branch',
      'made from the production ref, its own Dagster instance (DAGSTER_HOME) and an env file that selects',
      'the sandbox deployment. Production takes only merges: `promote`, after the git branch is merged',
      'into main. lakeFS credentials come from LAKEFS_ENDPOINT, LAKEFS_ACCESS_KEY_ID,',
      'LAKEFS_SECRET_ACCESS_KEY, else ~/.lakectl.yaml. `pipeline sandbox <command> --help` for one command.',
      '',
      'Commands:',
      ...Object.entries(SUBCOMMANDS).map(([s, d]) => `  ${s.padEnd(width)}${d.summary}`),
      '',
      'Examples:',
      '  npx pipeline sandbox up && npx pipeline sandbox run orders_sandbox --pipeline orders',
      '  npx pipeline sandbox commit -m "new metric" && npx pipeline sandbox diff --stat',
      '  npx pipeline sandbox promote --git-branch feature/new-metric --yes   # after the git merge',
    ].join('\n'),
    [{ title: 'Options', flags: FLAGS }],
  );
}

/** 0.02 days reads 28m; 0.5 days 12h; 3.2 days 3d. */
const age = (days: number | null): string =>
  days === null
    ? '-'
    : days < 1 / 24
      ? `${Math.round(days * 1440)}m`
      : days < 2
        ? `${Math.round(days * 24)}h`
        : `${Math.floor(days)}d`;
const show = (json: boolean, data: unknown, text: string): void =>
  void print(`${json ? JSON.stringify(data, null, 2) : text}\n`);
const warn = (text: string): void => void printError(`pipeline: warning: ${text}\n`);

const statLine = (s: ReturnType<typeof diffStat>) =>
  `${counted(s.paths, 'path')}: ${s.added} added, ${s.changed} changed, ${s.removed} removed, ${s.bytes} bytes${s.uncommitted ? ` (${s.uncommitted} uncommitted)` : ''}`;

async function confirmOnTerminal(): Promise<((q: string) => Promise<boolean>) | undefined> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) return undefined;
  const { confirm } = await import('@inquirer/prompts');
  // Ctrl-C at the prompt ends the command as Ctrl-C does (exit 130, "cancelled; nothing was written").
  return (message) => confirm({ message, default: false });
}

export async function run(argv: string[]): Promise<number | void> {
  const { values, positionals } = parseCommandArgs(argv, [], FLAGS, 'pipeline sandbox');
  const [sub, ...rest] = positionals;
  if (values.help || sub === undefined) {
    print(`${sandboxHelp(sub)}\n`);
    return sub === undefined && !values.help ? EXIT.usage : EXIT.ok;
  }
  if (!(sub in SUBCOMMANDS))
    throw new InputError(
      `unknown sandbox command ${JSON.stringify(sub)}; use one of: ${SANDBOX_SUBCOMMANDS.join(', ')}`,
    );
  const strategy = values.strategy as string | undefined;
  if (strategy !== undefined && strategy !== 'source-wins' && strategy !== 'dest-wins')
    throw new InputError(
      `--strategy ${JSON.stringify(strategy)} is not a strategy; use source-wins (the sandbox's version) or dest-wins (production's)`,
    );
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536))
    throw new InputError(`--port ${JSON.stringify(values.port)} is not a port number (1-65535)`);
  if (sub === 'commit' && !(values.message as string | undefined)?.trim())
    throw new InputError('commit needs a message: pipeline sandbox commit -m "what the data is"');
  const json = values.json === true;
  const dryRun = values['dry-run'] === true;
  if (dryRun && !DRY_RUN.includes(sub) && !READ_ONLY.includes(sub))
    throw new InputError(
      `sandbox ${sub} has no --dry-run (it has no plan to show: it runs or it refuses); --dry-run works with ${DRY_RUN.join(', ')}`,
    );
  const cwd = resolve((values.cwd as string | undefined) ?? process.cwd());
  const { root, platform } = platformRoot(cwd);
  // Every command but these works on the sandbox of one git branch.
  const gitBranch = ['init', 'list', 'prune'].includes(sub)
    ? undefined
    : currentGitBranch(root, values['git-branch'] as string | undefined);
  const name = gitBranch === undefined ? undefined : nameFor(platform, gitBranch);
  const dataAddress = (sandboxName: string) =>
    platform.sandbox.backend === 'lakefs' ? lakefsUri(platform.sandbox.repository, sandboxName) : sandboxName;
  if (sub === 'up' && dryRun && gitBranch !== undefined && name !== undefined) {
    // Without credentials, the plan says so instead of refusing: the data sandbox is not looked up.
    const lookup = await backendFor(platform, envFileEndpoint(root, name)).then(
      ({ backend }) => backend,
      (error: unknown) => {
        if (error instanceof CliError && error.exitCode === EXIT.usage) return { notLookedUp: error.message };
        throw error;
      },
    );
    const plan = await sandboxUpPlan({ root, platform, gitBranch, name }, lookup);
    const data =
      plan.dataExists === null
        ? `not looked up (${plan.notLookedUp})`
        : plan.dataExists
          ? 'there: up would reuse it'
          : `not there: up would create it from ${plan.production}`;
    return show(
      json,
      { dryRun, ...plan },
      [
        `Would bring up sandbox ${plan.name} for git branch ${gitBranch} (nothing written)`,
        `  data:     ${dataAddress(plan.name)}, ${data}`,
        `  instance: ${plan.instanceDir}`,
        `  env file: ${plan.envFile}`,
      ].join('\n'),
    );
  }
  const { backend, credentials } = await backendFor(platform, envFileEndpoint(root, name));

  if (sub === 'init') {
    const result = await sandboxInit({ root, platform, backend }, dryRun);
    const state = result.protected ? (result.installed ? 'protected' : 'already protected') : 'would protect';
    const lines = [
      `${result.production.replace(/\/[^/]*$/, '')}/${result.branch}: ${state} (lakeFS refuses direct writes and commits to it; only merges land, through pipeline sandbox promote)`,
    ];
    for (const edit of result.platformEdits) lines.push(`${dryRun ? 'would set' : 'set'} ${edit} in platform.yaml`);
    return show(json, result, lines.join('\n'));
  }
  if (sub === 'list') {
    const all = await sandboxList(root, platform, backend);
    // Columns as wide as their longest value: a long git branch does not push one row out of line.
    const branchOf = (s: (typeof all)[number]) => s.gitBranch ?? '(no local record)';
    const widths = [36, 26].map((least, i) =>
      Math.max(least, ...all.map((s) => (i === 0 ? s.name : branchOf(s)).length)),
    );
    const row = (s: (typeof all)[number]) =>
      [
        s.name.padEnd(widths[0]!),
        branchOf(s).padEnd(widths[1]!),
        s.gitBranchExists === false ? 'branch gone ' : s.gitBranchExists ? 'branch here ' : '-           ',
        s.dataExists ? 'data   ' : 'no data',
        age(s.ageDays).padStart(5),
        `  unpromoted ${s.unpromoted ?? '-'}`,
        `  production moved ${s.productionMoved ?? '-'}`,
      ].join(' ');
    return show(json, all, all.length ? all.map(row).join('\n') : 'no sandboxes');
  }
  if (sub === 'prune') {
    const report = await sandboxPrune({ root, platform, backend }, { dryRun, force: values.force === true });
    return show(
      json,
      report,
      report.length ? report.map((e) => `${e.action.padEnd(12)} ${e.name}  ${e.why}`).join('\n') : 'no sandboxes',
    );
  }

  if (gitBranch === undefined || name === undefined) throw new Error(`pipeline sandbox ${sub}: no git branch`);
  const ctx: SandboxContext = { root, platform, backend, gitBranch, name };
  switch (sub) {
    case 'up': {
      const { status, created } = await sandboxUp(ctx, credentials?.endpoint ?? null);
      return show(
        json,
        { created, ...status },
        [
          `${created ? 'Created' : 'Reusing'} sandbox ${status.name} for git branch ${gitBranch}`,
          `  data:     ${dataAddress(status.name)}, from ${status.production} at ${status.sourceCommit ?? status.sourceRef}`,
          `  instance: ${status.instanceDir}`,
          `  env file: ${status.envFile}`,
          '',
          `Load it:  set -a; . ${status.envFile}; set +a`,
        ].join('\n'),
      );
    }
    case 'status': {
      const status = await sandboxStatus(root, backend, ctx.name);
      if (!status) {
        show(
          json,
          { name: ctx.name, exists: false },
          `no sandbox for git branch ${gitBranch} (it would be ${ctx.name}); run pipeline sandbox up`,
        );
        return EXIT.failure;
      }
      const protection = await backend.protection().catch((error: Error) => ({
        branch: platform.sandbox.productionRef,
        protected: false,
        problem: error.message,
      }));
      show(
        json,
        { exists: true, ...status, productionProtected: protection.protected },
        Object.entries(status)
          .map(([k, v]) => `${k.padEnd(13)} ${v ?? '-'}`)
          .join('\n'),
      );
      if (!protection.protected)
        warn(
          'problem' in protection
            ? protection.problem
            : `lakeFS does not protect production branch ${protection.branch}: anyone with write access can write or commit to it directly; run pipeline sandbox init`,
        );
      if (!status.dataExists) {
        printError(
          `pipeline: error: the data of sandbox ${ctx.name} is gone (no branch ${ctx.name} in ${status.production.replace(/\/[^/]*$/, '')}); run pipeline sandbox down --force and up again\n`,
        );
        return EXIT.failure;
      }
      return EXIT.ok;
    }
    case 'diff': {
      const changes = await sandboxDiff(ctx);
      const stat = diffStat(changes);
      if (values.stat === true)
        return show(
          json,
          stat,
          [
            statLine(stat),
            ...Object.entries(stat.folders).map(
              ([f, c]) => `  ${f.padEnd(30)} ${c.added} added, ${c.changed} changed, ${c.removed} removed`,
            ),
          ].join('\n'),
        );
      if (changes.length === 0) return show(json, changes, `no changes in ${ctx.name} since its base`);
      return show(
        json,
        changes,
        [
          ...changes.map(
            (c) =>
              `${c.change.padEnd(8)} ${c.path}  ${c.sizeBytes ?? '-'} bytes${c.committed ? '' : '  (uncommitted)'}`,
          ),
          statLine(stat),
        ].join('\n'),
      );
    }
    case 'commit': {
      const result = await sandboxCommit(ctx, values.message as string);
      if (!result.commit) show(json, result, `nothing to commit in ${ctx.name}: no data writes since its last commit`);
      else
        show(
          json,
          result,
          `Committed ${counted(result.changes.length, 'change')} to ${ctx.name}: ${result.commit.slice(0, 12)} (git ${result.metadata.git_commit?.slice(0, 12) ?? '-'} on ${gitBranch}, by ${result.metadata.user})`,
        );
      return;
    }
    case 'promote': {
      const result = await sandboxPromote(ctx, {
        message: values.message as string | undefined,
        strategy: strategy as 'source-wins' | 'dest-wins' | undefined,
        yes: values.yes === true,
        dryRun,
        confirm: await confirmOnTerminal(),
      });
      const what = result.changes.map((c) => `  ${c.change.padEnd(8)} ${c.path}`).join('\n');
      return show(
        json,
        result,
        result.promoted
          ? `Promoted ${counted(result.changes.length, 'change')} of ${ctx.name} into ${backend.describeProduction()}: commit ${result.commit!.slice(0, 12)} (git ${result.gitCommit!.slice(0, 12)})\n${what}`
          : `${result.reason}${result.changes.length ? `\n${what}` : ''}`,
      );
    }
    case 'refresh': {
      const result = await sandboxRefresh(ctx, dryRun);
      const what = result.changes.map((c) => `  ${c.change.padEnd(8)} ${c.path}`).join('\n');
      return show(
        json,
        result,
        result.refreshed
          ? `Refreshed ${ctx.name} with ${counted(result.changes.length, 'change')} from production: ${result.commit!.slice(0, 12)}\n${what}`
          : `${result.reason}${result.changes.length ? `\n${what}` : ''}`,
      );
    }
    case 'down': {
      const result = await sandboxDown(ctx, values.force === true);
      return show(
        json,
        { name: ctx.name, ...result },
        result.removed
          ? `Removed sandbox ${ctx.name}${result.discarded.length ? ` (discarded ${counted(result.discarded.length, 'unsaved change')})` : ''}`
          : `no sandbox ${ctx.name} to remove`,
      );
    }
    case 'run':
      return runJob(
        ctx,
        rest[0],
        values.pipeline as string | undefined,
        values.python as string | undefined,
        credentials,
      );
    case 'ui': {
      const { sandboxUi } = await import('../sandbox/ui.ts');
      return sandboxUi(ctx, {
        port,
        python: values.python as string | undefined,
        pipeline: values.pipeline as string | undefined,
        env: sandboxEnv(ctx, credentials),
        onReady: (url) =>
          show(json, { name: ctx.name, url }, `Dagster UI for sandbox ${ctx.name}: ${url}  (Ctrl-C stops it)`),
      });
    }
  }
}
