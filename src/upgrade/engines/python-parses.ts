// Every file the codemod writes is parsed again before anything reaches disk: a syntax error
// (an ERROR or a missing node), or a positional argument after a keyword one, stops the pipeline.
import type { SgNode } from '@ast-grep/napi';
import { parsePython, renamedFrom } from './python.ts';

export interface ParseError {
  line: number;
  what: string;
}

function firstProblem(node: SgNode): ParseError | null {
  const kind = node.kind();
  const { start, end } = node.range();
  const children = node.children();
  // tree-sitter's recovery may wrap whole statements that parse in an ERROR (from the module's
  // first line): a problem inside it is where the parse failed.
  if (kind === 'ERROR')
    return (
      children.reduce<ParseError | null>((found, c) => found ?? firstProblem(c), null) ?? {
        line: start.line + 1,
        what: `cannot parse ${JSON.stringify(node.text().split('\n')[0]!.slice(0, 60))}`,
      }
    );
  if (children.length === 0 && start.index === end.index && kind !== 'string_content' && kind !== 'block')
    return { line: start.line + 1, what: `missing ${JSON.stringify(kind)}` };
  if (kind === 'argument_list') {
    let keyword = false;
    for (const c of children) {
      if (c.kind() === 'keyword_argument' || c.kind() === 'dictionary_splat') keyword = true;
      else if (keyword && c.isNamed() && c.kind() !== 'comment' && c.kind() !== 'list_splat')
        return {
          line: c.range().start.line + 1,
          what: `positional argument ${JSON.stringify(c.text().slice(0, 40))} follows a keyword argument`,
        };
    }
  }
  for (const c of children) {
    const found = firstProblem(c);
    if (found) return found;
  }
  return null;
}

const KEYWORD = { any: [{ kind: 'keyword_argument' }, { kind: 'dictionary_splat' }] };
/**
 * Everything `firstProblem` can report, as one ast-grep rule (one native traversal instead of
 * several calls per node): an ERROR node, an empty (zero-width) node, or an argument list with an
 * argument after a keyword one that is not a keyword, `**`, `*`, comment or punctuation. Every
 * problem firstProblem finds matches it, so when nothing does the walk would return null; when
 * something does, the walk decides (the rule may match where the walk finds nothing).
 */
const MAY_HAVE_PROBLEM = {
  rule: {
    any: [
      { kind: 'ERROR' },
      { regex: '^$' },
      {
        kind: 'argument_list',
        has: {
          not: { any: [...KEYWORD.any, { kind: 'comment' }, { kind: 'list_splat' }, { regex: '^[(),]$' }] },
          follows: { ...KEYWORD, stopBy: 'end' },
        },
      },
    ],
  },
};

/**
 * What only Python 2 has, and tree-sitter's Python grammar still parses (it keeps a few for old
 * code): each with what to call it. A module holding one is not Python 3, however it parses.
 */
const PYTHON2: [string, object][] = [
  ['a print statement', { kind: 'print_statement' }],
  ['an exec statement', { kind: 'exec_statement' }],
  ['a backquoted expression', { kind: 'string', regex: '^`' }],
  ['an octal or long integer literal', { kind: 'integer', regex: '^(0[0-9]*[1-9][0-9]*|[0-9]+[lL])$' }],
  ['`except E, name:`', { kind: 'except_clause', has: { regex: '^,$' } }],
  ['`raise E, value`', { kind: 'raise_statement', has: { kind: 'expression_list' } }],
  ['a tuple parameter', { kind: 'tuple_pattern', inside: { kind: 'parameters' } }],
];
const PYTHON2_WORDS = /\bprint\b|\bexec\b|`|\b0[0-9]|[0-9][lL]\b|\bexcept\b[^:\n]*,|\braise\b[^\n]*,|\bdef\b[^\n]*\(/;

/** The first Python 2 construct of a source that parses, or null (a text test first: most modules have none). */
export async function python2Construct(source: string): Promise<ParseError | null> {
  if (!PYTHON2_WORDS.test(source)) return null;
  const root = (await parsePython(source)).root();
  if (!root.find({ rule: { any: PYTHON2.map(([, rule]) => rule) } } as never)) return null;
  let first: ParseError | null = null;
  for (const [what, rule] of PYTHON2) {
    const node = root.find({ rule } as never);
    const line = node ? node.range().start.line + 1 : Number.POSITIVE_INFINITY;
    if (node && (!first || line < first.line)) first = { line, what: `Python 2 syntax: ${what}` };
  }
  return first;
}

const checked = new Map<string, ParseError | null>();

/** The first syntax problem of a Python source, or null when it parses. */
export const parseError = (source: string): Promise<ParseError | null> => problemOf(source, 0);

/** Renames followed back at most: a -> b, then b -> a by a later codemod, is a cycle. */
const HOPS = 4;

async function problemOf(source: string, hops: number): Promise<ParseError | null> {
  // The same text is checked twice: by the codemod once it has rewritten a module, then by the
  // runner with every file the codemod changed.
  if (checked.has(source)) return checked.get(source)!;
  // Made from a text that parses by renaming words only: it parses too (the same tree shape), and
  // that text's tree is still at hand, where this one would be parsed again.
  const original = hops < HOPS ? renamedFrom(source) : undefined;
  let problem: ParseError | null = null;
  if (original === undefined || (await problemOf(original, hops + 1)) !== null) {
    const root = (await parsePython(source)).root();
    problem = root.find(MAY_HAVE_PROBLEM as never) ? firstProblem(root) : null;
  }
  checked.set(source, problem);
  if (checked.size > 32) checked.delete(checked.keys().next().value!);
  return problem;
}

/**
 * Whether `after` was made from `before` (a file's bytes on disk) by renaming words only, through
 * editPython's record of each rename, followed back: its tree has the shape the file had.
 */
function onlyRenamed(before: string | undefined, after: string): boolean {
  if (before === undefined) return false;
  let text: string | undefined = after;
  for (let hop = 0; hop < HOPS && text !== undefined; hop++) {
    text = renamedFrom(text);
    if (text === before) return true;
  }
  return false;
}

/**
 * A codemod never breaks a Python file: every one it changed must parse, or this throws
 * `path:line: ...` on the first that does not, so the runner leaves that pipeline as it was (used
 * for every codemod, platform ones included). A file it only renamed words in is not parsed
 * again: it parses exactly as it did (one that did not parse before still does not, and the
 * codemod is not why).
 */
export async function verifyPython(tree: ChangedFiles): Promise<void> {
  const problem = await unparsablePython(tree);
  if (problem) throw new Error(`${problem}; nothing of this pipeline was written`);
}

interface ChangedFiles {
  changes(): { path: string; before: string | undefined; after: string }[];
}

/** verifyPython's finding (`path:line: the code it wrote does not parse (...)`), or undefined. */
export async function unparsablePython(tree: ChangedFiles): Promise<string | undefined> {
  for (const { path, before, after } of tree.changes()) {
    if (!path.endsWith('.py') || onlyRenamed(before, after)) continue;
    const problem = await parseError(after);
    if (problem) return `${path}:${problem.line}: the code it wrote does not parse (${problem.what})`;
  }
  return undefined;
}
