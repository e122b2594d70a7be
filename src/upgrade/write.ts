// Writing what an upgrade planned, inside the command's transaction: every pipeline's files in
// one plan, or one git commit per codemod (--commit); and platform.yaml's conventions version.
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { PLATFORM_FILE } from '../conventions/platform-config.ts';
import * as git from '../git.ts';
import { FileTree } from '../tree/file-tree.ts';
import type { ChangePlan } from '../tree/plan.ts';
import type { Transaction } from '../tree/transaction.ts';
import { editYamlSource, replaceScalar } from './engines/yaml.ts';
import { type PipelineUpgrade, RENDER_AGAIN } from './runner.ts';

/**
 * Every upgraded pipeline's files in one plan: the journal (which lists every file so far) is saved
 * once, not once per pipeline, which made a 1,000-pipeline upgrade quadratic.
 */
export async function writeUpgrades(
  tx: Transaction,
  root: string | undefined,
  results: PipelineUpgrade[],
  platformBump: ChangePlan | null,
): Promise<void> {
  const plans = results.filter((r) => r.status === 'upgraded').map((r) => r.tree.toPlan());
  if (plans.length)
    await tx.applyConcurrently({
      root: root ?? plans[0]!.root,
      changes: plans.flatMap((p) =>
        p.changes.map((c) => ({ ...c, path: relative(root ?? plans[0]!.root, resolve(p.root, c.path)) })),
      ),
    });
  if (platformBump) tx.apply(platformBump);
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
    );
  }
}

const readOrNull = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8') : null);
