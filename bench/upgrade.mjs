// Speed of `pipeline upgrade` on a synthetic platform repo of 1,000 legacy pipelines (about
// 10,000 Python files), next to ast-grep's own CLI (sg) and a LibCST codemod (2 processes), all
// measured in the same run and printed (never asserted in tests), each line as soon as its tool
// finishes, then the ratios:
// - head to head, the same rewrite and the same output: @solid / @solid(...) become @op / @op(...)
//   and `from dagster import solid` imports op. Ours is a platform codemod (codemods/ in the
//   platform repo, run by `pipeline upgrade --codemod solid-to-op`: worker threads, ast-grep's
//   napi, every written file checked to parse, one all-or-nothing transaction); sg runs one
//   inline rule (`sg scan -U`, one pass); LibCST a transformer on 2 processes. ours and sg run
//   twice each, in the order sg, ours, ours, sg, and count as the means. The outputs are compared
//   file by file, and the bench fails when they differ.
// - the whole legacy migration (ops, jobs, config keys, imports, conventions v1 -> current), which
//   does far more than the others: for scale.
//   npm run bench:upgrade [-- --pipelines 1000] [-- --cli other/dist/pipeline.js] [-- --timings]
// --timings: our runs also print their per-phase lines (PIPELINE_UPGRADE_TIMINGS=1, docs/development.md).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { makeCorpus } from './corpus.mjs';
import { measure } from './measure.mjs';

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

// The head-to-head rewrite, as one ast-grep rule: for our platform codemod and for sg alike.
const SOLID = [
  "{ kind: 'identifier', regex: '^solid$', inside: { kind: 'decorator' } }",
  "{ kind: 'identifier', regex: '^solid$', inside: { kind: 'call', field: 'function', inside: { kind: 'decorator' } } }",
  // (not `field: 'name'` on the import: ast-grep's field test sees only the first name imported)
  "{ kind: 'dotted_name', regex: '^solid$', inside: { kind: 'import_from_statement' }, not: { inside: { kind: 'import_from_statement', field: 'module_name' } } }",
];
mkdirSync(join(base, 'codemods'));
writeFileSync(
  join(base, 'codemods', 'index.ts'),
  `import type { Codemod } from '@create-pipeline/cli';

// The benchmark's head-to-head rewrite (bench/upgrade.mjs): the same one sg and LibCST make.
const solidToOp: Codemod = {
  id: 'solid-to-op',
  version: 2,
  description: '@solid becomes @op, and so does its import',
  async run(tree, { engines }) {
    let changes = 0;
    for (const path of tree.list().filter((p) => p.endsWith('.py')))
      changes += await engines.python.edit(tree, path, (root) =>
        root.findAll({ rule: { any: [${SOLID.join(', ')}] } }).map((n) => n.replace('op')),
      );
    return changes;
  },
};

export const codemods: Codemod[] = [solidToOp];
`,
);
const sgRule = `id: solid-to-op
language: python
rule: { any: [${SOLID.join(', ')}] }
fix: op
`;

/** Every Python file below `dir` (relative path -> content), to compare the tools' outputs. */
function pythonFiles(dir) {
  const out = new Map();
  const list = execFileSync('bash', ['-c', `cd '${dir}' && find pipelines -name '*.py' | sort`])
    .toString()
    .split('\n');
  for (const path of list.filter(Boolean)) out.set(path, readFileSync(join(dir, path), 'utf8'));
  return out;
}

/** Every tool starts with the copy it works on written back: none pays for the one before's write-back. */
function settle() {
  execFileSync('sync');
}

function timed(label, dir, cmd, args, env = {}, { withoutCodemods = false } = {}) {
  cpSync(base, dir, { recursive: true });
  // The whole migration runs the built-in codemods alone, without the head-to-head one.
  if (withoutCodemods) rmSync(join(dir, 'codemods'), { recursive: true });
  settle();
  const result = measure(cmd, args, dir, { ...process.env, CI: 'true', ...env });
  const seconds = result.wall;
  const output = pythonFiles(dir);
  rmSync(dir, { recursive: true, force: true });
  const changed = [...output].filter(([path, text]) => baseline.get(path) !== text).length;
  // Printed as soon as it is measured: a run cut short still reports the tools that finished.
  console.log(
    `${label.padEnd(52)} ${seconds.toFixed(1).padStart(6)} s  ${(files / seconds).toFixed(0).padStart(6)} files/s  (${changed} files changed; CPU ${result.user.toFixed(1)} s user + ${result.system.toFixed(1)} s system)`,
  );
  for (const line of result.stderr.split('\n').filter((l) => l.startsWith('timing: '))) console.log(`  ${line}`);
  return { label, seconds, output, user: result.user, system: result.system };
}

/** The paths where two tools' outputs differ (none: the same output). */
function differing(a, b) {
  return [...new Set([...a.output.keys(), ...b.output.keys()])].filter((p) => a.output.get(p) !== b.output.get(p));
}

const baseline = pythonFiles(base);
const CLI = join(ROOT, 'packages', 'cli', 'dist', 'pipeline.js');
const timings = values.timings ? { PIPELINE_UPGRADE_TIMINGS: '1' } : {};
console.log(`pipeline upgrade benchmark: ${N} pipelines, ${files} Python files, node ${process.version}`);
console.log('head to head, the same rewrite (@solid -> @op):');
const runOurs = () =>
  timed(
    'pipeline upgrade --codemod solid-to-op (workers)',
    join(work, 'ours'),
    process.execPath,
    [CLI, 'upgrade', '--codemod', 'solid-to-op', '--allow-dirty'],
    timings,
  );
const runSg = () =>
  timed(
    'ast-grep CLI (sg scan -U, one inline rule)',
    join(work, 'sg'),
    'bash',
    ['-c', `'${sg}' scan --inline-rules "$SG_RULE" -U . >/dev/null`],
    { SG_RULE: sgRule },
  );
// ours and sg both write every changed file to a temporary file and rename it over the old one,
// so each pays for creating 10,000 files, which on this machine costs more right after a tree was
// deleted or replaced (the tool before it); run in the order sg, ours, ours, sg, each is first
// after the other as often, and each row below is the mean of its two runs.
const abba = [runSg(), runOurs(), runOurs(), runSg()];
const meanOf = (a, b) => ({ ...a, seconds: (a.seconds + b.seconds) / 2 });
const ours = meanOf(abba[1], abba[2]);
const sgRow = meanOf(abba[0], abba[3]);
console.log(
  `  means of two runs each: ours ${ours.seconds.toFixed(1)} s, sg ${sgRow.seconds.toFixed(1)} s (order sg, ours, ours, sg)`,
);
const libcst = timed('LibCST codemod, 2 processes', join(work, 'libcst'), join(venv, 'bin', 'python'), [
  join(ROOT, 'bench', 'libcst_solid_to_op.py'),
  '.',
  '2',
]);
for (const other of [sgRow, libcst]) {
  const diff = differing(ours, other);
  if (diff.length)
    throw new Error(
      `ours and ${other.label} differ in ${diff.length} files; the first, ${diff[0]}:\n--- ours\n${ours.output.get(diff[0])}\n--- ${other.label}\n${other.output.get(diff[0])}`,
    );
}
console.log(`  the same output, file for file: ours, sg and LibCST (${ours.output.size} files)`);
console.log(`  ours vs sg: ${(sgRow.seconds / ours.seconds).toFixed(2)}x (target: at least 1.0x, no slower than sg)`);
console.log(`  ours vs LibCST: ${(libcst.seconds / ours.seconds).toFixed(1)}x (target: at least 5x)`);
console.log('the whole legacy migration (conventions v1 -> current; far more than the rewrite above):');
const full = timed(
  'pipeline upgrade (legacy-dagster-0x and the rest)',
  join(work, 'full'),
  process.execPath,
  [CLI, 'upgrade', '--allow-dirty'],
  timings,
  { withoutCodemods: true },
);
// --cli other/dist/pipeline.js (repeatable): another build of ours, e.g. an earlier commit's.
for (const cli of values.cli ?? []) {
  const other = timed(
    `pipeline upgrade [${cli}]`.slice(0, 52),
    join(work, 'other'),
    process.execPath,
    [cli, 'upgrade', '--allow-dirty'],
    {},
    { withoutCodemods: true },
  );
  console.log(`  this build vs that one: ${(other.seconds / full.seconds).toFixed(1)}x faster`);
}
console.log(
  `  the migration vs the rewrite: sg ${(sgRow.seconds / full.seconds).toFixed(2)}x, LibCST ${(libcst.seconds / full.seconds).toFixed(1)}x`,
);
rmSync(work, { recursive: true, force: true });
console.log(
  `targets (head to head): >= 5x LibCST -> ${libcst.seconds / ours.seconds >= 5 ? 'met' : 'NOT met'}; no slower than sg -> ${ours.seconds <= sgRow.seconds ? 'met' : 'NOT met'}`,
);
