// Structure-aware edits of a pyproject.toml without a TOML engine (the v3 codemods): the file is
// read line by line, table headers and the items of a multi-line or one-line array of strings are
// located, and only the lines an edit names change; every other byte stays as it was.

export interface TomlSection {
  /** The table's name (`tool.dagster`), '' for the keys before the first header. */
  name: string;
  /** Index of the header line (-1 for the root section). */
  header: number;
  /** First line after the section (the next header, or the line count). */
  end: number;
}

export interface TomlArrayItem {
  line: number;
  value: string;
}

export interface TomlArray {
  /** The line with `key = [`. */
  open: number;
  /** The line with the closing `]` (equals open for a one-line array). */
  close: number;
  items: TomlArrayItem[];
}

const HEADER = /^\s*\[\[?\s*([A-Za-z0-9_.\-"' ]+?)\s*\]\]?\s*(#.*)?$/;
const STRING_ITEM = /^\s*("(?:[^"\\]|\\.)*"|'[^']*')\s*,?\s*(#.*)?$/;

export const splitLines = (source: string): string[] => source.split('\n');
export const joinLines = (lines: string[]): string => lines.join('\n');

const unquote = (literal: string): string =>
  literal.startsWith('"') ? (JSON.parse(literal) as string) : literal.slice(1, -1);
const tableName = (raw: string): string =>
  raw
    .split('.')
    .map((part) => part.trim().replace(/^["']|["']$/g, ''))
    .join('.');

/** Every table of the file, in order; lines inside multi-line strings are never taken for headers. */
export function sections(lines: string[]): TomlSection[] {
  const out: TomlSection[] = [{ name: '', header: -1, end: lines.length }];
  let inString: string | null = null;
  for (const [i, line] of lines.entries()) {
    if (inString === null) {
      const match = HEADER.exec(line);
      if (match) {
        out.at(-1)!.end = i;
        out.push({ name: tableName(match[1]!), header: i, end: lines.length });
      }
    }
    for (const quote of ['"""', "'''"]) {
      const count = line.split(quote).length - 1;
      if (count % 2 === 1 && (inString === null || inString === quote)) inString = inString === null ? quote : null;
    }
  }
  return out;
}

export const section = (lines: string[], name: string): TomlSection | undefined =>
  sections(lines).find((s) => s.name === name);

/** The line `key = ...` of a section, if any. */
export function keyLine(lines: string[], sec: TomlSection, key: string): number | undefined {
  const pattern = new RegExp(`^\\s*["']?${key.replace(/[.-]/g, '\\$&')}["']?\\s*=`);
  for (let i = sec.header + 1; i < sec.end; i++) if (pattern.test(lines[i]!)) return i;
  return undefined;
}

/** The array of strings `key = [...]` of a section: its lines and its items. */
export function stringArray(lines: string[], sec: TomlSection, key: string): TomlArray | undefined {
  const open = keyLine(lines, sec, key);
  if (open === undefined) return undefined;
  const first = lines[open]!;
  const bracket = first.indexOf('[', first.indexOf('='));
  if (bracket === -1) return undefined;
  const rest = first.slice(bracket + 1);
  if (/\]\s*(#.*)?$/.test(rest)) {
    // One line: `dev = ["a", "b"]`.
    const items = [...rest.matchAll(/"(?:[^"\\]|\\.)*"|'[^']*'/g)].map((m) => ({ line: open, value: unquote(m[0]) }));
    return { open, close: open, items };
  }
  const items: TomlArrayItem[] = [];
  for (let i = open + 1; i < sec.end; i++) {
    const line = lines[i]!;
    if (/^\s*\]/.test(line)) return { open, close: i, items };
    const match = STRING_ITEM.exec(line);
    if (match) items.push({ line: i, value: unquote(match[1]!) });
  }
  return undefined;
}

/** The distribution name of a requirement (`boto3>=1.28` -> `boto3`), normalised. */
export const requirementName = (requirement: string): string =>
  requirement
    .trim()
    .split(/[\s<>=!~;[(@]/)[0]!
    .toLowerCase()
    .replace(/[_.]+/g, '-');

/**
 * Inserts `requirement` into the array: after the first item `after` accepts (else as the last
 * item), in the array's own style (one item per line with its indentation, or one line).
 * Changes `lines` in place.
 */
export function insertItem(
  lines: string[],
  array: TomlArray,
  requirement: string,
  after: (value: string) => boolean,
): void {
  const literal = JSON.stringify(requirement);
  if (array.open === array.close) {
    const line = lines[array.open]!;
    const close = line.lastIndexOf(']');
    const anchor = array.items.find((item) => after(item.value));
    if (anchor) {
      const quoted = [...line.matchAll(/"(?:[^"\\]|\\.)*"|'[^']*'/g)].find((m) => unquote(m[0]) === anchor.value)!;
      const at = quoted.index + quoted[0].length;
      lines[array.open] = `${line.slice(0, at)}, ${literal}${line.slice(at)}`;
    } else {
      const inner = line.slice(line.indexOf('[', line.indexOf('=')) + 1, close).trim();
      lines[array.open] =
        `${line.slice(0, close).replace(/\s*,?\s*$/, inner === '' ? '' : ', ')}${literal}${line.slice(close)}`;
    }
    return;
  }
  const anchor = array.items.find((item) => after(item.value)) ?? array.items.at(-1);
  const indent = anchor ? /^\s*/.exec(lines[anchor.line]!)![0] : '    ';
  const at = anchor ? anchor.line : array.open;
  // The item before the new one needs its comma (a last item may have none).
  if (anchor && !/,\s*(#.*)?$/.test(lines[at]!))
    lines[at] = lines[at]!.replace(/^(\s*("(?:[^"\\]|\\.)*"|'[^']*'))/, '$1,');
  lines.splice(at + 1, 0, `${indent}${literal},`);
}
