// The rest of a sandbox's life after `up`: commit its data, promote it to production once its git
// branch is merged, refresh it from production, prune the sandboxes nobody needs. Each checks
// everything that can be wrong before it writes, and every production write is a lakeFS merge
// whose commit names the sandbox, the git commit and the user.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PLATFORM_FILE } from '../conventions/platform-config.ts';
import { InputError, StateError } from '../errors.ts';
import { gitBranchExists, gitCurrentBranch, gitDirt } from '../git.ts';
import { counted } from '../text.ts';
import { appendToMapping, appendToSequence, editYamlText, type TextEdit } from '../yaml/edit.ts';
import type { DataChange } from './backend.ts';
import { gitBranchCommit, gitIsMerged, gitUser } from './git-info.ts';
import {
  folder,
  guardTarget,
  readRecord,
  SANDBOXES_DIR,
  type SandboxContext,
  samplePaths,
  unsavedWork,
  writeRecord,
} from './sandbox.ts';

const short = (commit: string) => commit.slice(0, 12);

async function requireData(ctx: SandboxContext): Promise<void> {
  guardTarget(ctx.platform, ctx.name);
  if (!(await ctx.backend.get(ctx.name)))
    throw new InputError(
      `there is no sandbox ${ctx.name} for git branch ${ctx.gitBranch}; run pipeline sandbox up first`,
    );
}

/** Paths both sides changed since the sandbox's base. */
const overlap = (ours: DataChange[], theirs: DataChange[]): string[] => {
  const mine = new Set(ours.map((c) => c.path));
  return theirs.filter((c) => mine.has(c.path)).map((c) => c.path);
};

export interface InitResult {
  /** The branch production is merged into, protected by lakeFS. */
  branch: string;
  production: string;
  protected: boolean;
  installed: boolean;
  /** What init changed (or would change) in platform.yaml's sandbox section. */
  platformEdits: string[];
  dryRun: boolean;
}

/**
 * Protects the production branch in lakeFS itself (direct writes and commits refused, merges only),
 * and makes platform.yaml name that branch: when production_ref is a tag or commit, the branch is
 * the repository's default branch, recorded as sandbox.production_branch and added to
 * sandbox.protected_branches so the pipelines' sandbox mode refuses it too.
 */
export async function sandboxInit(
  ctx: Pick<SandboxContext, 'root' | 'platform' | 'backend'>,
  dryRun: boolean,
): Promise<InitResult> {
  const { root, platform, backend } = ctx;
  const before = await backend.protection();
  const { productionRef, productionBranch, protectedBranches } = platform.sandbox;
  const platformEdits: string[] = [];
  if (backend.kind === 'lakefs') {
    const file = join(root, PLATFORM_FILE);
    const source = readFileSync(file, 'utf8');
    const edits: TextEdit[] = [];
    const text = editYamlText(source, PLATFORM_FILE, (doc, src) => {
      if (!productionBranch && before.branch !== productionRef) {
        platformEdits.push(`sandbox.production_branch: ${before.branch}`);
        edits.push(appendToMapping(doc, src, PLATFORM_FILE, ['sandbox'], `production_branch: ${before.branch}`));
      }
      if (!protectedBranches.includes(before.branch)) {
        platformEdits.push(`sandbox.protected_branches: + ${before.branch}`);
        edits.push(
          doc.hasIn(['sandbox', 'protected_branches'])
            ? appendToSequence(doc, src, PLATFORM_FILE, ['sandbox', 'protected_branches'], before.branch)
            : appendToMapping(doc, src, PLATFORM_FILE, ['sandbox'], `protected_branches: [${before.branch}]`),
        );
      }
      return edits;
    });
    if (!dryRun && text !== source) writeFileSync(file, text);
  }
  const installed = before.protected || dryRun ? false : await backend.protect();
  return {
    branch: before.branch,
    production: backend.describeProduction(),
    protected: before.protected || installed,
    installed,
    platformEdits,
    dryRun,
  };
}

export interface CommitResult {
  name: string;
  commit: string | null;
  changes: DataChange[];
  metadata: Record<string, string>;
}

export async function sandboxCommit(ctx: SandboxContext, message: string): Promise<CommitResult> {
  if (!message.trim()) throw new InputError('commit needs a message: pipeline sandbox commit -m "what the data is"');
  await requireData(ctx);
  const gitCommit = gitBranchCommit(ctx.root, ctx.gitBranch);
  const changes = await ctx.backend.uncommittedWrites(ctx.name);
  // The commit records the git commit whose code made the data, and promote lets it into
  // production once that commit is merged: code that is in no commit would pass unreviewed.
  const dirt = changes.length && gitCommit && gitCurrentBranch(ctx.root) === ctx.gitBranch ? gitDirt(ctx.root) : [];
  if (dirt.length)
    throw new StateError(
      `the code that made the data is not all in a git commit: ${counted(dirt.length, 'file')} ${dirt.length === 1 ? 'differs' : 'differ'} from ${short(gitCommit!)} (${samplePaths(dirt.map((line) => ({ path: line.slice(3) })))}); commit them (git commit) and run pipeline sandbox commit again, so that promote can check that the code is merged`,
    );
  const metadata: Record<string, string> = {
    sandbox: ctx.name,
    git_branch: ctx.gitBranch,
    ...(gitCommit ? { git_commit: gitCommit } : {}),
    user: gitUser(ctx.root),
  };
  if (changes.length === 0) return { name: ctx.name, commit: null, changes, metadata };
  const commit = await ctx.backend.commit(ctx.name, message, metadata);
  return { name: ctx.name, commit, changes, metadata };
}

export interface PromoteOptions {
  message?: string;
  strategy?: 'source-wins' | 'dest-wins';
  yes: boolean;
  dryRun: boolean;
  /** Asks the user; undefined when there is nobody to ask (no TTY). */
  confirm?: (question: string) => Promise<boolean>;
}

export interface PromoteResult {
  name: string;
  promoted: boolean;
  commit: string | null;
  changes: DataChange[];
  gitCommit: string | null;
  metadata: Record<string, string>;
  reason?: string;
}

export async function sandboxPromote(ctx: SandboxContext, options: PromoteOptions): Promise<PromoteResult> {
  guardTarget(ctx.platform, ctx.name);
  // Everything below is checked on this one commit of the sandbox, and this commit is what is
  // merged: a commit made on the sandbox meanwhile (the question below may wait for minutes) stays out.
  const head = (await ctx.backend.get(ctx.name))?.headCommit ?? undefined;
  if (head === undefined) await requireData(ctx);
  const main = ctx.platform.sandbox.gitMainBranch ?? 'main';
  const record = readRecord(ctx.root, ctx.name);
  const gitBranch = record?.gitBranch ?? ctx.gitBranch;
  const pending = await ctx.backend.uncommittedWrites(ctx.name);
  if (pending.length)
    throw new StateError(
      `sandbox ${ctx.name} has ${counted(pending.length, 'uncommitted data write')} (${samplePaths(pending)}); promote takes committed data only: run pipeline sandbox commit -m MSG first`,
    );
  const changes = await ctx.backend.unpromoted(ctx.name, head);
  const done = (reason: string): PromoteResult => ({
    name: ctx.name,
    promoted: false,
    commit: null,
    changes,
    gitCommit: null,
    metadata: {},
    reason,
  });
  if (changes.length === 0)
    return done(`nothing to promote: production already has every committed change of ${ctx.name}`);

  // The data was made by the code at the git commit its last sandbox commit names (a refresh
  // carries it on): that code must be in main. Never the branch's tip: that is not what made it.
  const gitCommit = (await ctx.backend.headMetadata(ctx.name, head)).git_commit;
  if (!gitCommit)
    throw new StateError(
      `the newest commit of sandbox ${ctx.name} names no git commit (it was not made by pipeline sandbox commit), so nothing tells which code made its data; commit the data with pipeline sandbox commit -m MSG on git branch ${gitBranch}`,
    );
  if (!gitBranchCommit(ctx.root, main))
    throw new InputError(
      `there is no git branch ${main} to check the merge against; fetch it (git fetch origin ${main}:${main}), or set sandbox.git_main_branch in platform.yaml`,
    );
  if (!gitIsMerged(ctx.root, gitCommit, main)) {
    throw new StateError(
      `git commit ${short(gitCommit)} of branch ${gitBranch} is not merged into ${main}; merge the branch first (its pull request), then promote`,
    );
  }

  const conflicts = overlap(changes, await ctx.backend.productionChanges(ctx.name));
  if (conflicts.length && !options.strategy) {
    throw new StateError(
      `production changed ${counted(conflicts.length, 'path')} the sandbox also changed since its base: ${samplePaths(
        conflicts.map((path) => ({ path })),
        10,
      )}; pass --strategy source-wins (keep the sandbox's) or dest-wins (keep production's), or run pipeline sandbox diff to look first`,
    );
  }
  const metadata: Record<string, string> = {
    sandbox: ctx.name,
    git_branch: gitBranch,
    git_commit: gitCommit,
    user: gitUser(ctx.root),
    ...(options.strategy ? { strategy: options.strategy } : {}),
  };
  if (options.dryRun) return { ...done('dry run: nothing written'), gitCommit, metadata };

  if (!options.yes) {
    const question = `Merge ${counted(changes.length, 'change')} of ${ctx.name} (git ${short(gitCommit)}) into ${ctx.backend.describeProduction()}?`;
    if (!options.confirm)
      throw new StateError(
        `promote writes production and there is no terminal to confirm it; pass --yes (it would merge ${counted(changes.length, 'change')}: ${samplePaths(changes)})`,
      );
    if (!(await options.confirm(question))) return done('not confirmed: nothing written');
  }
  const message = options.message ?? `Promote sandbox ${ctx.name} (git branch ${gitBranch} at ${short(gitCommit)})`;
  const commit = await ctx.backend.promote(ctx.name, message, metadata, options.strategy, head);
  if (commit === null)
    return done(`nothing to promote: production already has every committed change of ${ctx.name} (merged meanwhile)`);
  return { name: ctx.name, promoted: true, commit, changes, gitCommit, metadata };
}

export interface RefreshResult {
  name: string;
  refreshed: boolean;
  commit: string | null;
  changes: DataChange[];
  reason?: string;
}

export async function sandboxRefresh(ctx: SandboxContext, dryRun: boolean): Promise<RefreshResult> {
  await requireData(ctx);
  const pending = await ctx.backend.uncommittedWrites(ctx.name);
  if (pending.length)
    throw new StateError(
      `sandbox ${ctx.name} has ${counted(pending.length, 'uncommitted data write')} (${samplePaths(pending)}); commit them first (pipeline sandbox commit -m MSG), or discard them with pipeline sandbox down --force and up`,
    );
  const changes = await ctx.backend.productionChanges(ctx.name);
  if (changes.length === 0)
    return {
      name: ctx.name,
      refreshed: false,
      commit: null,
      changes,
      reason: `${ctx.name} is up to date with production`,
    };
  const conflicts = overlap(await ctx.backend.unpromoted(ctx.name), changes);
  if (conflicts.length) {
    throw new StateError(
      `cannot refresh ${ctx.name}: production and the sandbox both changed ${counted(conflicts.length, 'path')} since its base: ${samplePaths(
        conflicts.map((path) => ({ path })),
        10,
      )}; promote or drop the sandbox's version of them first`,
    );
  }
  if (dryRun) return { name: ctx.name, refreshed: false, commit: null, changes, reason: 'dry run: nothing written' };
  // The sandbox's own data is still what that git commit made: promote checks it after a refresh too.
  // (A sandbox with no commit of its own has production's head: whose git_commit is not its own.)
  const head = await ctx.backend.headMetadata(ctx.name);
  const git_commit = head.sandbox === ctx.name ? head.git_commit : undefined;
  const commit = await ctx.backend.refresh(ctx.name, `Refresh sandbox ${ctx.name} from production`, {
    sandbox: ctx.name,
    git_branch: ctx.gitBranch,
    ...(git_commit ? { git_commit } : {}),
    user: gitUser(ctx.root),
  });
  const record = readRecord(ctx.root, ctx.name);
  if (record)
    writeRecord(ctx.root, {
      ...record,
      sourceCommit: (await ctx.backend.baseCommit(ctx.name)) ?? record.sourceCommit,
      refreshedAt: new Date().toISOString(),
    });
  return { name: ctx.name, refreshed: true, commit, changes };
}

export interface PruneEntry {
  name: string;
  gitBranch: string | null;
  action: 'removed' | 'would remove' | 'kept';
  why: string;
}

/** Sandboxes whose git branch is gone or that are older than sandbox.ttl_days; never unsaved work without force. */
export async function sandboxPrune(
  ctx: Pick<SandboxContext, 'root' | 'platform' | 'backend'>,
  options: { dryRun: boolean; force: boolean; now?: Date },
): Promise<PruneEntry[]> {
  const { root, platform, backend } = ctx;
  const dir = join(root, SANDBOXES_DIR);
  const local = existsSync(dir) ? readdirSync(dir).filter((n) => readRecord(root, n, true)) : [];
  const names = [...new Set([...local, ...(await backend.list(platform.sandbox.branchPrefix))])].sort();
  const ttl = platform.sandbox.ttlDays;
  const now = (options.now ?? new Date()).getTime();
  const out: PruneEntry[] = [];
  for (const name of names) {
    const record = readRecord(root, name, true);
    if (!record) {
      const unreadable = existsSync(join(dir, name, 'sandbox.json'));
      out.push({
        name,
        gitBranch: null,
        action: 'kept',
        why: `${unreadable ? `its record ${SANDBOXES_DIR}/${name}/sandbox.json is not a sandbox record` : 'no local record'}, so its git branch is unknown (remove it with pipeline sandbox down --git-branch NAME)`,
      });
      continue;
    }
    guardTarget(platform, name);
    const ageDays = (now - Date.parse(record.createdAt)) / 86_400_000;
    const reason = !gitBranchExists(root, record.gitBranch)
      ? `git branch ${record.gitBranch} no longer exists`
      : ttl !== undefined && ageDays > ttl
        ? `older than sandbox.ttl_days (${Math.floor(ageDays)} > ${ttl} days)`
        : null;
    if (!reason) {
      out.push({
        name,
        gitBranch: record.gitBranch,
        action: 'kept',
        why: `its git branch exists${ttl !== undefined ? ` and it is younger than ${counted(ttl, 'day')}` : ''}`,
      });
      continue;
    }
    const hasData = (await backend.get(name)) !== undefined;
    const unsaved = hasData
      ? await unsavedWork(ctx, name, record.gitBranch)
      : { why: null, pending: [], unpromoted: [] };
    if (unsaved.why && !options.force) {
      const what = unsaved.pending.length
        ? `${counted(unsaved.pending.length, 'uncommitted write')}`
        : `${counted(unsaved.unpromoted.length, 'committed change')} not promoted`;
      out.push({
        name,
        gitBranch: record.gitBranch,
        action: 'kept',
        why: `${reason}, but it has ${what} (--force discards them)`,
      });
      continue;
    }
    if (!options.dryRun) {
      if (hasData) await backend.destroy(name);
      rmSync(folder(root, name), { recursive: true, force: true });
    }
    out.push({ name, gitBranch: record.gitBranch, action: options.dryRun ? 'would remove' : 'removed', why: reason });
  }
  return out;
}
