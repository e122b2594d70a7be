// A generated pipeline's own Python environment: exactly what its image installs, which is its
// pyproject.toml's dependencies plus the extra packages its Dockerfile's `pip install` names. Not
// the suite's shared venv, which has more in it (dagster-aws brings boto3, for one), so a missing
// dependency fails here as it would in the image. Made with uv from its cache (the suite's venv
// filled it), online only if the cache lacks something.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.ts';
import { PYTHON } from './python.ts';

const BOOTSTRAP_UV = join(packageRoot(), '.cache', 'uv-bootstrap', 'bin', 'uv');
/** uv: the one scripts/setup-python.sh installed, else one on PATH. */
export const UV = existsSync(BOOTSTRAP_UV) ? BOOTSTRAP_UV : 'uv';

/** The requirements the Dockerfile's `pip install` adds to `.` (the pipeline and its dependencies). */
export function imageExtras(pipelineDir: string): string[] {
  const dockerfile = readFileSync(join(pipelineDir, 'Dockerfile'), 'utf8');
  const install = dockerfile.split('\n').find((line) => /^RUN pip install /.test(line));
  if (!install) throw new Error(`no "RUN pip install" in ${pipelineDir}/Dockerfile`);
  const args = [...install.matchAll(/"([^"]+)"|(\S+)/g)].map((m) => m[1] ?? m[2]!).slice(3);
  if (!args.includes('.')) throw new Error(`the Dockerfile does not install the pipeline itself: ${install}`);
  return args.filter((arg) => arg !== '.' && !arg.startsWith('-'));
}

function uv(args: string[]) {
  return spawnSync(UV, args, { encoding: 'utf8', timeout: 600_000, env: { ...process.env, UV_NO_PROGRESS: '1' } });
}

/** Makes `venv` with the pipeline's image requirements; returns its python. */
export function pipelineVenv(pipelineDir: string, venv: string): string {
  const made = uv(['venv', '--quiet', '--python', PYTHON, venv]);
  if (made.status !== 0) throw new Error(`uv venv failed: ${made.stderr}`);
  const python = join(venv, 'bin', 'python');
  const install = [
    'pip',
    'install',
    '--quiet',
    '--python',
    python,
    '-r',
    join(pipelineDir, 'pyproject.toml'),
    ...imageExtras(pipelineDir),
  ];
  let result = uv([...install, '--offline']);
  if (result.status !== 0) result = uv(install);
  if (result.status !== 0) throw new Error(`uv pip install failed: ${result.stderr}`);
  return python;
}
