// A generated pipeline's own Python environment: exactly what its image installs, which is its
// pyproject.toml's dependencies plus the extra packages its Dockerfile's `pip install` names. Not
// the suite's shared venv, which has more in it (dagster-aws brings boto3, for one), so a missing
// dependency fails here as it would in the image. Made with uv from its cache (the suite's venv
// filled it), online only if the cache lacks something.
//
// Kept in .cache/pipeline-venvs/, one per set of requirements (the transform and ingest templates
// share one): Python writes the bytecode of what it imports there on first use, so a later run
// does not compile Dagster and pandas from source again (about 3 s of CPU per environment and
// step process). `rm -rf .cache/pipeline-venvs` makes them again from uv's cache.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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

/**
 * What the pipeline's image installs, as a key for its environment: its pyproject.toml's
 * dependencies and the Dockerfile's extras (the environment itself is installed from the files).
 */
export function imageRequirements(pipelineDir: string): string[] {
  const pyproject = readFileSync(join(pipelineDir, 'pyproject.toml'), 'utf8');
  const block = pyproject.match(/^dependencies = \[\n([\s\S]*?)^\]/m);
  if (!block) throw new Error(`no "dependencies = [" list in ${pipelineDir}/pyproject.toml`);
  const dependencies = [...block[1]!.matchAll(/^\s*"([^"]+)",?$/gm)].map((m) => m[1]!);
  if (!dependencies.length) throw new Error(`no dependency, one per line, in ${pipelineDir}/pyproject.toml`);
  return [...dependencies, ...imageExtras(pipelineDir)];
}

/**
 * The python of an environment with exactly the pipeline's image requirements, made once per set
 * of requirements (and Python) in .cache/pipeline-venvs/: built in a folder of its own, then
 * renamed into place, so a killed or concurrent run never leaves a half-made one there.
 */
export function pipelineVenv(pipelineDir: string): string {
  const requirements = imageRequirements(pipelineDir).sort();
  const key = createHash('sha256')
    .update(JSON.stringify({ python: PYTHON, requirements }))
    .digest('hex')
    .slice(0, 16);
  const root = join(packageRoot(), '.cache', 'pipeline-venvs');
  const venv = join(root, key);
  const python = join(venv, 'bin', 'python');
  if (existsSync(join(venv, 'requirements.json'))) return python;
  const building = `${venv}.${process.pid}.tmp`;
  rmSync(building, { recursive: true, force: true });
  const made = uv(['venv', '--quiet', '--python', PYTHON, building]);
  if (made.status !== 0) throw new Error(`uv venv failed: ${made.stderr}`);
  const install = [
    'pip',
    'install',
    '--quiet',
    '--python',
    join(building, 'bin', 'python'),
    '-r',
    join(pipelineDir, 'pyproject.toml'),
    ...imageExtras(pipelineDir),
  ];
  let result = uv([...install, '--offline']);
  if (result.status !== 0) result = uv(install);
  if (result.status !== 0) throw new Error(`uv pip install failed: ${result.stderr}`);
  writeFileSync(join(building, 'requirements.json'), `${JSON.stringify(requirements, null, 2)}\n`);
  try {
    renameSync(building, venv);
  } catch (error) {
    // Another run made the same one meanwhile: use that.
    rmSync(building, { recursive: true, force: true });
    if (!existsSync(join(venv, 'requirements.json'))) throw error;
  }
  return python;
}
