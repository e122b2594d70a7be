// Speed of the main path, printed as numbers (never asserted in tests):
// generating one pipeline with --yes (no dependency install), median wall time, against a bare
// `node -e 0` measured in the same run. Target: at most 3x a bare Node start (issue: lean and fast).
// Both sides run with NODE_EXTRA_CA_CERTS unset (this machine sets it, which triples `node -e 0` on
// Node 20 and would flatter every ratio); the bare start with it set is printed for reference.
//   npm run bench [-- --runs 15]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '11' } } });
const RUNS = Number(values.runs);
const CLI = join(import.meta.dirname, '..', 'dist', 'create-pipeline.js');
const { NODE_EXTRA_CA_CERTS: extraCerts, ...inherited } = process.env;
const env = { ...inherited, CI: 'true', GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@example.com', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@example.com' };

function time(args, cwd, withEnv = env) {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd, env: withEnv, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${args.join(' ')} failed: ${result.stderr}`);
  return ms;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const root = mkdtempSync(join(tmpdir(), 'bench-platform-'));
execFileSync(process.execPath, [CLI, '--platform', '--platform-name', 'bench'], { cwd: root, env, stdio: 'ignore' });

const bare = [];
const bareWithCerts = [];
const generate = [];
const withGit = [];
const dryRun = [];
for (let i = 0; i < RUNS; i++) {
  bare.push(time(['-e', '0'], root));
  if (extraCerts) bareWithCerts.push(time(['-e', '0'], root, { ...env, NODE_EXTRA_CA_CERTS: extraCerts }));
  generate.push(time([CLI, `p${i}`, '--yes', '--no-branch'], root));
  execFileSync('git', ['add', '-A'], { cwd: root });
  execFileSync('git', ['commit', '-qm', `p${i}`], { cwd: root, env });
  withGit.push(time([CLI, `q${i}`, '--yes'], root));
  execFileSync('git', ['checkout', '-q', 'main'], { cwd: root });
  dryRun.push(time([CLI, `d${i}`, '--yes', '--dry-run'], root));
}
rmSync(root, { recursive: true, force: true });

const base = median(bare);
const row = (name, xs) => `${name.padEnd(44)} ${median(xs).toFixed(0).padStart(6)} ms   ${(median(xs) / base).toFixed(1).padStart(5)}x node -e 0`;
console.log(`create-pipeline generation, ${RUNS} runs each, median wall time (node ${process.version})`);
console.log(row('node -e 0 (NODE_EXTRA_CA_CERTS unset, the baseline)', bare));
if (bareWithCerts.length) console.log(row('node -e 0 with NODE_EXTRA_CA_CERTS set', bareWithCerts));
console.log(row('create-pipeline <name> --yes --no-branch', generate));
console.log(row('create-pipeline <name> --yes (branch + commit)', withGit));
console.log(row('create-pipeline <name> --yes --dry-run', dryRun));
console.log(`target: generation at most 3.0x node -e 0 -> ${(median(generate) / base).toFixed(1)}x ${median(generate) / base <= 3 ? 'met' : 'NOT met'}`);
