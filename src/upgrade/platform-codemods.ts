// A platform's own codemods: `codemods/index.ts` in the platform repo exports `codemods`, a list
// of Codemod objects (registered there by `pipeline codemod new`). They are TypeScript, so they
// are transpiled (ts-morph's TypeScript, loaded only here) into the user's cache folder and imported from
// there. They get the editing engines through their context and import nothing else at run time.
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError, thrownMessage } from '../errors.ts';
import { importAtRunTime } from '../import-at-run-time.ts';
import { DAY, sweep, touch, userCacheFolder } from '../user-cache.ts';
import type { Codemod } from './codemod.ts';

export const CODEMODS_DIR = 'codemods';
export const FIXTURES_DIR = '__fixtures__';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = join(dir, e.name);
    if (e.isDirectory()) return e.name === FIXTURES_DIR || e.name === 'node_modules' ? [] : sources(full);
    return /\.(ts|mts)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** With no cache folder of the user's, this run's own private folder of transpilations. */
let runFolder: string | undefined;

/**
 * The folder of the codemods' transpiled JavaScript: named after their relative paths and bytes,
 * not where the platform repo is, so that every clone and worktree of it on this machine shares
 * one transpilation. In the user's cache folder: in a /tmp shared by every user, another user could
 * make the folder first, with code of theirs that this CLI then imported.
 */
function transpiledDir(dir: string, files: string[]): string {
  const hash = createHash('sha256');
  for (const f of files) hash.update(relative(dir, f)).update('\0').update(readFileSync(f)).update('\0');
  const base =
    userCacheFolder('create-pipeline-codemods') ??
    (runFolder ??= mkdtempSync(join(tmpdir(), 'create-pipeline-codemods-')));
  return join(base, hash.digest('hex').slice(0, 16));
}

/** The JavaScript a codemod source transpiles to, relative to the transpilation's folder. */
const transpiled = (dir: string, file: string): string => relative(dir, file).replace(/\.m?ts$/, '.js');

/** A transpilation with every file there: one that lost a file (a cleaner of old files) is made again. */
const complete = (out: string, dir: string, files: string[]): boolean =>
  existsSync(join(out, 'package.json')) && files.every((file) => existsSync(join(out, transpiled(dir, file))));

/** An error of the transpiled JavaScript, naming the TypeScript the platform wrote instead. */
const asWritten = (message: string, out: string): string =>
  message
    .replaceAll(pathToFileURL(out).href, CODEMODS_DIR)
    .replaceAll(out, CODEMODS_DIR)
    .replace(/(['"]?)((?:\.{1,2}\/|codemods\/)[\w./-]*?)\.js\1/g, '$1$2.ts$1');

export async function loadPlatformCodemods(root: string): Promise<Codemod[]> {
  const dir = join(root, CODEMODS_DIR);
  const index = join(dir, 'index.ts');
  if (!existsSync(index)) return [];
  const files = sources(dir);
  const out = transpiledDir(dir, files);
  if (!complete(out, dir, files)) {
    // TypeScript (14 MiB) only to transpile: a cached transpilation (the usual case, and every
    // worker thread after the first) loads none of it.
    const { ts } = await import('ts-morph');
    // Written beside it, then renamed into place: a run that shares the folder (another clone's,
    // at the same moment) sees all of it or none, never a half-written one.
    const staging = `${out}.${process.pid}.tmp`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(dirname(out), { recursive: true });
    for (const file of files) {
      const result = ts.transpileModule(readFileSync(file, 'utf8'), {
        fileName: file,
        reportDiagnostics: true,
        compilerOptions: {
          module: ts.ModuleKind.ESNext,
          target: ts.ScriptTarget.ES2022,
          rewriteRelativeImportExtensions: true,
          sourceMap: false,
        },
      });
      const error = result.diagnostics?.find((d) => d.category === ts.DiagnosticCategory.Error);
      if (error) {
        rmSync(staging, { recursive: true, force: true });
        const at =
          error.file && error.start !== undefined ? error.file.getLineAndCharacterOfPosition(error.start) : undefined;
        throw new InputError(
          `${relative(root, file)}${at ? `:${at.line + 1}:${at.character + 1}` : ''}: ${ts.flattenDiagnosticMessageText(error.messageText, ' ')}; fix the codemod`,
        );
      }
      const target = join(staging, transpiled(dir, file));
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, result.outputText);
    }
    writeFileSync(join(staging, 'package.json'), '{ "type": "module" }\n');
    try {
      renameSync(staging, out);
    } catch (error) {
      // A folder is there (a rename does not replace one that holds files): another run's, renamed
      // into place first, is used (it may be importing from it); an incomplete one is moved aside
      // and replaced.
      if (complete(out, dir, files)) rmSync(staging, { recursive: true, force: true });
      else {
        const aside = `${out}.${process.pid}.old`;
        try {
          renameSync(out, aside);
          renameSync(staging, out);
        } catch {
          rmSync(staging, { recursive: true, force: true });
          if (!complete(out, dir, files)) throw error;
        }
        rmSync(aside, { recursive: true, force: true });
      }
    }
  }
  // One in use is touched, at most daily; transpilations unused for 30 days go (each edit of the
  // codemods makes one).
  touch(out, DAY);
  sweep(dirname(out), 30 * DAY, (path) => path === out);
  let loaded: { codemods?: unknown; default?: unknown };
  try {
    loaded = await importAtRunTime(pathToFileURL(join(out, 'index.js')).href);
  } catch (error) {
    throw new InputError(
      `codemods/index.ts failed to load (${asWritten(thrownMessage(error), out)}); fix it, or run pipeline codemod test`,
    );
  }
  const list = loaded.codemods ?? loaded.default;
  if (!Array.isArray(list))
    throw new InputError(
      'codemods/index.ts must export `codemods`, a list of codemods (pipeline codemod new registers them there)',
    );
  return list.map((c: Partial<Codemod>, i) => {
    const where = `codemods/index.ts: codemods[${i}]${c?.id ? ` (${c.id})` : ''}`;
    if (!c || typeof c.id !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(c.id))
      throw new InputError(`${where}: id must be lowercase letters, digits and dashes`);
    if (!Number.isInteger(c.version) || (c.version as number) < 1)
      throw new InputError(`${where}: version must be a whole number from 1`);
    if (typeof c.description !== 'string' || c.description === '')
      throw new InputError(`${where}: description is required`);
    if (typeof c.run !== 'function')
      throw new InputError(`${where}: run must be a function (tree, ctx) => number of changes`);
    return { ...(c as Codemod), source: 'platform' as const };
  });
}
