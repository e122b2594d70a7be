// A platform team's own `pipeline add` generators: the plopfile at the platform root, loaded with
// node-plop, with the project's Handlebars helpers (py, yaml, toml, json, pyblock, pydoc, eq) and
// partials registered in it. Its prompts become questions (a flag each, a prompt with a terminal,
// the default without one); its actions run on the in-memory tree, so every write goes through the
// same transaction as the built-in kinds, and --dry-run shows the diff.
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CliError, InputError, thrownMessage } from '../errors.ts';
import { importAtRunTime } from '../import-at-run-time.ts';
import type { Answers, Choice, Question } from '../options/question.ts';
import { templatesDir } from '../paths.ts';
import { registerHelpers, walk } from '../render/templates.ts';
import { type FileTree, pathInside } from '../tree/file-tree.ts';
import { appendToList, assignedList } from '../upgrade/engines/python-lists.ts';

export const PLOPFILES = ['plopfile.js', 'plopfile.mjs', 'plopfile.cjs'];
/** Action types a custom generator may use: plop's own file actions, and ours for Python lists. */
export const ACTION_TYPES = ['add', 'modify', 'append', 'append-to-list'];
/** Flags of `pipeline add` itself, which a prompt cannot take. */
const RESERVED = ['pipeline', 'dry-run', 'json', 'cwd', 'help', 'list'];

interface PlopPrompt {
  type?: string;
  name: string;
  message?: string | ((answers: Answers) => string);
  default?: unknown;
  choices?: unknown;
  validate?: (value: unknown, answers: Answers) => boolean | string | Promise<boolean | string>;
  filter?: (value: unknown, answers: Answers) => unknown;
  when?: boolean | ((answers: Answers) => boolean);
}

interface PlopAction {
  type?: string;
  path?: string;
  template?: string;
  templateFile?: string;
  skipIfExists?: boolean;
  pattern?: RegExp | string;
  unique?: boolean;
  separator?: string;
  list?: string;
  data?: Answers;
}

interface PlopGenerator {
  name: string;
  description?: string;
  prompts: PlopPrompt[] | ((inquirer: unknown) => unknown);
  actions: (PlopAction | string | ((data: Answers) => unknown))[] | ((data: Answers) => (PlopAction | string)[]);
}

export interface PlopApi {
  getGeneratorList(): { name: string; description?: string }[];
  getGenerator(name: string): PlopGenerator;
  renderString(template: string, data: Answers): string;
  setHelper(name: string, fn: (...args: never[]) => unknown): void;
  setPartial(name: string, template: string): void;
  getPlopfilePath(): string;
  setPlopfilePath(path: string): void;
  handlebars: { SafeString: new (s: string) => unknown };
}

/** The plopfile at the platform root, or undefined. */
export function findPlopfile(root: string): string | undefined {
  return PLOPFILES.map((name) => join(root, name)).find((path) => existsSync(path));
}

/** The platform's plopfile loaded, with the project's helpers and partials; undefined without one. */
export async function loadPlopfile(root: string): Promise<PlopApi | undefined> {
  const path = findPlopfile(root);
  if (!path) return undefined;
  const { default: nodePlop } = await import('node-plop');
  let plop: PlopApi;
  try {
    // node-plop's own loading, with the plopfile imported here (importAtRunTime): node-plop's
    // import() is bundled into the pipeline bin's script, which cannot import.
    const config = { destBasePath: root, force: false };
    plop = (await nodePlop(undefined, config)) as unknown as PlopApi;
    plop.setPlopfilePath(path);
    const loaded = await importAtRunTime<{ default?: unknown }>(pathToFileURL(path).href);
    const setUp = (typeof loaded === 'function' ? loaded : loaded.default) as (
      plop: PlopApi,
      config: object,
    ) => unknown;
    await setUp(plop, config);
  } catch (error) {
    throw new InputError(
      `${relative(root, path)} does not load (${thrownMessage(error)}); fix it, or move it away to use only the built-in kinds`,
    );
  }
  registerHelpers({
    registerHelper: (name: string, fn: (...args: never[]) => unknown) => plop.setHelper(name, fn),
    SafeString: plop.handlebars.SafeString,
  } as never);
  const partials = join(templatesDir(), 'partials');
  for (const file of walk(partials))
    plop.setPartial(
      relative(partials, file)
        .split(sep)
        .join('/')
        .replace(/\.hbs$/, ''),
      readFileSync(file, 'utf8'),
    );
  return plop;
}

const kebab = (name: string) =>
  name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/_/g, '-')
    .toLowerCase();
const messageOf = (p: PlopPrompt) => (typeof p.message === 'string' ? p.message : `${p.name}:`);

function choicesOf(p: PlopPrompt): Choice[] {
  if (!Array.isArray(p.choices)) return [];
  return p.choices.flatMap((c: unknown) => {
    if (typeof c === 'string') return [{ value: c }];
    if (c && typeof c === 'object' && 'value' in c)
      return [
        {
          value: String((c as { value: unknown }).value),
          name: String((c as { name?: unknown }).name ?? (c as { value: unknown }).value),
        },
      ];
    return [];
  });
}

/**
 * Runs a function of the plopfile's (a prompt's filter, validate, when or default): what it throws
 * is the plopfile's to fix, one line naming the generator and the function, not an internal error.
 */
function ofPlopfile<T>(generator: string, what: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new InputError(`generator ${generator}: ${what} threw (${thrownMessage(error)}); fix it in the plopfile`);
  }
}

/** The generator's prompts as questions: a flag each (kebab-case of its name), checked by its own validate. */
export function plopQuestions(generator: PlopGenerator): Question<unknown>[] {
  if (!Array.isArray(generator.prompts))
    throw new InputError(
      `generator ${generator.name}: its prompts are a function, which pipeline add cannot answer from flags; give them as a list`,
    );
  return generator.prompts.map((p) => {
    const flag = kebab(p.name);
    if (RESERVED.includes(flag))
      throw new InputError(
        `generator ${generator.name}: prompt ${p.name} takes the name of pipeline add's own --${flag}; rename the prompt`,
      );
    const type = p.type ?? 'input';
    const kind: Question<unknown>['kind'] =
      type === 'list' || type === 'rawlist' || type === 'expand'
        ? 'select'
        : type === 'checkbox'
          ? 'list'
          : type === 'confirm'
            ? 'confirm'
            : type === 'number'
              ? 'number'
              : 'text';
    const convert = (raw: string, answers: Answers): unknown => {
      let value: unknown = raw;
      if (kind === 'confirm') {
        if (!/^(y|yes|true|n|no|false)$/i.test(raw.trim()))
          throw new InputError(`--${flag} ${JSON.stringify(raw)}: answer yes or no`);
        value = /^(y|yes|true)$/i.test(raw.trim());
      } else if (kind === 'number') {
        value = Number(raw);
        if (raw.trim() === '' || Number.isNaN(value))
          throw new InputError(`--${flag} ${JSON.stringify(raw)} is not a number`);
      } else if (kind === 'list') {
        value = raw
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
      }
      const choices = choicesOf(p).map((c) => c.value);
      const chosen = Array.isArray(value) ? (value as string[]) : kind === 'select' ? [String(value)] : [];
      const unknown = chosen.find((c) => !choices.includes(c));
      if (choices.length && unknown !== undefined)
        throw new InputError(`--${flag} ${unknown} is not one of ${choices.join(', ')}`);
      if (p.filter) value = ofPlopfile(generator.name, `prompt ${p.name}'s filter`, () => p.filter!(value, answers));
      const verdict = ofPlopfile(generator.name, `prompt ${p.name}'s validate`, () => p.validate?.(value, answers));
      if (verdict instanceof Promise)
        throw new InputError(
          `generator ${generator.name}: prompt ${p.name} validates asynchronously, which pipeline add does not run; make its validate synchronous`,
        );
      if (verdict === false || typeof verdict === 'string')
        throw new InputError(
          `--${flag} ${JSON.stringify(raw)}: ${typeof verdict === 'string' ? verdict : 'refused by the generator'}`,
        );
      return value;
    };
    return {
      key: p.name,
      flag,
      kind,
      valueName: kind === 'list' ? 'a,b,...' : kind === 'confirm' ? 'yes|no' : p.name,
      help: messageOf(p).replace(/[:?]\s*$/, ''),
      message: messageOf(p),
      choices: () => choicesOf(p),
      show: (v) => (Array.isArray(v) ? v.join(',') : String(v)),
      when:
        typeof p.when === 'function'
          ? (_ctx, answers) =>
              ofPlopfile(generator.name, `prompt ${p.name}'s when`, () => (p.when as (a: Answers) => boolean)(answers))
          : p.when === false
            ? () => false
            : undefined,
      default: (_ctx, answers) => {
        const value =
          typeof p.default === 'function'
            ? ofPlopfile(generator.name, `prompt ${p.name}'s default`, () =>
                (p.default as (a: Answers) => unknown)(answers),
              )
            : p.default;
        if (value === undefined)
          throw new InputError(`--${flag} is required without a terminal (${messageOf(p).replace(/[:?]\s*$/, '')})`);
        return value;
      },
      parse: (raw, _ctx, answers) => convert(raw, answers),
    } satisfies Question<unknown>;
  });
}

/** Runs the generator's actions on the tree (rooted at the platform root); returns what each did. */
export async function runPlopActions(
  plop: PlopApi,
  generator: PlopGenerator,
  tree: FileTree,
  data: Answers,
): Promise<string[]> {
  const actions = typeof generator.actions === 'function' ? generator.actions(data) : generator.actions;
  const done: string[] = [];
  // node-plop's "plopfile path" is the plopfile's folder: template files are relative to it.
  const base = plop.getPlopfilePath();
  for (const [index, action] of (actions ?? []).entries()) {
    if (typeof action === 'string') {
      done.push(action);
      continue;
    }
    const what = `generator ${generator.name}, action ${index + 1}`;
    if (typeof action === 'function' || !ACTION_TYPES.includes(action.type ?? '')) {
      throw new InputError(
        `${what}: ${typeof action === 'function' ? 'a function' : `type ${JSON.stringify(action.type)}`} is not run by pipeline add, which writes every file in one transaction; use ${ACTION_TYPES.join(', ')}`,
      );
    }
    const local = { ...data, ...(action.data ?? {}) };
    // A value the path uses and the data lacks renders empty: `pipelines//src//schedules.py`.
    const raw = action.path ?? '';
    const rendered = plop.renderString(raw, local);
    if ((rendered.includes('//') && !raw.includes('//')) || (rendered.startsWith('/') && !raw.startsWith('/')))
      throw new InputError(
        `${what}: its path ${JSON.stringify(action.path)} came out ${JSON.stringify(rendered)}: a value it uses is empty${data.pipeline === undefined && /\{\{[^}]*pipeline/.test(action.path ?? '') ? '; pass --pipeline NAME (or run it inside pipelines/<name>/)' : ''}`,
      );
    const path = safePath(rendered, what);
    const templateFile = action.templateFile ? join(base, action.templateFile) : undefined;
    if (templateFile && !existsSync(templateFile))
      throw new InputError(
        `${what}: its templateFile ${action.templateFile} is not in ${base}; fix the path in the plopfile`,
      );
    const template = templateFile ? readFileSync(templateFile, 'utf8') : (action.template ?? '');
    const text = plop.renderString(template, local);
    const existing = tree.read(path);
    switch (action.type) {
      case 'add':
        if (existing !== undefined) {
          if (action.skipIfExists) {
            done.push(`skipped ${path} (exists)`);
            continue;
          }
          throw new InputError(
            `${what}: ${path} exists already; pick other answers, or give the action skipIfExists: true`,
          );
        }
        tree.write(path, text);
        done.push(`added ${path}`);
        break;
      case 'modify':
      case 'append': {
        if (existing === undefined)
          throw new InputError(
            `${what}: ${path} does not exist, so it cannot be ${action.type === 'modify' ? 'modified' : 'appended to'}`,
          );
        const pattern = action.pattern;
        // plop's semantics: a string pattern is literal text, a RegExp is matched as given.
        const match =
          pattern === undefined
            ? null
            : typeof pattern === 'string'
              ? existing.includes(pattern)
                ? { index: existing.indexOf(pattern), 0: pattern }
                : null
              : new RegExp(pattern.source, pattern.flags.replace('g', '')).exec(existing);
        if (pattern !== undefined && !match)
          throw new InputError(
            `${what}: its pattern ${String(pattern)} matches nothing in ${path}; nothing was changed`,
          );
        if (action.type === 'modify') {
          tree.write(path, pattern === undefined ? text : existing.replace(pattern, () => text));
        } else {
          if (action.unique !== false && existing.includes(text)) {
            done.push(`skipped ${path} (already holds the text)`);
            continue;
          }
          const separator = action.separator ?? '\n';
          const at = match ? match.index + match[0]!.length : existing.length;
          tree.write(
            path,
            match
              ? `${existing.slice(0, at)}${separator}${text}${existing.slice(at)}`
              : `${existing}${existing.endsWith(separator) || !existing ? '' : separator}${text}`,
          );
        }
        done.push(`modified ${path}`);
        break;
      }
      case 'append-to-list': {
        if (!action.list)
          throw new InputError(`${what}: append-to-list needs list: the name of a list assigned at the top of ${path}`);
        if (existing === undefined) throw new InputError(`${what}: ${path} does not exist`);
        await appendToList(tree, path, `${action.list} list`, (root) => assignedList(root, action.list!), text);
        done.push(`modified ${path} (one item appended to ${action.list})`);
        break;
      }
    }
  }
  return done;
}

/** A path relative to the platform root that stays inside it. */
function safePath(path: string, what: string): string {
  const clean = pathInside(path);
  if (clean === undefined)
    throw new InputError(
      `${what}: path ${JSON.stringify(path)} is not inside the platform repo; give a path relative to its root`,
    );
  return clean;
}
