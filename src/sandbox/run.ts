// Running a pipeline's job inside a sandbox: the sandbox's env file over this environment, with
// the credentials the CLI resolved, and the sandbox's own Dagster instance.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliError, EXIT, InputError } from '../errors.ts';
import { lakefsEnv } from './credentials.ts';
import type { LakeFSCredentials } from './lakefs-client.ts';
import { SANDBOXES_DIR, type SandboxContext } from './sandbox.ts';

/** The sandbox's env file over this environment, with the credentials the CLI resolved (endpoint normalised). */
export function sandboxEnv(ctx: SandboxContext, credentials: LakeFSCredentials | null): Record<string, string> {
  const envFile = join(ctx.root, SANDBOXES_DIR, ctx.name, 'sandbox.env');
  if (!existsSync(envFile))
    throw new InputError(
      `there is no sandbox ${ctx.name} for git branch ${ctx.gitBranch}; run pipeline sandbox up first`,
    );
  const env: Record<string, string> = { ...(process.env as Record<string, string>) };
  for (const line of readFileSync(envFile, 'utf8').split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (m) env[m[1]!] = m[2]!;
  }
  return credentials ? { ...env, ...lakefsEnv(credentials) } : env;
}

/** The `dg` command of the interpreter it runs in (dagster-dg-cli's console script, as a program). */
const DG_MAIN = "import sys; sys.argv[0] = 'dg'; from dagster_dg_cli.cli import main; main()";

/** Runs one job of a pipeline with the sandbox's environment and Dagster instance. */
export function runJob(
  ctx: SandboxContext,
  job: string | undefined,
  pipeline: string | undefined,
  pythonFlag: string | undefined,
  credentials: LakeFSCredentials | null,
): number {
  if (!job || !pipeline)
    throw new InputError('run needs a job and --pipeline: pipeline sandbox run <job> --pipeline <name>');
  const env = sandboxEnv(ctx, credentials);
  const dir = join(ctx.root, 'pipelines', pipeline);
  if (!existsSync(dir)) throw new InputError(`no pipeline ${pipeline} in ${join(ctx.root, 'pipelines')}`);
  const venv = join(dir, '.venv', 'bin', 'python');
  const python = pythonFlag ?? (existsSync(venv) ? venv : 'python3');
  // Dagster mirrors each step's captured output to the terminal with `tail -F`, and stops the tail
  // as soon as the step ends: on a busy machine the step's last lines (its STEP_SUCCESS) never
  // reach the terminal. Dagster's own knob gives the tail a second to catch up, unless set already.
  env.DAGSTER_COMPUTE_LOG_TAIL_WAIT_AFTER_FINISH ??= '1';
  // `dg launch --job` (what `python -m dagster job execute` now tells its users to run instead),
  // through the chosen interpreter, so that it is that venv's dg: the job runs in this process, on
  // the instance at DAGSTER_HOME, from the pipeline's definitions module.
  const result = spawnSync(
    python,
    ['-c', DG_MAIN, 'launch', '--job', job, '-m', `${pipeline}.definitions`, '-a', 'defs'],
    { cwd: join(dir, 'src'), env, stdio: 'inherit' },
  );
  if (result.error)
    throw new CliError(
      `cannot run ${python}: ${result.error.message}; pass --python with the venv that has the pipeline's dependencies`,
      // A --python that is not there is bad input; another failure to start is not.
      (result.error as NodeJS.ErrnoException).code === 'ENOENT' ? EXIT.usage : EXIT.failure,
    );
  return result.status ?? EXIT.failure;
}
