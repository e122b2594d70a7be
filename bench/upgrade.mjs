// Speed of `pipeline upgrade` on a synthetic platform repo of 1,000 legacy pipelines (about
// 10,000 Python files), next to ast-grep's own CLI (sg) and a LibCST codemod (2 processes) doing
// the @solid -> @op rewrite, all measured in the same run and printed (never asserted in tests):
// each tool's line as soon as it finishes (ours, sg, then LibCST, the slowest), then the ratios.
// Our run does the whole legacy migration (ops, jobs, config keys, imports), more than the others.
//   npm run bench:upgrade [-- --pipelines 1000] [-- --cli other/dist/pipeline.js] [-- --timings]
// --timings: our run also prints its per-phase lines (PIPELINE_UPGRADE_TIMINGS=1, docs/development.md).
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { makeCorpus } from './corpus.mjs';

const { values } = parseArgs({
  options: {
    pipelines: { type: 'string', default: '1000' },
    cli: { type: 'string', multiple: true },
    timings: { type: 'boolean', default: false },
  },
});
const ROOT = join(import.meta.dirname, '..');
const CACHE = join(ROOT, '.cache');
const N = Number(values.pipelines);

// Tools, installed once into .cache: LibCST in a venv, ast-grep's CLI at the version of our napi.
const venv = join(CACHE, 'bench-venv');
if (!existsSync(join(venv, 'bin', 'python'))) {
  execFileSync(join(CACHE, 'uv-bootstrap', 'bin', 'uv'), ['venv', '--quiet', venv], { stdio: 'inherit' });
  execFileSync(
    join(CACHE, 'uv-bootstrap', 'bin', 'uv'),
    ['pip', 'install', '--quiet', '--python', join(venv, 'bin', 'python'), 'libcst==1.8.5'],
    { stdio: 'inherit' },
  );
}
const sgDir = join(CACHE, 'bench-sg');
const sg = join(sgDir, 'node_modules', '.bin', 'ast-grep');
if (!existsSync(sg))
  execFileSync(
    'npm',
    ['install', '--silent', '--no-save', '--no-package-lock', '--prefix', sgDir, '@ast-grep/cli@0.51.1'],
    { stdio: 'inherit' },
  );

const work = mkdtempSync(join(tmpdir(), 'bench-upgrade-'));
const base = join(work, 'base');
makeCorpus(base, N);
cpSync(join(ROOT, 'test', 'fixtures', 'conventions-v1', 'platform.yaml'), join(base, 'platform.yaml'));
const files = Number(execFileSync('bash', ['-c', `find ${base} -name '*.py' | wc -l`]).toString());

function timed(label, dir, cmd, args, env = {}) {
  cpSync(base, dir, { recursive: true });
  const started = process.hrtime.bigint();
  const result = spawnSync(cmd, args, { cwd: dir, encoding: 'utf8', env: { ...process.env, CI: 'true', ...env } });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`${label} failed: ${result.stderr}`);
  const changed = Number(
    execFileSync('bash', ['-c', `grep -rl --include='*.py' '@op' ${dir} | wc -l`])
      .toString()
      .trim(),
  );
  rmSync(dir, { recursive: true, force: true });
  const row = { label, seconds, changed };
  // Printed as soon as it is measured: a run cut short still reports the tools that finished.
  console.log(
    `${label.padEnd(48)} ${seconds.toFixed(1).padStart(6)} s  ${(files / seconds).toFixed(0).padStart(6)} files/s  (${changed} files with @op)`,
  );
  for (const line of result.stderr.split('\n').filter((l) => l.startsWith('timing: '))) console.log(`  ${line}`);
  return row;
}

console.log(`pipeline upgrade benchmark: ${N} pipelines, ${files} Python files, node ${process.version}`);
const ours = timed(
  'pipeline upgrade (legacy-dagster-0x, workers)',
  join(work, 'ours'),
  process.execPath,
  [join(ROOT, 'packages', 'cli', 'dist', 'pipeline.js'), 'upgrade', '--allow-dirty'],
  values.timings ? { PIPELINE_UPGRADE_TIMINGS: '1' } : {},
);
// --cli other/dist/pipeline.js (repeatable): another build of ours, e.g. an earlier commit's.
for (const cli of values.cli ?? []) {
  const other = timed(`pipeline upgrade [${cli}]`.slice(0, 48), join(work, 'other'), process.execPath, [
    cli,
    'upgrade',
    '--allow-dirty',
  ]);
  console.log(`  this build vs that one: ${(other.seconds / ours.seconds).toFixed(1)}x faster`);
}
const sgRow = timed('ast-grep CLI (sg run, 2 rewrites)', join(work, 'sg'), 'bash', [
  '-c',
  `'${sg}' run --lang python --pattern '@solid($$$A)' --rewrite '@op($$$A)' -U . >/dev/null && '${sg}' run --lang python --pattern '@solid' --rewrite '@op' -U . >/dev/null`,
]);
console.log(`ours vs sg: ${(sgRow.seconds / ours.seconds).toFixed(2)}x (target: at least 1.0x, no slower than sg)`);
const libcst = timed('LibCST codemod, 2 processes', join(work, 'libcst'), join(venv, 'bin', 'python'), [
  join(ROOT, 'bench', 'libcst_solid_to_op.py'),
  '.',
  '2',
]);
rmSync(work, { recursive: true, force: true });
console.log(`ours vs LibCST: ${(libcst.seconds / ours.seconds).toFixed(1)}x (target: at least 5x)`);
console.log(
  `targets: >= 5x LibCST -> ${libcst.seconds / ours.seconds >= 5 ? 'met' : 'NOT met'}; no slower than sg -> ${ours.seconds <= sgRow.seconds ? 'met' : 'NOT met'}`,
);
