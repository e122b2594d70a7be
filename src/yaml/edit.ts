// Format-preserving YAML edits, the one way this project changes YAML it did not just render:
// the yaml Document API finds what to change (keys, values and their source ranges), and the
// change is made as text at those ranges, so every byte it does not touch (comments, spacing,
// quoting, order) stays exactly as the user left it.
import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type Node,
  type Pair,
  parseDocument,
  stringify,
  type YAMLMap,
} from 'yaml';
import { InputError } from '../errors.ts';
import { yamlErrorLine } from './read.ts';

export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

const parsed = new Map<string, Document>();
/**
 * `source` parsed (with its source tokens), once per text in a run, for code of this package that
 * only reads it: creating a pipeline reads the platform's compose file for its service names, then
 * edits it, and each parse costs milliseconds a cold start does not have. The document is shared:
 * never change it, and never hand it to a platform's own code (it may).
 */
export function readDocument(source: string): Document {
  let doc = parsed.get(source);
  if (!doc) {
    if (parsed.size >= 8) parsed.clear();
    doc = parseDocument(source, { keepSourceTokens: true });
    parsed.set(source, doc);
  }
  return doc;
}

/** `source` parsed (with its tokens, for edits in place); an InputError naming `file` when it is not YAML. */
export function parseForEdit(source: string, file: string, doc = readDocument(source)): Document {
  const problem = yamlProblem(doc);
  if (problem) throw new InputError(`${file} is not valid YAML (${problem}); fix it, then run again`);
  return doc;
}

/**
 * Why a parsed document is not YAML a reader takes, or undefined: a syntax error, or an alias
 * before (or without) its anchor, which the yaml package parses and PyYAML and Compose refuse.
 */
function yamlProblem(doc: Document): string | undefined {
  if (doc.errors.length) return yamlErrorLine(doc.errors[0]!.message);
  try {
    doc.toJS({ maxAliasCount: -1 });
  } catch (error) {
    return yamlErrorLine((error as Error).message);
  }
  return undefined;
}

/** Parses `source`, asks `edit` for text edits, applies them; the result must still be YAML (parsed again). */
export function editYamlText(
  source: string,
  file: string,
  edit: (doc: Document, source: string) => TextEdit[],
): string {
  const doc = parseForEdit(source, file, parseDocument(source, { keepSourceTokens: true }));
  const out = applyTextEdits(source, edit(doc, source));
  checkEdited(out, file);
  return out;
}

/** `source` with `edits` made (none overlapping). */
export function applyTextEdits(source: string, edits: TextEdit[]): string {
  let out = source;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/** Throws (a bug of ours, not the user's) when an edit of `file` made `out` something YAML does not parse. */
export function checkEdited(out: string, file: string): void {
  const problem = yamlProblem(parseDocument(out));
  if (problem) throw new Error(`editing ${file} produced invalid YAML: ${problem}`);
}

/** The top-level pair with this key, if the document is a mapping. */
export function topLevelPair(doc: Document, key: string): Pair<Node, Node> | undefined {
  if (!isMap(doc.contents)) return undefined;
  return doc.contents.items.find((p) => isScalar(p.key) && p.key.value === key) as Pair<Node, Node> | undefined;
}

const columnOf = (source: string, index: number) => index - source.lastIndexOf('\n', index - 1) - 1;

/** Where a new line goes after a node that ends at `end` (a block node's range already ends after its newline). */
function lineAfter(source: string, end: number): { at: number; prefix: string } {
  if (end > 0 && source[end - 1] === '\n') return { at: end, prefix: '' };
  const newline = source.indexOf('\n', end);
  return newline === -1 ? { at: source.length, prefix: '\n' } : { at: newline + 1, prefix: '' };
}

const indent = (text: string, by: number) =>
  `${text
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => ' '.repeat(by) + line)
    .join('\n')}\n`;

/**
 * The keys of a mapping as YAML 1.1's merge (`<<: *anchor`, which Compose applies) makes them: a
 * merged mapping's keys count as the mapping's own.
 */
export function mappingKeys(doc: Document, map: YAMLMap, seen = new Set<YAMLMap>()): string[] {
  seen.add(map);
  return map.items.flatMap((pair) => {
    const key = isScalar(pair.key) ? pair.key.value : pair.key;
    if (key !== '<<') return [String(key)];
    const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
    return sources.flatMap((source) => {
      const target = isAlias(source) ? source.resolve(doc) : source;
      return isMap(target) && !seen.has(target) ? mappingKeys(doc, target, seen) : [];
    });
  });
}

/** An edit that puts `line` on its own line after the top-level `key` (and its value and comment). */
export function insertLineAfter(doc: Document, source: string, key: string, line: string): TextEdit | undefined {
  const pair = topLevelPair(doc, key);
  const end = pair?.value?.range?.[1] ?? (pair?.key as Node | undefined)?.range?.[1];
  if (end === undefined) return undefined;
  const { at, prefix } = lineAfter(source, end);
  return { start: at, end: at, text: `${prefix}${line}\n` };
}

/** An edit that replaces the value of the top-level scalar `key`. */
export function replaceScalar(doc: Document, key: string, text: string): TextEdit | undefined {
  const value = topLevelPair(doc, key)?.value;
  if (!value || !isScalar(value) || !value.range) return undefined;
  return { start: value.range[0], end: value.range[1], text };
}

/**
 * An edit that appends `item` to the sequence at `path`, in the sequence's own style: one more
 * `- ` entry for a block list, one more element for a flow list (`[a, b]`). An empty `[]` whose new
 * item is a mapping becomes a block list under its key.
 */
export function appendToSequence(doc: Document, source: string, file: string, path: string[], item: unknown): TextEdit {
  const node = doc.getIn(path, true) as Node | undefined;
  const where = `${file}: ${path.join('.')}`;
  if (!isSeq(node) || !node.range) throw new InputError(`${where} must be a list; fix it, then run again`);
  if (node.flow) {
    const close = source.lastIndexOf(']', node.range[1] - 1);
    const empty = node.items.length === 0;
    if (!empty || typeof item !== 'object' || item === null) {
      const text = stringify(item, { flow: true, lineWidth: 0 } as never).trim();
      // Right after the last element, so the list's own spacing stays as it is.
      const at = empty ? close : ((node.items.at(-1) as Node).range?.[1] ?? close);
      return { start: at, end: at, text: empty ? text : `, ${text}` };
    }
    // `key: []` becomes `key:` followed by the first block entry, two spaces deeper than the key.
    const keyColumn = columnOf(source, keyStart(doc, path, source, node.range[0]));
    let start = node.range[0];
    while (start > 0 && source[start - 1] === ' ') start--;
    return {
      start,
      end: close + 1,
      text: `\n${indent(stringify([item], { lineWidth: 0 }), keyColumn + 2).replace(/\n$/, '')}`,
    };
  }
  const first = node.items[0] as Node;
  const dash = source.lastIndexOf('-', first.range![0]);
  const { at, prefix } = lineAfter(source, node.range[1]);
  return { start: at, end: at, text: prefix + indent(stringify([item], { lineWidth: 0 }), columnOf(source, dash)) };
}

/** Where the key of the value at `path` starts (for the indentation of what goes under it). */
function keyStart(doc: Document, path: string[], source: string, valueStart: number): number {
  const parent = doc.getIn(path.slice(0, -1), true) as Node | undefined;
  const pair = isMap(parent) ? parent.items.find((p) => isScalar(p.key) && p.key.value === path.at(-1)) : undefined;
  return (pair?.key as Node | undefined)?.range?.[0] ?? source.lastIndexOf('\n', valueStart) + 1;
}

/** Where an entry appended to a block mapping goes: the place, what precedes the entry there, its column. */
export interface MappingEnd {
  start: number;
  prefix: string;
  column: number;
}

/** Where an entry appended to the block mapping at `path` goes (an InputError when there is none). */
export function mappingEnd(doc: Document, source: string, file: string, path: string[]): MappingEnd {
  const node = doc.getIn(path, true) as Node | undefined;
  if (!isMap(node) || node.flow || !node.range || node.items.length === 0)
    throw new InputError(
      `${file}: ${path.join('.')} must be a block mapping with at least one entry; fix it, then run again`,
    );
  // The indentation of the first entry's line: its key may follow an anchor, a tag or `? `.
  const keyAt = (node.items[0]!.key as Node).range![0];
  const column = /^ */.exec(source.slice(source.lastIndexOf('\n', keyAt - 1) + 1, keyAt))![0].length;
  const { at, prefix } = lineAfter(source, node.range[1]);
  // A blank line that ends the mapping belongs before the next top-level key: insert above it.
  let start = at;
  while (start >= 2 && source[start - 1] === '\n' && source[start - 2] === '\n') start--;
  return { start, prefix, column };
}

/** The edit that puts the block `entry` (a `key:` line and what is under it) at a mapping's end. */
export const appendAt = (end: MappingEnd, entry: string): TextEdit => ({
  start: end.start,
  end: end.start,
  text: `${end.prefix}${indent(entry, end.column)}`,
});

/** An edit that appends the block `entry` (a `key:` line and what is under it) to the mapping at `path`. */
export const appendToMapping = (doc: Document, source: string, file: string, path: string[], entry: string): TextEdit =>
  appendAt(mappingEnd(doc, source, file, path), entry);
