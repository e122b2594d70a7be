// The YAML run-config files that from_files / from_pkg_resources presets read: their `solids:`
// key is `ops:` since Dagster 1.0 (at the top, and inside a composite's config). Edited with the
// yaml Document API, so comments and layout stay as they are.
//
// Before:                     After:
//   solids:                     ops:
//     extract:                    extract:
//       config: {path: x}           config: {path: x}
import { type Document, isMap, isPair, isScalar, type Node } from 'yaml';
import type { FileTree } from '../../../tree/file-tree.ts';
import { editYamlSource } from '../../engines/yaml.ts';
import { refusal } from './run-config.ts';
import { MARK } from './todo.ts';

/** Renames the `solids` keys of a run config (top level, and each composite's nested config). */
function solidsKeys(doc: Document): { start: number; end: number; text: string }[] {
  const edits: { start: number; end: number; text: string }[] = [];
  const visit = (node: Node | null | undefined, depth: number) => {
    if (!isMap(node)) return;
    for (const pair of node.items) {
      if (!isPair(pair) || !isScalar(pair.key)) continue;
      const key = pair.key;
      if (key.value === 'solids' && key.range) {
        edits.push({ start: key.range[0], end: key.range[1], text: 'ops' });
        // ops -> <op> -> solids (a composite's inner ops)
        if (isMap(pair.value)) for (const op of pair.value.items) if (isPair(op)) visit(op.value as Node, depth + 1);
      }
    }
  };
  visit(doc.contents as Node, 0);
  return edits;
}

/** The one key of a map, with its value, else undefined. */
function onlyKey(node: unknown): { key: string; value: unknown } | undefined {
  if (!isMap(node) || node.items.length !== 1) return undefined;
  const pair = node.items[0]!;
  return isPair(pair) && isScalar(pair.key) ? { key: String(pair.key.value), value: pair.value } : undefined;
}
const empty = (node: unknown) =>
  node === null || (isScalar(node) && node.value === null) || (isMap(node) && node.items.length === 0);

/**
 * Where the block of the key on the line at `lineStart` ends: past its last line indented more than
 * the key (blank lines inside it too), so that a comment below it, about the next key, stays.
 */
function blockEnd(source: string, lineStart: number): number {
  const indent = (line: string) => /^[ \t]*/.exec(line)![0].length;
  const keyIndent = indent(source.slice(lineStart));
  let at = source.indexOf('\n', lineStart);
  let end = at < 0 ? source.length : at + 1;
  while (at >= 0) {
    const next = source.indexOf('\n', at + 1);
    const line = source.slice(at + 1, next < 0 ? source.length : next);
    if (line.trim() && indent(line) <= keyIndent) break;
    if (line.trim()) end = next < 0 ? source.length : next + 1;
    at = next;
  }
  return end;
}

/**
 * The top-level keys Dagster 1.x refuses as 0.x wrote them, judged as run-config.ts judges a
 * Python dict (`refusal`): a filesystem storage without config goes; any other storage, and an
 * executor keyed by its name, get a TODO comment above.
 */
function refusedKeys(doc: Document, source: string): { start: number; end: number; text: string }[] {
  const edits: { start: number; end: number; text: string }[] = [];
  const top = doc.contents;
  if (!isMap(top)) return edits;
  for (const pair of top.items) {
    if (!isPair(pair) || !isScalar(pair.key) || !pair.key.range) continue;
    const key = String(pair.key.value);
    const chosen = onlyKey(pair.value);
    const config = chosen && onlyKey(chosen.value);
    // A file does not say which job's executor reads it: an executor's key is never reshaped here.
    const verdict = refusal(
      {
        key,
        mapping: isMap(pair.value) || empty(pair.value),
        choice: chosen && {
          name: chosen.key,
          settings: isMap(chosen.value) || empty(chosen.value),
          config: empty(chosen.value)
            ? 'empty'
            : config?.key === 'config'
              ? empty(config.value)
                ? 'empty'
                : 'given'
              : 'other',
        },
      },
      false,
    );
    if (!verdict) continue;
    const lineStart = source.lastIndexOf('\n', pair.key.range[0] - 1) + 1;
    if (verdict === 'drop' && !top.flow) {
      // At the top of the file, the blank lines below it go too.
      const end = blockEnd(source, lineStart);
      const blanks = lineStart === 0 ? /^(?:[ \t]*\n)*/.exec(source.slice(end))![0].length : 0;
      edits.push({ start: lineStart, end: end + blanks, text: '' });
      continue;
    }
    if (source.slice(0, lineStart).trimEnd().split('\n').at(-1)?.includes(MARK)) continue;
    const indent = /^[ \t]*/.exec(source.slice(lineStart))![0];
    const what =
      verdict === 'execution'
        ? `Dagster 1.x takes an executor's config under config: (the default executor: config: {${chosen!.key}: ...}); reshape it for the job's executor`
        : `outputs are stored by an IO manager since 1.0, and Dagster refuses this key: bind one as the job's io_manager resource, then remove it`;
    edits.push({
      start: lineStart,
      end: lineStart,
      text: `${indent}${MARK} ${key}: ${chosen?.key ?? '...'}: ${what}\n`,
    });
  }
  return edits;
}

export function migrateRunConfigFiles(tree: FileTree, files: string[]): number {
  let changes = 0;
  for (const path of files) {
    changes += editYamlSource(tree, path, (doc) => solidsKeys(doc));
    changes += editYamlSource(tree, path, (doc, source) => refusedKeys(doc, source));
  }
  return changes;
}
