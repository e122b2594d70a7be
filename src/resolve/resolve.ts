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
import { hasConflictMarkers, yamlMapping } from '../yaml/read.ts';
import { type AnswerConflict, mergeAnswers } from './merge-answers.ts';

/** What git is doing that stopped on conflicts, named by the ref of the commit it applies. */
const OPERATIONS = {
  MERGE_HEAD: { name: 'merge', next: 'git commit ends the merge' },
  CHERRY_PICK_HEAD: { name: 'cherry-pick', next: 'git cherry-pick --continue ends the cherry-pick' },
  REVERT_HEAD: { name: 'revert', next: 'git revert --continue ends the revert' },
  REBASE_HEAD: { name: 'rebase', next: 'git rebase --continue goes on with the rebase' },
} as const;
type TheirRef = keyof typeof OPERATIONS;

export interface ResolveReport {
  ok: true;
  dryRun: boolean;
  /** The git operation that stopped on conflicts (merge, cherry-pick, revert, rebase), or null. */
  operation: string | null;
  /** Conflicted files this run resolved (written and staged), with how. */
  resolved: { path: string; how: string }[];
  /** Conflicted files left for a person, with why. */
  left: { path: string; why: string }[];
}

/** The ref of the commit git is applying to HEAD: a merge's, a cherry-pick's, a revert's or a rebase's. */
function theirCommit(root: string): TheirRef | undefined {
  return (Object.keys(OPERATIONS) as TheirRef[]).find(
    (ref) => tryGit(root, ['rev-parse', '--quiet', '--verify', `${ref}^{commit}`]) !== undefined,
  );
}

/** The line that ends a report: what to run next. */
export const nextStep = (operation: string | null): string | undefined =>
  Object.values(OPERATIONS).find((o) => o.name === operation)?.next;

/** Files `pipeline upgrade` renders from platform.yaml, outside the pipelines: said where they conflict. */
const PLATFORM_RENDERED = [/^\.github\/workflows\/pipelines\.yaml$/, /^deployments\/[^/]+\/dagster\.yaml$/];

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

/** Each key of `order` in that order, then the others as they were. */
const ordered = <T>(items: T[], order: string[]): T[] => {
  const rank = (item: T) => (order.includes(String(item)) ? order.indexOf(String(item)) : order.length);
  return [...items].sort((a, b) => rank(a) - rank(b));
};

/**
 * `ours` (the text HEAD has) with the values of `merged` that differ from it set: comments and
 * layout kept. Deployments and modes in platform.yaml's order, as pipeline add records them, so a
 * merge in either order gives the same file.
 */
export function answersText(ours: string, merged: Record<string, unknown>, platform: PlatformConfig): string {
  if (Array.isArray(merged.deployments))
    merged.deployments = ordered(
      merged.deployments,
      platform.deployments.map((d) => d.name),
    );
  const modes = merged.modes;
  if (modes !== null && typeof modes === 'object' && !Array.isArray(modes))
    merged.modes = Object.fromEntries(
      ordered(Object.keys(modes), platform.customModes ?? []).map((mode) => [
        mode,
        (modes as Record<string, unknown>)[mode],
      ]),
    );
  const doc = parseDocument(ours);
  const was = yamlMapping(ours) ?? {};
  for (const key of Object.keys(was)) if (!(key in merged)) doc.delete(key);
  for (const [key, value] of Object.entries(merged))
    if (JSON.stringify(was[key]) !== JSON.stringify(value)) doc.set(key, value);
  return doc.toString();
}

/** Where one side of a conflict is: HEAD, the commit being applied, or both. */
const sides = (ours: boolean, theirs: boolean, ref: TheirRef) =>
  ours && theirs ? `both HEAD and ${ref}` : ours ? 'HEAD' : ref;

/** What one run works from, and what it builds up. */
interface Run {
  root: string;
  platform: PlatformConfig;
  theirs: TheirRef;
  unmerged: Map<string, Map<number, string>>;
  working: (path: string) => string | undefined;
  report: ResolveReport;
  writes: Map<string, string>;
}

/** Both sides' answers of a pipeline, and the merge (written when git left it in conflict), or why not. */
function mergeAnswersOf(
  run: Run,
  name: string,
): {
  ours?: Record<string, unknown>;
  theirs?: Record<string, unknown>;
  merged?: Record<string, unknown>;
  problem?: string;
} {
  const { root, theirs, report, writes } = run;
  const path = `pipelines/${name}/${ANSWERS_FILE}`;
  const stages = run.unmerged.get(path);
  // In conflict: git's stages (1 base, 2 ours, 3 theirs); merged cleanly: each side's commit.
  const blob = (stage: number, rev: string) =>
    stages ? (stages.has(stage) ? gitBlob(root, stages.get(stage)!) : undefined) : gitBlob(root, `${rev}:${path}`);
  const oursText = blob(2, 'HEAD');
  const theirsText = blob(3, theirs);
  const [ours, their] = [yamlMapping(oursText), yamlMapping(theirsText)];
  const now = run.working(path);
  const left = (problem: string) => {
    if (stages) report.left.push({ path, why: problem });
    return { ours, theirs: their, problem };
  };
  if (!ours || !their)
    return left(
      `${ANSWERS_FILE} is ${oursText === undefined || theirsText === undefined ? 'deleted' : 'not valid YAML'} in ${sides(!ours, !their, theirs)}`,
    );
  if (!stages) return { ours, theirs: their, merged: yamlMapping(now) };
  if (!hasConflictMarkers(now)) {
    // Resolved by hand already (its markers gone): what the person kept is the merge.
    const merged = yamlMapping(now);
    if (!merged) return left(`${ANSWERS_FILE} as you resolved it is not valid YAML: fix it, then run again`);
    report.resolved.push({ path, how: 'kept as you resolved it' });
    return { ours, theirs: their, merged };
  }
  const result = mergeAnswers(yamlMapping(blob(1, '')) ?? {}, ours, their);
  if ('conflicts' in result) return left(result.conflicts.map(conflictLine).join('; '));
  writes.set(path, answersText(oursText!, result.answers, run.platform));
  report.resolved.push({ path, how: "each branch's changes kept" });
  return { ours, theirs: their, merged: yamlMapping(writes.get(path)) };
}

/** Each conflicted platform-owned file of a pipeline, rendered again from the merged answers where both sides were rendered. */
async function resolveOwned(
  run: Run,
  name: string,
  owned: string[],
  answers: { ours: Record<string, unknown>; theirs: Record<string, unknown>; merged: Record<string, unknown> },
): Promise<void> {
  const { root, platform, theirs, report } = run;
  const versions = Object.values(answers).map((a) => Number(a._conventions_version ?? 0));
  const codemods = versions.some((v) => v > CONVENTIONS_VERSION) ? await allCodemods(root) : [];
  const tree = new FileTree(join(root, 'pipelines', name));
  // Each side as its branch rendered it (with its own platform.yaml), the result with today's.
  const render = (a: Record<string, unknown>, config: PlatformConfig) =>
    expected({ name, answers: a, version: Number(a._conventions_version ?? 0), tree }, config, codemods);
  const [fromOurs, fromTheirs, fromMerged] = await Promise.all([
    render(answers.ours, platformAt(root, 'HEAD', platform)),
    render(answers.theirs, platformAt(root, theirs, platform)),
    render(answers.merged, platform),
  ]);
  for (const path of owned) {
    const rel = path.slice(`pipelines/${name}/`.length);
    const want = fromMerged?.get(rel);
    const stages = run.unmerged.get(path)!;
    const rendered = (stage: number, from: Map<string, string> | undefined) => {
      const text = stages.has(stage) ? gitBlob(root, stages.get(stage)!) : undefined;
      const then = from?.get(rel);
      return text !== undefined && then !== undefined && firstDifference(text, then) === undefined;
    };
    const now = run.working(path);
    if (want === undefined) report.left.push({ path, why: 'not a file pipeline add records or renders' });
    else if (!hasConflictMarkers(now))
      if (now !== undefined && firstDifference(now, want) === undefined)
        // Resolved by hand already: staged when it is what the merged answers render, else left.
        report.resolved.push({ path, how: 'kept as you resolved it (what the merged answers render)' });
      else
        report.left.push({
          path,
          why: 'resolved by hand, not as the merged answers render it: npx pipeline check shows the difference; git add it when it is what you want',
        });
    else if (!rendered(2, fromOurs) || !rendered(3, fromTheirs))
      report.left.push({
        path,
        why: `edited by hand in ${sides(!rendered(2, fromOurs), !rendered(3, fromTheirs), theirs)}; keep the edits by hand, and check it with npx pipeline check`,
      });
    else {
      run.writes.set(path, want);
      report.resolved.push({ path, how: 'rendered again from the merged answers' });
    }
  }
}

/**
 * Two pipelines of one name (a branch each made it): git's base has no answers for it, and both
 * sides have. Not a conflict of lines: one entry for the folder, saying how to keep both.
 */
function bothAdded(run: Run, name: string): { path: string; why: string } | undefined {
  const stages = run.unmerged.get(`pipelines/${name}/${ANSWERS_FILE}`);
  if (!stages || stages.has(1) || !stages.has(2) || !stages.has(3)) return undefined;
  const template = (stage: number) => yamlMapping(gitBlob(run.root, stages.get(stage)!))?.template;
  const templates = [template(2), template(3)];
  const folder = `pipelines/${name}/`;
  return {
    path: folder,
    why: `both branches made a pipeline named ${name}${templates[0] !== templates[1] ? ` (templates ${templates.join(' and ')})` : ''}: two pipelines, not one changed twice; keep one side whole (git rm -rqf ${folder} && git checkout HEAD -- ${folder}, or ${run.theirs} instead of HEAD for the other), and make the other again under another name (npx pipeline new NAME on its branch)`,
  };
}

/**
 * What `pipeline resolve` writes: each resolved file's new text by its path (relative to `root`),
 * and the report (what it resolves, written or as a person left it, is staged by the command).
 * Writes nothing itself.
 */
export async function resolveConflicts(
  root: string,
  platform: PlatformConfig,
  dryRun: boolean,
): Promise<{ report: ResolveReport; writes: Map<string, string> }> {
  const theirs = theirCommit(root);
  const report: ResolveReport = {
    ok: true,
    dryRun,
    operation: theirs ? OPERATIONS[theirs].name : null,
    resolved: [],
    left: [],
  };
  const writes = new Map<string, string>();
  const unmerged = gitUnmerged(root);
  const repo = new FileTree(root);
  const working = (path: string) => repo.read(path);
  const byPipeline = new Map<string, string[]>();
  for (const path of [...unmerged.keys()].sort()) {
    const name = /^pipelines\/([^/]+)\/./.exec(path)?.[1];
    if (name && theirs) byPipeline.set(name, [...(byPipeline.get(name) ?? []), path]);
    else
      report.left.push({
        path,
        why: !theirs
          ? 'no merge, cherry-pick, revert or rebase is in progress'
          : PLATFORM_RENDERED.some((r) => r.test(path))
            ? 'not a file of a pipeline; keep either side, and npx pipeline upgrade renders it again from platform.yaml'
            : 'not a file of a pipeline',
      });
  }
  if (!theirs) return { report, writes };
  // Staged with its conflict markers (git add -A before resolving): no longer a conflict git knows.
  for (const path of (tryGit(root, ['diff', '--cached', '--name-only']) ?? '').split('\n'))
    if (path.startsWith('pipelines/') && !unmerged.has(path) && hasConflictMarkers(working(path)))
      report.left.push({
        path,
        why: `staged with git's conflict markers in it: git checkout -m -- ${path} brings the conflict back, then run npx pipeline resolve again`,
      });
  const run: Run = { root, platform, theirs, unmerged, working, report, writes };
  for (const [name, paths] of byPipeline) {
    const added = bothAdded(run, name);
    if (added) {
      report.left.push(added);
      continue;
    }
    const { ours, theirs: their, merged, problem } = mergeAnswersOf(run, name);
    const owned = paths.filter((p) => p !== `pipelines/${name}/${ANSWERS_FILE}`);
    if (ours && their && merged) await resolveOwned(run, name, owned, { ours, theirs: their, merged });
    else
      for (const path of owned)
        report.left.push({
          path,
          why: problem ? `its pipeline's answers are not merged: ${problem}` : 'its pipeline has no answers',
        });
  }
  return { report, writes };
}
