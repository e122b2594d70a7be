// `pipeline upgrade`: finds each pipeline's recorded conventions version, runs the codemods
// between it and the target in order on a virtual tree, and records the new version. Per pipeline
// all or nothing: a codemod that throws leaves that pipeline exactly as it was; the others go on.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import { ANSWERS_CONFLICT } from '../../generators/pipeline/files.ts';
import { CONVENTIONS_VERSION } from '../conventions/version.ts';
import { InputError, thrownMessage } from '../errors.ts';
import { fileDiff } from '../tree/diff.ts';
import { FileTree, TOOL_FOLDERS } from '../tree/file-tree.ts';
import { parseYamlFile } from '../yaml/read.ts';
import { type Codemod, editCount } from './codemod.ts';
import { BUILTIN_CODEMODS } from './codemods/index.ts';
import { ANSWERS } from './codemods/v2-answers-deployment-env-var.ts';
import { recordConventionsVersion } from './codemods/v3-conventions-version.ts';
import { ENGINES } from './engines/index.ts';
import { verifyPython } from './engines/python-parses.ts';
import { editYamlSource, insertLineAfter, replaceScalar } from './engines/yaml.ts';
import { movePlatformPins, PIN_FILES } from './pins.ts';
import { loadPlatformCodemods } from './platform-codemods.ts';
import { platformOwnedFiles } from './platform-owned.ts';
import type { PipelineUpgrade, UpgradeOptions } from './types.ts';

export type { CodemodResult, PipelineUpgrade, UpgradeOptions } from './types.ts';

/** The version a pipeline records; a folder the generator never made counts as version 0. */
export function recordedVersion(tree: FileTree): { version: number; answers: Record<string, unknown> } {
  const text = tree.read(ANSWERS);
  if (text === undefined) return { version: 0, answers: {} };
  const answers = (parseYamlFile(text, relative(process.cwd(), join(tree.root, ANSWERS)), ANSWERS_CONFLICT) ??
    {}) as Record<string, unknown>;
  return { version: Number(answers._conventions_version ?? 0), answers };
}

/** Orders codemods by version, then as listed; refuses duplicate ids. */
export function orderCodemods(codemods: Codemod[]): Codemod[] {
  const seen = new Set<string>();
  for (const c of codemods) {
    if (seen.has(c.id)) throw new InputError(`two codemods have the id ${c.id}; rename one`);
    seen.add(c.id);
  }
  return codemods
    .map((c, i) => [c, i] as const)
    .sort(([a, i], [b, j]) => a.version - b.version || i - j)
    .map(([c]) => c);
}

/** Milliseconds spent per phase of upgradePipeline in this thread (PIPELINE_UPGRADE_TIMINGS=1 reports them). */
export const phaseTimes: Record<string, number> = {};

export async function upgradePipeline(name: string, dir: string, options: UpgradeOptions): Promise<PipelineUpgrade> {
  let tree = new FileTree(dir);
  const { version: from, answers } = recordedVersion(tree);
  const result: PipelineUpgrade = {
    pipeline: name,
    dir,
    where: options.platformRoot ? relative(options.platformRoot, dir).split(sep).join('/') : name,
    from,
    to: from,
    status: 'up-to-date',
    codemods: [],
    files: [],
    error: null,
    left: [],
    steps: [],
    tree,
  };
  const due = options.only
    ? options.codemods.filter((c) => c.id === options.only)
    : options.codemods.filter((c) => c.version > from && c.version <= options.to);
  for (const codemod of due) {
    const todos: string[] = [];
    const attempt = tree.fork();
    try {
      let at = performance.now();
      const returned: unknown = await codemod.run(attempt, {
        pipeline: name,
        answers,
        platform: options.platform,
        todo: (m) => todos.push(m),
        engines: ENGINES,
      });
      // A codemod that edits but says 0 still counts as applied: the files say what it did.
      const changes = editCount(returned) || changedBy(tree, attempt);
      phaseTimes[`codemod ${codemod.id}`] = (phaseTimes[`codemod ${codemod.id}`] ?? 0) + performance.now() - at;
      at = performance.now();
      // Every Python file it wrote must parse again, or nothing of this pipeline is written.
      await verifyPython(attempt);
      phaseTimes.verify = (phaseTimes.verify ?? 0) + performance.now() - at;
      result.codemods.push({ id: codemod.id, version: codemod.version, changes, todos });
      tree = attempt;
      result.steps.push({ codemod: codemod.id, tree: tree.fork() });
    } catch (error) {
      // All or nothing: nothing of this pipeline is written, its version does not move.
      result.status = 'failed';
      result.error = `${codemod.id}: ${thrownMessage(error)}`;
      result.codemods.push({ id: codemod.id, version: codemod.version, changes: 0, todos });
      result.steps = [];
      result.tree = new FileTree(dir);
      return result;
    }
  }
  const target = options.only ? from : Math.max(from, options.to);
  // platform.yaml (or the answers) changed since the platform-owned files were rendered: render the
  // stale ones again, and move the Dagster pins the platform set (a file edited by hand stays as it
  // is, listed in `left`; pipeline check reports it).
  if (!options.only && options.platform && options.platformRoot && tree.exists(ANSWERS)) {
    const at = performance.now();
    const changes = await followPlatformYaml(tree, name, answers, target, options, result.left);
    phaseTimes[RENDER_AGAIN] = (phaseTimes[RENDER_AGAIN] ?? 0) + performance.now() - at;
    if (changes > 0) {
      result.codemods.push({ id: RENDER_AGAIN, version: target, changes, todos: [] });
      result.steps.push({ codemod: RENDER_AGAIN, tree: tree.fork() });
    }
  }
  if (!options.only && target > from && tree.exists(ANSWERS)) {
    editYamlSource(tree, ANSWERS, (doc, source) => {
      const edit =
        replaceScalar(doc, '_conventions_version', String(target)) ??
        insertLineAfter(doc, source, '_cli_version', `_conventions_version: ${target}`);
      return edit ? [edit] : [];
    });
    result.steps.push({ codemod: 'record-version', tree: tree.fork() });
  }
  result.to = tree.exists(ANSWERS) || options.only ? target : from;
  const prefix = options.platformRoot ? `${result.where}/` : '';
  result.files = tree.changes().map((c) => ({
    path: c.path,
    // The diff names each file from the platform root (pipelines/<name>/...), as the platform steps' do.
    diff: options.diffs ? fileDiff(`${prefix}${c.path}`, c.before, c.after) : '',
  }));
  result.status = result.files.length > 0 ? 'upgraded' : 'up-to-date';
  result.steps.length = result.files.length > 0 ? result.steps.length : 0;
  result.tree = tree;
  return result;
}

/** The step that renders again what an earlier platform.yaml rendered (not a codemod: no version of its own). */
export const RENDER_AGAIN = 'platform-yaml';

/**
 * Writes today's rendering of each platform-owned file that earlier inputs rendered, and moves the
 * Dagster pins an earlier platform.yaml set; how many files. A platform-owned file edited by hand
 * on top of such a rendering is not written over: it goes to `left`.
 */
async function followPlatformYaml(
  tree: FileTree,
  name: string,
  answers: Record<string, unknown>,
  version: number,
  options: UpgradeOptions,
  left: string[],
): Promise<number> {
  const files = await platformOwnedFiles(
    { name, answers, version, tree },
    options.platform!,
    options.platformRoot!,
    options.codemods,
  );
  const stale = (files ?? []).filter((f) => f.state === 'stale');
  for (const file of stale) tree.write(file.path, file.expected);
  // The Dagster pins an earlier platform.yaml set (dagster_version moved since): the platform's release.
  let pinFiles = 0;
  for (const path of Object.keys(PIN_FILES)) {
    const text = tree.read(path);
    const moved =
      text === undefined ? undefined : movePlatformPins(text, path, options.platform!, options.platformRoot!);
    if (moved !== undefined) {
      tree.write(path, moved);
      pinFiles++;
    }
  }
  for (const file of files ?? [])
    if (file.state === 'edited' && file.behind)
      left.push(
        `${file.path}:${file.difference.line}: platform-owned, edited by hand: today's platform.yaml was not rendered into it; move the edit into a module of yours (pipeline check shows it), then run pipeline upgrade again`,
      );
  return stale.length + pinFiles;
}

/** Every pipeline's upgrade, in memory (in worker threads for large repos); the caller writes. */
export async function runUpgrade(
  options: UpgradeOptions,
  platformRoot: string | null = null,
): Promise<PipelineUpgrade[]> {
  const { runInWorkers, useWorkers } = await import('./pool.ts');
  if (useWorkers(options.pipelines.length)) return runInWorkers(options, platformRoot);
  const results: PipelineUpgrade[] = [];
  for (const [i, { name, dir }] of options.pipelines.entries()) {
    const result = await upgradePipeline(name, dir, options);
    results.push(result);
    options.onResult?.(result);
    options.onProgress?.(i + 1, options.pipelines.length, name);
  }
  return results;
}

/** The files that make a folder a project (the generator's answers, or a legacy package's own). */
const PROJECT_FILES = ['pyproject.toml', 'setup.py', 'setup.cfg', ANSWERS];

/**
 * A pipeline folder: a project (pyproject.toml, setup.py, recorded answers) or legacy code (a .py
 * file). After `git switch` away from a branch whose pipeline ran its tests, the ignored caches
 * keep its folder: that folder was listed, checked and registered as a pipeline that is not there.
 */
function holdsPipeline(dir: string): boolean {
  if (PROJECT_FILES.some((f) => existsSync(join(dir, f)))) return true;
  return readdirSync(dir, { withFileTypes: true }).some((e) =>
    e.isDirectory() ? !TOOL_FOLDERS.has(e.name) && holdsPipeline(join(dir, e.name)) : e.name.endsWith('.py'),
  );
}

/**
 * The pipelines of a platform repo, optionally filtered by names or globs (`orders`, `ml_*`): every
 * folder of pipelines/ that holds one, legacy packages included (upgrade migrates them). `pipeline
 * sync` registers fewer: the dg projects among them (listPipelines in generators/platform/derived.ts).
 */
export function findPipelines(root: string, filters: string[] = []): { name: string; dir: string }[] {
  const base = join(root, 'pipelines');
  const all = existsSync(base)
    ? readdirSync(base, { withFileTypes: true })
        .filter((e) => e.isDirectory() && holdsPipeline(join(base, e.name)))
        .map((e) => e.name)
        .sort()
    : [];
  if (filters.length === 0) return all.map((name) => ({ name, dir: join(base, name) }));
  const matchers = filters.map(
    (f) =>
      new RegExp(
        `^${f
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '.*')
          .replace(/\?/g, '.')}$`,
      ),
  );
  for (const [i, f] of filters.entries()) {
    if (!all.some((n) => matchers[i]!.test(n)))
      throw new InputError(`--pipeline ${f} matches no pipeline in ${base} (there are: ${all.join(', ') || 'none'})`);
  }
  return all.filter((n) => matchers.some((m) => m.test(n))).map((name) => ({ name, dir: join(base, name) }));
}

/** A folder the generator never made (`pipeline upgrade --codemod ID PATH`). */
export function foreignPipeline(path: string): { name: string; dir: string } {
  const dir = resolve(path);
  if (!existsSync(dir)) throw new InputError(`${path} does not exist; pass the folder of a pipeline`);
  if (!statSync(dir).isDirectory())
    throw new InputError(`${path} is a file, not a folder; pass the folder of a pipeline`);
  const src = join(dir, 'src');
  const pkg = existsSync(src)
    ? readdirSync(src, { withFileTypes: true }).find(
        (e) => e.isDirectory() && existsSync(join(src, e.name, '__init__.py')),
      )?.name
    : undefined;
  return { name: pkg ?? basename(dir), dir };
}

export const DEFAULT_TARGET = CONVENTIONS_VERSION;
export const builtinCodemods = (): Codemod[] =>
  orderCodemods(BUILTIN_CODEMODS.map((c) => ({ ...c, source: 'builtin' as const })));

/**
 * Why a platform codemod may not take this id, if it may not: a built-in codemod's, or one of the
 * steps pipeline upgrade names itself (`v<N>-conventions-version`, `platform-yaml`,
 * `record-version`). A platform's `v6-conventions-version` replaced the step that records v6 in
 * conventions.py, which kept saying v5.
 */
export function reservedCodemodId(id: string): string | undefined {
  if (BUILTIN_CODEMODS.some((b) => b.id === id)) return `${id} is the id of a built-in codemod`;
  if (/^v\d+-conventions-version$/.test(id) || id === RENDER_AGAIN || id === 'record-version')
    return `${id} is the name of a step pipeline upgrade runs itself`;
  return undefined;
}

/** The built-in codemods and, inside a platform repo, its own, in run order. */
export async function allCodemods(root: string | undefined): Promise<Codemod[]> {
  const platform = root ? await loadPlatformCodemods(root) : [];
  for (const c of platform) {
    const reserved = reservedCodemodId(c.id);
    if (reserved) throw new InputError(`codemods/index.ts: ${reserved}; rename yours`);
  }
  // A version past this CLI's closes as the built-in ones do: conventions.py's CONVENTIONS_VERSION
  // (every job's `conventions` tag) and the platform-owned headers say it, after its codemods.
  const records = [...new Set(platform.map((c) => c.version).filter((v) => v > CONVENTIONS_VERSION))].map(
    recordConventionsVersion,
  );
  return orderCodemods([...builtinCodemods(), ...platform, ...records]);
}

/** The default target: this CLI's conventions version, or a platform codemod's newer one. */
export const defaultTarget = (codemods: Codemod[]): number =>
  Math.max(DEFAULT_TARGET, ...codemods.map((c) => c.version));

/** How many files `after` (a fork of `before` a codemod ran on) holds other bytes of. */
function changedBy(before: FileTree, after: FileTree): number {
  const was = new Map(before.changes().map((c) => [c.path, c.after]));
  return after.changes().filter((c) => was.get(c.path) !== c.after).length;
}
