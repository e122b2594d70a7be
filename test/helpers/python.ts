// The Python side: the venv made by scripts/setup-python.sh, with real Dagster in it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { packageRoot } from '../../src/paths.ts';
import { tempDir } from './workspace.ts';

export const VENV = process.env.PIPELINE_TEST_VENV ?? join(packageRoot(), '.cache', 'venv');
export const PYTHON = join(VENV, 'bin', 'python');
export const DAGSTER = join(VENV, 'bin', 'dagster');
/** dg (dagster-dg-cli). `--use-active-venv` loads every project in this venv instead of each one's own .venv. */
export const DG = join(VENV, 'bin', 'dg');

if (!existsSync(PYTHON))
  throw new Error(`no test venv at ${VENV}: run bash scripts/setup-python.sh (npm test does it)`);

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment a Python process of the tests runs with: the venv first on PATH, a DAGSTER_HOME of its own unless given, then `env`. */
export function pythonEnv(env: Record<string, string> = {}): Record<string, string> {
  return {
    ...(process.env as Record<string, string>),
    PATH: `${join(VENV, 'bin')}${delimiter}${process.env.PATH}`,
    ...(env.DAGSTER_HOME ? {} : { DAGSTER_HOME: tempDir('dagster-home-') }),
    ...env,
  };
}

export function run(
  cmd: string,
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
  timeout = 900_000,
): Run {
  const result = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: pythonEnv(env), timeout });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

export const pythonScript = (name: string) => join(packageRoot(), 'test', 'python', name);

/** ruff (pinned in scripts/python-requirements.txt), as a platform repo's CI runs it. */
export const RUFF = join(VENV, 'bin', 'ruff');

/**
 * `ruff check` and `ruff format --check` over `paths` (platform repos: each file is checked under
 * its repo's ruff.toml), without a cache left behind: ruff's own report when either fails.
 */
export function ruffProblems(paths: string[], cwd: string): string | undefined {
  const check = run(RUFF, ['check', '--no-cache', '--output-format', 'concise', ...paths], cwd);
  const format = run(RUFF, ['format', '--check', '--no-cache', '--diff', ...paths], cwd);
  if (check.code === 0 && format.code === 0) return undefined;
  return [
    `ruff check (exit ${check.code}):`,
    check.stdout,
    check.stderr,
    `ruff format --check (exit ${format.code}):`,
    format.stdout,
    format.stderr,
  ].join('\n');
}
