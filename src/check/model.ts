// The static model `pipeline check` and `pipeline list` read: platform.yaml, and per pipeline its
// recorded answers, its pyproject and its Python facts. Files are read once and only when a rule
// asks; nothing is imported or executed.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { ADDED_RESOURCES, ANSWERS_CONFLICT, ANSWERS_FILE } from '../../generators/pipeline/files.ts';
import { answersFromRecord, buildPipelineSpec, type PipelineSpec } from '../../generators/pipeline/spec.ts';
import { checkPlatformConfig, PLATFORM_FILE, type PlatformConfig } from '../conventions/platform-config.ts';
import { ConfigError, InputError } from '../errors.ts';
import { findPipelines } from '../upgrade/runner.ts';
import { parseYamlFile } from '../yaml/read.ts';
import { type PyFacts, pipelineFacts } from './python.ts';

/** The files that build a mode's resources: their imports must be in the pipeline's dependencies. */
export const RESOURCE_FILES = ['modes.py', 'storage.py', 'resources.py'];

/** The 1-based line of the value at `path` in a YAML text, or of the nearest parent that exists. */
export function yamlLine(text: string, path: (string | number)[]): number {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter });
  for (let depth = path.length; depth > 0; depth--) {
    const node = doc.getIn(path.slice(0, depth), true) as { range?: [number, number, number] } | undefined;
    if (node?.range) {
      // The key's line reads better than the value's (a block mapping starts on the next line).
      const parent =
        depth > 1
          ? (doc.getIn(path.slice(0, depth - 1), true) as {
              items?: { key?: { range?: number[]; value?: unknown }; value?: unknown }[];
            })
          : (doc.contents as { items?: { key?: { range?: number[]; value?: unknown }; value?: unknown }[] });
      const pair = parent?.items?.find((item) => item.value === node);
      return counter.linePos(pair?.key?.range?.[0] ?? node.range[0]).line;
    }
  }
  return 1;
}

const SANDBOX_KEY = /^platform\.yaml: (sandbox(?:\.(\w+))?(?:\[\d+\])?): (.*)$/;

/**
 * platform.yaml, checked as every command checks it; a problem in its `sandbox` section does not
 * stop `pipeline check` (it is the sandbox-config rule's finding): that key falls back to its default.
 */
export function loadPlatformForCheck(root: string): {
  platform: PlatformConfig;
  problems: { key: string; line: number; message: string }[];
} {
  const text = readFileSync(join(root, PLATFORM_FILE), 'utf8');
  let raw = parseYamlFile(text, PLATFORM_FILE) as Record<string, unknown>;
  const problems: { key: string; line: number; message: string }[] = [];
  for (let attempt = 0; attempt < 10; attempt++) {
    try {
      return { platform: checkPlatformConfig(raw), problems };
    } catch (error) {
      const match = error instanceof ConfigError ? SANDBOX_KEY.exec(error.message) : null;
      if (!match || raw === null || typeof raw !== 'object') throw error;
      const [, key, field, why] = match;
      problems.push({
        key: key!,
        line: yamlLine(text, field ? ['sandbox', field] : ['sandbox']),
        message: `${key}: ${why}`,
      });
      const sandbox =
        raw.sandbox !== null && typeof raw.sandbox === 'object' && !Array.isArray(raw.sandbox)
          ? { ...(raw.sandbox as Record<string, unknown>) }
          : {};
      if (field) delete sandbox[field];
      raw = { ...raw, sandbox: { repository: 'data', production_ref: 'main', ...(field ? sandbox : {}) } };
    }
  }
  throw new Error('platform.yaml: sandbox problems did not converge');
}

/** The selected pipeline folders (`--pipeline` names or globs); an unknown one is a one-line error naming the fix. */
export function selectPipelines(root: string, filters: string[]): { name: string; dir: string }[] {
  try {
    return findPipelines(root, filters);
  } catch (error) {
    if (error instanceof InputError)
      throw new InputError(`${error.message}; pass one of those names, or a glob such as 'ml_*'`);
    throw error;
  }
}

export class PipelineModel {
  readonly rel: string;
  private readonly texts = new Map<string, string | undefined>();
  private readonly facts = new Map<string, Promise<PyFacts | undefined>>();
  private readonly memos = new Map<string, unknown>();
  private files?: string[];
  private specCache?: { spec?: PipelineSpec; error?: string };
  private answersCache?: { value: Record<string, unknown> | undefined };

  constructor(
    readonly name: string,
    readonly dir: string,
    readonly platform: PlatformConfig,
  ) {
    this.rel = `pipelines/${name}`;
  }

  /** A file of the pipeline (path relative to its folder), or undefined. */
  read(path: string): string | undefined {
    if (!this.texts.has(path)) {
      const full = join(this.dir, path);
      this.texts.set(path, existsSync(full) ? readFileSync(full, 'utf8') : undefined);
    }
    return this.texts.get(path);
  }

  /** Forgets the files read and the facts computed (the answers and spec stay). */
  release(): void {
    this.texts.clear();
    this.facts.clear();
    this.memos.clear();
    this.files = undefined;
  }

  /** What `compute` makes of this pipeline, once until release(): what several rules read. */
  memo<T>(key: string, compute: () => T): T {
    if (!this.memos.has(key)) this.memos.set(key, compute());
    return this.memos.get(key) as T;
  }

  /** The package folder, relative to the pipeline: src/<name>. */
  get pkg(): string {
    return `src/${this.name}`;
  }

  /** The Python files of the package (relative to the pipeline), sorted. */
  pythonFiles(): string[] {
    this.files ??= this.walkPythonFiles();
    return this.files;
  }

  private walkPythonFiles(): string[] {
    const walk = (rel: string): string[] => {
      const full = join(this.dir, rel);
      if (!existsSync(full)) return [];
      return readdirSync(full, { withFileTypes: true })
        .sort((a, b) => a.name.localeCompare(b.name))
        .flatMap((e) =>
          e.isDirectory()
            ? e.name === '__pycache__'
              ? []
              : walk(`${rel}/${e.name}`)
            : e.name.endsWith('.py')
              ? [`${rel}/${e.name}`]
              : [],
        );
    };
    return walk(this.pkg);
  }

  python(path: string): Promise<PyFacts | undefined> {
    if (!this.facts.has(path)) {
      const text = this.read(path);
      const imports = RESOURCE_FILES.some((f) => path.endsWith(`/${f}`)) || path.includes(`/${ADDED_RESOURCES}/`);
      this.facts.set(
        path,
        text === undefined ? Promise.resolve(undefined) : pipelineFacts(text, this.name, { imports }),
      );
    }
    return this.facts.get(path)!;
  }

  /** The recorded answers (.pipeline-answers.yaml), or undefined for a folder the generator never made. */
  get answers(): Record<string, unknown> | undefined {
    if (this.answersCache === undefined) {
      const text = this.read(ANSWERS_FILE);
      const parsed =
        text === undefined ? undefined : parseYamlFile(text, `${this.rel}/${ANSWERS_FILE}`, ANSWERS_CONFLICT);
      this.answersCache = {
        value:
          text === undefined
            ? undefined
            : parsed !== null && typeof parsed === 'object'
              ? (parsed as Record<string, unknown>)
              : {},
      };
    }
    return this.answersCache.value;
  }

  get recordedVersion(): number {
    return Number(this.answers?._conventions_version ?? 0);
  }

  /** answers -> buildPipelineSpec: what the generator would make of this pipeline today. */
  spec(): { spec?: PipelineSpec; error?: string } {
    if (this.specCache) return this.specCache;
    const a = this.answers;
    try {
      if (!a) throw new Error(`no ${ANSWERS_FILE}`);
      const answers = answersFromRecord(a, this.name, this.platform);
      this.specCache = { spec: buildPipelineSpec(answers, this.platform) };
    } catch (error) {
      this.specCache = { error: (error as Error).message };
    }
    return this.specCache;
  }
}
