// A pipeline's platform-owned files, each compared with what its recorded answers, this CLI's
// conventions and today's platform.yaml render. A file that differs is either stale (exactly what
// an earlier platform.yaml, or earlier answers, on the git history rendered: nobody edited it, so
// `pipeline upgrade` renders it again) or edited by hand (only a person can move that change).
// `pipeline check` reports both; `pipeline upgrade` renders the stale ones again.
import { diffLines } from 'diff';
import { ANSWERS_FILE } from '../../generators/pipeline/files.ts';
import {
  type Difference,
  firstDifference,
  normaliseHeader,
  renderPlatformOwned,
} from '../../generators/pipeline/owned.ts';
import { answersFromRecord, buildPipelineSpec } from '../../generators/pipeline/spec.ts';
import type { PlatformConfig } from '../conventions/platform-config.ts';
import { pastPlatforms } from '../conventions/platform-history.ts';
import { CONVENTIONS_VERSION } from '../conventions/version.ts';
import { gitVersionsOf } from '../git.ts';
import type { FileTree } from '../tree/file-tree.ts';
import { yamlMapping } from '../yaml/read.ts';
import type { Codemod } from './codemod.ts';
import { ENGINES } from './engines/index.ts';

/** How many lines differ between two texts (added plus removed; the CLI release in the header aside). */
function changedLines(a: string, b: string): number {
  const lines = (text: string) => `${text.split('\n').map(normaliseHeader).join('\n')}\n`;
  return diffLines(lines(a), lines(b)).reduce((n, part) => n + (part.added || part.removed ? (part.count ?? 0) : 0), 0);
}

export interface OwnedPipeline {
  name: string;
  /** Its recorded answers (.pipeline-answers.yaml, parsed). */
  answers: Record<string, unknown>;
  /** The conventions version it records. */
  version: number;
  /** Its files: on disk, or what an upgrade has made of them so far. */
  tree: FileTree;
}

/** What a stale file was rendered from: the commits of the platform.yaml and answers it was rendered with, where not today's. */
export interface RenderedFrom {
  platform?: string;
  answers?: string;
}

export type OwnedFile =
  | { path: string; state: 'current' | 'missing'; expected: string }
  | {
      path: string;
      state: 'edited';
      expected: string;
      /** The first line the hand edit changed (against `behind`'s rendering, when there is one). */
      difference: Difference;
      /** Edited on top of a rendering of earlier inputs: today's would change it too, once the edit is moved out. */
      behind?: RenderedFrom;
    }
  | { path: string; state: 'stale'; expected: string; difference: Difference; from: RenderedFrom };

/** How many earlier versions of a pipeline's answers to try. */
const MAX_ANSWERS_VERSIONS = 10;
/** How many (answers, platform.yaml) pairs to render at most for one pipeline (each a few milliseconds). */
const MAX_PAIRS = 64;

/**
 * The earlier (answers, platform.yaml) pairs on the git history, today's pair left out, at most
 * MAX_PAIRS: today's answers with each earlier platform.yaml first (a platform change), then each
 * earlier answers with today's platform.yaml (an answers change), then the other pairs.
 */
function earlierInputs(
  pipeline: OwnedPipeline,
  platform: PlatformConfig,
  root: string,
): { answers: Record<string, unknown>; platform: PlatformConfig; from: RenderedFrom }[] {
  const platforms = [{ config: platform, commit: undefined as string | undefined }, ...pastPlatforms(root)];
  const current = pipeline.tree.read(ANSWERS_FILE);
  const answers = [
    { answers: pipeline.answers, commit: undefined as string | undefined },
    ...gitVersionsOf(pipeline.tree.root, ANSWERS_FILE, MAX_ANSWERS_VERSIONS)
      .filter((v) => v.text !== current)
      .flatMap(({ commit, text }) => {
        const parsed = yamlMapping(text);
        return parsed ? [{ answers: parsed, commit }] : [];
      }),
  ];
  const pairs = answers.flatMap((a) => platforms.map((p) => ({ a, p })));
  const rank = ({ a, p }: (typeof pairs)[number]) => (a.commit === undefined ? 0 : p.commit === undefined ? 1 : 2);
  return pairs
    .filter(({ a, p }) => a.commit !== undefined || p.commit !== undefined)
    .sort((x, y) => rank(x) - rank(y))
    .slice(0, MAX_PAIRS)
    .map(({ a, p }) => ({
      answers: a.answers,
      platform: p.config,
      from: { ...(p.commit ? { platform: p.commit } : {}), ...(a.commit ? { answers: a.commit } : {}) },
    }));
}

/**
 * The rendered platform-owned files, with the platform's own codemods past this CLI's conventions
 * (up to the pipeline's version) run over them on a fork of its tree: what `pipeline upgrade`
 * leaves in a pipeline those codemods brought there. Undefined when its answers do not build.
 */
export async function expected(
  pipeline: OwnedPipeline,
  platform: PlatformConfig,
  codemods: Codemod[],
): Promise<Map<string, string> | undefined> {
  let rendered: Map<string, string>;
  try {
    const spec = buildPipelineSpec(answersFromRecord(pipeline.answers, pipeline.name, platform), platform);
    rendered = renderPlatformOwned(spec, platform);
  } catch {
    return undefined;
  }
  const due = codemods.filter((c) => c.version > CONVENTIONS_VERSION && c.version <= pipeline.version);
  if (due.length === 0) return rendered;
  const tree = pipeline.tree.fork();
  for (const [path, content] of rendered) tree.write(path, content);
  for (const codemod of due)
    await codemod.run(tree, {
      pipeline: pipeline.name,
      answers: pipeline.answers,
      platform,
      todo: () => {},
      engines: ENGINES,
    });
  return new Map([...rendered.keys()].map((path) => [path, tree.read(path) ?? '']));
}

/**
 * Each platform-owned file of a pipeline at this CLI's conventions or past them (behind, the
 * templates are not what it was made with: undefined), and what state it is in. `root`: the
 * platform repo, whose git history holds the earlier platform.yaml versions.
 */
export async function platformOwnedFiles(
  pipeline: OwnedPipeline,
  platform: PlatformConfig,
  root: string,
  codemods: Codemod[],
): Promise<OwnedFile[] | undefined> {
  if (pipeline.version < CONVENTIONS_VERSION) return undefined;
  const today = await expected(pipeline, platform, codemods);
  if (!today) return undefined;
  const files: OwnedFile[] = [];
  let past: { from: RenderedFrom; files: Map<string, string> | undefined }[] | undefined;
  for (const [path, content] of today) {
    const actual = pipeline.tree.read(path);
    if (actual === undefined) {
      files.push({ path, state: 'missing', expected: content });
      continue;
    }
    const difference = firstDifference(actual, content);
    if (!difference) {
      files.push({ path, state: 'current', expected: content });
      continue;
    }
    // Rendered only once a file differs: on a platform whose platform.yaml never changed, no git call.
    past ??= await Promise.all(
      earlierInputs(pipeline, platform, root).map(async ({ answers, platform: then, from }) => ({
        from,
        files: await expected({ ...pipeline, answers }, then, codemods),
      })),
    );
    const from = past.find((p) => {
      const then = p.files?.get(path);
      return then !== undefined && firstDifference(actual, then) === undefined;
    });
    if (from) {
      files.push({ path, state: 'stale', expected: content, difference, from: from.from });
      continue;
    }
    // Edited. On top of an earlier rendering, when one is nearer than today's: the edit is what
    // differs from that one, and today's rendering changes the file besides.
    let nearest = {
      changed: changedLines(actual, content),
      from: undefined as RenderedFrom | undefined,
      rendered: content,
    };
    for (const p of past) {
      const then = p.files?.get(path);
      const changed = then === undefined ? Number.POSITIVE_INFINITY : changedLines(actual, then);
      if (changed < nearest.changed) nearest = { changed, from: p.from, rendered: then! };
    }
    files.push(
      nearest.from
        ? {
            path,
            state: 'edited',
            expected: content,
            difference: firstDifference(actual, nearest.rendered)!,
            behind: nearest.from,
          }
        : { path, state: 'edited', expected: content, difference },
    );
  }
  return files;
}
