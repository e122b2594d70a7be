// Runs pipeline upgrades on worker threads, one per core: parsing and rewriting thousands of
// files is CPU-bound, and ast-grep's parser runs on the calling thread. Each worker loads the
// codemods itself (built-in, and the platform's from their transpiled cache) and sends back plain
// data; the main thread rebuilds the trees and decides what to write. Completion is tracked per
// pipeline, so a result is never reported before its worker has sent it.

import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { CliError } from '../errors.ts';
import { printError } from '../output.ts';
import { packageRoot } from '../paths.ts';
import { startSyncShell } from '../tree/atomic.ts';
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
  /** Each step's tree as its difference from the final one (null: the file is not in that step's). */
  steps: { codemod: string; differs: [string, string | null][] }[];
  /** Milliseconds the worker spent on this pipeline. */
  busy: number;
  /** The worker's running totals per phase (milliseconds, or counts). */
  phases?: Record<string, number>;
}

/** A step's tree as its difference from the final tree: most steps hold nearly the same files. */
export function stepDiffers(final: [string, string][], step: [string, string][]): [string, string | null][] {
  const last = new Map(final);
  const mine = new Map(step);
  const differs: [string, string | null][] = [];
  for (const [path, content] of mine) if (last.get(path) !== content) differs.push([path, content]);
  for (const path of last.keys()) if (!mine.has(path)) differs.push([path, null]);
  return differs;
}

function stepTree(dir: string, final: [string, string][], differs: [string, string | null][]): FileTree {
  const entries = new Map(final);
  for (const [path, content] of differs) {
    if (content === null) entries.delete(path);
    else entries.set(path, content);
  }
  return FileTree.fromSnapshot(dir, [...entries]);
}

/** PIPELINE_UPGRADE_TIMINGS=1: one line on stderr per phase (for profiling; never in tests). */
export const timing = (line: string): void => {
  if (process.env.PIPELINE_UPGRADE_TIMINGS === '1') printError(`timing: ${line}\n`);
};

/** What the pool sends a worker it has no more pipelines for. */
export const DONE = 'done';

/** The pipeline bin, which runs as a worker when started as one. */
export const workerScript = (): string => join(packageRoot(), 'dist', 'pipeline.js');

/**
 * Pipelines sent to a worker and not yet answered. A write turn holds the main thread for 100 to
 * 300 ms (its journal, renames and sync), in which a worker with 4 waiting (about 30 ms of work)
 * ran dry: each was busy 87-91% of the run. With 16, 93-96%, and 1,000 pipelines took 5% less
 * (ABBA pairs, docs/development.md).
 */
const IN_FLIGHT = 16;

/** Workers pay off on many pipelines, and exist only in the built CLI. */
export const useWorkers = (pipelines: number): boolean =>
  pipelines >= 16 && existsSync(workerScript()) && import.meta.url.includes('/dist/');

/**
 * Workers only compute: the main thread writes every upgraded pipeline in one transaction
 * (src/tree/transaction.ts), so a kill or a failed write never leaves a pipeline half-written.
 */
export async function runInWorkers(options: UpgradeOptions, platformRoot: string | null): Promise<PipelineUpgrade[]> {
  const queue = options.pipelines.map((p, index) => ({ ...p, index }));
  const results: PipelineUpgrade[] = new Array(queue.length);
  let done = 0;
  const count = Math.min(availableParallelism(), queue.length);
  // At most an even share each: with IN_FLIGHT alone, the first worker took all of 16 pipelines
  // and the second had none.
  const inFlightMost = Math.min(IN_FLIGHT, Math.ceil(queue.length / count));
  const started = performance.now();
  const busy: number[] = [];
  let rebuilding = 0;
  const phases: Record<string, number>[] = [];
  // The writes' `sync -f`, started from here while the process is small (the workers grow it).
  startSyncShell();
  await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<void>((resolve, reject) => {
          const worker = new Worker(workerScript());
          const slot = busy.push(0) - 1;
          // Sent and not yet answered, in order (the worker answers in the order it is sent jobs):
          // inFlightMost at a time, so a worker that finishes one starts the next without a round trip,
          // even while the main thread is busy writing the pipelines done so far (onResult).
          const inFlight: (typeof queue)[number][] = [];
          const next = () => {
            while (inFlight.length < inFlightMost && queue.length) {
              const job = queue.shift()!;
              inFlight.push(job);
              worker.postMessage({
                name: job.name,
                dir: job.dir,
                to: options.to,
                only: options.only,
                diffs: options.diffs,
                platformRoot,
              } satisfies WorkerJob);
            }
            if (inFlight.length === 0) {
              // Done: the worker ends on its own, so that the bin writes its code cache as it exits
              // (a terminated thread runs no exit handler); one still there after 10 s is ended.
              const stop = setTimeout(() => void worker.terminate(), 10_000);
              worker.once('exit', () => {
                clearTimeout(stop);
                resolve();
              });
              worker.postMessage(DONE);
            }
          };
          worker.on('message', (message: { result?: WorkerResult; error?: string; exitCode?: number }) => {
            if (message.error)
              return reject(
                message.exitCode === undefined
                  ? new Error(`upgrade worker: ${message.error}`)
                  : new CliError(message.error, message.exitCode),
              );
            const r = message.result!;
            const current = inFlight.shift()!;
            const at = performance.now();
            const { busy: spent, phases: totals, ...rest } = r;
            busy[slot]! += spent;
            phases[slot] = totals ?? {};
            results[current.index] = {
              ...rest,
              tree: FileTree.fromSnapshot(r.dir, r.tree),
              steps: r.steps.map((s) => ({ codemod: s.codemod, tree: stepTree(r.dir, r.tree, s.differs) })),
            };
            rebuilding += performance.now() - at;
            options.onResult?.(results[current.index]!);
            options.onProgress?.(++done, results.length, r.pipeline);
            next();
          });
          worker.on('error', reject);
          next();
        }),
    ),
  );
  const wall = performance.now() - started;
  timing(
    `${results.length} pipelines on ${count} workers: ${Math.round(wall)} ms; each worker busy ${busy.map((b) => `${Math.round((100 * b) / wall)}%`).join(', ')}; main thread rebuilding trees ${Math.round(rebuilding)} ms`,
  );
  const names = [...new Set(phases.flatMap((p) => Object.keys(p)))];
  timing(
    `workers' phases (all workers): ${names.map((n) => `${n} ${Math.round(phases.reduce((sum, p) => sum + (p[n] ?? 0), 0))}`).join(', ')}`,
  );
  return results;
}
