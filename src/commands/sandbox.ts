// `pipeline sandbox up|status|list|diff|down|run`: an isolated copy of the platform per git branch.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CWD_FLAG, type GlobalFlag, HELP_FLAG, type ParsedArgs, parseCommandArgs, renderHelp } from '../cli/args.ts';
import { CliError, EXIT, InputError } from '../errors.ts';
import type { SandboxBackend } from '../sandbox/backend.ts';
import { lakefsCredentials } from '../sandbox/credentials.ts';
import { LakeFSBackend } from '../sandbox/lakefs.ts';
import { LakeFSClient } from '../sandbox/lakefs-client.ts';
import { currentGitBranch, nameFor, platformRoot, type SandboxContext, sandboxDiff, sandboxDown, sandboxList, sandboxStatus, sandboxUp } from '../sandbox/sandbox.ts';
import type { PlatformConfig } from '../conventions/platform-config.ts';

const SUBCOMMANDS = {
  up: 'Create (or reuse) the sandbox of the current git branch: data branch, Dagster instance, env file',
  status: "Show the current branch's sandbox: source ref and commit, head commit, created when",
  list: 'List every sandbox of the platform',
  diff: "List the sandbox's data changes against production (path, added/changed/removed, size)",
  down: 'Delete the data branch and the instance folder (refuses uncommitted writes without --force)',
  run: "Run a pipeline's sandbox job in the sandbox: pipeline sandbox run <job> --pipeline <name>",
} as const;
type Sub = keyof typeof SUBCOMMANDS;

const FLAGS: GlobalFlag[] = [
  { flag: 'git-branch', type: 'string', valueName: 'name', help: 'Use this git branch instead of the checked-out one (detached HEAD in CI)' },
  { flag: 'force', type: 'boolean', help: 'down: discard uncommitted data writes' },
  { flag: 'pipeline', type: 'string', valueName: 'name', help: 'run: the pipeline whose job to run' },
  { flag: 'python', type: 'string', valueName: 'path', help: 'run: the Python with the pipeline installed (default: pipelines/<name>/.venv, else python3)' },
  { flag: 'json', type: 'boolean', help: 'Print the result as JSON' },
  CWD_FLAG,
  HELP_FLAG,
];

export function sandboxHelp(): string {
  const width = Math.max(...Object.keys(SUBCOMMANDS).map((s) => s.length)) + 2;
  return renderHelp(
    'pipeline sandbox <up|status|list|diff|down|run> [options]',
    `A sandbox is an isolated copy of the platform for one git branch: a copy-on-write data branch\nmade from the production ref, its own Dagster instance (DAGSTER_HOME) and an env file that selects\nthe sandbox deployment. Production is never written. lakeFS credentials come from\nLAKEFS_ENDPOINT, LAKEFS_ACCESS_KEY_ID, LAKEFS_SECRET_ACCESS_KEY, or ~/.lakectl.yaml.\n\nCommands:\n${Object.entries(SUBCOMMANDS).map(([s, h]) => `  ${s.padEnd(width)}${h}`).join('\n')}`,
    [{ title: 'Options', flags: FLAGS }],
  );
}

async function backendFor(platform: PlatformConfig): Promise<{ backend: SandboxBackend; endpoint: string | null }> {
  if (platform.sandbox.backend === 'snowflake') {
    const { connectSnowflake } = await import('../sandbox/snowflake-connect.ts');
    const { SnowflakeBackend } = await import('../sandbox/snowflake.ts');
    return { backend: new SnowflakeBackend(await connectSnowflake(), platform.sandbox.productionRef, platform.sandbox.protectedBranches), endpoint: null };
  }
  const credentials = lakefsCredentials();
  return { backend: new LakeFSBackend(new LakeFSClient(credentials), platform.sandbox.repository, platform.sandbox.productionRef), endpoint: credentials.endpoint };
}

const print = (json: boolean, data: unknown, text: string): void => void process.stdout.write(`${json ? JSON.stringify(data, null, 2) : text}\n`);

export async function run(argv: string[]): Promise<number | void> {
  const { values, positionals } = parseCommandArgs(argv, [], FLAGS, 'pipeline sandbox');
  const [sub, ...rest] = positionals;
  if (values.help || sub === undefined) {
    process.stdout.write(`${sandboxHelp()}\n`);
    return sub === undefined && !values.help ? EXIT.usage : EXIT.ok;
  }
  if (!(sub in SUBCOMMANDS)) throw new InputError(`unknown sandbox command ${JSON.stringify(sub)}; use one of: ${Object.keys(SUBCOMMANDS).join(', ')}`);
  const json = values.json === true;
  const cwd = resolve((values.cwd as string | undefined) ?? process.cwd());
  const { root, platform } = platformRoot(cwd);
  const { backend, endpoint } = await backendFor(platform);

  if (sub === 'list') {
    const all = await sandboxList(root, platform, backend);
    return print(json, all, all.length ? all.map((s) => `${s.name.padEnd(44)} ${(s.gitBranch ?? '(no local record)').padEnd(30)} ${s.dataExists ? 'data' : 'no data'}  ${s.createdAt ?? ''}`).join('\n') : 'no sandboxes');
  }

  const gitBranch = currentGitBranch(root, values['git-branch'] as string | undefined);
  const ctx: SandboxContext = { root, platform, backend, gitBranch, name: nameFor(platform, gitBranch) };
  switch (sub as Sub) {
    case 'up': {
      const { status, created } = await sandboxUp(ctx, endpoint);
      return print(json, { created, ...status }, [
        `${created ? 'Created' : 'Reusing'} sandbox ${status.name} for git branch ${gitBranch}`,
        `  data:     ${platform.sandbox.backend === 'lakefs' ? `lakefs://${platform.sandbox.repository}/${status.name}` : status.name}, from ${status.production} at ${status.sourceCommit ?? status.sourceRef}`,
        `  instance: ${status.instanceDir}`,
        `  env file: ${status.envFile}`,
        '',
        `Load it:  set -a; . ${status.envFile}; set +a`,
      ].join('\n'));
    }
    case 'status': {
      const status = await sandboxStatus(root, backend, ctx.name);
      if (!status) {
        print(json, { name: ctx.name, exists: false }, `no sandbox for git branch ${gitBranch} (it would be ${ctx.name}); run pipeline sandbox up`);
        return EXIT.failure;
      }
      return print(json, { exists: true, ...status }, Object.entries(status).map(([k, v]) => `${k.padEnd(13)} ${v ?? '-'}`).join('\n'));
    }
    case 'diff': {
      const changes = await sandboxDiff(ctx);
      return print(json, changes, changes.length ? changes.map((c) => `${c.change.padEnd(8)} ${c.path}  ${c.sizeBytes ?? '-'} bytes${c.committed ? '' : '  (uncommitted)'}`).join('\n') : `no changes in ${ctx.name} against production`);
    }
    case 'down': {
      const result = await sandboxDown(ctx, values.force === true);
      return print(json, { name: ctx.name, ...result }, result.removed ? `Removed sandbox ${ctx.name}${result.discarded.length ? ` (discarded ${result.discarded.length} uncommitted writes)` : ''}` : `no sandbox ${ctx.name} to remove`);
    }
    case 'run':
      return runJob(ctx, rest, values);
  }
}

/** Runs one job of a pipeline with the sandbox's environment and Dagster instance. */
function runJob(ctx: SandboxContext, rest: string[], values: ParsedArgs["values"]): number {
  const [job] = rest;
  const pipeline = values.pipeline as string | undefined;
  if (!job || !pipeline) throw new InputError('run needs a job and --pipeline: pipeline sandbox run <job> --pipeline <name>');
  const envFile = join(ctx.root, '.sandboxes', ctx.name, 'sandbox.env');
  if (!existsSync(envFile)) throw new InputError(`there is no sandbox ${ctx.name} for git branch ${ctx.gitBranch}; run pipeline sandbox up first`);
  const env: Record<string, string> = { ...(process.env as Record<string, string>) };
  for (const line of readFileSync(envFile, 'utf8').split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (m) env[m[1]!] = m[2]!;
  }
  const dir = join(ctx.root, 'pipelines', pipeline);
  if (!existsSync(dir)) throw new InputError(`no pipeline ${pipeline} in ${join(ctx.root, 'pipelines')}`);
  const venv = join(dir, '.venv', 'bin', 'python');
  const python = (values.python as string | undefined) ?? (existsSync(venv) ? venv : 'python3');
  const result = spawnSync(python, ['-m', 'dagster', 'job', 'execute', '-m', `${pipeline}.definitions`, '-a', 'defs', '-j', job], { cwd: join(dir, 'src'), env, stdio: 'inherit' });
  if (result.error) throw new CliError(`cannot run ${python}: ${result.error.message}; pass --python with the venv that has the pipeline's dependencies`, EXIT.failure);
  return result.status ?? EXIT.failure;
}
