// Sandbox speed against a local lakeFS server, printed as numbers (never asserted in tests):
// `pipeline sandbox up` and `down` wall time, and how `up` scales with the production
// repository's size (1k, 10k, 100k objects). A branch is metadata-only, so `up` should stay flat.
//   npm run bench:sandbox [-- --sizes 1000,10000,100000 --runs 5]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { builtBin } from '../src/paths.ts';
import { startLakeFS } from '../test/helpers/lakefs.ts';

const { values } = parseArgs({
  options: { sizes: { type: 'string', default: '1000,10000,100000' }, runs: { type: 'string', default: '5' } },
});
const SIZES = values.sizes!.split(',').map(Number);
const RUNS = Number(values.runs);
const work = mkdtempSync(join(tmpdir(), 'bench-sandbox-'));
const gitEnv = {
  GIT_AUTHOR_NAME: 'bench',
  GIT_AUTHOR_EMAIL: 'b@example.com',
  GIT_COMMITTER_NAME: 'bench',
  GIT_COMMITTER_EMAIL: 'b@example.com',
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const lakefs = await startLakeFS(join(work, 'lakefs'));
const env = { ...process.env, ...gitEnv, ...lakefs.env, CI: 'true' };

function timeCli(args: string[], cwd: string): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [builtBin('pipeline'), 'sandbox', ...args], {
    cwd,
    env,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`pipeline sandbox ${args.join(' ')}: ${result.stderr}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function seed(repo: string, objects: number): Promise<number> {
  const started = Date.now();
  await lakefs.client.createRepository(repo, `local://${repo}`, 'main');
  let next = 0;
  const worker = async () => {
    while (next < objects) {
      const i = next++;
      await lakefs.client.upload(
        repo,
        'main',
        `raw/part-${String(Math.floor(i / 1000)).padStart(3, '0')}/obj-${i}.csv`,
        `id,value\n${i},${i * 7}\n`,
      );
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  await lakefs.client.commit(repo, 'main', `seed ${objects} objects`);
  return (Date.now() - started) / 1000;
}

console.log(
  `pipeline sandbox against lakeFS on loopback, ${RUNS} runs each, median wall time (node ${process.version})`,
);
console.log('objects in production   seed (s)   up (ms)   up again (ms)   down (ms)');
try {
  for (const size of SIZES) {
    const repo = `bench-${size}`;
    const seconds = await seed(repo, size);
    const platform = join(work, repo);
    execFileSync('mkdir', ['-p', platform]);
    execFileSync(process.execPath, [builtBin('create-pipeline'), '--platform', '--lakefs-repository', repo], {
      cwd: platform,
      env,
      stdio: 'ignore',
    });
    const up: number[] = [];
    const again: number[] = [];
    const down: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const branch = `--git-branch=bench/run-${i}`;
      up.push(timeCli(['up', branch], platform));
      again.push(timeCli(['up', branch], platform));
      down.push(timeCli(['down', branch], platform));
    }
    console.log(
      `${String(size).padStart(21)}   ${seconds.toFixed(1).padStart(8)}   ${median(up).toFixed(0).padStart(7)}   ${median(again).toFixed(0).padStart(13)}   ${median(down).toFixed(0).padStart(9)}`,
    );
  }
} finally {
  await lakefs.stop();
  rmSync(work, { recursive: true, force: true });
}
