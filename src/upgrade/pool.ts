// Runs pipeline upgrades on worker threads, one per core: parsing and rewriting thousands of
// files is CPU-bound, and ast-grep's parser runs on the calling thread. Each worker loads the
// codemods itself (built-in, and the platform's from their transpiled cache) and sends back plain
// data; the main thread rebuilds the trees and decides what to write. Completion is tracked per
// pipeline, so a result is never reported before its worker has sent it.
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { packageRoot } from '../paths.ts';
import { FileTree } from '../tree/file-tree.ts';
import type { PipelineUpgrade, UpgradeOptions } from './types.ts';

export interface WorkerJob {
  name: string;
  dir: string;
  to: number;
  only?: string;
  diffs?: boolean;
  /** Write the pipeline's files when all its codemods succeed (not with --dry-run or --commit). */
  platformRoot: string | null;
}

export interface WorkerResult extends Omit<PipelineUpgrade, 'tree' | 'steps'> {
  tree: [string, string][];
  steps: { codemod: string; tree: [string, string][] }[];
}

export const workerScript = (): string => join(packageRoot(), 'dist', 'upgrade-worker.js');

/** Workers pay off on many pipelines, and exist only in the built CLI. */
export const useWorkers = (pipelines: number): boolean => pipelines >= 16 && existsSync(workerScript()) && import.meta.url.includes('/dist/');

/**
 * Workers only compute: the main thread writes every upgraded pipeline in one transaction
 * (src/tree/transaction.ts), so a kill or a failed write never leaves a pipeline half-written.
 */
export async function runInWorkers(options: UpgradeOptions, platformRoot: string | null): Promise<PipelineUpgrade[]> {
  const queue = options.pipelines.map((p, index) => ({ ...p, index }));
  const results: PipelineUpgrade[] = new Array(queue.length);
  let done = 0;
  const count = Math.min(availableParallelism(), queue.length);
  await Promise.all(
    Array.from({ length: count }, () =>
      new Promise<void>((resolve, reject) => {
        const worker = new Worker(workerScript());
        let current: (typeof queue)[number] | undefined;
        const next = () => {
          current = queue.shift();
          if (!current) {
            void worker.terminate().then(() => resolve());
            return;
          }
          const job: WorkerJob = { name: current.name, dir: current.dir, to: options.to, only: options.only, diffs: options.diffs, platformRoot };
          worker.postMessage(job);
        };
        worker.on('message', (message: { result?: WorkerResult; error?: string }) => {
          if (message.error) return reject(new Error(`upgrade worker: ${message.error}`));
          const r = message.result!;
          results[current!.index] = { ...r, tree: FileTree.fromSnapshot(r.dir, r.tree), steps: r.steps.map((s) => ({ codemod: s.codemod, tree: FileTree.fromSnapshot(r.dir, s.tree) })) };
          options.onProgress?.(++done, results.length, r.pipeline);
          next();
        });
        worker.on('error', reject);
        next();
      }),
    ),
  );
  return results;
}
