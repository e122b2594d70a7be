// `create-pipeline` (what `npm init pipeline` runs): a new pipeline in the platform repo, or a new
// platform repo first. Guard clauses first, then named steps; nothing touches disk before every
// check has passed, and a failure after the first write puts everything back.
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parse } from 'yaml';
import { ANSWERS_FILE, onlyAddedModules } from '../../generators/pipeline/files.ts';
import { KINDS } from '../../generators/pipeline/kinds.ts';
import { PIPELINE_QUESTIONS, type PipelineContext, toPipelineAnswers } from '../../generators/pipeline/options.ts';
import { buildPipelineSpec, type PipelineSpec, type Visible, visibility } from '../../generators/pipeline/spec.ts';
import { DERIVED_FILES, listPipelines } from '../../generators/platform/derived.ts';
import { PLATFORM_QUESTIONS, toPlatformAnswers } from '../../generators/platform/options.ts';
import { defaultPlatformConfig } from '../conventions/defaults.ts';
import {
  checkPlatformConfig,
  findPlatformRoot,
  loadPlatformConfig,
  PLATFORM_FILE,
  type PlatformConfig,
} from '../conventions/platform-config.ts';
import { CONVENTIONS_VERSION } from '../conventions/version.ts';
import { CliError, InputError, StateError } from '../errors.ts';
import { type GeneratorRun, planGenerators } from '../generate/run.ts';
import * as git from '../git.ts';
import { type AnswerSource, resolveAnswers } from '../options/question.ts';
import { cliVersion } from '../paths.ts';
import { planSync, type SyncFile, syncPlatform } from '../sync/sync.ts';
import { holdsOnlyTools, TOOL_FOLDERS } from '../tree/file-tree.ts';
import type { ChangePlan } from '../tree/plan.ts';
import { ownTxnDir, recoverBeforeReading, type Transaction, writing } from '../tree/transaction.ts';
import { composeServices } from '../validate/index.ts';

export interface CreateOptions {
  cwd: string;
  flags: Record<string, string | undefined>;
  /** Force creating a platform repo in cwd. */
  platform: boolean;
  /** true: branch and commit (refuse a dirty tree); false: never; undefined: when the tree is clean. */
  branch: boolean | undefined;
  dryRun: boolean;
  interactive: boolean;
}

export interface CreateReport {
  ok: true;
  dryRun: boolean;
  platformRoot: string;
  platformCreated: boolean;
  pipeline: string | null;
  template: string | null;
  files: { path: string; change: 'create' | 'modify' }[];
  git: { branch: string | null; commit: string | null; note: string | null };
  /** The derived files `pipeline sync` wrote (never committed: see generators/platform/derived.ts). */
  derived: SyncFile[];
  answers: Record<string, unknown>;
  answerSources: Record<string, AnswerSource>;
  deployments: Record<string, Visible> | null;
  /** What the answers ask for that the pipeline will not do (a schedule no deployment runs). */
  notes: string[];
  nextSteps: string[];
}

/** A schedule asked for that no deployment of the pipeline runs: none of them runs a daemon. */
function unscheduledNote(spec: PipelineSpec | undefined, platform: PlatformConfig): string[] {
  if (!spec || spec.answers.schedule === '' || spec.schedules.length > 0) return [];
  const daemons = platform.deployments.filter((d) => d.daemon).map((d) => d.name);
  const { name, schedule, deployments } = spec.answers;
  return [
    `its schedule (${schedule}) runs nowhere: none of its deployments (${deployments.join(', ')}) runs a daemon, which schedules need${daemons.length ? `; release it to one (npx pipeline add deployment --pipeline ${name} --name ${daemons[0]}), or pass --schedule none` : ''}`,
  ];
}

const PLATFORM_ONLY_FLAGS = PLATFORM_QUESTIONS.map((q) => q.flag);

export async function createPipeline(options: CreateOptions): Promise<CreateReport> {
  // 1. Where are we, and is there a platform repo?
  const cwd = resolve(options.cwd);
  if (!existsSync(cwd) || !statSync(cwd).isDirectory())
    throw new InputError(`--cwd ${options.cwd} is not a folder; create it first or pass an existing one`);
  const found = findPlatformRoot(cwd);
  const creatingPlatform = options.platform || found === undefined;
  if (options.platform && existsSync(join(cwd, PLATFORM_FILE)))
    throw new StateError(
      `${join(cwd, PLATFORM_FILE)} already exists; run without --platform to add a pipeline to that platform`,
    );
  if (!creatingPlatform) {
    const stray = PLATFORM_ONLY_FLAGS.find((flag) => options.flags[flag] !== undefined);
    if (stray)
      throw new InputError(
        `--${stray} only applies when creating a platform repo; remove it (the platform in ${found} already exists)`,
      );
  }
  if (creatingPlatform && !options.platform && !options.interactive) {
    throw new InputError(
      `no ${PLATFORM_FILE} in ${cwd} or any folder above it; run inside your platform repo, or pass --platform to create a new one here`,
    );
  }
  if (creatingPlatform && !options.platform) await confirmNewPlatform(cwd);
  const root = creatingPlatform ? cwd : found!;
  // Where HEAD is now: if another command moves it while this one asks questions or waits for the
  // lock, this one must not commit on top of the other's branch.
  // (A dry run writes nothing and --no-branch commits nothing, so they have nothing to check.)
  const startHead = creatingPlatform || options.dryRun || options.branch === false ? undefined : git.gitHead(root);

  // 2. The platform's conventions: new ones from answers, or the repo's (checked against their schema).
  const answerSources: Record<string, AnswerSource> = {};
  const answers: Record<string, unknown> = {};
  let platform: PlatformConfig;
  if (creatingPlatform) {
    const resolved = await resolveAnswers(
      PLATFORM_QUESTIONS,
      { dir: cwd },
      { interactive: options.interactive, flags: options.flags },
    );
    Object.assign(answers, prefixed('platform.', resolved.answers));
    Object.assign(answerSources, prefixed('platform.', resolved.sources));
    platform = defaultPlatformConfig(toPlatformAnswers(resolved.answers));
  } else {
    // What a killed command left half-written is put back first: its pipeline folder would read as
    // taken (a retry of `create-pipeline orders` was refused), its platform.yaml as current.
    recoverBeforeReading(root);
    platform = loadPlatformConfig(root);
  }

  // 3. The pipeline's answers (a new platform without --name and without a terminal makes no pipeline).
  const wantsPipeline = !creatingPlatform || options.flags.name !== undefined || options.interactive;
  let spec: PipelineSpec | undefined;
  if (wantsPipeline) {
    const existing = existingPipelines(root);
    const ctx: PipelineContext = {
      platform,
      existing,
      services: composeServices(root, existing),
      leftover: (name) => existing.includes(name) && leftoverOfDeleted(root, name),
    };
    const resolved = await resolveAnswers(PIPELINE_QUESTIONS, ctx, {
      interactive: options.interactive,
      flags: options.flags,
    });
    Object.assign(answers, resolved.answers);
    Object.assign(answerSources, resolved.sources);
    spec = buildPipelineSpec(toPipelineAnswers(resolved.answers, ctx), platform);
    const holder = renamedHolding(root, existing, spec.answers.name);
    if (holder)
      throw new InputError(
        `a pipeline named ${spec.answers.name} already exists in pipelines/${holder}, a folder renamed by hand (its answers, package and code location still say ${spec.answers.name}), and a second one would make two code locations of one name; move it back (git mv pipelines/${holder} pipelines/${spec.answers.name}), or choose another name`,
      );
  }

  // 4. From here on this command holds the repo's lock (a second one waits a few seconds), after
  // rolling back whatever a killed command left half-done. A dry run only looks.
  const ownRepository = creatingPlatform && !existsSync(join(root, '.git'));
  const decided = { creatingPlatform, platform, spec, answers, answerSources, startHead };
  return writing(
    root,
    'create-pipeline',
    {
      dryRun: options.dryRun,
      dir: ownRepository ? ownTxnDir(root) : undefined,
      // --no-branch: no git runs (decideGit), so there is no HEAD, branch or index to keep.
      git: options.branch !== false,
    },
    (tx) => planAndWrite(root, cwd, options, decided, tx),
  );
}

interface Decided {
  creatingPlatform: boolean;
  platform: PlatformConfig;
  spec: PipelineSpec | undefined;
  answers: Record<string, unknown>;
  answerSources: Record<string, AnswerSource>;
  startHead: string | undefined;
}

/** Steps 5 to 8, under the lock: decide git, plan in memory, check, then write and commit. */
async function planAndWrite(
  root: string,
  cwd: string,
  options: CreateOptions,
  decided: Decided,
  tx: Transaction | undefined,
): Promise<CreateReport> {
  const { creatingPlatform, platform, spec, answers, answerSources } = decided;
  // 5. git: decide (and check) before computing or writing anything.
  if (tx && decided.startHead !== undefined && decided.startHead !== git.gitHead(root)) {
    throw new StateError(
      `HEAD moved from ${decided.startHead} to ${git.gitHead(root)} while this command waited (another create-pipeline?); nothing was written: run it again`,
    );
  }
  const gitPlan = decideGit(root, creatingPlatform, spec, options.branch, decided.startHead);

  // 6. Every file, in memory.
  const runs: GeneratorRun[] = [];
  if (creatingPlatform) runs.push({ name: 'platform', options: { platform } });
  if (spec) runs.push({ name: 'pipeline', options: { spec, platform } });
  const { plan, steps } = await planGenerators(root, runs);
  checkPlan(plan, creatingPlatform, spec);
  if (creatingPlatform) checkPlatformConfig(parse(plan.changes.find((c) => c.path === PLATFORM_FILE)!.content));
  // The derived files with the new pipeline in them: computed (and so checked) before any write.
  const pipelines = [...new Set([...listPipelines(root), ...(spec ? [spec.answers.name] : [])])].sort();
  const syncPlan = creatingPlatform ? undefined : planSync(root, platform, pipelines);
  const derived: SyncFile[] = syncPlan
    ? syncPlan.files.map(({ content: _content, ...rest }) => rest)
    : DERIVED_FILES.map((path) => ({ path, change: 'create' }));

  const report: CreateReport = {
    ok: true,
    dryRun: options.dryRun,
    platformRoot: root,
    platformCreated: creatingPlatform,
    pipeline: spec?.answers.name ?? null,
    template: spec?.answers.template ?? null,
    files: plan.changes.map((c) => ({ path: c.path, change: c.kind })),
    git: { branch: gitPlan.branch, commit: null, note: gitPlan.note },
    derived,
    answers,
    answerSources,
    deployments: spec ? visibility(spec, platform) : null,
    notes: unscheduledNote(spec, platform),
    nextSteps: nextSteps(root, cwd, spec, gitPlan.branch, platform.conventionsVersion),
  };
  if (options.dryRun) return report;

  // 7. Write everything at once, on its branch, and commit; the caller undoes all of it if a step fails.
  report.git.commit = writeAndCommit(tx!, root, plan, steps, gitPlan, spec, platform);
  tx!.markDone();
  // 8. The derived files (dg.toml, compose), outside the commit: they are never committed, and a
  // failure here loses nothing (`pipeline sync` writes them again).
  try {
    // The plan made above still holds: since then only the pipeline's own files were written.
    report.derived = syncPlatform(root, platform, { pipelines, plan: syncPlan }).files;
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    report.git.note = `${report.git.note ? `${report.git.note}; ` : ''}the derived files were not written (${error.message}); run npx pipeline sync`;
  }
  return report;
}

async function confirmNewPlatform(cwd: string): Promise<void> {
  const { confirm } = await import('@inquirer/prompts');
  const yes = await confirm({
    message: `No ${PLATFORM_FILE} here or above. Create a new platform repo in ${cwd}?`,
    default: true,
  });
  if (!yes)
    throw new InputError(`nothing created; run inside your platform repo, or answer yes to create one in ${cwd}`);
}

function prefixed<T>(prefix: string, obj: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [`${prefix}${k}`, v]));
}

/** The folder of pipelines/ other than `name`'s whose recorded answers name the pipeline `name` (one renamed by hand). */
function renamedHolding(root: string, folders: string[], name: string): string | undefined {
  return folders.find((folder) => {
    if (folder === name) return false;
    const answers = join(root, 'pipelines', folder, ANSWERS_FILE);
    if (!existsSync(answers)) return false;
    try {
      // Parsed only when the name is in it at all: a platform of hundreds of pipelines reads each.
      const text = readFileSync(answers, 'utf8');
      return text.includes(name) && (parse(text) as { name?: unknown } | null)?.name === name;
    } catch {
      return false;
    }
  });
}

/** Whether pipelines/<name> holds only modules `pipeline add` wrote (and tools' caches, not walked). */
function leftoverOfDeleted(root: string, name: string): boolean {
  const files: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of readdirSync(join(root, 'pipelines', name, rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!TOOL_FOLDERS.has(entry.name)) walk(path);
      } else files.push(path);
    }
  };
  walk('');
  return onlyAddedModules(files, name);
}

/**
 * The folders of pipelines/ a new pipeline may not take: all but those holding only tools' caches
 * (what git leaves of a deleted pipeline, which sync, list and check do not count either).
 */
export function existingPipelines(root: string): string[] {
  const dir = join(root, 'pipelines');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !holdsOnlyTools(join(dir, e.name)))
    .map((e) => e.name);
}

interface GitPlan {
  /** Initialise a repository (new platform outside git). */
  init: boolean;
  /** Commit the platform files on main first (new repository). */
  platformCommit: boolean;
  branch: string | null;
  commit: boolean;
  note: string | null;
}

function decideGit(
  root: string,
  creatingPlatform: boolean,
  spec: PipelineSpec | undefined,
  branch: boolean | undefined,
  head: string | undefined,
): GitPlan {
  const none = (note: string | null): GitPlan => ({
    init: false,
    platformCommit: false,
    branch: null,
    commit: false,
    note,
  });
  if (branch === false) return none('--no-branch: the files go where they belong, and nothing is committed');
  if (!git.gitAvailable()) {
    if (branch) throw new StateError('--branch needs git, and git is not installed; install git or pass --no-branch');
    return none('git is not installed: the files go where they belong, and nothing is committed');
  }
  const top = git.gitTopLevel(root);
  const pipelineBranch = spec ? `pipeline/${spec.answers.name}` : null;
  // A new platform inside another repository (a monorepo, a checkout of something else) gets a
  // repository of its own: its pull requests must not land in, or depend on the state of, the outer one.
  const insideOther = creatingPlatform && top !== undefined && realpathSync(top) !== realpathSync(root);
  if (top === undefined || insideOther) {
    if (!creatingPlatform) {
      if (branch)
        throw new StateError(
          `--branch needs a git repository, and ${root} is not in one; run git init first, or pass --no-branch`,
        );
      return none(`${root} is not a git repository: the files go where they belong, and nothing is committed`);
    }
    return { init: true, platformCommit: true, branch: pipelineBranch, commit: true, note: null };
  }
  const dirt = git.gitDirt(root);
  if (dirt.length > 0) {
    if (branch)
      throw new StateError(
        `--branch needs a clean git tree, and ${dirt.length} file${dirt.length === 1 ? ' has' : 's have'} uncommitted changes (${dirt[0]!.slice(3)}${dirt.length > 1 ? ', ...' : ''}); commit or stash them, or pass --no-branch`,
      );
    return none('the git tree has uncommitted changes: the files go on the current branch, and nothing is committed');
  }
  // One pipeline, one branch, one commit on top of the branch it started from: a branch made from
  // another new pipeline's branch would carry that pipeline into this one's pull request.
  const current = head ?? git.gitHead(root);
  if (pipelineBranch && current?.startsWith('pipeline/')) {
    const base = ['main', 'master', 'trunk'].find((b) => git.gitBranchExists(root, b));
    throw new StateError(
      `git is on ${current}, another pipeline's branch, and a branch made from it would carry that pipeline too; switch back first (${base ? `git switch ${base}` : 'git switch to your main branch'}), or pass --no-branch`,
    );
  }
  if (pipelineBranch && git.gitBranchExists(root, pipelineBranch))
    throw new StateError(`git branch ${pipelineBranch} already exists; delete it, or choose another pipeline name`);
  // A teammate pushed a pipeline of that name (its pull request is open): ours would clash on push and on merge.
  const remote = pipelineBranch ? git.gitRemoteBranches(root, pipelineBranch) : [];
  if (remote.length)
    throw new StateError(
      `git branch ${remote[0]} exists: someone has a pipeline of that name on its way (its pull request?); choose another name, or work on theirs (git switch ${pipelineBranch})`,
    );
  const inTheWay = pipelineBranch && git.gitBranchInTheWay(root, pipelineBranch);
  if (inTheWay)
    throw new StateError(
      `git branch ${inTheWay} exists, so git cannot make branch ${pipelineBranch} (a branch cannot also be a folder of branches); rename it (git branch -m ${inTheWay} ${inTheWay.replaceAll('/', '-')}-old), or pass --no-branch`,
    );
  return {
    init: false,
    platformCommit: creatingPlatform && !git.gitHasCommits(root),
    branch: pipelineBranch,
    commit: true,
    note: null,
  };
}

/** Every file must be new: a pipeline touches only its own folder, so it can never conflict or overwrite. */
function checkPlan(plan: ChangePlan, creatingPlatform: boolean, spec: PipelineSpec | undefined): void {
  for (const change of plan.changes) {
    if (change.kind !== 'modify') continue;
    if (creatingPlatform)
      throw new StateError(
        `${change.path} already exists in ${plan.root}; create the platform repo in an empty folder, or move that file aside`,
      );
    throw new StateError(
      `${change.path} already exists; the new pipeline would overwrite it (move it aside, or choose another name)`,
    );
  }
  if (spec && !plan.changes.some((c) => c.path.startsWith(`pipelines/${spec.answers.name}/`)))
    throw new Error('the pipeline generator produced no files');
}

function writeAndCommit(
  tx: Transaction,
  root: string,
  plan: ChangePlan,
  steps: ChangePlan[],
  gitPlan: GitPlan,
  spec: PipelineSpec | undefined,
  platform: PlatformConfig,
): string | null {
  if (gitPlan.init) {
    tx.willInitRepository(root);
    git.gitInit(root);
    tx.repositoryReady();
  }
  let rest = plan;
  if (gitPlan.platformCommit) {
    // A new repository starts with the platform alone on main; the pipeline goes on its branch.
    const [platformStep, ...pipelineSteps] = steps;
    tx.apply(platformStep!);
    const commit = git.gitCommit(
      root,
      platformStep!.changes.map((c) => c.path),
      `chore: create the ${platform.name} platform repo\n\nGenerated by create-pipeline ${cliVersion()} (conventions v${platform.conventionsVersion}).`,
    );
    if (!spec) return commit;
    rest = { root, changes: pipelineSteps.flatMap((step) => step.changes) };
  }
  if (gitPlan.branch) {
    tx.willCreateBranch(gitPlan.branch);
    git.gitCheckoutNewBranch(root, gitPlan.branch);
  }
  tx.apply(rest);
  if (!gitPlan.commit || !spec) return null;
  return git.gitCommit(
    root,
    rest.changes.map((c) => c.path),
    commitMessage(spec),
  );
}

export function commitMessage(spec: PipelineSpec): string {
  const { answers } = spec;
  const lines = [
    `feat(pipelines): add ${answers.name} (${KINDS[answers.template].title.toLowerCase()})`,
    '',
    answers.description,
    '',
    `- owner: ${answers.owner}`,
    `- template: ${answers.template}`,
    `- deployments: ${answers.deployments.join(', ')}`,
    ...spec.schedules.map(
      (s) => `- schedule ${s.name}: ${s.cron} (${s.timezone}), preset ${s.preset}, in ${s.deployments.join(', ')}`,
    ),
    ...spec.sensors.map((s) => `- sensor ${s.name}: preset ${s.preset}, in ${s.deployments.join(', ')}`),
    '',
    'Touches only its own folder: dg.toml, compose and the CI matrix are derived from pipelines/*/',
    'by `pipeline sync`, so this merges without conflicts in any order.',
    // What the pipeline records: this CLI's conventions, even in a platform its own codemods moved past them.
    `Generated by create-pipeline ${cliVersion()} (conventions v${CONVENTIONS_VERSION}).`,
  ];
  return lines.join('\n');
}

function nextSteps(
  root: string,
  cwd: string,
  spec: PipelineSpec | undefined,
  branch: string | null,
  platformVersion: number,
): string[] {
  const where = relative(cwd, root) || '.';
  const steps: string[] = [];
  // A platform whose own codemods moved it past this CLI's conventions: a new pipeline starts at
  // the CLI's, and its upgrade brings it to the platform's (pipeline check says it is behind until then).
  if (spec && platformVersion > CONVENTIONS_VERSION)
    steps.push(
      `${where === '.' ? '' : `cd ${where} && `}npx pipeline upgrade --pipeline ${spec.answers.name} ${branch ? '--commit' : '--allow-dirty'}   # platform.yaml is at conventions v${platformVersion} (your codemods); this generates v${CONVENTIONS_VERSION}`,
    );
  if (!spec) {
    steps.push(
      `${where === '.' ? '' : `cd ${where} && `}npm install   # the pinned CLI (@create-pipeline/cli); commit the package-lock.json it writes`,
    );
    steps.push("npx pipeline new   # add the first pipeline, at this platform's conventions");
    return steps;
  }
  const dir = relative(cwd, join(root, 'pipelines', spec.answers.name)) || '.';
  steps.push(`cd ${dir} && uv run pytest   # its own tests, local mode, sample data`);
  steps.push(`uv run dg check defs && uv run dg dev   # check, then the UI with what the local deployment loads`);
  if (branch) steps.push(`git push -u origin ${branch}   # then open a pull request`);
  return steps;
}

export function renderReport(report: CreateReport): string {
  const lines: string[] = [];
  const verb = report.dryRun ? 'would' : '';
  const created = report.files.filter((f) => f.change === 'create');
  const modified = report.files.filter((f) => f.change === 'modify');
  if (report.dryRun) lines.push('Dry run: nothing was written. The plan:');
  if (report.platformCreated) lines.push(`${verb ? 'Would create' : 'Created'} platform repo ${report.platformRoot}`);
  if (report.pipeline) lines.push(`${verb ? 'Would add' : 'Added'} pipeline ${report.pipeline} (${report.template})`);
  for (const f of created) lines.push(`  create  ${f.path}`);
  for (const f of modified) lines.push(`  update  ${f.path}`);
  const derived = report.derived.filter((f) => f.change === 'create' || f.change === 'update');
  if (derived.length)
    lines.push(
      `  ${verb ? 'would sync' : 'synced'}  ${derived.map((f) => f.path).join(', ')}  (derived from pipelines/*/, never committed)`,
    );
  for (const f of report.derived.filter((f) => f.change === 'skipped')) lines.push(`  Note: ${f.note}`);
  if (report.deployments) {
    lines.push('', 'What each deployment loads:');
    for (const [name, v] of Object.entries(report.deployments)) {
      lines.push(
        `  ${name.padEnd(8)} jobs: ${v.jobs.join(', ') || '-'}${v.schedules.length ? `; schedules: ${v.schedules.join(', ')}` : ''}${v.sensors.length ? `; sensors: ${v.sensors.join(', ')}` : ''}`,
      );
    }
  }
  lines.push('');
  if (report.git.branch)
    lines.push(
      `${report.dryRun ? 'Would commit' : 'Committed'} on branch ${report.git.branch}${report.git.commit ? ` (${report.git.commit.slice(0, 12)})` : ''}`,
    );
  if (report.git.note) lines.push(`Note: ${report.git.note}`);
  for (const note of report.notes) lines.push(`Note: ${note}`);
  if (report.nextSteps.length) lines.push('', 'Next steps:', ...report.nextSteps.map((s) => `  ${s}`));
  return lines.join('\n');
}

export const reportAsJson = (report: CreateReport): string => JSON.stringify(report, null, 2);
