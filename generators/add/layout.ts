// What `pipeline add` inserts is laid out as `ruff format` would lay it out (line length 120, the
// platform's ruff.toml), so a pipeline stays clean under `ruff format --check` after an add: a
// one-line dict that would grow past the line length is split one entry a line (with the trailing
// comma that keeps ruff from joining it again), and a call or signature that does not fit is
// split the way ruff splits it.
import type { Edit, SgNode } from '@ast-grep/napi';
import { appendToDict } from '../../src/upgrade/engines/python-lists.ts';

/** The platform's ruff.toml line length. */
export const LINE_LENGTH = 120;

const lineOf = (source: string, index: number) => {
  const start = source.lastIndexOf('\n', index - 1) + 1;
  const end = source.indexOf('\n', index);
  return { start, text: source.slice(start, end < 0 ? source.length : end) };
};

/** `entry` appended to `dict`: in place when the result fits on its line, else the dict one entry a line. */
export function appendToDictFitting(dict: SgNode, entry: string): Edit[] {
  const source = dict.getRoot().root().text();
  const { start, end } = dict.range();
  const oneLine = start.line === end.line;
  const pairs = dict.children().filter((c) => c.isNamed() && c.kind() !== 'comment');
  const hasComments = dict.children().some((c) => c.kind() === 'comment');
  if (!oneLine || hasComments) return appendToDict(dict, entry);
  const line = lineOf(source, start.index);
  const grown = `${line.text.slice(0, start.index - line.start)}{${[...pairs.map((p) => p.text()), entry].join(', ')}}${line.text.slice(end.index - line.start)}`;
  if (grown.length <= LINE_LENGTH) return appendToDict(dict, entry);
  const indent = /^\s*/.exec(line.text)![0];
  const body = [...pairs.map((p) => p.text()), entry].map((item) => `${indent}    ${item},\n`).join('');
  return [{ startPos: start.index, endPos: end.index, insertedText: `{\n${body}${indent}}` }];
}

/**
 * `head(args)tail` at `indent`, as ruff formats it: on one line when it fits, else the arguments on
 * one line of their own, else one a line with a trailing comma.
 */
export function fitCall(head: string, args: string[], tail: string, indent = 0): string {
  const pad = ' '.repeat(indent);
  const flat = `${pad}${head}(${args.join(', ')})${tail}`;
  if (flat.length <= LINE_LENGTH) return flat;
  const hugged = `${pad}    ${args.join(', ')}`;
  if (hugged.length <= LINE_LENGTH || args.length === 1) return `${pad}${head}(\n${hugged}\n${pad})${tail}`;
  return `${pad}${head}(\n${args.map((a) => `${pad}    ${a},\n`).join('')}${pad})${tail}`;
}

/**
 * The edit that appends `text` (comment lines and statements, starting with its own blank line)
 * at the end of a module, after the blank lines ruff format wants there: two below a function or
 * class, one below any other statement.
 */
export function appendAtEnd(root: SgNode, text: string): Edit {
  const source = root.text();
  const last = String(
    root
      .children()
      .filter((n) => n.kind() !== 'comment')
      .at(-1)
      ?.kind() ?? '',
  );
  const gap = (source.endsWith('\n') ? '' : '\n') + (/definition$/.test(last) ? '\n' : '');
  return { startPos: source.length, endPos: source.length, insertedText: gap + text };
}
