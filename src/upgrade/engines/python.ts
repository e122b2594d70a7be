// Python edits with ast-grep (@ast-grep/napi + @ast-grep/lang-python, its dynamic-language API):
// format-preserving, never regex. Loaded on first use, so other commands never pay for it.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Edit, SgNode, SgRoot } from '@ast-grep/napi';
import type { FileTree } from '../../tree/file-tree.ts';
import { renamesOneWord } from './python-words.ts';

type Napi = typeof import('@ast-grep/napi');
let napi: Napi | undefined;

export async function loadPython(): Promise<Napi> {
  if (napi) return napi;
  const loaded = await import('@ast-grep/napi');
  const { default: python } = (await import('@ast-grep/lang-python')) as unknown as {
    default: Parameters<Napi['registerDynamicLanguage']>[0][string];
  };
  loaded.registerDynamicLanguage({ python });
  napi = loaded;
  return napi;
}

/**
 * The trees of the last sources parsed, by their exact text. A codemod parses one module many
 * times (checked, learned from, then one pass per family of edits, then checked again), and a
 * pass that changed nothing leaves the text the next one parses as it was. Trees are never
 * changed in place (an edit makes new text), so one tree serves every caller of the same text.
 */
const recent = new Map<string, SgRoot>();
const RECENT = 32;

/** How often parsePython was asked, how often it parsed, and the milliseconds parsing took (PIPELINE_UPGRADE_TIMINGS). */
export const parseStats = { calls: 0, parses: 0, ms: 0 };

/**
 * Every RELEASE_EVERY parses, the trees no one holds any more are freed. Each parse's tree is native
 * memory (about 30 KB for a 2 KB module) that V8 does not count, so its small JavaScript heap never
 * calls for the collection that would free them, and Node runs the finalizers of what it collects
 * only between two turns of the event loop, which a busy upgrade worker never takes (it awaits
 * settled promises only). Without this, every tree stayed until the worker ended: 0.8 MB a
 * pipeline, 900 MB of peak RSS for 1,000 pipelines.
 */
const RELEASE_EVERY = 1000;
let collectGarbage: (() => void) | undefined;

async function releaseTrees(): Promise<void> {
  if (!collectGarbage) {
    setFlagsFromString('--expose-gc');
    collectGarbage = runInNewContext('gc') as () => void;
  }
  collectGarbage();
  await new Promise((next) => setImmediate(next));
}

export async function parsePython(source: string): Promise<SgRoot> {
  parseStats.calls++;
  const known = recent.get(source);
  if (known) {
    recent.delete(source);
    recent.set(source, known);
    return known;
  }
  if (parseStats.parses % RELEASE_EVERY === RELEASE_EVERY - 1) await releaseTrees();
  const lib = napi ?? (await loadPython());
  const started = performance.now();
  const parsed = lib.parse('python', source);
  parseStats.ms += performance.now() - started;
  parseStats.parses++;
  recent.set(source, parsed);
  if (recent.size > RECENT) recent.delete(recent.keys().next().value!);
  return parsed;
}

/**
 * Texts editPython made by renaming words only (renamesOneWord), each with the text it was made
 * from: the same tree shape, so the check of written files asks about that text instead, whose
 * tree is still in `recent`, and a rename costs one parse, not two.
 */
const renamed = new Map<string, string>();
const RENAMED = 128;

/** The text `source` was made from by renaming words only, when editPython made it so. */
export function renamedFrom(source: string): string | undefined {
  return renamed.get(source);
}

/** Every line of `source` ends in \r\n (a file written on Windows), and there is one. */
export const allLinesEndCrlf = (source: string): boolean => source.includes('\r\n') && !/(^|[^\r])\n/.test(source);

/**
 * Applies `edit` to one Python file of the tree: it gets the parsed root and returns the edits to
 * make. Returns how many edits were made; the file is untouched when there are none.
 */
export async function editPython(tree: FileTree, path: string, edit: (root: SgNode) => Edit[]): Promise<number> {
  const read = tree.read(path);
  if (read === undefined) return 0;
  // A byte order mark (an editor's on Windows) is not Python: parsed with it, every edit landed one
  // character early. The edits are made without it, and it is put back.
  const bom = read.startsWith('\uFEFF') ? '\uFEFF' : '';
  const source = read.slice(bom.length);
  const root = (await parsePython(source)).root();
  const made = edit(root);
  if (made.length === 0) return 0;
  // A file whose every line ends in \r\n (written on Windows) keeps them: so do the lines edits add.
  const edits = allLinesEndCrlf(source)
    ? made.map((e) => ({ ...e, insertedText: e.insertedText.replace(/\r?\n/g, '\r\n') }))
    : made;
  const after = root.commitEdits(edits);
  if (after !== source && edits.every((e) => renamesOneWord(source, e))) {
    renamed.set(after, source);
    if (renamed.size > RENAMED) renamed.delete(renamed.keys().next().value!);
  }
  tree.write(path, bom + after);
  return edits.length;
}

/** The names `from ... import X as Y` gives X in a module (`P` of `from .deployments import Preset as P`). */
export const importedAs = (root: SgNode, name: string): string[] =>
  root
    .findAll({ rule: { kind: 'aliased_import', inside: { kind: 'import_from_statement' } } })
    .filter((imported) => imported.field('name')?.text() === name)
    .map((imported) => imported.field('alias')?.text() ?? '')
    .filter(Boolean);

/** The value of a call's keyword argument `key` (`name` in `Preset(name="x")`), or undefined. */
export const keywordValue = (call: SgNode, key: string): SgNode | undefined =>
  call
    .field('arguments')
    ?.children()
    .find((a) => a.kind() === 'keyword_argument' && a.field('name')?.text() === key)
    ?.field('value') ?? undefined;

/**
 * A call's arguments as Python binds them: each keyword by its name, and each positional one to the
 * name at its place in `fields` (a dataclass's fields, in order). `more`: it also takes arguments
 * this cannot name (a positional one past `fields`, or any after `*args` / `**kwargs`). Each
 * argument's node is the whole argument (`name="x"`), its value the expression.
 */
export function boundArguments(
  call: SgNode,
  fields: readonly string[] = [],
): { args: Map<string, { node: SgNode; value: SgNode }>; more: boolean } {
  const args = new Map<string, { node: SgNode; value: SgNode }>();
  let more = false;
  let position = 0;
  for (const arg of call.field('arguments')?.children() ?? []) {
    if (!arg.isNamed() || arg.kind() === 'comment') continue;
    if (arg.kind() === 'keyword_argument') {
      const name = arg.field('name')?.text();
      const value = arg.field('value');
      if (name && value) args.set(name, { node: arg, value });
      continue;
    }
    // After `*args` the places of the arguments that follow are unknown.
    const field = more || /splat/.test(String(arg.kind())) ? undefined : fields[position++];
    if (field) args.set(field, { node: arg, value: arg });
    else more = true;
  }
  return { args, more };
}

/** A call's argument `key`, by keyword or by its place in `fields` (boundArguments). */
export const argumentValue = (call: SgNode, key: string, fields: readonly string[] = []): SgNode | undefined =>
  boundArguments(call, fields).args.get(key)?.value;

/** Replaces each node of `kind` whose text is exactly `old` by `fresh`: a codemod's edit of what an earlier version generated. */
export const replaceExact = (root: SgNode, kind: string, old: string, fresh: string): Edit[] =>
  root
    .findAll({ rule: { kind } })
    .filter((n) => n.text() === old)
    .map((n) => n.replace(fresh));

/** Each `kind` node whose text is exactly `old`, removed with the line break after it (one edit each). */
export const removeExactLine = (root: SgNode, kind: string, old: string): Edit[] =>
  root
    .findAll({ rule: { kind } })
    .filter((n) => n.text() === old && root.text()[n.range().end.index] === '\n')
    .map((n) => ({ startPos: n.range().start.index, endPos: n.range().end.index + 1, insertedText: '' }));
