// pipeline resolve: a git merge stopped on conflicts, and some are in files this CLI records and
// renders, which two branches that each ran `pipeline add deployment` (or `add mode`) on one
// pipeline both changed. A pipeline's .pipeline-answers.yaml keeps each branch's changes (a three-way
// merge of its values: merge-answers.ts), and each platform-owned file both branches rendered
// (conventions.py, modes.py) is rendered again from the merged answers, when neither branch edited
// it by hand. Every other conflict is left for a person, and named.
import { join } from 'node:path';
import { parse, parseDocument } from 'yaml';
import { ANSWERS_FILE } from '../../generators/pipeline/files.ts';
import { firstDifference } from '../../generators/pipeline/owned.ts';
import { checkPlatformConfig, PLATFORM_FILE, type PlatformConfig } from '../conventions/platform-config.ts';
import { CONVENTIONS_VERSION } from '../conventions/version.ts';
import { gitBlob, gitUnmerged, tryGit } from '../git.ts';
import { FileTree } from '../tree/file-tree.ts';
import { expected } from '../upgrade/platform-owned.ts';
import { allCodemods } from '../upgrade/runner.ts';
import { type AnswerConflict, mergeAnswers } from './merge-answers.ts';

export interface ResolveReport {
  dryRun: boolean;
  /** Conflicted files this run resolved (written and staged), with how. */
  resolved: { path: string; how: string }[];
  /** Conflicted files left for a person, with why. */
  left: { path: string; why: string }[];
}

/** The commit being merged into HEAD: a merge's, a cherry-pick's, a revert's or a rebase's. */
function theirCommit(root: string): string | undefined {
  for (const ref of ['MERGE_HEAD', 'CHERRY_PICK_HEAD', 'REVERT_HEAD', 'REBASE_HEAD'])
    if (tryGit(root, ['rev-parse', '--quiet', '--verify', `${ref}^{commit}`]) !== undefined) return ref;
  return undefined;
}

const asRecord = (text: string | undefined): Record<string, unknown> | undefined => {
  try {
    const value = text === undefined ? undefined : (parse(text) as unknown);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
};

/** platform.yaml as `rev` has it (what that branch rendered with), else today's. */
function platformAt(root: string, rev: string, today: PlatformConfig): PlatformConfig {
  try {
    const text = gitBlob(root, `${rev}:${PLATFORM_FILE}`);
    return text === undefined ? today : checkPlatformConfig(parse(text));
  } catch {
    return today;
  }
}

const shown = (value: unknown) => JSON.stringify(value) ?? 'nothing';
const conflictLine = (c: AnswerConflict) =>
  `both branches changed ${c.key} (${shown(c.ours)} and ${shown(c.theirs)}); keep one by hand`;

/** `ours` (the text HEAD has) with the values of `merged` that differ from it set: comments and layout kept. */
export function answersText(ours: string, merged: Record<string, unknown>, platform: PlatformConfig): string {
  const known = platform.deployments.map((d) => d.name);
  const deployments = merged.deployments;
  // Recorded in platform.yaml's order, as pipeline add deployment records them.
  if (Array.isArray(deployments))
    merged.deployments = [...deployments].sort((a, b) => known.indexOf(String(a)) - known.indexOf(String(b)));
  const doc = parseDocument(ours);
  const was = asRecord(ours) ?? {};
  for (const key of Object.keys(was)) if (!(key in merged)) doc.delete(key);
  for (const [key, value] of Object.entries(merged))
    if (JSON.stringify(was[key]) !== JSON.stringify(value)) doc.set(key, value);
  return doc.toString();
}

/**
 * What `pipeline resolve` writes: each resolved file's new text by its path (relative to `root`),
 * and the report. Writes nothing itself.
 */
export async function resolveConflicts(
  root: string,
  platform: PlatformConfig,
  dryRun: boolean,
): Promise<{ report: ResolveReport; writes: Map<string, string> }> {
  const report: ResolveReport = { dryRun, resolved: [], left: [] };
  const writes = new Map<string, string>();
  const unmerged = gitUnmerged(root);
  const theirs = theirCommit(root);
  const byPipeline = new Map<string, string[]>();
  for (const path of [...unmerged.keys()].sort()) {
    const name = /^pipelines\/([^/]+)\/./.exec(path)?.[1];
    if (name && theirs) byPipeline.set(name, [...(byPipeline.get(name) ?? []), path]);
    else
      report.left.push({
        path,
        why: theirs ? 'not a file of a pipeline' : 'no merge, cherry-pick, revert or rebase is in progress',
      });
  }
  let codemods: Awaited<ReturnType<typeof allCodemods>> | undefined;
  for (const [name, paths] of byPipeline) {
    const dir = join(root, 'pipelines', name);
    const answersPath = `pipelines/${name}/${ANSWERS_FILE}`;
    const stages = unmerged.get(answersPath);
    const blob = (stage: number, rev: string) =>
      stages
        ? stages.has(stage)
          ? gitBlob(root, stages.get(stage)!)
          : undefined
        : gitBlob(root, `${rev}:${answersPath}`);
    const oursText = blob(2, 'HEAD');
    const ours = asRecord(oursText);
    const their = asRecord(blob(3, theirs!));
    let merged: Record<string, unknown> | undefined;
    let answersProblem: string | undefined;
    if (!ours || !their) answersProblem = `${ANSWERS_FILE} is not on both branches, or does not parse on one`;
    else if (stages) {
      const result = mergeAnswers(asRecord(blob(1, '')) ?? {}, ours, their);
      if ('conflicts' in result) answersProblem = result.conflicts.map(conflictLine).join('; ');
      else {
        writes.set(answersPath, answersText(oursText!, result.answers, platform));
        merged = asRecord(writes.get(answersPath));
        report.resolved.push({ path: answersPath, how: "each branch's changes kept" });
      }
    } else merged = asRecord(new FileTree(dir).read(ANSWERS_FILE));
    if (answersProblem && stages) report.left.push({ path: answersPath, why: answersProblem });
    const owned = paths.filter((p) => p !== answersPath);
    if (owned.length === 0) continue;
    if (!merged || !ours || !their) {
      for (const path of owned)
        report.left.push({
          path,
          why: answersProblem
            ? `its pipeline's answers are not merged: ${answersProblem}`
            : 'its pipeline has no answers',
        });
      continue;
    }
    const versions = [ours, their, merged].map((a) => Number(a._conventions_version ?? 0));
    codemods ??= versions.some((v) => v > CONVENTIONS_VERSION) ? await allCodemods(root) : [];
    const tree = new FileTree(dir);
    // Each side as its branch rendered it (with its own platform.yaml), the result with today's.
    const render = (answers: Record<string, unknown>, config: PlatformConfig) =>
      expected({ name, answers, version: Number(answers._conventions_version ?? 0), tree }, config, codemods!);
    const [fromOurs, fromTheirs, fromMerged] = await Promise.all([
      render(ours, platformAt(root, 'HEAD', platform)),
      render(their, platformAt(root, theirs!, platform)),
      render(merged, platform),
    ]);
    for (const path of owned) {
      const rel = path.slice(`pipelines/${name}/`.length);
      const want = fromMerged?.get(rel);
      const sides = unmerged.get(path)!;
      const side = (stage: number, rendered: Map<string, string> | undefined) => {
        const text = sides.has(stage) ? gitBlob(root, sides.get(stage)!) : undefined;
        const then = rendered?.get(rel);
        return text !== undefined && then !== undefined && firstDifference(text, then) === undefined;
      };
      if (want === undefined) report.left.push({ path, why: 'not a file pipeline add records or renders' });
      else if (!side(2, fromOurs) || !side(3, fromTheirs))
        report.left.push({
          path,
          why: `edited by hand on ${side(2, fromOurs) ? 'the branch being merged' : side(3, fromTheirs) ? 'this branch' : 'both branches'}; keep the edits by hand, and check it with npx pipeline check`,
        });
      else {
        writes.set(path, want);
        report.resolved.push({ path, how: 'rendered again from the merged answers' });
      }
    }
  }
  return { report, writes };
}
