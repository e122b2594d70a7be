// The upgrade worker thread (the pipeline bin started as a worker: src/cli/pipeline-main.ts): upgrades one pipeline per message,
// one at a time, in the order they came (the pool keeps the next one queued here, so the worker
// never waits for the main thread between two pipelines).
import { parentPort } from 'node:worker_threads';
import { findPlatformRoot, loadPlatformConfig, type PlatformConfig } from '../conventions/platform-config.ts';
import { CliError, thrownMessage } from '../errors.ts';
import type { Codemod } from './codemod.ts';
import { parseStats } from './engines/python.ts';
import { DONE, stepDiffers, type WorkerJob, type WorkerResult } from './pool.ts';
import { allCodemods, phaseTimes, upgradePipeline } from './runner.ts';

let codemods: Codemod[] | undefined;
let platform: PlatformConfig | null = null;

const jobs: WorkerJob[] = [];
let running = false;

export function startWorker(): void {
  parentPort!.on('message', (job: WorkerJob | typeof DONE) => {
    // Ending on its own (not terminated) lets the bin write this thread's code cache as it exits.
    if (job === DONE) return parentPort!.close();
    jobs.push(job);
    if (!running) void drain();
  });
}

async function drain(): Promise<void> {
  running = true;
  while (jobs.length) await upgradeOne(jobs.shift()!);
  running = false;
}

async function upgradeOne(job: WorkerJob): Promise<void> {
  const started = performance.now();
  try {
    if (!codemods) {
      codemods = await allCodemods(job.platformRoot ?? undefined);
      platform = job.platformRoot && findPlatformRoot(job.platformRoot) ? loadPlatformConfig(job.platformRoot) : null;
    }
    const r = await upgradePipeline(job.name, job.dir, {
      pipelines: [],
      platform,
      platformRoot: job.platformRoot,
      to: job.to,
      codemods,
      only: job.only,
      diffs: job.diffs,
    });
    const tree = r.tree.snapshot();
    const result: WorkerResult = {
      ...r,
      tree,
      steps: r.steps.map((s) => ({ codemod: s.codemod, differs: stepDiffers(tree, s.tree.snapshot()) })),
      busy: 0,
    };
    result.busy = performance.now() - started;
    result.phases = {
      ...phaseTimes,
      'parse (native)': parseStats.ms,
      parses: parseStats.parses,
      'parse calls': parseStats.calls,
    };
    parentPort!.postMessage({ result });
  } catch (error) {
    // A user's error (a pipeline's answers file that does not parse) is the user's one line there too.
    parentPort!.postMessage(
      error instanceof CliError
        ? { error: error.message, exitCode: error.exitCode }
        : { error: error instanceof Error ? (error.stack ?? error.message) : thrownMessage(error) },
    );
  }
}
