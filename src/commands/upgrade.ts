// `pipeline upgrade`: versioned codemods that keep every pipeline aligned with the conventions.
import { readdirSync, rmdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import {
  findPlatformRoot,
  loadPlatformConfig,
  PLATFORM_FILE,
  type PlatformConfig,
} from '../conventions/platform-config.ts';
import { EXIT, InputError, StateError } from '../errors.ts';
import * as git from '../git.ts';
import { CWD_FLAG, type GlobalFlag, HELP_FLAG, parseCommandArgs, renderHelp } from '../options/flags.ts';
import { print, printError } from '../output.ts';
import { counted, plural } from '../text.ts';
import { fileDiff, treeAndRemovalsDiff } from '../tree/diff.ts';
import type { ChangePlan } from '../tree/plan.ts';
import { recoverBeforeReading, type Transaction, writing } from '../tree/transaction.ts';
import type { Codemod } from '../upgrade/codemod.ts';
import { planCiDeployments } from '../upgrade/codemods/ci-deployments.ts';
import { planCliPackage } from '../upgrade/codemods/cli-package.ts';
import { planComposeDagsterPins } from '../upgrade/codemods/compose-dagster-pins.ts';
import { planDeploymentInstances } from '../upgrade/codemods/deployment-instances.ts';
import { planGitignoreUvLock } from '../upgrade/codemods/gitignore-uv-lock.ts';
import {
  needsPlatformLayout,
  type PlatformLayout,
  planPlatformLayout,
  platformLayoutDiff,
  platformLayoutSummary,
  writePlatformLayout,
} from '../upgrade/codemods/platform-steps.ts';
import {
  allCodemods,
  DEFAULT_TARGET,
  defaultTarget,
  findPipelines,
  foreignPipeline,
  type PipelineUpgrade,
  runUpgrade,
} from '../upgrade/runner.ts';
import type { AnyVersionStep } from '../upgrade/types.ts';
import { bumpPlatform, commitPerCodemod, UpgradeWriter, WITHOUT_COMMIT } from '../upgrade/write.ts';

/** Removes a folder that holds nothing (a folder someone filled meanwhile stays). */
function removeIfEmpty(dir: string): void {
  try {
    if (readdirSync(dir).length === 0) rmdirSync(dir);
  } catch {
    // Gone already, or not ours to remove.
  }
}

/** The platform steps of any conventions version, in the order they run. */
const ANY_VERSION_STEPS: ((root: string, platform: PlatformConfig) => AnyVersionStep | null)[] = [
  planCliPackage,
  planGitignoreUvLock,
  planComposeDagsterPins,
  planCiDeployments,
  planDeploymentInstances,
];

const FLAGS: GlobalFlag[] = [
  {
    flag: 'to',
    type: 'string',
    valueName: 'version',
    help: `Target conventions version (default: ${DEFAULT_TARGET}, the version this CLI ships, or a newer one of the platform's own codemods)`,
  },
  { flag: 'dry-run', type: 'boolean', help: 'Print a unified diff per file and the summary table; write nothing' },
  { flag: 'json', type: 'boolean', help: 'Print the report as JSON' },
  { flag: 'list', type: 'boolean', help: "List the codemods (built-in and the platform's codemods/ folder) and exit" },
  {
    flag: 'pipeline',
    type: 'string',
    multiple: true,
    valueName: 'name|glob',
    help: 'Only these pipelines (repeatable; globs such as ml_* work)',
  },
  {
    flag: 'codemod',
    type: 'string',
    valueName: 'id',
    help: 'Run this one codemod, whatever the recorded version; with a PATH, on a folder the generator never made',
  },
  { flag: 'allow-dirty', type: 'boolean', help: 'Run on a git tree with uncommitted changes' },
  { flag: 'commit', type: 'boolean', help: 'One git commit per codemod, so a reviewer can read them one at a time' },
  CWD_FLAG,
  HELP_FLAG,
];

export const upgradeHelp = () =>
  renderHelp(
    'pipeline upgrade [options]            (at the platform repo root)\n       pipeline upgrade --codemod ID PATH   (one codemod on any pipeline folder)',
    "Runs the codemods between each pipeline's recorded conventions version and the target, in\norder, and records the new version; then renders again each platform-owned file that an\nearlier platform.yaml rendered, moves the Dagster pins it set, writes its deployments into\nCI's per-deployment check and renders each deployment's Dagster instance config (a file\nedited by hand is left as it is; one that platform.yaml changes too is listed, and the run\nexits 3). Per pipeline all or nothing: a failing codemod leaves that pipeline untouched and\nthe run exits 1; what needs a person is a TODO comment, listed in the summary, and the run\nexits 3. Running it twice changes nothing the second time.\n\nExamples:\n  npx pipeline upgrade --dry-run                 # the diff per file and the summary; writes nothing\n  npx pipeline upgrade --commit                  # one git commit per codemod, for the reviewer\n  npx pipeline upgrade --pipeline 'ml_*' --to 3 --json",
    [{ title: 'Options', flags: FLAGS }],
  );

/** The codemods, a line each, or as JSON (id, version, description, source). */
export const listCodemods = (codemods: Codemod[], json = false): string =>
  json
    ? JSON.stringify(
        codemods.map(({ id, version, description, source }) => ({ id, version, description, source })),
        null,
        2,
      )
    : codemods
        .map((c) => `${c.id.padEnd(34)} v${c.version}  ${c.source === 'platform' ? '(platform) ' : ''}${c.description}`)
        .join('\n');

function summary(results: PipelineUpgrade[]): string {
  const rows = [
    ['pipeline', 'from', 'to', 'codemods applied', 'files changed', 'status'],
    ...results.map((r) => [
      r.pipeline,
      String(r.from),
      String(r.to),
      r.codemods
        .filter((c) => c.changes > 0)
        .map((c) => c.id)
        .join(', ') || '-',
      String(r.files.length),
      r.status === 'failed' ? `FAILED: ${r.error}` : r.status,
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const table = rows
    .map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '))
    .join('\n');
  return `${table}${manualWork(results)}`;
}

// Manual work: what a codemod could not translate is a `# TODO(pipeline upgrade): ...` comment in
// the code, listed here (file:line, construct, what to do); a platform-owned file edited by hand
// that today's platform.yaml could not be rendered into is listed too. The exit status is then EXIT_TODOS.
const EXIT_TODOS = 3;
// Paths from the platform's root, as pipeline check names them (from a pipeline's own folder outside a platform).
const todosOf = (results: PipelineUpgrade[]) =>
  results.flatMap((r) => r.codemods.flatMap((c) => c.todos.map((t) => `${r.where}/${t}`)));
const leftOf = (results: PipelineUpgrade[]) => results.flatMap((r) => r.left.map((l) => `${r.where}/${l}`));

function manualWork(results: PipelineUpgrade[]): string {
  const todos = todosOf(results);
  const left = leftOf(results);
  return [
    todos.length
      ? `\n\nManual work left (${counted(todos.length, 'TODO')}, each a "# TODO(pipeline upgrade)" comment at that line, except in a module left as it was):\n${todos.map((t) => `  ${t}`).join('\n')}`
      : '',
    left.length
      ? `\n\nLeft as edited (${left.length} platform-owned ${plural(left.length, 'file')}):\n${left.map((l) => `  ${l}`).join('\n')}`
      : '',
  ].join('');
}

/** 1 when a pipeline failed, 3 when work is left for a person, else 0. */
const exitCode = (results: PipelineUpgrade[]): number =>
  results.some((r) => r.status === 'failed')
    ? EXIT.failure
    : todosOf(results).length || leftOf(results).length
      ? EXIT_TODOS
      : EXIT.ok;

const toJson = (results: PipelineUpgrade[], dryRun: boolean, platformFiles: string[]) => ({
  dryRun,
  ok: results.every((r) => r.status !== 'failed'),
  todos: todosOf(results),
  /** Platform-owned files edited by hand that today's platform.yaml would change (each pipeline's `left`, prefixed). */
  left: leftOf(results),
  pipelines: results.map(({ steps: _steps, tree: _tree, ...rest }) => rest),
  /** The files outside the pipelines it writes or removes (from the root): platform.yaml's version, the platform steps'. */
  platformFiles,
});

/** The platform's own files a run writes or removes, from its root. */
const platformFilesOf = (bump: ChangePlan | null, layout: PlatformLayout | null, steps: AnyVersionStep[]): string[] =>
  [
    ...new Set([
      ...(bump?.changes.map((c) => c.path) ?? []),
      ...(layout ? [...layout.tree.changes().map((c) => c.path), ...layout.remove] : []),
      ...steps.flatMap((s) => [...s.tree.changes().map((c) => c.path), ...(s.remove ?? [])]),
    ]),
  ].sort();

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, [], FLAGS, 'pipeline upgrade');
  if (values.help) {
    print(`${upgradeHelp()}\n`);
    return EXIT.ok;
  }
  const cwd = resolve((values.cwd as string | undefined) ?? process.cwd());
  // A PATH's platform's codemods; a folder outside any platform (a pipeline the generator never
  // made) gets those of the platform the command runs in.
  const codemods = await allCodemods(
    (positionals[0] ? findPlatformRoot(resolve(cwd, positionals[0])) : undefined) ?? findPlatformRoot(cwd),
  );
  if (values.list) {
    print(`${listCodemods(codemods, values.json === true)}\n`);
    return EXIT.ok;
  }
  const latest = defaultTarget(codemods);
  const to = values.to === undefined ? latest : Number(values.to);
  if (!Number.isInteger(to) || to < 1 || to > latest)
    throw new InputError(`--to ${values.to} is not a conventions version the codemods know (1 to ${latest})`);
  const only = values.codemod as string | undefined;
  if (only && !codemods.some((c) => c.id === only))
    throw new InputError(`unknown codemod ${only}; pipeline upgrade --list shows them`);
  if (positionals.length > 1) throw new InputError(`expected at most one PATH, got ${positionals.join(' ')}`);
  if (positionals.length === 1 && !only)
    throw new InputError('a PATH needs --codemod ID: pipeline upgrade --codemod ID PATH');
  const dryRun = values['dry-run'] === true;
  const json = values.json === true;

  // 1. What to upgrade.
  const root = findPlatformRoot(positionals[0] ? resolve(cwd, positionals[0]) : cwd);
  // What a killed command left half-written is put back before anything is read: a killed
  // upgrade's platform.yaml read as already at the new version, and the retry never bumped it.
  if (root) recoverBeforeReading(root);
  const platform: PlatformConfig | null = root ? loadPlatformConfig(root) : null;
  if (!root && positionals.length === 0)
    throw new InputError(
      `no ${PLATFORM_FILE} in ${cwd} or any folder above it; run pipeline upgrade at the platform repo root, or pass --codemod ID PATH`,
    );
  const pipelines = positionals[0]
    ? [foreignPipeline(resolve(cwd, positionals[0]))]
    : findPipelines(root!, (values.pipeline as string[] | undefined) ?? []);
  const gitDir = root ?? pipelines[0]!.dir;

  const inGit = git.gitTopLevel(gitDir) !== undefined;
  if (values.commit && !inGit) throw new InputError('--commit needs a git repository');

  // 2. Under the repo's lock, after rolling back a killed command's half-done work (which would
  // look like uncommitted changes): a dirty tree is the user's work in progress, refused unless
  // told otherwise; then every codemod, in memory.
  const flags = { to, only, dryRun, json, commit: values.commit === true, filtered: Boolean(values.pipeline) };
  return writing(root ?? gitDir, 'pipeline upgrade', { dryRun }, (tx) => {
    if (!dryRun && inGit && !values['allow-dirty']) refuseDirt(gitDir);
    return upgradeAndWrite(root, gitDir, pipelines, platform, codemods, flags, tx);
  });
}

function refuseDirt(gitDir: string): void {
  const dirt = git.gitDirt(gitDir);
  if (dirt.length)
    throw new StateError(
      `the git tree has ${dirt.length} uncommitted ${plural(dirt.length, 'change')} (${dirt[0]!.slice(3)}${dirt.length > 1 ? ', ...' : ''}); commit or stash them, or pass --allow-dirty`,
    );
}

interface UpgradeFlags {
  to: number;
  only: string | undefined;
  dryRun: boolean;
  json: boolean;
  commit: boolean;
  filtered: boolean;
}

async function upgradeAndWrite(
  root: string | undefined,
  gitDir: string,
  pipelines: { name: string; dir: string }[],
  platform: PlatformConfig | null,
  codemods: Codemod[],
  flags: UpgradeFlags,
  tx: Transaction | undefined,
): Promise<number> {
  const { to, only, dryRun, json } = flags;
  const progress = process.stderr.isTTY && !json;
  // Without --dry-run or --commit, each pipeline's files may be written as soon as it is upgraded.
  const writer = dryRun || flags.commit ? undefined : new UpgradeWriter(tx!, root);
  const results = await runUpgrade(
    {
      pipelines,
      platform,
      platformRoot: root ?? null,
      to,
      codemods,
      only,
      diffs: dryRun,
      onResult: writer?.add,
      onProgress: progress
        ? (done, total, name) =>
            printError(`\rupgrading pipelines: ${done}/${total} (${name})\x1b[K${done === total ? '\n' : ''}`)
        : undefined,
    },
    root ?? null,
  ).catch(async (error: unknown) => {
    // No rollback while a write of the pipelines done so far is still in flight.
    await writer?.settled();
    throw error;
  });

  // 4. Print, or write (all or nothing per pipeline).
  const failed = results.some((r) => r.status === 'failed');
  // The one platform-level step (v3: derived registration files), when platform.yaml moves to 3.
  const layout =
    root && platform && !only && !failed && !flags.filtered && needsPlatformLayout(platform, to)
      ? planPlatformLayout(root, platform, to)
      : null;
  // The platform steps of any conventions version: package.json pinning create-pipeline (0.1)
  // moves to @create-pipeline/cli; .gitignore ignores each pipeline's uv.lock; the compose image's
  // Dagster pins follow dagster_version; CI's per-deployment check and each deployment's Dagster
  // instance config follow its deployments.
  const anyVersion = root && !only && !failed && !flags.filtered ? ANY_VERSION_STEPS : [];
  // platform.yaml records the new version once every pipeline made it.
  const platformBump =
    root && platform && !only && !failed && !flags.filtered && platform.conventionsVersion < to
      ? bumpPlatform(root, to)
      : null;
  if (dryRun) {
    const steps = anyVersion.flatMap((plan) => plan(root!, platform!) ?? []);
    const bumpDiff = (platformBump?.changes ?? []).map((c) => fileDiff(c.path, c.before ?? undefined, c.content));
    if (json)
      print(`${JSON.stringify(toJson(results, true, platformFilesOf(platformBump, layout, steps)), null, 2)}\n`);
    else
      print(
        `${results.flatMap((r) => r.files.map((f) => f.diff)).join('')}${bumpDiff.join('')}${layout ? platformLayoutDiff(layout) : ''}${steps.map((s) => treeAndRemovalsDiff(s.tree, s.remove ?? [])).join('')}${summary(results)}${layout ? platformLayoutSummary(layout, false) : ''}${steps.map((s) => s.summary(false)).join('')}\n\nDry run: nothing was written.\n`,
      );
    return exitCode(results);
  }
  // 4. Write: every file of every upgraded pipeline in one transaction (a kill or a failed write
  // puts every file back), each file written to a temporary file and renamed into place.
  if (flags.commit)
    commitPerCodemod(
      tx!,
      gitDir,
      results,
      codemods.map((c) => c.id),
      platformBump,
    );
  else await writer!.finish(platformBump);
  if (layout) writePlatformLayout(tx!, layout, platform!, flags.commit);
  // Each planned after the steps before it are written, so that it edits what they left.
  const steps: AnyVersionStep[] = [];
  const removedAll: string[] = [];
  for (const plan of anyVersion) {
    const step = plan(root!, platform!);
    if (!step) continue;
    tx!.apply(step.tree.toPlan());
    const removed = tx!.remove(root!, step.remove ?? []);
    removedAll.push(...removed);
    const paths = [...step.tree.changes().map((c) => c.path), ...removed];
    if (flags.commit && paths.length) git.gitCommit(root!, paths, step.message, WITHOUT_COMMIT);
    steps.push(step);
  }
  tx!.commit();
  // Once nothing can be rolled back any more: the folders the removals left empty go too.
  for (const path of removedAll) removeIfEmpty(dirname(join(root!, path)));
  print(
    json
      ? `${JSON.stringify(toJson(results, false, platformFilesOf(platformBump, layout, steps)), null, 2)}\n`
      : `${summary(results)}${layout ? platformLayoutSummary(layout, true) : ''}${steps.map((s) => s.summary(true)).join('')}\n`,
  );
  if (json && layout?.todos.length) printError(`${platformLayoutSummary(layout, true).trimStart()}\n`);
  for (const step of json ? steps : []) printError(`${step.summary(true).trimStart()}\n`);
  return exitCode(results);
}
