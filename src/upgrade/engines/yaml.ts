// YAML edits with the yaml Document API. The Document finds what to change (keys, values, their
// source ranges); edits are then applied as text at those ranges, so every byte a codemod does
// not touch, comments and spacing included, stays as it was.
import { type Document, isMap, isScalar, type Node, parseDocument, type Pair } from 'yaml';
import type { FileTree } from '../tree.ts';

export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/** Applies the edits `edit` returns for one YAML file; returns how many there were. */
export function editYamlSource(tree: FileTree, path: string, edit: (doc: Document, source: string) => TextEdit[]): number {
  const source = tree.read(path);
  if (source === undefined) return 0;
  const doc = parseDocument(source, { keepSourceTokens: true });
  if (doc.errors.length) throw new Error(`${path} is not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
  const edits = edit(doc, source).sort((a, b) => b.start - a.start);
  if (edits.length === 0) return 0;
  let out = source;
  for (const e of edits) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  parseDocument(out); // still YAML
  tree.write(path, out);
  return edits.length;
}

/** The top-level pair with this key, if the document is a mapping. */
export function topLevelPair(doc: Document, key: string): Pair<Node, Node> | undefined {
  if (!isMap(doc.contents)) return undefined;
  return doc.contents.items.find((p) => isScalar(p.key) && p.key.value === key) as Pair<Node, Node> | undefined;
}

/** An edit that puts `line` on its own line after the top-level `key` (and its value and comment). */
export function insertLineAfter(doc: Document, source: string, key: string, line: string): TextEdit | undefined {
  const pair = topLevelPair(doc, key);
  const end = pair?.value?.range?.[1] ?? (pair?.key as Node | undefined)?.range?.[1];
  if (end === undefined) return undefined;
  // A block value's range already ends after its last newline.
  const newline = end > 0 && source[end - 1] === '\n' ? end - 1 : source.indexOf('\n', end);
  const at = newline === -1 ? source.length : newline + 1;
  return { start: at, end: at, text: `${newline === -1 ? '\n' : ''}${line}\n` };
}

/** An edit that replaces the value of the top-level scalar `key`. */
export function replaceScalar(doc: Document, key: string, text: string): TextEdit | undefined {
  const value = topLevelPair(doc, key)?.value;
  if (!value || !isScalar(value) || !value.range) return undefined;
  return { start: value.range[0], end: value.range[1], text };
}
