// The upgrade worker thread (bundled as dist/upgrade-worker.js): upgrades one pipeline per message.
import { parentPort } from 'node:worker_threads';
import { findPlatformRoot, loadPlatformConfig, type PlatformConfig } from '../conventions/platform-config.ts';
import type { Codemod } from './codemod.ts';
import type { WorkerJob, WorkerResult } from './pool.ts';
import { allCodemods, upgradePipeline } from './runner.ts';

let codemods: Codemod[] | undefined;
let platform: PlatformConfig | null = null;

parentPort!.on('message', async (job: WorkerJob) => {
  try {
    if (!codemods) {
      codemods = await allCodemods(job.platformRoot ?? undefined);
      platform = job.platformRoot && findPlatformRoot(job.platformRoot) ? loadPlatformConfig(job.platformRoot) : null;
    }
    const r = await upgradePipeline(job.name, job.dir, { pipelines: [], platform, to: job.to, codemods, only: job.only, diffs: job.diffs });
    const result: WorkerResult = { ...r, tree: r.tree.snapshot(), steps: r.steps.map((s) => ({ codemod: s.codemod, tree: s.tree.snapshot() })) };
    parentPort!.postMessage({ result });
  } catch (error) {
    parentPort!.postMessage({ error: (error as Error).stack ?? String(error) });
  }
});
