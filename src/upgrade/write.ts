// Writing what an upgrade planned, inside the command's transaction: every pipeline's files in
// one plan, or one git commit per codemod (--commit); and platform.yaml's conventions version.
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { PLATFORM_FILE } from '../conventions/platform-config.ts';
import * as git from '../git.ts';
import { FileTree } from '../tree/file-tree.ts';
import type { ChangePlan } from '../tree/plan.ts';
import { type Transaction, WRITE_BATCH } from '../tree/transaction.ts';
import { editYamlSource, replaceScalar } from './engines/yaml.ts';
import { type PipelineUpgrade, RENDER_AGAIN } from './runner.ts';

/**
 * Writes upgraded pipelines while the rest are still being upgraded (`add` hears each result): once
 * a turn's worth of files wait (WRITE_BATCH), they are written in one plan, in the transaction's turns (its old files then
 * take the next plan's bytes), overlapping with the workers' parsing. One plan per turn, not per
 * pipeline: each plan saves the journal, which lists every file so far (per pipeline, a
 * 1,000-pipeline upgrade was quadratic). A failed write stops the next ones and is thrown by
 * `finish`; the command then rolls everything back.
 */

/** What a failed `--commit` tells its user: the upgrade writes its files without committing. */
export const WITHOUT_COMMIT = 'run pipeline upgrade without --commit to write the files without committing';
export class UpgradeWriter {
  private waiting: ChangePlan[] = [];
  private files = 0;
  private written: Promise<void> = Promise.resolve();

  constructor(
    private readonly tx: Transaction,
    private readonly root: string | undefined,
  ) {}

  readonly add = (result: PipelineUpgrade): void => {
    if (result.status !== 'upgraded') return;
    const plan = result.tree.toPlan();
    this.waiting.push(plan);
    this.files += plan.changes.length;
    if (this.files >= WRITE_BATCH()) this.flush();
  };

  /** Once no write is in flight (before a rollback, when the upgrade itself failed). */
  async settled(): Promise<void> {
    await this.written.catch(() => undefined);
  }

  /** Writes what still waits, then platform.yaml's new version; throws the first failed write. */
  async finish(platformBump: ChangePlan | null): Promise<void> {
    this.flush();
    await this.written;
    await this.tx.releaseSpares();
    if (platformBump) this.tx.apply(platformBump);
  }

  private flush(): void {
    const plans = this.waiting;
    if (plans.length === 0) return;
    this.waiting = [];
    this.files = 0;
    const root = this.root ?? plans[0]!.root;
    this.written = this.written.then(() =>
      this.tx.applyConcurrently({
        root,
        changes: plans.flatMap((p) => p.changes.map((c) => ({ ...c, path: relative(root, resolve(p.root, c.path)) }))),
      }),
    );
    // Handled here, thrown by finish: a failure before finish is awaited is not an unhandled rejection.
    this.written.catch(() => undefined);
  }
}

/** platform.yaml records the conventions version new pipelines are generated at. */
export function bumpPlatform(root: string, to: number): ChangePlan | null {
  const tree = new FileTree(root);
  editYamlSource(tree, PLATFORM_FILE, (doc) => {
    const edit = replaceScalar(doc, 'conventions_version', String(to));
    return edit ? [edit] : [];
  });
  const plan = tree.toPlan();
  return plan.changes.length ? plan : null;
}

export function commitPerCodemod(
  tx: Transaction,
  gitDir: string,
  results: PipelineUpgrade[],
  order: string[],
  platformBump: ChangePlan | null,
): void {
  const top = git.gitTopLevel(gitDir)!;
  for (const id of [...order, RENDER_AGAIN, 'record-version']) {
    const touched: string[] = [];
    const pipelines: string[] = [];
    for (const r of results.filter((r) => r.status === 'upgraded')) {
      const step = r.steps.find((s) => s.codemod === id);
      if (!step) continue;
      const plan = step.tree.toPlan();
      const fresh = plan.changes.filter((c) => readOrNull(join(r.dir, c.path)) !== c.content);
      if (!fresh.length) continue;
      tx.apply({ root: r.dir, changes: fresh });
      touched.push(...fresh.map((c) => relative(top, join(r.dir, c.path))));
      pipelines.push(r.pipeline);
    }
    if (id === 'record-version' && platformBump) {
      tx.apply(platformBump);
      touched.push(...platformBump.changes.map((c) => relative(top, join(platformBump.root, c.path))));
    }
    if (!touched.length) continue;
    const subject =
      id === 'record-version'
        ? 'chore(upgrade): record the new conventions version'
        : id === RENDER_AGAIN
          ? "chore(upgrade): render platform-owned files again from today's platform.yaml"
          : `chore(upgrade): ${id}`;
    git.gitCommit(
      top,
      touched,
      `${subject}\n\nPipelines: ${[...new Set(pipelines)].join(', ') || '-'}\nMade by pipeline upgrade.`,
      WITHOUT_COMMIT,
    );
  }
}

const readOrNull = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8') : null);
