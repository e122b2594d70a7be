// How the code this codemod writes is laid out: calls and decorators as ruff/black would lay
// them out at the file's line length (one line if it fits, else the arguments on one indented
// line, else one per line with a trailing comma), and the file's own line endings.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { SgNode } from '@ast-grep/napi';
import { findPlatformRoot } from '../../../conventions/platform-config.ts';
import type { FileTree } from '../../../tree/file-tree.ts';
import { allLinesEndCrlf } from '../../engines/python.ts';
import { reindented } from './python-text.ts';

export interface Style {
  /** The line length ruff/black use for this file (pyproject.toml, ruff.toml, setup.cfg; else 88). */
  width: number;
}

const CONFIGS = ['pyproject.toml', 'ruff.toml', '.ruff.toml', 'setup.cfg', 'tox.ini'];

const LINE_LENGTH = /^\s*(?:line[-_]length|max[-_]line[-_]length)\s*[=:]\s*(\d+)/m;

/**
 * The line length configured next to `path` or in a folder above it: inside the tree, then above
 * its root up to the platform repo's (a pipeline's tree is its folder; the platform's ruff.toml,
 * with line-length = 120, is at the platform's root).
 */
export function styleFor(tree: FileTree, path: string): Style {
  const parts = path.split('/').slice(0, -1);
  for (let i = parts.length; i >= 0; i--) {
    for (const name of CONFIGS) {
      const m = LINE_LENGTH.exec(tree.read([...parts.slice(0, i), name].join('/')) ?? '');
      if (m) return { width: Number(m[1]) };
    }
  }
  // Above the tree: up to the platform repo's root, when the tree is in one.
  const top = findPlatformRoot(tree.root);
  for (let dir = resolve(tree.root); top && dir !== top && dirname(dir) !== dir; ) {
    dir = dirname(dir);
    for (const name of CONFIGS) {
      const file = join(dir, name);
      const m = existsSync(file) ? LINE_LENGTH.exec(readFileSync(file, 'utf8')) : null;
      if (m) return { width: Number(m[1]) };
    }
  }
  return { width: 88 };
}

/** An argument: plain text, or text that can lay itself out again at a deeper indentation. */
export type Piece = string | { flat: string; at: (indent: number) => string };
export const flat = (p: Piece): string => (typeof p === 'string' ? p : p.flat);

/**
 * `head(args)` laid out as black would, starting at column `indent` (continuation lines are
 * indented from there; `column` is where `head` starts): on one line if it fits, else the arguments on one indented line, else one
 * per line with a trailing comma (each laid out again there). `tail` follows the parenthesis.
 */
export function layoutCall(
  head: string,
  args: Piece[],
  indent: number,
  style: Style,
  tail = '',
  column = indent,
): string {
  const pad = ' '.repeat(indent);
  const body = args.map(flat).join(', ');
  const oneLine = `${head}(${body})${tail}`;
  if (args.length === 0 || (!oneLine.includes('\n') && column + oneLine.length <= style.width)) return oneLine;
  if (!body.includes('\n') && indent + 4 + body.length <= style.width)
    return `${head}(\n${pad}    ${body}\n${pad})${tail}`;
  // One argument: no trailing comma (black adds one only when it splits at the commas).
  if (args.length === 1) return `${head}(\n${pad}    ${fit(args[0]!, indent + 4, style)}\n${pad})${tail}`;
  return `${head}(\n${args.map((a) => `${pad}    ${fit(a, indent + 4, style, ',')},`).join('\n')}\n${pad})${tail}`;
}

/** A piece on its own line at `indent`: flat if it fits (with `after`), else laid out again. */
function fit(p: Piece, indent: number, style: Style, after = ''): string {
  if (typeof p === 'string') return p;
  return indent + p.flat.length + after.length <= style.width ? p.flat : p.at(indent);
}

/** `prefix` + a call that can lay itself out again (an argument such as `out=Out(...)`). */
export const callPiece = (head: string, args: Piece[], style: Style): Piece => ({
  flat: `${head}(${args.map(flat).join(', ')})`,
  at: (i) => layoutCall(head, args, i, style),
});

/** `prefix` + a dict literal `{k: v, ...}` that can explode to one entry per line. */
export function dictPiece(prefix: string, entries: Piece[], style: Style): Piece {
  return {
    flat: `${prefix}{${entries.map(flat).join(', ')}}`,
    at: (i) =>
      `${prefix}{\n${entries.map((e) => `${' '.repeat(i + 4)}${fit(e, i + 4, style, ',')},`).join('\n')}\n${' '.repeat(i)}}`,
  };
}

/** `prefix` + a list literal that can explode to one item per line. */
export function listPiece(prefix: string, items: Piece[], style: Style): Piece {
  return {
    flat: `${prefix}[${items.map(flat).join(', ')}]`,
    at: (i) =>
      `${prefix}[\n${items.map((e) => `${' '.repeat(i + 4)}${fit(e, i + 4, style, ',')},`).join('\n')}\n${' '.repeat(i)}]`,
  };
}

/** Line endings: the codemod works on LF text and gives a CRLF file back as CRLF. */
export function toLf(source: string): { text: string; crlf: boolean; bom: boolean } {
  // A byte order mark is kept apart (the parser would take it for code) and written back.
  const bom = source.startsWith('\uFEFF');
  const body = bom ? source.slice(1) : source;
  const crlf = allLinesEndCrlf(body);
  return { text: crlf ? body.replace(/\r\n/g, '\n') : body, crlf, bom };
}
export const fromLf = (text: string, crlf: boolean, bom = false): string =>
  (bom ? '\uFEFF' : '') + (crlf ? text.replace(/\n/g, '\r\n') : text);

/** A piece written at `column` on a line indented `indent`: flat if it fits, else laid out again. */
export function fitAt(p: Piece, indent: number, style: Style, column = indent): string {
  if (typeof p === 'string') return p;
  return column + p.flat.length + 1 <= style.width ? p.flat : p.at(indent);
}

/** A prefix before a piece (`key: `, `name=`): continuation lines stay indented from the line. */
export function prefixed(prefix: string, p: Piece): Piece {
  if (typeof p === 'string') return `${prefix}${p}`;
  return { flat: `${prefix}${p.flat}`, at: (i) => `${prefix}${p.at(i)}` };
}

/**
 * A piece for an expression of the source: dicts, lists, tuples and calls can explode as black
 * would explode them; anything else (or anything with a comment or a line break inside) is kept
 * as written, its continuation lines moved to the new indentation.
 */
export function nodePiece(node: SgNode, source: string, style: Style): Piece {
  const kind = node.kind();
  const text = node.text();
  const plain = (): Piece => ({ flat: text, at: (i) => reindented(source, node, i) });
  if (text.includes('#') || (text.includes('\n') && /"""|'''/.test(text))) return plain();
  const named = node.children().filter((c) => c.isNamed() && c.kind() !== 'comment');
  if (kind === 'dictionary') {
    const entries = named.map((c) =>
      c.kind() === 'pair'
        ? prefixed(`${c.field('key')!.text()}: `, nodePiece(c.field('value')!, source, style))
        : nodePiece(c, source, style),
    );
    return entries.length ? dictPiece('', entries, style) : '{}';
  }
  if (kind === 'list')
    return named.length
      ? listPiece(
          '',
          named.map((c) => nodePiece(c, source, style)),
          style,
        )
      : '[]';
  if (kind === 'call' && node.field('arguments')?.kind() === 'argument_list') {
    const args = node
      .field('arguments')!
      .children()
      .filter((c) => c.isNamed() && c.kind() !== 'comment');
    const pieces = args.map((a) =>
      a.kind() === 'keyword_argument'
        ? prefixed(`${a.field('name')!.text()}=`, nodePiece(a.field('value')!, source, style))
        : nodePiece(a, source, style),
    );
    return callPiece(node.field('function')!.text(), pieces, style);
  }
  return text.includes('\n') ? plain() : text;
}
