// Values that end up inside generated Python, TOML or YAML go through these functions, never
// through string concatenation: a description with quotes, backslashes, newlines or `{{` must
// still produce valid code.
import { stringify } from 'yaml';
import { yaml11Type } from '../validate/yaml.ts';

export type Literal = string | number | boolean | null | undefined | Literal[] | { [key: string]: Literal };

/**
 * A Python string literal with every character that needs it escaped: double-quoted, or
 * single-quoted when that needs fewer escapes (what `ruff format` would make of it).
 */
export function pyString(value: string): string {
  const quote = [...value].filter((c) => c === '"').length > [...value].filter((c) => c === "'").length ? "'" : '"';
  let out = quote;
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f || (code >= 0x80 && code < 0xa0) || code === 0x2028 || code === 0x2029) {
      out += code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
    } else out += ch;
  }
  return out + quote;
}

/**
 * A call with keyword arguments, as `ruff format` lays it out at line length `width`: on one line
 * when it fits; else its arguments on one line of their own; else one a line, with a trailing comma.
 */
export function pyCall(callee: string, args: Record<string, Literal>, width = 120): string {
  return layoutCallAt(
    callee,
    Object.entries(args).map(([k, v]) => `${k}=${pyLiteral(v)}`),
    0,
    '',
    width,
  );
}

/**
 * `head(arguments)`, its arguments already Python, as `ruff format` lays it out on a line indented
 * by `indent` and followed by `tail` (a comma): on one line when it fits; else its arguments on
 * one line of their own; else one a line, with a trailing comma. The first line is not indented,
 * the others by `written` (a template's partial indents its lines itself: 0 there).
 */
export function layoutCallAt(
  head: string,
  args: string[],
  indent: number,
  tail = '',
  width = 120,
  written = indent,
): string {
  const flat = `${head}(${args.join(', ')})`;
  if (indent + flat.length + tail.length <= width) return `${flat}${tail}`;
  const inner = ' '.repeat(written + 4);
  const close = `${' '.repeat(written)})${tail}`;
  const hugged = `${inner}${args.join(', ')}`;
  // One argument stays hugged however long (ruff cannot split a string); more go one a line.
  if (indent - written + hugged.length <= width || args.length === 1) return `${head}(\n${hugged}\n${close}`;
  return `${head}(\n${args.map((a) => `${inner}${a},\n`).join('')}${close}`;
}

/** Items in parentheses, one a line with a trailing comma: how ruff splits a top-level line too long. */
const oneALine = (items: string[]): string => `(\n${items.map((i) => `    ${i},\n`).join('')})`;

/**
 * `from module import a, b`, as ruff's isort and `ruff format` lay it out at line length `width`:
 * on one line when it fits, else one name a line in parentheses, with a trailing comma.
 */
export function pyImport(module: string, names: string[], width = 120): string {
  const flat = `from ${module} import ${names.join(', ')}`;
  return flat.length <= width ? flat : `from ${module} import ${oneALine(names)}`;
}

/** A Python tuple of strings, as `ruff format` writes it: `()`, `("a",)`, `("a", "b")`. */
export function pyTuple(values: string[], column?: number, width = 120): string {
  const flat = values.length === 1 ? `(${pyString(values[0]!)},)` : `(${values.map(pyString).join(', ')})`;
  // At the end of a top-level line that starts `column` characters before it: one item a line
  // when the line would pass `width`, as ruff format splits it.
  if (column === undefined || column + flat.length <= width) return flat;
  return oneALine(values.map(pyString));
}

/** A Python expression for a JSON-like value, on one line. */
export function pyLiteral(value: Literal): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`cannot write ${value} as a Python literal`);
    return String(value);
  }
  if (typeof value === 'string') return pyString(value);
  if (Array.isArray(value)) return `[${value.map(pyLiteral).join(', ')}]`;
  return `{${Object.entries(value)
    .map(([k, v]) => `${pyString(k)}: ${pyLiteral(v)}`)
    .join(', ')}}`;
}

/**
 * Like pyLiteral, but breaks dicts and lists over lines, black style, when the line would pass
 * `width`. `indent` is the column the value's line starts at; `prefix` the characters before it.
 */
export function pyBlock(value: Literal, indent = 0, width = 100, prefix = 0): string {
  const flat = pyLiteral(value);
  if (indent + prefix + flat.length + 1 <= width || value === null || typeof value !== 'object') return flat;
  const pad = ' '.repeat(indent + 4);
  const items = Array.isArray(value)
    ? value.map((v) => `${pad}${pyBlock(v, indent + 4, width)},`)
    : Object.entries(value).map(
        ([k, v]) => `${pad}${pyString(k)}: ${pyBlock(v, indent + 4, width, pyString(k).length + 2)},`,
      );
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  return `${open}\n${items.join('\n')}\n${' '.repeat(indent)}${close}`;
}

/** A module docstring: triple-quoted when that is safe and readable, else an escaped literal. */
export function pyDocstring(value: string): string {
  const text = value.trim();
  const plain = !/["\\]|[\x00-\x08\x0b-\x1f\x7f]/.test(text) && !text.includes('\r');
  return plain ? `"""${text}"""` : pyString(text);
}

/** A TOML basic string. */
export function tomlString(value: string): string {
  // TOML basic strings share JSON's escapes for the characters that need them.
  return JSON.stringify(value).replace(/[\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Collapse whitespace so a value can sit on one line of prose (README, comments). */
export function oneLine(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}

// YAML. Every YAML file this tool writes must read the same in the yaml package (YAML 1.2) and in
// PyYAML (YAML 1.1, what Dagster reads its files with): a string stays plain only when both read it
// as that string; otherwise it is double-quoted with escapes (or, over several lines, a literal block).

/** Characters PyYAML refuses raw (non-printable) or reads as a line break, and tabs and CRs. */
const YAML_ESCAPE = /[^\n\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]|[\u2028\u2029\ufeff]/u;

/** A YAML double-quoted string: JSON's escapes, which YAML shares, plus the characters above. */
function yamlQuoted(value: string): string {
  return JSON.stringify(value).replace(
    /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * A word the yaml package writes plain (a letter or `_`, then letters, digits and `_./-`: no
 * indicator, space, colon or `#`), unless it reads as another type; only `true`, `null` and their
 * like do, and YAML 1.1 reads those so too. Decided without asking the yaml package: its first
 * stringify in a process runs cold, a few milliseconds of a generation.
 */
const PLAIN_WORD = /^[A-Za-z_][\w./-]*$/;

/**
 * Words of those characters (and `*`, as in a cron schedule `0 6 * * *`) joined by single spaces,
 * not starting with `-` or a document marker: plain too, as nothing YAML reads as a number, date,
 * boolean or null has a space without a colon.
 */
const PLAIN_WORDS = /^(?!\.\.\.)[\w./][\w./*-]*(?: [\w./*-]+)+$/;
/** A version (`0.1.0`): numbers joined by two dots or more, which no YAML number has. */
const VERSION = /^\d+(?:\.\d+){2,}$/;
/** What no plain scalar can be: it holds a `: ` or ` #`, ends in a colon or a space, or starts with an indicator or a space. */
const NEVER_PLAIN = /: | #|[:\s]$|^[\s!&*'"%@`|>#]/;

/** A string on one line: plain when YAML 1.1 and 1.2 read it back unchanged, else double-quoted. */
function yamlLine(value: string): string {
  if (PLAIN_WORD.test(value)) return yaml11Type(value) === undefined ? value : yamlQuoted(value);
  if (PLAIN_WORDS.test(value) || VERSION.test(value)) return value;
  if (NEVER_PLAIN.test(value)) return yamlQuoted(value);
  // Flow indicators are quoted too (the helper writes into flow lists), and so is what PyYAML
  // reads as an indicator in a flow list (a leading - ? or :; a trailing : is NEVER_PLAIN's).
  const plain =
    !YAML_ESCAPE.test(value) &&
    !/[\n,[\]{}]|^[-?:]/.test(value) &&
    yaml11Type(value) === undefined &&
    stringify(value, { lineWidth: 0 }).trimEnd() === value;
  return plain ? value : yamlQuoted(value);
}

/** A scalar, or a flow list or mapping of them, on one line: what the templates' `yaml` helper writes. */
export function yamlValue(value: Literal): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`cannot write ${value} as a YAML literal`);
    return String(value);
  }
  if (typeof value === 'string') return yamlLine(value);
  if (Array.isArray(value)) return `[${value.map(yamlValue).join(', ')}]`;
  return `{${Object.entries(value)
    .map(([k, v]) => `${yamlLine(k)}: ${yamlValue(v)}`)
    .join(', ')}}`;
}

/** A string as a mapping value at `indent`: a literal block when it spans lines and reads back the same, else one line. */
function yamlBlockString(value: string, indent: number): string {
  const lines = value.split('\n');
  const literal =
    lines.length > 1 &&
    !YAML_ESCAPE.test(value) &&
    lines.every((line) => line === '' || !/^\s/.test(line)) &&
    lines[0] !== '' &&
    lines[lines.length - 1] !== '';
  if (!literal) return ` ${yamlLine(value)}`;
  const pad = ' '.repeat(indent + 2);
  return ` |-\n${lines.map((line) => (line === '' ? '' : pad + line)).join('\n')}`;
}

/** A YAML document for a mapping (block style), e.g. an answers file; ends with a newline. */
export function yamlDocument(value: { [key: string]: Literal }, indent = 0): string {
  const pad = ' '.repeat(indent);
  let out = '';
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined) continue;
    out += `${pad}${yamlLine(key)}:`;
    if (Array.isArray(item)) {
      out += item.length === 0 ? ' []\n' : `\n${item.map((v) => `${pad}  - ${yamlValue(v)}`).join('\n')}\n`;
    } else if (item !== null && typeof item === 'object') {
      out += Object.keys(item).length === 0 ? ' {}\n' : `\n${yamlDocument(item, indent + 2)}`;
    } else {
      out += `${typeof item === 'string' ? yamlBlockString(item, indent) : ` ${yamlValue(item)}`}\n`;
    }
  }
  return out;
}
