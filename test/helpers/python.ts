// The Python side: the venv made by scripts/setup-python.sh, with real Dagster in it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { packageRoot } from '../../src/paths.ts';

export const VENV = process.env.PIPELINE_TEST_VENV ?? join(packageRoot(), '.cache', 'venv');
export const PYTHON = join(VENV, 'bin', 'python');
export const DAGSTER = join(VENV, 'bin', 'dagster');
/** dg (dagster-dg-cli). `--use-active-venv` loads every project in this venv instead of each one's own .venv. */
export const DG = join(VENV, 'bin', 'dg');

if (!existsSync(PYTHON)) throw new Error(`no test venv at ${VENV}: run bash scripts/setup-python.sh (npm test does it)`);

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}, timeout = 900_000): Run {
  const result = spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, PATH: `${join(VENV, 'bin')}${delimiter}${process.env.PATH}`, DAGSTER_HOME: mkdtempSync(join(tmpdir(), 'dagster-home-')), ...env },
    timeout,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

export const pythonScript = (name: string) => join(packageRoot(), 'test', 'python', name);
